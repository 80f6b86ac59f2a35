// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite devpriv_phys: the real phys backend (devpriv_backend_default:
 * a physical address window and memremap_pages() per chunk) through the
 * public API and the global space, as a driver uses it.  Needs a kernel
 * with CONFIG_DEVICE_PRIVATE.
 *
 * Unlike the test backend's pages these are real device-private pages:
 * page_to_pfn(), pfn_to_page() and pfn_valid() work on them, and one case
 * hands a page to core mm and back.  Both window placements are exercised
 * (in a free iomem gap, and above the CPU's physical width), as are the
 * backend's forced failures.
 */

#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/device.h>
#include <linux/ioport.h>
#include <linux/kthread.h>
#include <linux/memory_hotplug.h>
#include <linux/memremap.h>
#include <linux/migrate.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/sched.h>
#include <linux/sched/debug.h>
#include <linux/sched/task.h>

#include "devpriv_test.h"

static int dpt_phys_register(struct kunit *test, struct dpt_pagemap *tp)
{
	int err = devpriv_memremap_pagemap(&tp->dpgmap, NUMA_NO_NODE);

	if (err)
		kunit_info(test, "devpriv_memremap_pagemap: %d\n", err);
	return err;
}

static bool dpt_in_iomem(const struct range *window)
{
	return region_intersects(window->start, range_len(window), IORESOURCE_MEM,
				 IORES_DESC_DEVICE_PRIVATE_MEMORY) ==
	       REGION_INTERSECTS;
}

static bool dpt_above_cpu(const struct range *window)
{
	return window->start > iomem_resource.end;
}

/*
 * Is there any usable physical range above the CPU's width?  Only on
 * x86_64, which trims iomem_resource to that width, and only below the
 * library's limit (the physical mask, L1TF).  Elsewhere (arm64 6.1 leaves
 * iomem_resource spanning all 64 bits) "above" placement has nowhere to go
 * and must refuse cleanly.
 */
static bool dpt_room_above_cpu(void)
{
	struct devpriv_phys_limits l;
	const char *why;

	devpriv_phys_limits_now(&l);
	return l.above_allowed && devpriv_phys_limit(&l, &why) > l.cpu_end;
}

/* A registration that can only be placed above the CPU width, without room. */
static void dpt_expect_no_room_above(struct kunit *test, struct dpt_pagemap *tp)
{
	unsigned int windows = dpt_phys_windows();

	kunit_info(test, "no room above the CPU width (iomem ends at %#llx): -ENOSPC expected\n",
		   (u64)iomem_resource.end);
	KUNIT_EXPECT_EQ(test, dpt_phys_register(test, tp), -ENOSPC);
	KUNIT_EXPECT_NULL(test, tp->dpgmap.space);
	KUNIT_EXPECT_EQ(test, dpt_phys_windows(), windows);
	KUNIT_EXPECT_TRUE(test, dpt_space_whole(devpriv_global_space()));
}

/*
 * A window is 2 MiB aligned, a whole number of granules, RAM-free, and
 * either claimed in iomem as device-private memory or above every
 * physical address the CPU can emit.
 */
static void dpt_expect_window(struct kunit *test, struct devpriv_chunk *chunk)
{
	const struct range *w = &chunk->pgmap.range;

	KUNIT_EXPECT_EQ(test, range_len(w),
			(u64)ALIGN(chunk->nr_pages, DEVPRIV_GRANULE_PAGES) << PAGE_SHIFT);
	KUNIT_EXPECT_EQ(test, w->start & (SZ_2M - 1), 0ULL);
	KUNIT_EXPECT_TRUE_MSG(test, dpt_in_iomem(w) || dpt_above_cpu(w),
			      "window %#llx-%#llx neither in iomem nor above %#llx",
			      w->start, w->end, (u64)iomem_resource.end);
	KUNIT_EXPECT_EQ(test, region_intersects(w->start, range_len(w),
						IORESOURCE_SYSTEM_RAM,
						IORES_DESC_NONE), REGION_DISJOINT);
	KUNIT_EXPECT_EQ(test, chunk->pgmap.type, MEMORY_DEVICE_PRIVATE);
}

/* A page of a populated phys chunk, checked against core mm's view. */
static void dpt_expect_phys_page(struct kunit *test,
				 struct devpriv_pagemap *dpgmap,
				 unsigned long index)
{
	struct devpriv_chunk *chunk = dpgmap->chunks[index >> dpgmap->chunk_order];
	struct page *page = devpriv_index_to_page(dpgmap, index);
	unsigned long pfn;

	KUNIT_ASSERT_NOT_NULL(test, chunk);
	KUNIT_ASSERT_NOT_NULL(test, page);
	pfn = PHYS_PFN(chunk->pgmap.range.start) + index - chunk->first_index;
	KUNIT_ASSERT_PTR_EQ(test, devpriv_page_pgmap(page), &chunk->pgmap);
	KUNIT_ASSERT_TRUE(test, is_device_private_page(page));
	KUNIT_ASSERT_TRUE(test, pfn_valid(pfn));
	KUNIT_ASSERT_EQ(test, page_to_pfn(page), pfn);
	KUNIT_ASSERT_PTR_EQ(test, pfn_to_page(pfn), page);
	KUNIT_ASSERT_EQ(test, page_ref_count(page), 0);
	KUNIT_ASSERT_EQ(test, devpriv_page_to_index(page), index);
	KUNIT_ASSERT_EQ(test, devpriv_page_to_offset(page), dpgmap->base + index);
	KUNIT_ASSERT_PTR_EQ(test, devpriv_offset_to_page(dpgmap->base + index), page);
	KUNIT_ASSERT_PTR_EQ(test, devpriv_page_pagemap(page), dpgmap);
	KUNIT_ASSERT_EQ(test, devpriv_migrate_pfn(page), migrate_pfn(pfn));
	KUNIT_ASSERT_PTR_EQ(test, devpriv_migrate_pfn_to_page(devpriv_migrate_pfn(page)),
			    page);
	KUNIT_ASSERT_PTR_EQ(test, devpriv_hmm_pfn_to_page(pfn | HMM_PFN_VALID), page);
}

/*
 * Lazy registration, one chunk populated in the middle: every page of it is
 * a device-private page of the chunk's own dev_pagemap, with the window's
 * pfns; unregistration takes the window and its memmap away again.
 */
static void devpriv_phys_test_lazy_chunk(struct kunit *test)
{
	struct dpt_pagemap *tp = dpt_pagemap_new(test, 3 * DPT_CP, DPT_CO, 0);
	struct devpriv_pagemap *dpgmap = &tp->dpgmap;
	unsigned int windows = dpt_phys_windows();
	struct devpriv_chunk *chunk;
	struct range window;
	unsigned long i;

	KUNIT_ASSERT_EQ(test, dpt_phys_register(test, tp), 0);
	KUNIT_EXPECT_EQ(test, dpgmap->nr_populated, 0UL);
	KUNIT_EXPECT_EQ(test, dpt_phys_windows(), windows);
	KUNIT_ASSERT_EQ(test, devpriv_pagemap_populate(dpgmap, DPT_CP + 3, 1), 0);
	KUNIT_EXPECT_EQ(test, dpgmap->nr_populated, 1UL);
	KUNIT_EXPECT_EQ(test, dpt_phys_windows(), windows + 1);
	KUNIT_EXPECT_NULL(test, dpgmap->chunks[0]);
	KUNIT_EXPECT_NULL(test, dpgmap->chunks[2]);
	chunk = dpgmap->chunks[1];
	KUNIT_ASSERT_NOT_NULL(test, chunk);
	window = chunk->pgmap.range;
	kunit_info(test, "window %#llx-%#llx (%s), offset %#lx\n", window.start,
		   window.end, dpt_above_cpu(&window) ? "above CPU width" : "iomem",
		   chunk->offset);
	dpt_expect_window(test, chunk);

	for (i = 0; i < chunk->nr_pages; i++) {
		dpt_expect_phys_page(test, dpgmap, DPT_CP + i);
		cond_resched();
	}
	KUNIT_EXPECT_NULL(test, devpriv_offset_to_page(dpgmap->base));
	KUNIT_EXPECT_NULL(test, devpriv_index_to_page(dpgmap, 2 * DPT_CP));

	devpriv_memunmap_pagemap(dpgmap);
	KUNIT_EXPECT_NULL(test, dpgmap->space);
	KUNIT_EXPECT_EQ(test, dpt_phys_windows(), windows);
	KUNIT_EXPECT_FALSE(test, dpt_in_iomem(&window));
	KUNIT_EXPECT_FALSE(test, pfn_valid(PHYS_PFN(window.start)));
	KUNIT_EXPECT_NULL(test, devpriv_offset_to_page(dpgmap->base + DPT_CP));
}

static const char * const dpt_placements[] = { "iomem", "above" };

static void dpt_placement_desc(const char * const *p, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "placement %s", *p);
}

