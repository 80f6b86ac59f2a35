// SPDX-License-Identifier: GPL-2.0
/*
 * One global private pagemap registered at init, ppc uvmem shape: the
 * window start and size are copied into pfn_first/pfn_last after
 * registration to size a bitmap; the error ladder releases by res and the
 * teardown function by the pagemap range.
 */
#include <linux/memremap.h>
#include <linux/slab.h>

static struct dev_pagemap sec_pgmap;
static unsigned long *sec_bitmap;
static const struct dev_pagemap_ops sec_ops;

int sec_mem_init(unsigned long size)
{
	struct resource *res;
	unsigned long pfn_first, pfn_last;
	void *addr;
	int ret = 0;

	res = request_free_mem_region(&iomem_resource, size, "sec_mem");
	if (IS_ERR(res)) {
		ret = PTR_ERR(res);
		goto out;
	}

	sec_pgmap.type = MEMORY_DEVICE_PRIVATE;
	sec_pgmap.range.start = res->start;
	sec_pgmap.range.end = res->end;
	sec_pgmap.nr_range = 1;
	sec_pgmap.ops = &sec_ops;
	sec_pgmap.owner = &sec_pgmap;
	addr = memremap_pages(&sec_pgmap, NUMA_NO_NODE);
	if (IS_ERR(addr)) {
		ret = PTR_ERR(addr);
		goto out_free_region;
	}

	pfn_first = res->start >> PAGE_SHIFT;
	pfn_last = pfn_first + (resource_size(res) >> PAGE_SHIFT);
	sec_bitmap = kcalloc(BITS_TO_LONGS(pfn_last - pfn_first),
			     sizeof(unsigned long), GFP_KERNEL);
	if (!sec_bitmap) {
		ret = -ENOMEM;
		goto out_unmap;
	}
	return 0;

out_unmap:
	memunmap_pages(&sec_pgmap);
out_free_region:
	release_mem_region(res->start, size);
out:
	return ret;
}

void sec_mem_free(void)
{
	memunmap_pages(&sec_pgmap);
	release_mem_region(sec_pgmap.range.start, range_len(&sec_pgmap.range));
	kfree(sec_bitmap);
}
