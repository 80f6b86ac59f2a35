// SPDX-License-Identifier: GPL-2.0
/*
 * Migrate pfns with large folios (7.3 drivers): the allocator initialises
 * the folio of the page it returns with zone_device_folio_init(), the
 * pagemap argument being the page's own, and compound destinations carry
 * MIGRATE_PFN_COMPOUND next to the encoded page.  The page's pagemap stays
 * (it is the libdevpriv chunk's); the encoding of the device page changes,
 * the system page of the way back keeps migrate_pfn().
 */
#include <linux/memremap.h>
#include <linux/migrate.h>

struct fa_dev {
	spinlock_t lock;
	struct folio *free_folios;
	struct dev_pagemap pagemap;
};

static void fa_setup(struct fa_dev *d)
{
	d->pagemap.type = MEMORY_DEVICE_PRIVATE;
}

static struct page *fa_alloc_page(struct fa_dev *d, unsigned int order)
{
	struct page *page;

	spin_lock(&d->lock);
	page = folio_page(d->free_folios, 0);
	d->free_folios = page->zone_device_data;
	spin_unlock(&d->lock);
	zone_device_folio_init(page_folio(page),
			       page_pgmap(folio_page(page_folio(page), 0)),
			       order);
	return page;
}

static unsigned long fa_copy_to_dev(struct fa_dev *d, unsigned long src)
{
	struct page *dpage;
	unsigned long dst;

	if (!(src & MIGRATE_PFN_MIGRATE))
		return 0;
	dpage = fa_alloc_page(d, src & MIGRATE_PFN_COMPOUND ? 9 : 0);
	if (!dpage)
		return 0;
	dst = migrate_pfn(page_to_pfn(dpage));
	if (src & MIGRATE_PFN_COMPOUND)
		dst |= MIGRATE_PFN_COMPOUND;
	return dst;
}

static unsigned long fa_copy_to_ram(struct vm_fault *vmf, unsigned long src)
{
	struct page *spage, *dpage;
	unsigned int order;

	spage = migrate_pfn_to_page(src);
	if (!spage)
		return 0;
	order = folio_order(page_folio(spage));
	dpage = folio_page(vma_alloc_folio(GFP_HIGHUSER, order, vmf->vma,
					   vmf->address), 0);
	if (!dpage)
		return 0;
	return migrate_pfn(page_to_pfn(dpage)) |
	       (order ? MIGRATE_PFN_COMPOUND : 0);
}