KUNIT_ARRAY_PARAM(dpt_placement, dpt_placements, dpt_placement_desc);

/*
 * Eager registration with each placement policy forced: every chunk gets a
 * window of its own where the policy says, none overlap, a short last
 * chunk still maps a whole granule, the edge pages translate.
 */
static void devpriv_phys_test_placement(struct kunit *test)
{
	const char *policy = *(const char * const *)test->param_value;
	struct dpt_pagemap *tp = dpt_pagemap_new(test, 2 * DPT_CP + 1, DPT_CO,
						 DEVPRIV_EAGER);
	struct devpriv_pagemap *dpgmap = &tp->dpgmap;
	unsigned int windows = dpt_phys_windows();
	bool above = !strcmp(policy, "above");
	struct range w[3];
	unsigned long c, d;

	dpt_set_placement(policy);
	if (above && !dpt_room_above_cpu()) {
		dpt_expect_no_room_above(test, tp);
		return;
	}
	KUNIT_ASSERT_EQ(test, dpt_phys_register(test, tp), 0);
	KUNIT_ASSERT_EQ(test, dpgmap->nr_populated, 3UL);
	KUNIT_EXPECT_EQ(test, dpt_phys_windows(), windows + 3);
	for (c = 0; c < 3; c++) {
		struct devpriv_chunk *chunk = dpgmap->chunks[c];

		KUNIT_ASSERT_NOT_NULL(test, chunk);
		w[c] = chunk->pgmap.range;
		dpt_expect_window(test, chunk);
		KUNIT_EXPECT_EQ_MSG(test, dpt_above_cpu(&w[c]), above,
				    "window %#llx-%#llx", w[c].start, w[c].end);
		KUNIT_EXPECT_EQ(test, dpt_in_iomem(&w[c]), !above);
		dpt_expect_phys_page(test, dpgmap, c * DPT_CP);
		dpt_expect_phys_page(test, dpgmap, c * DPT_CP + chunk->nr_pages - 1);
		for (d = 0; d < c; d++)
			KUNIT_EXPECT_TRUE(test, w[c].end < w[d].start ||
					  w[d].end < w[c].start);
	}
	KUNIT_EXPECT_EQ(test, dpgmap->chunks[2]->nr_pages, 1UL);
	kunit_info(test, "windows at %#llx, %#llx, %#llx\n", w[0].start,
		   w[1].start, w[2].start);

	devpriv_memunmap_pagemap(dpgmap);
	KUNIT_EXPECT_EQ(test, dpt_phys_windows(), windows);
	for (c = 0; c < 3; c++) {
		KUNIT_EXPECT_FALSE(test, dpt_in_iomem(&w[c]));
		KUNIT_EXPECT_FALSE(test, pfn_valid(PHYS_PFN(w[c].start)));
	}
}

