// SPDX-License-Identifier: GPL-2.0
/*
 * The pages of a chunk walked with ++page from the first one (nouveau
 * shape).  The first page is converted; the walk stays valid only within
 * one libdevpriv chunk, which the port cannot know: reported.
 */
#include <linux/memremap.h>

#define WK_NPAGES 512

struct wk_chunk {
	struct dev_pagemap pagemap;
	struct page *free_pages;
};

static struct page *wk_chunk_fill(struct wk_chunk *c)
{
	unsigned long i, pfn_first;
	struct page *page;

	c->pagemap.type = MEMORY_DEVICE_PRIVATE;
	pfn_first = c->pagemap.range.start >> PAGE_SHIFT;
	page = pfn_to_page(pfn_first);
	for (i = 0; i < WK_NPAGES - 1; ++i, ++page) {
		page->zone_device_data = c->free_pages;
		c->free_pages = page;
	}
	return page;
}
