// SPDX-License-Identifier: GPL-2.0
/*
 * Private-only registration checked with IS_ERR_OR_NULL(), the error code
 * chosen by an if/else on the pointer (test_hmm style, without the
 * coherent branch).
 */
#include <linux/memremap.h>
#include <linux/slab.h>

struct blk_chunk {
	struct dev_pagemap pagemap;
	int id;
};

static const struct dev_pagemap_ops blk_ops;

static int blk_chunk_add(struct blk_chunk *c, unsigned long size)
{
	struct resource *res = NULL;
	void *ptr;
	int ret = -ENOMEM;

	res = request_free_mem_region(&iomem_resource, size, "blk");
	if (IS_ERR_OR_NULL(res))
		goto err;
	c->pagemap.range.start = res->start;
	c->pagemap.range.end = res->end;
	c->pagemap.type = MEMORY_DEVICE_PRIVATE;
	c->pagemap.nr_range = 1;
	c->pagemap.ops = &blk_ops;
	c->pagemap.owner = c;

	ptr = memremap_pages(&c->pagemap, numa_node_id());
	if (IS_ERR_OR_NULL(ptr)) {
		if (ptr)
			ret = PTR_ERR(ptr);
		else
			ret = -EFAULT;
		goto err_release;
	}
	return 0;

err_release:
	release_mem_region(c->pagemap.range.start,
			   range_len(&c->pagemap.range));
err:
	return ret;
}