/*
 * A page handed out as a driver would (zone_device_page_init()) and
 * released with put_page(): core mm calls the chunk's free op, which must
 * reach the driver's; unregistration then does not wait forever.
 */
static void devpriv_phys_test_page_free(struct kunit *test)
{
	struct dpt_pagemap *tp = dpt_pagemap_new(test, DPT_CP, DPT_CO, DEVPRIV_EAGER);
	struct devpriv_pagemap *dpgmap = &tp->dpgmap;
	struct page *page;

	KUNIT_ASSERT_EQ(test, dpt_phys_register(test, tp), 0);
	page = devpriv_index_to_page(dpgmap, 42);
	KUNIT_ASSERT_NOT_NULL(test, page);
	KUNIT_ASSERT_EQ(test, page_ref_count(page), 0);

	devpriv_zone_device_page_init(page);
	KUNIT_EXPECT_EQ(test, page_ref_count(page), 1);
	KUNIT_EXPECT_TRUE(test, PageLocked(page));
	unlock_page(page);
	put_page(page);
	KUNIT_EXPECT_EQ(test, atomic_read(&tp->nr_page_free), 1);
	KUNIT_EXPECT_PTR_EQ(test, tp->last_page, page);
	KUNIT_EXPECT_EQ(test, page_ref_count(page), 0);
	devpriv_memunmap_pagemap(dpgmap);
	KUNIT_EXPECT_NULL(test, dpgmap->space);
}

/*
 * Hand out a device folio at @index as a driver would, check it as core mm
 * sees it, free it with folio_put(): the driver's folio_free gets it
 * whole.
 */
static void dpt_expect_folio_roundtrip(struct kunit *test, struct dpt_pagemap *tp,
				       unsigned long index, unsigned int order)
{
	struct devpriv_pagemap *dpgmap = &tp->dpgmap;
	unsigned long nr = 1UL << order, mpfn, hpfn;
	int freed = atomic_read(&tp->nr_page_free);
	struct folio *folio;

	folio = devpriv_folio_init(dpgmap, index, order);
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(folio), "order %u at %lu: %ld", order,
			       index, PTR_ERR(folio));
	KUNIT_EXPECT_EQ(test, folio_nr_pages(folio), nr);
	KUNIT_EXPECT_EQ(test, folio_ref_count(folio), 1);
	KUNIT_EXPECT_TRUE(test, folio_test_locked(folio));
	KUNIT_EXPECT_TRUE(test, is_device_private_page(&folio->page));
	KUNIT_EXPECT_EQ(test, folio_pfn(folio) & (nr - 1), 0UL);
	KUNIT_EXPECT_EQ(test, devpriv_folio_to_index(folio), index);
	KUNIT_EXPECT_PTR_EQ(test, devpriv_index_to_folio(dpgmap, index + nr - 1),
			    folio);
	KUNIT_EXPECT_PTR_EQ(test, devpriv_page_pagemap(folio_page(folio, nr - 1)),
			    dpgmap);
	KUNIT_EXPECT_EQ(test, devpriv_page_to_index(folio_page(folio, nr - 1)),
			index + nr - 1);
	/*
	 * An hmm pfn of the folio's mapping: a PMD's entries name the page at
	 * the address's offset, whatever pfn the walk wrote (7.3 writes the
	 * folio's first pfns from wherever the range starts).
	 */
	hpfn = folio_pfn(folio) | HMM_PFN_VALID |
	       (order ? (unsigned long)order << HMM_PFN_ORDER_SHIFT : 0);
	KUNIT_EXPECT_PTR_EQ(test,
			    devpriv_hmm_pfn_to_page_at(hpfn + (order ? 2 : 0),
						       SZ_1G + (5UL << PAGE_SHIFT)),
			    folio_page(folio, order ? 5 : 0));
	mpfn = devpriv_folio_migrate_pfn(folio);
	KUNIT_EXPECT_PTR_EQ(test, devpriv_migrate_pfn_to_page(mpfn), &folio->page);
	KUNIT_EXPECT_EQ(test, !!(mpfn & DEVPRIV_MIGRATE_PFN_COMPOUND), order > 0);
	folio_unlock(folio);
	folio_put(folio);
	KUNIT_EXPECT_EQ(test, atomic_read(&tp->nr_page_free), freed + 1);
	KUNIT_EXPECT_PTR_EQ(test, tp->last_page, &folio->page);
	KUNIT_EXPECT_EQ(test, tp->last_nr_pages, nr);
	KUNIT_EXPECT_EQ(test, folio_ref_count(folio), 0);
}

