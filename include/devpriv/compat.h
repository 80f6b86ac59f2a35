/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libdevpriv: the kernel API churn device-private drivers meet, behind one
 * name each.  The capability macros come from libdevpriv/conftest.sh,
 * generated for the kernel being built for (see libdevpriv/devpriv.mk).
 */
#ifndef _DEVPRIV_COMPAT_H
#define _DEVPRIV_COMPAT_H

#include <linux/memremap.h>
#include <linux/mm.h>

#include <devpriv-conftest.h>

#ifdef __KERNEL__
#include <linux/rmap.h>
#include <linux/swapops.h>
#ifdef DEVPRIV_HAVE_SOFTLEAF
#include <linux/leafops.h>
#endif
#endif

#if !defined(DEVPRIV_ZONE_DEVICE_PAGE_INIT_1) && \
	!defined(DEVPRIV_ZONE_DEVICE_PAGE_INIT_2) && \
	!defined(DEVPRIV_ZONE_DEVICE_PAGE_INIT_3)
#error "libdevpriv: unsupported zone_device_page_init() (see conftest.sh)"
#endif

/*
 * Symbol namespaces are string literals from 6.13.  Spelling the namespace
 * as a macro keeps MODULE_IMPORT_NS(DEVPRIV), which drivers (and the
 * Coccinelle ports) write, valid on both sides of the change.
 */
#ifndef DEVPRIV_HAVE_EXPORT_NS_IDENT
#define DEVPRIV				"DEVPRIV"
#endif

/*
 * The dev_pagemap_ops member core mm calls when the last reference to a
 * page (a folio, from 6.19) goes, for code that fills in a struct
 * dev_pagemap_ops of its own.
 */
#ifdef DEVPRIV_HAVE_PGMAP_FOLIO_FREE
#define devpriv_free_op			folio_free
#else
#define devpriv_free_op			page_free
#endif

/*
 * Allocate one object sized and typed by @P (an lvalue such as *ptr):
 * kmalloc_obj() and friends where the kernel has them, which newer
 * checkpatch asks for, the sizeof() form elsewhere.
 */
#ifdef DEVPRIV_HAVE_KMALLOC_OBJ
#define devpriv_kmalloc_obj(P, gfp)	kmalloc_obj(P, gfp)
#define devpriv_kzalloc_obj(P, gfp)	kzalloc_obj(P, gfp)
#define devpriv_kvzalloc_obj(P, gfp)	kvzalloc_obj(P, gfp)
#else
#define devpriv_kmalloc_obj(P, gfp)	kmalloc(sizeof(P), gfp)
#define devpriv_kzalloc_obj(P, gfp)	kzalloc(sizeof(P), gfp)
#define devpriv_kvzalloc_obj(P, gfp)	kvzalloc(sizeof(P), gfp)
#endif

/**
 * devpriv_page_pgmap() - the dev_pagemap of a ZONE_DEVICE page
 * @page: a ZONE_DEVICE page
 *
 * Context: any context.
 * Return: page->pgmap, or page_pgmap() where the field moved.
 */
static inline struct dev_pagemap *devpriv_page_pgmap(const struct page *page)
{
#ifdef DEVPRIV_HAVE_PAGE_PGMAP
	return page_pgmap(page);
#else
	return page->pgmap;
#endif
}

/**
 * devpriv_page_set_pgmap() - point a ZONE_DEVICE page at its dev_pagemap
 * @page: a page that is not part of a large folio
 * @pgmap: its pagemap
 *
 * For backends that create struct pages themselves rather than through
 * memremap_pages(); the field moved from the page to the folio in 6.14.
 *
 * Context: any context; nobody else may use @page yet.
 */
static inline void devpriv_page_set_pgmap(struct page *page,
					  struct dev_pagemap *pgmap)
{
#ifdef DEVPRIV_HAVE_PAGE_PGMAP
	page_folio(page)->pgmap = pgmap;
#else
	page->pgmap = pgmap;
#endif
}

/**
 * devpriv_zone_device_page_init() - hand out a free device-private page
 * @page: a free page of a libdevpriv pagemap
 *
 * Takes the first reference, as the driver's page allocator must before
 * the page is used; zone_device_page_init() gained an order argument when
 * device-private folios could be large.
 *
 * Context: any context.
 */
static inline void devpriv_zone_device_page_init(struct page *page)
{
#if defined(DEVPRIV_ZONE_DEVICE_PAGE_INIT_3)
	/* the pgmap is that of the chunk, set when the page was created */
	zone_device_page_init(page, page_pgmap(page), 0);
#elif defined(DEVPRIV_ZONE_DEVICE_PAGE_INIT_2)
	zone_device_page_init(page, 0);
#else
	zone_device_page_init(page);
#endif
}

/*
 * Large device-private folios: the core migrates a PMD-sized anonymous
 * folio to and from device-private memory whole, and splits a device folio
 * through dev_pagemap_ops.folio_split.  Where the kernel cannot, the
 * migrate flags are 0, so that a driver's large-folio branch compiles and
 * is never taken.
 */
#if defined(DEVPRIV_HAVE_ZONE_DEVICE_FOLIO_INIT) && \
	defined(DEVPRIV_HAVE_MIGRATE_PFN_COMPOUND) && \
	defined(DEVPRIV_HAVE_PGMAP_FOLIO_SPLIT) && \
	defined(CONFIG_TRANSPARENT_HUGEPAGE)
