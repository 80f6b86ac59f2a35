// SPDX-License-Identifier: GPL-2.0
/*
 * Private-only allocators whose earlier failure is a "goto": the folio's
 * devpriv_folio_init() takes the same label, which undoes what the
 * function did before; but not where a lock was dropped between the two
 * (the label would unlock again): that site is reported.  No compound
 * migration: no folio order.
 */
#include <linux/memremap.h>

struct fg_dev {
	struct dev_pagemap pagemap;
	spinlock_t lock;
	struct page *free_pages;
	unsigned long nr_used;
};

static const struct dev_pagemap_ops fg_pagemap_ops;

static int fg_register(struct fg_dev *d)
{
	struct resource *res;
	void *ptr;

	res = request_free_mem_region(&iomem_resource, SZ_64M, "fg");
	if (IS_ERR(res))
		return PTR_ERR(res);
	d->pagemap.type = MEMORY_DEVICE_PRIVATE;
	d->pagemap.range.start = res->start;
	d->pagemap.range.end = res->end;
	d->pagemap.nr_range = 1;
	d->pagemap.ops = &fg_pagemap_ops;
	ptr = memremap_pages(&d->pagemap, numa_node_id());
	if (IS_ERR(ptr)) {
		release_mem_region(res->start, resource_size(res));
		return PTR_ERR(ptr);
	}
	return 0;
}

static struct page *fg_take(struct fg_dev *d)
{
	struct page *page;

	spin_lock(&d->lock);
	page = d->free_pages;
	if (page) {
		d->free_pages = page->zone_device_data;
		d->nr_used++;
	}
	spin_unlock(&d->lock);
	return page;
}

static int fg_alloc_one(struct fg_dev *d, struct page **ppage)
{
	struct page *page;
	int ret = -ENOMEM;

	page = fg_take(d);
	if (!page)
		goto err;
	ret = -ENODEV;
	zone_device_folio_init(page_folio(page), page_pgmap(page), 0);
	*ppage = page;
	return 0;

err:
	pr_debug("fg: no page: %d\n", ret);
	return ret;
}

static int fg_alloc_locked(struct fg_dev *d, struct page **ppage)
{
	struct page *page;
	int ret = -ENOMEM;

	spin_lock(&d->lock);
	page = d->free_pages;
	if (!page)
		goto err_unlock;
	d->free_pages = page->zone_device_data;
	d->nr_used++;
	spin_unlock(&d->lock);

	ret = -ENODEV;
	zone_device_folio_init(page_folio(page), page_pgmap(page), 0);
	*ppage = page;
	return 0;

err_unlock:
	spin_unlock(&d->lock);
	return ret;
}
