// SPDX-License-Identifier: GPL-2.0
/*
 * A device folio initialised where the function has no failure exit (it
 * returns nothing): devpriv_folio_init() can fail once the pagemap is
 * dying, and the port cannot invent what the driver should do then, so
 * the site is left and reported.  The driver migrates single pages only:
 * its pagemap declares no folio order.
 */
#include <linux/memremap.h>

struct fn_dev {
	struct dev_pagemap pagemap;
	struct page *free_pages;
};

static const struct dev_pagemap_ops fn_pagemap_ops;

static int fn_register(struct fn_dev *d)
{
	struct resource *res;
	void *ptr;

	res = request_free_mem_region(&iomem_resource, SZ_64M, "fn");
	if (IS_ERR(res))
		return PTR_ERR(res);
	d->pagemap.type = MEMORY_DEVICE_PRIVATE;
	d->pagemap.range.start = res->start;
	d->pagemap.range.end = res->end;
	d->pagemap.nr_range = 1;
	d->pagemap.ops = &fn_pagemap_ops;
	ptr = memremap_pages(&d->pagemap, numa_node_id());
	if (IS_ERR(ptr)) {
		release_mem_region(res->start, resource_size(res));
		return PTR_ERR(ptr);
	}
	return 0;
}

static void fn_init_page(struct page *page)
{
	zone_device_folio_init(page_folio(page), page_pgmap(page), 0);
}
