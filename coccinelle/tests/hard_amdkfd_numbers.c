// SPDX-License-Identifier: GPL-2.0
/*
 * amdkfd kfd_migrate.c shape, shared PRIVATE/COHERENT: device numbers
 * made from a VRAM address and the range start by a helper.  Where the
 * caller passes the object the pagemap hangs off, the conversion asks the
 * pagemap type; where a bare number reaches pfn_to_page() or
 * migrate_pfn() with no pagemap in sight, the site is reported.
 */
#include <linux/memremap.h>
#include <linux/migrate.h>

struct nk_dev {
	struct dev_pagemap pgmap;
};

struct nk_adev {
	struct nk_dev *kdev;
};

static void nk_setup(struct nk_dev *kdev, bool coherent)
{
	struct dev_pagemap *pgmap = &kdev->pgmap;

	if (coherent)
		pgmap->type = MEMORY_DEVICE_COHERENT;
	else
		pgmap->type = MEMORY_DEVICE_PRIVATE;
}

unsigned long nk_addr_to_pfn(struct nk_adev *adev, unsigned long addr)
{
	return (addr + adev->kdev->pgmap.range.start) >> PAGE_SHIFT;
}

static void nk_get_vram_page(void *owner, unsigned long pfn)
{
	struct page *page;

	page = pfn_to_page(pfn);
	page->zone_device_data = owner;
	zone_device_page_init(page);
}

static void nk_put_vram_page(struct nk_adev *adev, unsigned long addr)
{
	struct page *page;

	page = pfn_to_page(nk_addr_to_pfn(adev, addr));
	unlock_page(page);
	put_page(page);
}

static unsigned long nk_page_addr(struct nk_adev *adev, struct page *page)
{
	unsigned long addr;

	addr = page_to_pfn(page) << PAGE_SHIFT;
	return addr - adev->kdev->pgmap.range.start;
}

static void nk_copy_to_vram(struct nk_adev *adev, void *owner,
			    struct migrate_vma *migrate, u64 *dst)
{
	unsigned long i;

	for (i = 0; i < migrate->npages; i++) {
		migrate->dst[i] = nk_addr_to_pfn(adev, dst[i]);
		nk_get_vram_page(owner, migrate->dst[i]);
		migrate->dst[i] = migrate_pfn(migrate->dst[i]);
	}
}