/*
 * Device folios on real pages: of the pagemap's folio order where the
 * kernel has large device folios (at both edges of a chunk and in a short
 * last chunk), and single pages everywhere, among them pages that were
 * part of a large folio before.  Windows are aligned to the folio order.
 */
static void devpriv_phys_test_folio(struct kunit *test)
{
	const unsigned int pmd_order = PMD_SHIFT - PAGE_SHIFT;
	const unsigned long fp = 1UL << pmd_order;
	struct dpt_pagemap *tp = dpt_folio_pagemap_new(test, 4 * fp + fp,
						       pmd_order + 1, pmd_order,
						       DEVPRIV_EAGER);
	struct devpriv_pagemap *dpgmap = &tp->dpgmap;
	unsigned int order;
	unsigned long c;

	KUNIT_ASSERT_EQ(test, dpt_phys_register(test, tp), 0);
	KUNIT_ASSERT_EQ(test, dpgmap->nr_chunks, 3UL);
	for (c = 0; c < dpgmap->nr_chunks; c++)
		KUNIT_EXPECT_EQ(test, dpgmap->chunks[c]->pgmap.range.start &
				((PAGE_SIZE << pmd_order) - 1), 0ULL);
	order = devpriv_pagemap_folio_order(dpgmap);
	if (order) {
		KUNIT_EXPECT_EQ(test, order, pmd_order);
		dpt_expect_folio_roundtrip(test, tp, 0, order);
		dpt_expect_folio_roundtrip(test, tp, fp, order);
		dpt_expect_folio_roundtrip(test, tp, 2 * fp, order);
		dpt_expect_folio_roundtrip(test, tp, 4 * fp, order);
	} else {
		kunit_info(test, "no large device folios on this kernel: single pages only\n");
	}
	dpt_expect_folio_roundtrip(test, tp, 0, 0);
	dpt_expect_folio_roundtrip(test, tp, fp - 1, 0);
	dpt_expect_folio_roundtrip(test, tp, 4 * fp + 3, 0);
	devpriv_memunmap_pagemap(dpgmap);
	KUNIT_EXPECT_NULL(test, dpgmap->space);
	KUNIT_EXPECT_EQ(test, atomic_read(&tp->nr_bad), 0);
}

/* Allocate a page from @dpgmap's allocator and check it as a driver gets it. */
static struct folio *dpt_alloc_expect(struct kunit *test,
				      struct devpriv_pagemap *dpgmap,
				      unsigned int order)
{
	struct folio *folio = devpriv_alloc_folio(dpgmap, order);

	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(folio), "order %u: %ld", order,
			       PTR_ERR(folio));
	KUNIT_EXPECT_EQ(test, folio_ref_count(folio), 1);
	KUNIT_EXPECT_TRUE(test, folio_test_locked(folio));
	KUNIT_EXPECT_EQ(test, folio_order(folio), order);
	KUNIT_EXPECT_EQ(test, devpriv_folio_to_index(folio) & ((1UL << order) - 1),
			0UL);
	return folio;
}

static void dpt_folio_release(struct folio *folio)
{
	folio_unlock(folio);
	folio_put(folio);
}

/*
 * The allocator on real pages: chunks populated one at a time as pages
 * run out, every page handed out once, -ENOSPC when all are, a freed page
 * back (after the driver's free op) and reused, -ENODEV once the pagemap
 * is dying.  A pagemap with the allocator needs no free op of its own.
 */
static void devpriv_phys_test_alloc(struct kunit *test)
{
	const unsigned long nr = 2 * DPT_CP;
	struct dpt_pagemap *tp = dpt_pagemap_new(test, nr, DPT_CO,
						 DEVPRIV_ALLOCATOR);
	struct devpriv_pagemap *dpgmap = &tp->dpgmap;
	unsigned long *seen = kunit_kcalloc(test, BITS_TO_LONGS(nr),
					    sizeof(long), GFP_KERNEL);
	struct folio **folios = kunit_kcalloc(test, nr, sizeof(*folios),
					      GFP_KERNEL);
	unsigned long i, index;
	int freed;

	KUNIT_ASSERT_NOT_NULL(test, seen);
	KUNIT_ASSERT_NOT_NULL(test, folios);
	KUNIT_ASSERT_EQ(test, dpt_phys_register(test, tp), 0);
	KUNIT_EXPECT_EQ(test, dpgmap->nr_populated, 0UL);
	for (i = 0; i < nr; i++) {
		folios[i] = dpt_alloc_expect(test, dpgmap, 0);
		index = devpriv_folio_to_index(folios[i]);
		KUNIT_ASSERT_LT(test, index, nr);
		KUNIT_EXPECT_FALSE_MSG(test, test_and_set_bit(index, seen),
				       "index %lu handed out twice", index);
		if (i == 0)
			KUNIT_EXPECT_EQ(test, dpgmap->nr_populated, 1UL);
	}
	KUNIT_EXPECT_EQ(test, dpgmap->nr_populated, 2UL);
	KUNIT_EXPECT_EQ(test, dpgmap->nr_allocated, nr);
	KUNIT_EXPECT_EQ(test, PTR_ERR(devpriv_alloc_folio(dpgmap, 0)),
			(long)-ENOSPC);

	freed = atomic_read(&tp->nr_page_free);
	index = devpriv_folio_to_index(folios[17]);
	dpt_folio_release(folios[17]);
	KUNIT_EXPECT_EQ(test, atomic_read(&tp->nr_page_free), freed + 1);
	KUNIT_EXPECT_PTR_EQ(test, tp->last_page, &folios[17]->page);
	folios[17] = dpt_alloc_expect(test, dpgmap, 0);
	KUNIT_EXPECT_EQ(test, devpriv_folio_to_index(folios[17]), index);

	for (i = 0; i < nr; i++)
		dpt_folio_release(folios[i]);
	KUNIT_EXPECT_EQ(test, atomic_read(&tp->nr_page_free), freed + 1 + (int)nr);
	KUNIT_EXPECT_EQ(test, dpgmap->nr_allocated, 0UL);

	devpriv_pagemap_kill(dpgmap);
	KUNIT_EXPECT_EQ(test, PTR_ERR(devpriv_alloc_folio(dpgmap, 0)),
			(long)-ENODEV);
	devpriv_memunmap_pagemap(dpgmap);
	KUNIT_EXPECT_NULL(test, dpgmap->space);

	/* no free op: the allocator's trampoline alone takes pages back */
	tp = dpt_pagemap_new(test, DPT_CP, DPT_CO, DEVPRIV_ALLOCATOR);
	tp->dpgmap.ops = &dpt_ops_no_free;
	KUNIT_ASSERT_EQ(test, dpt_phys_register(test, tp), 0);
	folios[0] = dpt_alloc_expect(test, &tp->dpgmap, 0);
	dpt_folio_release(folios[0]);
	KUNIT_EXPECT_EQ(test, tp->dpgmap.nr_allocated, 0UL);
	KUNIT_EXPECT_EQ(test, atomic_read(&tp->nr_page_free), 0);
	devpriv_memunmap_pagemap(&tp->dpgmap);
}

