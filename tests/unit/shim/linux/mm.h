/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The corner of core mm that libdevpriv touches, for the unit tests.
 *
 * struct page is 64 bytes, as on x86_64 and arm64, and every page array of
 * the tests is allocated 64-byte aligned, so that page_to_pfn() and
 * pfn_to_page() can be the kernel's vmemmap add-and-shift with the vmemmap
 * at address 0: pfn = address / sizeof(struct page).  The zone lives in the
 * top bits of page->flags, as with the kernel's ZONES_PGSHIFT.
 *
 * Arch parameters are those of x86_64 with 4-level paging; the encode tests
 * cover the other layouts without this header.
 */
#ifndef _DEVPRIV_SHIM_LINUX_MM_H
#define _DEVPRIV_SHIM_LINUX_MM_H

#include <assert.h>
#include <stdint.h>
#include <linux/bits.h>
#include <linux/kernel.h>
#include <linux/numa.h>
#include <linux/types.h>

#define PAGE_SHIFT		12
#define PAGE_SIZE		BIT(PAGE_SHIFT)
#define PAGE_MASK		(~(PAGE_SIZE - 1))
#define PMD_SHIFT		21
#define MAX_PHYSMEM_BITS	46
/* from linux/swap.h, which libdevpriv reaches through linux/mm.h */
#define MAX_SWAPFILES_SHIFT	5

struct dev_pagemap;
struct vm_area_struct;

enum zone_type {
	ZONE_DMA32,
	ZONE_NORMAL,
	ZONE_MOVABLE,
	ZONE_DEVICE,
	__MAX_NR_ZONES
};

#define ZONES_WIDTH		3
#define ZONES_PGSHIFT		(BITS_PER_LONG - ZONES_WIDTH)
#define ZONES_MASK		((1UL << ZONES_WIDTH) - 1)

struct page {
	unsigned long flags;
	struct dev_pagemap *pgmap;
	void *zone_device_data;
	unsigned long private;
	unsigned long index;
	void *mapping;
	unsigned long memcg_data;
	int _refcount;
	int _mapcount;
};

static_assert(sizeof(struct page) == 64, "struct page is 64 bytes");

/* Device-private folios are single pages on 6.1. */
struct folio {
	struct page page;
};

static inline struct folio *page_folio(struct page *page)
{
	return (struct folio *)page;
}

static inline bool folio_test_large(const struct folio *folio)
{
	return false;
}

static inline unsigned int folio_order(const struct folio *folio)
{
	return 0;
}

static inline long folio_nr_pages(const struct folio *folio)
{
	return 1;
}

#define folio_page(folio, n)	(&(folio)->page + (n))

/* The kernel's is a __bitwise typedef; a plain integer will do here. */
#define vm_fault_t		unsigned int
#define VM_FAULT_SIGBUS		0x000002

struct vm_fault {
	struct vm_area_struct *vma;
	unsigned long address;
	struct page *page;
};

static inline enum zone_type page_zonenum(const struct page *page)
{
	return (page->flags >> ZONES_PGSHIFT) & ZONES_MASK;
}

static inline void set_page_zone(struct page *page, enum zone_type zone)
{
	page->flags &= ~(ZONES_MASK << ZONES_PGSHIFT);
	page->flags |= ((unsigned long)zone & ZONES_MASK) << ZONES_PGSHIFT;
}

static inline bool is_zone_device_page(const struct page *page)
{
	return page_zonenum(page) == ZONE_DEVICE;
}

static inline unsigned long page_to_pfn(const struct page *page)
{
	uintptr_t addr = (uintptr_t)page;

	WARN_ON_ONCE(addr % sizeof(struct page));
	return addr / sizeof(struct page);
}

static inline struct page *pfn_to_page(unsigned long pfn)
{
	return (struct page *)(uintptr_t)(pfn * sizeof(struct page));
}

#endif /* _DEVPRIV_SHIM_LINUX_MM_H */
