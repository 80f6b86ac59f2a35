// SPDX-License-Identifier: GPL-2.0
/*
 * After registration the pages of a chunk are threaded on a free list
 * through zone_device_data, walking pfns from the range start to its end
 * (test_hmm shape, private only).
 */
#include <linux/memremap.h>
#include <linux/spinlock.h>

struct fl_dev {
	spinlock_t lock;
	struct page *free_pages;
};

struct fl_chunk {
	struct dev_pagemap pagemap;
	struct fl_dev *fdev;
};

static void fl_chunk_fill(struct fl_chunk *c)
{
	unsigned long pfn, pfn_first, pfn_last;

	c->pagemap.type = MEMORY_DEVICE_PRIVATE;
	pfn_first = c->pagemap.range.start >> PAGE_SHIFT;
	pfn_last = pfn_first + (range_len(&c->pagemap.range) >> PAGE_SHIFT);

	spin_lock(&c->fdev->lock);
	for (pfn = pfn_first; pfn < pfn_last; pfn++) {
		struct page *page = pfn_to_page(pfn);

		page->zone_device_data = c->fdev->free_pages;
		c->fdev->free_pages = page;
	}
	spin_unlock(&c->fdev->lock);
}
