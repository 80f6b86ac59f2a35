// SPDX-License-Identifier: GPL-2.0
/*
 * zone_device_page_init() with its pagemap and order arguments (the 3-arg
 * form of 6.18 on): a page found from a stored device number is handed
 * out with the driver's global pagemap.  The number becomes an offset, and
 * the pagemap argument the page's own (a libdevpriv chunk's): the driver's
 * struct devpriv_pagemap is no struct dev_pagemap.
 */
#include <linux/memremap.h>

static struct dev_pagemap pi_pgmap;
static unsigned long pi_pfn_first;

static struct page *pi_get_page(unsigned long bit)
{
	struct page *dpage;

	dpage = pfn_to_page(bit + pi_pfn_first);
	zone_device_page_init(dpage, &pi_pgmap, 0);
	return dpage;
}

static int pi_init(unsigned long size)
{
	struct resource *res;
	void *addr;

	res = request_free_mem_region(&iomem_resource, size, "pi");
	if (IS_ERR(res))
		return PTR_ERR(res);
	pi_pgmap.type = MEMORY_DEVICE_PRIVATE;
	pi_pgmap.range.start = res->start;
	pi_pgmap.range.end = res->end;
	pi_pgmap.nr_range = 1;
	addr = memremap_pages(&pi_pgmap, NUMA_NO_NODE);
	if (IS_ERR(addr)) {
		release_mem_region(res->start, size);
		return PTR_ERR(addr);
	}
	pi_pfn_first = res->start >> PAGE_SHIFT;
	return 0;
}
