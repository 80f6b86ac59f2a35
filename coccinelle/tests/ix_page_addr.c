// SPDX-License-Identifier: GPL-2.0
/*
 * Device address of a page: the page's byte offset from the range start
 * plus the VRAM offset of the backing object (nouveau page_addr shape).
 */
#include <linux/memremap.h>

struct va_chunk {
	struct va_bo *bo;
	struct dev_pagemap pagemap;
};

static struct va_chunk *va_page_to_chunk(struct page *page)
{
	return container_of(page->pgmap, struct va_chunk, pagemap);
}

unsigned long va_page_addr(struct page *page)
{
	struct va_chunk *chunk = va_page_to_chunk(page);
	unsigned long off = (page_to_pfn(page) << PAGE_SHIFT) -
				chunk->pagemap.range.start;

	return chunk->bo->offset + off;
}

static void va_setup(struct va_chunk *c)
{
	c->pagemap.type = MEMORY_DEVICE_PRIVATE;
}
