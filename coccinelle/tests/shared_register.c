// SPDX-License-Identifier: GPL-2.0
/*
 * PRIVATE and COHERENT share the chunk code, test_hmm shape: the switch
 * sets up the range per type, memremap_pages() is common, the error path
 * and the teardown release the window of the private type only.  Only the
 * private branch moves: to the devpriv_pagemap sibling.
 */
#include <linux/memremap.h>
#include <linux/slab.h>

#define SIM_CHUNK_SIZE (256UL << 20)

struct sim_chunk {
	struct dev_pagemap pagemap;
	struct sim_dev *sdev;
};

static const struct dev_pagemap_ops sim_ops;
static unsigned long coherent_base;

static int sim_chunk_add(struct sim_dev *sdev, bool coherent)
{
	struct sim_chunk *chunk;
	struct resource *res = NULL;
	void *ptr;
	int ret = -ENOMEM;

	chunk = kzalloc(sizeof(*chunk), GFP_KERNEL);
	if (!chunk)
		return ret;

	switch (coherent) {
	case false:
		res = request_free_mem_region(&iomem_resource, SIM_CHUNK_SIZE,
					      "sim");
		if (IS_ERR_OR_NULL(res))
			goto err_chunk;
		chunk->pagemap.range.start = res->start;
		chunk->pagemap.range.end = res->end;
		chunk->pagemap.type = MEMORY_DEVICE_PRIVATE;
		break;
	case true:
		chunk->pagemap.range.start = coherent_base;
		chunk->pagemap.range.end = coherent_base + SIM_CHUNK_SIZE - 1;
		chunk->pagemap.type = MEMORY_DEVICE_COHERENT;
		break;
	}
	chunk->pagemap.nr_range = 1;
	chunk->pagemap.ops = &sim_ops;
	chunk->pagemap.owner = sdev;

	ptr = memremap_pages(&chunk->pagemap, numa_node_id());
	if (IS_ERR_OR_NULL(ptr)) {
		if (ptr)
			ret = PTR_ERR(ptr);
		else
			ret = -EFAULT;
		goto err_release;
	}
	chunk->sdev = sdev;
	return 0;

err_release:
	if (res && chunk->pagemap.type == MEMORY_DEVICE_PRIVATE)
		release_mem_region(chunk->pagemap.range.start,
				   range_len(&chunk->pagemap.range));
err_chunk:
	kfree(chunk);
	return ret;
}

static void sim_chunk_remove(struct sim_chunk *chunk)
{
	memunmap_pages(&chunk->pagemap);
	if (chunk->pagemap.type == MEMORY_DEVICE_PRIVATE)
		release_mem_region(chunk->pagemap.range.start,
				   range_len(&chunk->pagemap.range));
	kfree(chunk);
}

static struct sim_chunk *sim_page_to_chunk(struct page *page)
{
	return container_of(page->pgmap, struct sim_chunk, pagemap);
}
