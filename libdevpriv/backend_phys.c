// SPDX-License-Identifier: GPL-2.0
/*
 * libdevpriv: the phys backend, for kernels whose core has no
 * device-private address space (Linux 6.1 and every release to date).
 *
 * DOC: phys backend
 *
 * Each populated chunk gets a window of physical address space and a
 * dev_pagemap of its own (chunk->pgmap), mapped by memremap_pages(), so
 * core mm sees an ordinary MEMORY_DEVICE_PRIVATE range: page_to_pfn()
 * works, swap entries carry real pfns, and migrate_device_range() can
 * evict it.  Only populated chunks cost address space and struct pages.
 */

#include <linux/highmem.h>
#include <linux/ioport.h>
#include <linux/memremap.h>
#include <linux/migrate.h>
#include <linux/mm.h>
#include <linux/slab.h>

#include "internal.h"

static unsigned long devpriv_phys_window_bytes(struct devpriv_chunk *chunk)
{
	/* memremap_pages() maps whole subsections (one granule) */
	return ALIGN(chunk->nr_pages, DEVPRIV_GRANULE_PAGES) << PAGE_SHIFT;
}

static int devpriv_phys_populate(struct devpriv_chunk *chunk, int nid)
{
	struct resource *res;
	void *addr;

	res = request_free_mem_region(&iomem_resource,
				      devpriv_phys_window_bytes(chunk),
				      "devpriv");
	if (IS_ERR(res))
		return PTR_ERR(res);

	chunk->pgmap.range.start = res->start;
	chunk->pgmap.range.end = res->end;
	addr = memremap_pages(&chunk->pgmap, nid);
	if (IS_ERR(addr)) {
		release_mem_region(res->start, resource_size(res));
		return PTR_ERR(addr);
	}
	chunk->pages = pfn_to_page(PHYS_PFN(res->start));
	chunk->backend_data = res;
	return 0;
}

static void devpriv_phys_depopulate(struct devpriv_chunk *chunk)
{
	struct resource *res = chunk->backend_data;

	memunmap_pages(&chunk->pgmap);
	release_mem_region(res->start, resource_size(res));
	chunk->pages = NULL;
	chunk->backend_data = NULL;
}

/* One page of bookkeeping per eviction batch: cannot fail to allocate. */
#define DEVPRIV_EVICT_BATCH	(PAGE_SIZE / (4 * sizeof(long)))

struct devpriv_evict_batch {
	unsigned long src[DEVPRIV_EVICT_BATCH];
	unsigned long dst[DEVPRIV_EVICT_BATCH];
	struct page *spages[DEVPRIV_EVICT_BATCH];
	struct page *dpages[DEVPRIV_EVICT_BATCH];
};

static void devpriv_phys_evict_batch(struct devpriv_chunk *chunk,
				     struct devpriv_evict_batch *b,
				     unsigned long first, unsigned long n)
{
	struct devpriv_pagemap *dpgmap = chunk->dpgmap;
	unsigned long i, nr_moving = 0;

	migrate_device_range(b->src, page_to_pfn(chunk->pages + first), n);
	for (i = 0; i < n; i++) {
		struct page *dpage = NULL;

		b->spages[i] = migrate_pfn_to_page(b->src[i]);
		b->dst[i] = 0;
		if (b->spages[i] && (b->src[i] & MIGRATE_PFN_MIGRATE)) {
			dpage = alloc_page(GFP_HIGHUSER_MOVABLE | __GFP_NOFAIL);
			lock_page(dpage);
			b->dst[i] = migrate_pfn(page_to_pfn(dpage));
			nr_moving++;
		}
		b->dpages[i] = dpage;
	}
	if (nr_moving) {
		if (dpgmap->copy_to_ram) {
			dpgmap->copy_to_ram(dpgmap, b->spages, b->dpages, n);
		} else {
			WARN_ONCE(1, "devpriv: %lu resident pages evicted without copy_to_ram: contents lost\n",
				  nr_moving);
			for (i = 0; i < n; i++)
				if (b->dpages[i])
					clear_highpage(b->dpages[i]);
		}
	}
	migrate_device_pages(b->src, b->dst, n);
	migrate_device_finalize(b->src, b->dst, n);
}

static void devpriv_phys_evict(struct devpriv_chunk *chunk)
{
	struct devpriv_evict_batch *b;
	unsigned long first, n;

	b = kmalloc(sizeof(*b), GFP_KERNEL | __GFP_NOFAIL);
	for (first = 0; first < chunk->nr_pages; first += n) {
		n = min(chunk->nr_pages - first, DEVPRIV_EVICT_BATCH);
		devpriv_phys_evict_batch(chunk, b, first, n);
	}
	kfree(b);
}

const struct devpriv_backend devpriv_backend_default = {
	.name = "phys",
	.populate = devpriv_phys_populate,
	.evict = devpriv_phys_evict,
	.depopulate = devpriv_phys_depopulate,
};