/*
 * Large folios from the allocator: naturally aligned, never overlapping a
 * page handed out before, the next chunk populated when no aligned run is
 * free, -ENOSPC when fragmentation leaves none, freed whole.  Refusals: an
 * order the pagemap does not have, a pagemap without the allocator.
 */
static void devpriv_phys_test_alloc_folio(struct kunit *test)
{
	const unsigned int pmd_order = PMD_SHIFT - PAGE_SHIFT;
	const unsigned long fp = 1UL << pmd_order;
	struct dpt_pagemap *tp = dpt_folio_pagemap_new(test, 3 * fp,
						       pmd_order + 1, pmd_order,
						       DEVPRIV_ALLOCATOR);
	struct devpriv_pagemap *dpgmap = &tp->dpgmap;
	struct dpt_pagemap *plain = dpt_pagemap_new(test, DPT_CP, DPT_CO, 0);
	struct folio *small, *big, *big2;
	unsigned int order;

	/* the two refusals below */
	dpt_expect_warnings(test, 2);
	KUNIT_ASSERT_EQ(test, dpt_phys_register(test, plain), 0);
	KUNIT_EXPECT_EQ(test, PTR_ERR(devpriv_alloc_folio(&plain->dpgmap, 0)),
			(long)-EINVAL);
	devpriv_memunmap_pagemap(&plain->dpgmap);

	KUNIT_ASSERT_EQ(test, dpt_phys_register(test, tp), 0);
	order = devpriv_pagemap_folio_order(dpgmap);
	KUNIT_EXPECT_EQ(test, PTR_ERR(devpriv_alloc_folio(dpgmap, order + 1)),
			(long)-EINVAL);
	if (!order) {
		devpriv_memunmap_pagemap(dpgmap);
		kunit_skip(test, "no large device folios on this kernel");
	}
	small = dpt_alloc_expect(test, dpgmap, 0);
	KUNIT_EXPECT_EQ(test, devpriv_folio_to_index(small), 0UL);
	big = dpt_alloc_expect(test, dpgmap, order);
	KUNIT_EXPECT_EQ(test, devpriv_folio_to_index(big), fp);
	KUNIT_EXPECT_EQ(test, folio_nr_pages(big), fp);
	KUNIT_EXPECT_EQ(test, dpgmap->nr_populated, 1UL);
	big2 = dpt_alloc_expect(test, dpgmap, order);
	KUNIT_EXPECT_EQ(test, devpriv_folio_to_index(big2), 2 * fp);
	KUNIT_EXPECT_EQ(test, dpgmap->nr_populated, 2UL);
	/* fp - 1 pages free, none aligned to fp */
	KUNIT_EXPECT_EQ(test, PTR_ERR(devpriv_alloc_folio(dpgmap, order)),
			(long)-ENOSPC);

	dpt_folio_release(small);
	small = dpt_alloc_expect(test, dpgmap, order);
	KUNIT_EXPECT_EQ(test, devpriv_folio_to_index(small), 0UL);
	dpt_folio_release(big);
	KUNIT_EXPECT_EQ(test, tp->last_nr_pages, fp);
	dpt_folio_release(big2);
	dpt_folio_release(small);
	KUNIT_EXPECT_EQ(test, dpgmap->nr_allocated, 0UL);
	devpriv_memunmap_pagemap(dpgmap);
	KUNIT_EXPECT_EQ(test, atomic_read(&tp->nr_bad), 0);
}

struct dpt_teardown_race {
	struct devpriv_pagemap *dpgmap;
	struct completion populated;
	struct completion unmapped;
	int populate_err;
};

static int dpt_race_unmap(void *data)
{
	struct dpt_teardown_race *r = data;

	devpriv_memunmap_pagemap(r->dpgmap);
	/* all: the test may wait more than once */
	complete_all(&r->unmapped);
	return 0;
}

