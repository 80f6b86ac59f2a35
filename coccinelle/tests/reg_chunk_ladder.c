// SPDX-License-Identifier: GPL-2.0
/*
 * Private chunk allocated on demand, nouveau shape: the window is
 * requested, a buffer object is set up between request and remap, and the
 * error ladder releases the window.  The ladder loses the release step and
 * the label that only its error check used.
 */
#include <linux/memremap.h>
#include <linux/slab.h>

#define GPU_CHUNK_SIZE (2UL << 20)

struct gpu_chunk {
	struct list_head list;
	struct gpu_bo *bo;
	struct dev_pagemap pagemap;
};

static const struct dev_pagemap_ops gpu_pagemap_ops;

static int gpu_chunk_alloc(struct gpu_dev *gdev)
{
	struct gpu_chunk *chunk;
	struct resource *res;
	void *ptr;
	int ret;

	chunk = kzalloc(sizeof(*chunk), GFP_KERNEL);
	if (!chunk) {
		ret = -ENOMEM;
		goto out;
	}

	res = request_free_mem_region(&iomem_resource, GPU_CHUNK_SIZE,
				      "gpu_chunk");
	if (IS_ERR(res)) {
		ret = PTR_ERR(res);
		goto out_free;
	}

	chunk->pagemap.type = MEMORY_DEVICE_PRIVATE;
	chunk->pagemap.range.start = res->start;
	chunk->pagemap.range.end = res->end;
	chunk->pagemap.nr_range = 1;
	chunk->pagemap.ops = &gpu_pagemap_ops;
	chunk->pagemap.owner = gdev;

	ret = gpu_bo_new(gdev, GPU_CHUNK_SIZE, &chunk->bo);
	if (ret)
		goto out_release;

	ptr = memremap_pages(&chunk->pagemap, numa_node_id());
	if (IS_ERR(ptr)) {
		ret = PTR_ERR(ptr);
		goto out_bo;
	}

	list_add(&chunk->list, &gdev->chunks);
	return 0;

out_bo:
	gpu_bo_put(chunk->bo);
out_release:
	release_mem_region(chunk->pagemap.range.start,
			   range_len(&chunk->pagemap.range));
out_free:
	kfree(chunk);
out:
	return ret;
}

static void gpu_chunks_fini(struct gpu_dev *gdev)
{
	struct gpu_chunk *chunk, *tmp;

	list_for_each_entry_safe(chunk, tmp, &gdev->chunks, list) {
		gpu_bo_put(chunk->bo);
		list_del(&chunk->list);
		memunmap_pages(&chunk->pagemap);
		release_mem_region(chunk->pagemap.range.start,
				   range_len(&chunk->pagemap.range));
		kfree(chunk);
	}
}
