// SPDX-License-Identifier: GPL-2.0
/*
 * The window is released with each spelling of its size drivers use:
 * range_len(), resource_size(), the requested size, end - start + 1.
 */
#include <linux/memremap.h>

struct rs_dev {
	struct dev_pagemap pagemap;
	unsigned long size;
	int variant;
};

static const struct dev_pagemap_ops rs_ops;

int rs_init(struct rs_dev *d)
{
	struct resource *res;
	void *addr;

	res = request_free_mem_region(&iomem_resource, d->size, "rs");
	if (IS_ERR(res))
		return PTR_ERR(res);
	d->pagemap.type = MEMORY_DEVICE_PRIVATE;
	d->pagemap.range.start = res->start;
	d->pagemap.range.end = res->end;
	d->pagemap.nr_range = 1;
	d->pagemap.ops = &rs_ops;
	d->pagemap.owner = d;
	addr = memremap_pages(&d->pagemap, NUMA_NO_NODE);
	if (IS_ERR(addr)) {
		release_mem_region(res->start, resource_size(res));
		return PTR_ERR(addr);
	}
	return 0;
}

void rs_fini(struct rs_dev *d)
{
	memunmap_pages(&d->pagemap);
	switch (d->variant) {
	case 0:
		release_mem_region(d->pagemap.range.start,
				   range_len(&d->pagemap.range));
		break;
	case 1:
		release_mem_region(d->pagemap.range.start, d->size);
		break;
	default:
		release_mem_region(d->pagemap.range.start,
				   d->pagemap.range.end -
				   d->pagemap.range.start + 1);
		break;
	}
}