static int dpt_race_populate(void *data)
{
	struct dpt_teardown_race *r = data;

	r->populate_err = devpriv_pagemap_populate(r->dpgmap, DPT_CP, 1);
	complete_all(&r->populated);
	return 0;
}

/*
 * A driver allocator that populates while it holds a locked, referenced
 * device page (a destination page of a migration in flight), racing with
 * unbind: eviction cannot take that page and unregistration cannot finish
 * until it is freed, so population must fail fast with -ENODEV instead of
 * waiting for unregistration, or neither ever finishes.  The populate runs
 * in a thread with a deadline, so a library that blocks it fails this case
 * (and finishes once the page is freed) rather than hanging the suite.
 */
static void devpriv_phys_test_populate_vs_unregister(struct kunit *test)
{
	struct dpt_pagemap *tp = dpt_pagemap_new(test, 2 * DPT_CP, DPT_CO, 0);
	struct devpriv_pagemap *dpgmap = &tp->dpgmap;
	unsigned int windows = dpt_phys_windows();
	struct dpt_teardown_race r = { .dpgmap = dpgmap };
	struct task_struct *t, *unmap_task;
	unsigned long deadline;
	struct page *page;
	bool blocked;

	init_completion(&r.populated);
	init_completion(&r.unmapped);
	KUNIT_ASSERT_EQ(test, dpt_phys_register(test, tp), 0);
	KUNIT_ASSERT_EQ(test, devpriv_pagemap_populate(dpgmap, 0, 1), 0);
	page = devpriv_index_to_page(dpgmap, 0);
	KUNIT_ASSERT_NOT_NULL(test, page);
	/* locked and referenced, as migrate_vma wants its destination pages */
	devpriv_zone_device_page_init(page);

	t = kthread_run(dpt_race_unmap, &r, "dpt-unmap");
	if (IS_ERR(t)) {
		unlock_page(page);
		put_page(page);
		devpriv_memunmap_pagemap(dpgmap);
		KUNIT_FAIL(test, "kthread_run: %ld", PTR_ERR(t));
		return;
	}
	get_task_struct(t);
	unmap_task = t;
	/* the unregistration has begun once the pagemap is dying */
	deadline = jiffies + 30 * HZ;
	while (!READ_ONCE(dpgmap->dying) && time_before(jiffies, deadline))
		usleep_range(1000, 2000);
	KUNIT_EXPECT_TRUE(test, READ_ONCE(dpgmap->dying));

	t = kthread_run(dpt_race_populate, &r, "dpt-populate");
	if (IS_ERR(t)) {
		KUNIT_FAIL(test, "kthread_run: %ld", PTR_ERR(t));
		complete_all(&r.populated);
	}
	blocked = !wait_for_completion_timeout(&r.populated, 10 * HZ);
	KUNIT_EXPECT_FALSE_MSG(test, blocked,
			       "populate waited for unregistration while a page was held");
	/* the driver's migration ends, freeing its page: unregistration can finish */
	unlock_page(page);
	put_page(page);
	if (!wait_for_completion_timeout(&r.populated, 60 * HZ) ||
	    !wait_for_completion_timeout(&r.unmapped, 60 * HZ)) {
		/* not the page's refcount: its struct page may be gone */
		KUNIT_FAIL(test, "stuck after the page was freed (populate %s, unregistration %s)",
			   completion_done(&r.populated) ? "done" : "waiting",
			   completion_done(&r.unmapped) ? "done" : "waiting");
		sched_show_task(unmap_task);
		/* r and tp are the threads': they cannot go before them */
		wait_for_completion(&r.populated);
		wait_for_completion(&r.unmapped);
	}
	put_task_struct(unmap_task);
	KUNIT_EXPECT_EQ(test, r.populate_err, -ENODEV);
	KUNIT_EXPECT_EQ(test, atomic_read(&tp->nr_page_free), 1);
	KUNIT_EXPECT_NULL(test, dpgmap->space);
	KUNIT_EXPECT_EQ(test, dpt_phys_windows(), windows);
}

struct dpt_phys_fault {
	enum devpriv_fault_site site;
	const char *placement;
	int err;
};

static const struct dpt_phys_fault dpt_phys_faults[] = {
	{ DEVPRIV_FAULT_WINDOW_ALLOC, "auto", -ENOMEM },
	{ DEVPRIV_FAULT_PLACE, "iomem", -ENOSPC },
	{ DEVPRIV_FAULT_PLACE, "above", -ENOSPC },
	{ DEVPRIV_FAULT_MEMREMAP, "auto", -ENOMEM },
};

static void dpt_phys_fault_desc(const struct dpt_phys_fault *p, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "site %d, placement %s",
		 p->site, p->placement);
}

KUNIT_ARRAY_PARAM(dpt_phys_fault, dpt_phys_faults, dpt_phys_fault_desc);

/*
 * The backend fails on the second chunk of an eager registration: the
 * errno comes back, the first chunk's window is released, and the same
 * pagemap registers once the failure is gone.
 */
