// SPDX-License-Identifier: GPL-2.0
/*
 * Device pfns stored in another structure and read back elsewhere (ppc
 * uvmem shape): the number is built from the range start and a bitmap
 * bit, stored, and turned back into a page whose zone_device_data the
 * driver reads.  Producer and consumers all move to offsets.
 */
#include <linux/memremap.h>
#include <linux/bitmap.h>

static struct dev_pagemap st_pgmap;
static unsigned long *st_bitmap;

void st_store(unsigned long gfn, unsigned long pfn);
bool st_lookup(unsigned long gfn, unsigned long *pfn);

static struct page *st_get_page(unsigned long gfn, void *pvt)
{
	unsigned long bit, dpfn, pfn_first, pfn_last;
	struct page *dpage;

	pfn_first = st_pgmap.range.start >> PAGE_SHIFT;
	pfn_last = pfn_first + (range_len(&st_pgmap.range) >> PAGE_SHIFT);
	bit = find_first_zero_bit(st_bitmap, pfn_last - pfn_first);
	if (bit >= pfn_last - pfn_first)
		return NULL;
	bitmap_set(st_bitmap, bit, 1);
	dpfn = bit + pfn_first;
	st_store(gfn, dpfn);
	dpage = pfn_to_page(dpfn);
	dpage->zone_device_data = pvt;
	zone_device_page_init(dpage);
	return dpage;
}

static void *st_page_private(unsigned long gfn)
{
	unsigned long dpfn;
	struct page *page;

	if (!st_lookup(gfn, &dpfn))
		return NULL;
	page = pfn_to_page(dpfn);
	return page->zone_device_data;
}

static void st_setup(void)
{
	st_pgmap.type = MEMORY_DEVICE_PRIVATE;
}
