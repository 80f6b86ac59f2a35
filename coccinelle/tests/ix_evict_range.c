// SPDX-License-Identifier: GPL-2.0
/*
 * Eviction of a whole chunk at teardown (nouveau shape): npages from the
 * range length, migrate_device_range() from the first pfn; the
 * destination pages are system pages.
 */
#include <linux/memremap.h>
#include <linux/migrate.h>
#include <linux/mm.h>

struct ev_chunk {
	struct dev_pagemap pagemap;
};

static void ev_copy(struct page *spage, struct page *dpage);

static void ev_chunk_evict(struct ev_chunk *chunk)
{
	unsigned long i, npages = range_len(&chunk->pagemap.range) >> PAGE_SHIFT;
	unsigned long *src_pfns, *dst_pfns;

	chunk->pagemap.type = MEMORY_DEVICE_PRIVATE;
	src_pfns = kvcalloc(npages, sizeof(*src_pfns), GFP_KERNEL | __GFP_NOFAIL);
	dst_pfns = kvcalloc(npages, sizeof(*dst_pfns), GFP_KERNEL | __GFP_NOFAIL);

	migrate_device_range(src_pfns, chunk->pagemap.range.start >> PAGE_SHIFT,
			     npages);
	for (i = 0; i < npages; i++) {
		struct page *dpage;

		if (!(src_pfns[i] & MIGRATE_PFN_MIGRATE))
			continue;
		dpage = alloc_page(GFP_HIGHUSER | __GFP_NOFAIL);
		dst_pfns[i] = migrate_pfn(page_to_pfn(dpage));
		ev_copy(migrate_pfn_to_page(src_pfns[i]), dpage);
	}
	migrate_device_pages(src_pfns, dst_pfns, npages);
	migrate_device_finalize(src_pfns, dst_pfns, npages);
	kvfree(src_pfns);
	kvfree(dst_pfns);
}