static void devpriv_phys_test_fault(struct kunit *test)
{
	const struct dpt_phys_fault *p = test->param_value;
	struct dpt_pagemap *tp = dpt_pagemap_new(test, 3 * DPT_CP, DPT_CO,
						 DEVPRIV_EAGER);
	unsigned int windows = dpt_phys_windows();
	int injected = dpt_fault_injected(p->site);

	dpt_set_placement(p->placement);
	if (!strcmp(p->placement, "above") && !dpt_room_above_cpu()) {
		/* the first chunk fails already: the fault is never reached */
		dpt_expect_no_room_above(test, tp);
		return;
	}
	dpt_fault_arm(p->site, 2);
	KUNIT_EXPECT_EQ(test, dpt_phys_register(test, tp), p->err);
	KUNIT_EXPECT_EQ(test, dpt_fault_injected(p->site), injected + 1);
	KUNIT_EXPECT_NULL(test, tp->dpgmap.space);
	KUNIT_EXPECT_EQ(test, dpt_phys_windows(), windows);
	KUNIT_EXPECT_TRUE(test, dpt_space_whole(devpriv_global_space()));

	KUNIT_ASSERT_EQ(test, dpt_phys_register(test, tp), 0);
	KUNIT_EXPECT_EQ(test, dpt_phys_windows(), windows + 3);
	dpt_expect_phys_page(test, &tp->dpgmap, 3 * DPT_CP - 1);
	devpriv_memunmap_pagemap(&tp->dpgmap);
	KUNIT_EXPECT_EQ(test, dpt_phys_windows(), windows);
}

/*
 * "auto" falls back to above the CPU width when iomem placement fails;
 * where there is no room above it (arm64), the failure is the caller's.
 */
static void devpriv_phys_test_fallback(struct kunit *test)
{
	struct dpt_pagemap *tp = dpt_pagemap_new(test, DPT_CP, DPT_CO, DEVPRIV_EAGER);
	int injected = dpt_fault_injected(DEVPRIV_FAULT_PLACE);
	struct devpriv_chunk *chunk;

	dpt_set_placement("auto");
	dpt_fault_arm(DEVPRIV_FAULT_PLACE, 1);
	if (!dpt_room_above_cpu()) {
		dpt_expect_no_room_above(test, tp);
		KUNIT_EXPECT_EQ(test, dpt_fault_injected(DEVPRIV_FAULT_PLACE),
				injected + 1);
		return;
	}
	KUNIT_ASSERT_EQ(test, dpt_phys_register(test, tp), 0);
	KUNIT_EXPECT_EQ(test, dpt_fault_injected(DEVPRIV_FAULT_PLACE), injected + 1);
	chunk = tp->dpgmap.chunks[0];
	KUNIT_ASSERT_NOT_NULL(test, chunk);
	dpt_expect_window(test, chunk);
	KUNIT_EXPECT_TRUE(test, dpt_above_cpu(&chunk->pgmap.range));
	dpt_expect_phys_page(test, &tp->dpgmap, 0);
	devpriv_memunmap_pagemap(&tp->dpgmap);
}

/*
 * The managed variants: pagemaps registered against a device go with it;
 * one can be released early; a refused managed registration leaves no
 * action behind.
 */
static void devpriv_phys_test_devm(struct kunit *test)
{
	struct dpt_pagemap *a = dpt_pagemap_new(test, DPT_CP, DPT_CO, DEVPRIV_EAGER);
	struct dpt_pagemap *b = dpt_pagemap_new(test, 2 * DPT_CP, DPT_CO, 0);
	unsigned int windows = dpt_phys_windows();
	struct device *dev;

	/* library warnings: the second managed registration */
	dpt_expect_warnings(test, 1);
	dev = root_device_register("devpriv_kunit");
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dev);
	KUNIT_EXPECT_EQ(test, devm_devpriv_memremap_pagemap(dev, &a->dpgmap,
							    NUMA_NO_NODE), 0);
	KUNIT_EXPECT_EQ(test, devm_devpriv_memremap_pagemap(dev, &b->dpgmap,
							    NUMA_NO_NODE), 0);
	KUNIT_EXPECT_EQ(test, devpriv_pagemap_populate(&b->dpgmap, 0, 1), 0);
	KUNIT_EXPECT_EQ(test, dpt_phys_windows(), windows + 2);

	devm_devpriv_memunmap_pagemap(dev, &a->dpgmap);
	KUNIT_EXPECT_NULL(test, a->dpgmap.space);
	KUNIT_EXPECT_NOT_NULL(test, b->dpgmap.space);
	KUNIT_EXPECT_EQ(test, dpt_phys_windows(), windows + 1);
	KUNIT_EXPECT_EQ(test, devm_devpriv_memremap_pagemap(dev, &b->dpgmap,
							    NUMA_NO_NODE), -EBUSY);

	root_device_unregister(dev);
	KUNIT_EXPECT_NULL(test, b->dpgmap.space);
	KUNIT_EXPECT_EQ(test, dpt_phys_windows(), windows);
}

/* Synthetic CPUs for devpriv_phys_limit(): x86 4- and 5-level paging. */
#define DPT_PHYSMEM_END_L4	(BIT_ULL(46) - 1)
#define DPT_PHYSMEM_END_L5	(BIT_ULL(52) - 1)
#define DPT_PHYS_MASK		(BIT_ULL(52) - 1)

struct dpt_limit_case {
	const char *name;
	struct devpriv_phys_limits l;
	u64 end;
	const char *why;
	bool room_above;
};

