// SPDX-License-Identifier: GPL-2.0
/*
 * Page to index: page_to_pfn(page) minus the first pfn of the range, in
 * the page_free callback (ppc uvmem shape) and against PHYS_PFN() of the
 * range start.
 */
#include <linux/memremap.h>
#include <linux/bitmap.h>

static struct dev_pagemap slot_pgmap;
static unsigned long *slot_bitmap;

static void slot_page_free(struct page *page)
{
	unsigned long idx = page_to_pfn(page) -
			(slot_pgmap.range.start >> PAGE_SHIFT);

	bitmap_clear(slot_bitmap, idx, 1);
}

static unsigned long slot_index(struct page *page)
{
	return page_to_pfn(page) - PHYS_PFN(slot_pgmap.range.start);
}

static const struct dev_pagemap_ops slot_ops = {
	.page_free = slot_page_free,
};

static void slot_setup(void)
{
	slot_pgmap.type = MEMORY_DEVICE_PRIVATE;
	slot_pgmap.ops = &slot_ops;
}
