// SPDX-License-Identifier: GPL-2.0
/*
 * A copy of the range start kept in another member (Xe hpa_base): the
 * device address of a page is computed against the copy, and block
 * offsets are turned into page numbers with it.  Both keep working once
 * the copy holds the base offset in bytes.
 */
#include <linux/memremap.h>

struct hb_region {
	struct dev_pagemap pagemap;
	u64 hpa_base;
	u64 dpa_base;
};

static void hb_setup(struct hb_region *vr, struct resource *res)
{
	vr->pagemap.type = MEMORY_DEVICE_PRIVATE;
	vr->hpa_base = vr->pagemap.range.start;
}

static u64 hb_page_to_dpa(struct hb_region *vr, struct page *page)
{
	u64 pfn = page_to_pfn(page);
	u64 offset;

	WARN_ON(!is_device_private_page(page));
	offset = (pfn << PAGE_SHIFT) - vr->hpa_base;
	return vr->dpa_base + offset;
}

static u64 hb_block_offset_to_pfn(struct hb_region *vr, u64 offset)
{
	return PHYS_PFN(offset + vr->hpa_base);
}