static const struct dpt_limit_case dpt_limit_cases[] = {
	{ "4-level", { .cpu_end = BIT_ULL(40) - 1,
		       .pluggable_end = DPT_PHYSMEM_END_L4,
		       .phys_mask = DPT_PHYS_MASK },
	  DPT_PHYSMEM_END_L4, "memory hotplug's range", true },
	{ "5-level", { .cpu_end = BIT_ULL(40) - 1,
		       .pluggable_end = DPT_PHYSMEM_END_L5,
		       .phys_mask = DPT_PHYS_MASK },
	  DPT_PHYSMEM_END_L5, "memory hotplug's range", true },
	/* SME: C-bit 47 of 48, the reported width 43 bits */
	{ "SME C-bit 47, 4-level", { .cpu_end = BIT_ULL(43) - 1,
				     .pluggable_end = DPT_PHYSMEM_END_L4,
				     .phys_mask = DPT_PHYS_MASK & ~BIT_ULL(47) },
	  DPT_PHYSMEM_END_L4, "memory hotplug's range", true },
	{ "SME C-bit 47, 5-level", { .cpu_end = BIT_ULL(43) - 1,
				     .pluggable_end = DPT_PHYSMEM_END_L5,
				     .phys_mask = DPT_PHYS_MASK & ~BIT_ULL(47) },
	  BIT_ULL(47) - 1, "the physical address mask", true },
	{ "SME C-bit 51, 5-level", { .cpu_end = BIT_ULL(46) - 1,
				     .pluggable_end = DPT_PHYSMEM_END_L5,
				     .phys_mask = DPT_PHYS_MASK & ~BIT_ULL(51) },
	  BIT_ULL(51) - 1, "the physical address mask", true },
	/* TDX guest: the shared bit is the top guest physical address bit */
	{ "TDX shared bit 47, 4-level", { .cpu_end = BIT_ULL(47) - 1,
					  .pluggable_end = DPT_PHYSMEM_END_L4,
					  .phys_mask = BIT_ULL(47) - 1 },
	  DPT_PHYSMEM_END_L4, "memory hotplug's range", false },
	{ "TDX shared bit 51, 5-level", { .cpu_end = BIT_ULL(51) - 1,
					  .pluggable_end = DPT_PHYSMEM_END_L5,
					  .phys_mask = BIT_ULL(51) - 1 },
	  BIT_ULL(51) - 1, "the physical address mask", false },
	/* L1TF: limit at half the cache's address bits (cache bits 43 and 46) */
	{ "L1TF, 39-bit CPU, 43 cache bits",
	  { .cpu_end = BIT_ULL(39) - 1, .pluggable_end = DPT_PHYSMEM_END_L4,
	    .phys_mask = DPT_PHYS_MASK, .l1tf_limit_pfn = BIT(43 - 1 - 12) },
	  BIT_ULL(42) - 1, "the L1TF pfn limit", true },
	{ "L1TF, 46-bit CPU, 46 cache bits",
	  { .cpu_end = BIT_ULL(46) - 1, .pluggable_end = DPT_PHYSMEM_END_L5,
	    .phys_mask = DPT_PHYS_MASK, .l1tf_limit_pfn = BIT(46 - 1 - 12) },
	  BIT_ULL(45) - 1, "the L1TF pfn limit", false },
};

static void dpt_limit_desc(const struct dpt_limit_case *p, char *desc)
{
	strscpy(desc, p->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(dpt_limit, dpt_limit_cases, dpt_limit_desc);

/*
 * The bound of every window, from synthetic CPU parameters: no window may
 * have an address bit that the physical mask clears, nor lie above the
 * L1TF pfn limit on an affected CPU.
 */
static void devpriv_phys_test_limit(struct kunit *test)
{
	const struct dpt_limit_case *p = test->param_value;
	const char *why = NULL;
	u64 end = devpriv_phys_limit(&p->l, &why);

	KUNIT_EXPECT_EQ(test, end, p->end);
	KUNIT_EXPECT_STREQ(test, why, p->why);
	KUNIT_EXPECT_EQ(test, end > p->l.cpu_end, p->room_above);
	KUNIT_EXPECT_EQ(test, end & ~p->l.phys_mask, 0ULL);
}

/* Last: what the suite registered in the global space is gone again. */
static void devpriv_phys_test_space_whole(struct kunit *test)
{
	struct devpriv_space *space = devpriv_global_space();

	KUNIT_EXPECT_TRUE(test, devpriv_space_check(space));
	KUNIT_EXPECT_TRUE_MSG(test, dpt_space_whole(space),
			      "%lu granules allocated", space->nr_allocated);
}

static void devpriv_phys_test_exit(struct kunit *test)
{
	dpt_fault_disarm_all();
	dpt_set_placement("auto");
	dpt_case_exit(test);
}

static struct kunit_case devpriv_phys_test_cases[] = {
	KUNIT_CASE(devpriv_phys_test_lazy_chunk),
	KUNIT_CASE_PARAM(devpriv_phys_test_placement, dpt_placement_gen_params),
	KUNIT_CASE(devpriv_phys_test_page_free),
	KUNIT_CASE(devpriv_phys_test_folio),
	KUNIT_CASE(devpriv_phys_test_alloc),
	KUNIT_CASE(devpriv_phys_test_alloc_folio),
	KUNIT_CASE(devpriv_phys_test_populate_vs_unregister),
	KUNIT_CASE_PARAM(devpriv_phys_test_fault, dpt_phys_fault_gen_params),
	KUNIT_CASE(devpriv_phys_test_fallback),
	KUNIT_CASE(devpriv_phys_test_devm),
	KUNIT_CASE_PARAM(devpriv_phys_test_limit, dpt_limit_gen_params),
	KUNIT_CASE(devpriv_phys_test_space_whole),
	{}
};

struct kunit_suite devpriv_phys_test_suite = {
	.name = "devpriv_phys",
	.init = dpt_case_init,
	.exit = devpriv_phys_test_exit,
	.test_cases = devpriv_phys_test_cases,
};
