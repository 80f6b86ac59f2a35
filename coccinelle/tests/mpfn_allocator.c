// SPDX-License-Identifier: GPL-2.0
/*
 * Migrate pfns: to device, the destination page comes from the driver's
 * allocator (it zone_device_page_init()s the page it returns) and is
 * encoded with devpriv_migrate_pfn(); back to RAM, the destination is a
 * system page from alloc_page_vma() and keeps migrate_pfn().
 */
#include <linux/memremap.h>
#include <linux/migrate.h>

struct ma_dev {
	spinlock_t lock;
	struct page *free_pages;
	struct dev_pagemap pagemap;
};

static void ma_setup(struct ma_dev *d)
{
	d->pagemap.type = MEMORY_DEVICE_PRIVATE;
}

static struct page *ma_alloc_page(struct ma_dev *d)
{
	struct page *page;

	spin_lock(&d->lock);
	page = d->free_pages;
	if (page)
		d->free_pages = page->zone_device_data;
	spin_unlock(&d->lock);
	if (!page)
		return NULL;
	zone_device_page_init(page);
	return page;
}

static unsigned long ma_copy_to_dev(struct ma_dev *d, unsigned long src)
{
	struct page *dpage;

	if (!(src & MIGRATE_PFN_MIGRATE))
		return 0;
	dpage = ma_alloc_page(d);
	if (!dpage)
		return 0;
	return migrate_pfn(page_to_pfn(dpage));
}

static unsigned long ma_copy_to_ram(struct vm_fault *vmf, unsigned long src)
{
	struct page *spage, *dpage;

	spage = migrate_pfn_to_page(src);
	if (!spage)
		return 0;
	dpage = alloc_page_vma(GFP_HIGHUSER, vmf->vma, vmf->address);
	if (!dpage)
		return 0;
	return migrate_pfn(page_to_pfn(dpage));
}