#define DEVPRIV_HAVE_LARGE_FOLIOS	1
#define DEVPRIV_MIGRATE_PFN_COMPOUND	MIGRATE_PFN_COMPOUND
#define DEVPRIV_MIGRATE_VMA_SELECT_COMPOUND	MIGRATE_VMA_SELECT_COMPOUND
/* the largest folio the core migrates to and from device memory */
#define DEVPRIV_FOLIO_ORDER_MAX		HPAGE_PMD_ORDER
#else
#define DEVPRIV_MIGRATE_PFN_COMPOUND	0UL
#define DEVPRIV_MIGRATE_VMA_SELECT_COMPOUND	0
#define DEVPRIV_FOLIO_ORDER_MAX		0
#endif

/**
 * devpriv_zone_device_folio_init() - hand out a free device folio
 * @folio: the first page of a free, naturally aligned run of 1 << @order
 *	pages of one pagemap, as a folio
 * @pgmap: the pagemap of those pages
 * @order: log2 of the pages; at most %DEVPRIV_FOLIO_ORDER_MAX
 *
 * zone_device_folio_init() where the kernel has it, which makes the run one
 * compound folio; zone_device_page_init() elsewhere, where @order is 0.
 * The folio comes back locked with one reference.
 *
 * Context: any context.
 */
static inline void devpriv_zone_device_folio_init(struct folio *folio,
						  struct dev_pagemap *pgmap,
						  unsigned int order)
{
#ifdef DEVPRIV_HAVE_ZONE_DEVICE_FOLIO_INIT
	zone_device_folio_init(folio, pgmap, order);
#else
	/* every device folio is a page here, which carries its pgmap */
	WARN_ON_ONCE(order);
	devpriv_zone_device_page_init(&folio->page);
#endif
}

#ifdef __KERNEL__
/**
 * devpriv_make_device_exclusive() - give the device exclusive access to a page
 * @mm: the mm, with its mmap lock held for read
 * @addr: page-aligned user address of the page
 * @owner: the device's pagemap owner, passed to the mmu notifiers
 * @foliop: output: the folio of the returned page
 *
 * make_device_exclusive() of 6.15 and later, built on
 * make_device_exclusive_range() where that is what the kernel has.  The
 * CPU page table entry becomes a device-exclusive entry that faults back on
 * CPU access.
 *
 * Context: process context; sleeps.  The mmap lock of @mm held for read.
 * Return: the page, locked and with a reference on its folio, which the
 * caller drops with folio_unlock() and folio_put(); or an ERR_PTR().
 */
static inline struct page *devpriv_make_device_exclusive(struct mm_struct *mm,
							 unsigned long addr,
							 void *owner,
							 struct folio **foliop)
{
#ifdef DEVPRIV_HAVE_MAKE_DEVICE_EXCLUSIVE
	return make_device_exclusive(mm, addr, owner, foliop);
#else
	struct page *page = NULL;
	int got;

	got = make_device_exclusive_range(mm, addr, addr + PAGE_SIZE, &page,
					  owner);
	if (got < 0)
		return ERR_PTR(got);
	if (got != 1 || !page)
		return ERR_PTR(-EBUSY);
	*foliop = page_folio(page);
	return page;
#endif
}

/* The swap type of device-exclusive entries: one type from 6.15. */
#ifdef DEVPRIV_HAVE_SWP_DEVICE_EXCLUSIVE
#define DEVPRIV_SWP_DEVICE_EXCLUSIVE	SWP_DEVICE_EXCLUSIVE
#else
#define DEVPRIV_SWP_DEVICE_EXCLUSIVE	SWP_DEVICE_EXCLUSIVE_READ
#endif

/*
 * Swap entries that carry a pfn: the swapops helpers until softleaf_t
 * (linux/leafops.h) replaced them in 6.19.
 */

/**
 * devpriv_swp_entry_has_pfn() - does a swap entry carry a pfn?
 * @entry: a non-present PTE's swap entry
 *
 * Context: any context.
 * Return: true for migration, device-private, device-exclusive and
 * hwpoison entries.
 */
static inline bool devpriv_swp_entry_has_pfn(swp_entry_t entry)
{
#ifdef DEVPRIV_HAVE_SOFTLEAF
	return softleaf_has_pfn(entry);
#else
	return is_pfn_swap_entry(entry);
#endif
}

/**
 * devpriv_swp_entry_to_pfn() - the pfn of a pfn-carrying swap entry
 * @entry: a swap entry for which devpriv_swp_entry_has_pfn() is true
 *
 * Context: any context.
 * Return: the pfn.
 */
static inline unsigned long devpriv_swp_entry_to_pfn(swp_entry_t entry)
{
#ifdef DEVPRIV_HAVE_SOFTLEAF
	return softleaf_to_pfn(entry);
#else
	return swp_offset_pfn(entry);
#endif
}

/**
 * devpriv_swp_entry_to_page() - the page of a pfn-carrying swap entry
 * @entry: a swap entry for which devpriv_swp_entry_has_pfn() is true
 *
 * Context: any context.
 * Return: the page.
 */
static inline struct page *devpriv_swp_entry_to_page(swp_entry_t entry)
{
#ifdef DEVPRIV_HAVE_SOFTLEAF
	return softleaf_to_page(entry);
#else
	return pfn_swap_entry_to_page(entry);
#endif
}

/**
 * devpriv_is_device_private_entry() - is a swap entry device-private?
 * @entry: a non-present PTE's swap entry
 * @write: output, may be NULL: whether the entry allows writes
 *
 * Context: any context.
 * Return: true for a device-private entry, readable or writable.
 */
static inline bool devpriv_is_device_private_entry(swp_entry_t entry,
						   bool *write)
{
#ifdef DEVPRIV_HAVE_SOFTLEAF
	if (write)
		*write = softleaf_is_device_private_write(entry);
	return softleaf_is_device_private(entry);
#else
	if (write)
		*write = is_writable_device_private_entry(entry);
	return is_device_private_entry(entry);
#endif
}
#endif /* __KERNEL__ */

#endif /* _DEVPRIV_COMPAT_H */
