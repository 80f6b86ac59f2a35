// SPDX-License-Identifier: GPL-2.0
/*
 * Pagemaps (libdevpriv/pagemap.c): registration, lazy and eager
 * population, translation in every direction, teardown, bad input.
 */
#include <errno.h>

#include <linux/device.h>
#include <linux/hmm.h>
#include <linux/migrate.h>
#include <linux/mm.h>

#include "devpriv_test.h"

#define PM_ORDER	6			/* space: 64 granules */
#define PM_PAGES	(DEVPRIV_GRANULE_PAGES << PM_ORDER)
#define GRANULE		DEVPRIV_GRANULE_PAGES	/* 512 pages */
#define MIN_CO		DEVPRIV_MIN_CHUNK_ORDER

static struct devpriv_space space;

static void pm_setup(unsigned int order)
{
	devpriv_space_init(&space, order);
}

static void pm_teardown(void)
{
	T_ASSERT(devpriv_space_check(&space));
	T_EQ(space.nr_allocated, 0);
	T_EQ(space.nr_chunks, 0);
	T_EQ(devpriv_test_backend_live(), 0);
	T_EQ(devpriv_test_debugfs_live(), 0);
	devpriv_space_fini(&space);
}

static int pm_register(struct devpriv_pagemap *dpgmap)
{
	return __devpriv_memremap_pagemap(dpgmap, NUMA_NO_NODE, &space,
					  &devpriv_test_backend);
}

/* A pagemap that is not registered is all zeroes where it matters. */
static void pm_check_unregistered(struct devpriv_pagemap *dpgmap)
{
	T_ASSERT(!dpgmap->space);
	T_ASSERT(!dpgmap->chunks);
	T_ASSERT(!dpgmap->backend);
	T_EQ(dpgmap->nr_chunks, 0);
}

static void register_lazy(void)
{
	struct devpriv_test_backend_stats st;
	struct devpriv_pagemap dpgmap;

	pm_setup(PM_ORDER);
	devpriv_test_pagemap_init(&dpgmap, 3 * GRANULE, MIN_CO, 0);
	T_EQ(pm_register(&dpgmap), 0);
	T_PTR_EQ(dpgmap.space, &space);
	T_EQ(dpgmap.nr_chunks, 3);
	T_EQ(dpgmap.nr_populated, 0);
	T_EQ(space.nr_allocated, 3);
	T_EQ(devpriv_test_backend_live(), 0);
	T_EQ(devpriv_test_debugfs_live(), 1);
	devpriv_test_check_pagemap(&dpgmap);

	T_EQ(devpriv_pagemap_populate(&dpgmap, 0, 1), 0);
	T_EQ(dpgmap.nr_populated, 1);
	T_EQ(devpriv_pagemap_populate(&dpgmap, GRANULE + 88, 1), 0);
	T_EQ(dpgmap.nr_populated, 2);
	T_ASSERT(!devpriv_index_to_page(&dpgmap, 2 * GRANULE));
	devpriv_test_check_pagemap(&dpgmap);
	/* populated chunks are skipped, the range is completed */
	T_EQ(devpriv_pagemap_populate(&dpgmap, 0, 3 * GRANULE), 0);
	T_EQ(dpgmap.nr_populated, 3);
	T_EQ(devpriv_test_backend_live(), 3);
	devpriv_test_check_pagemap(&dpgmap);
	/* populating again is a no-op */
	T_EQ(devpriv_pagemap_populate(&dpgmap, 5, 3 * GRANULE - 5), 0);
	devpriv_test_backend_stats(&st);
	T_EQ(st.populated, 3);

	devpriv_memunmap_pagemap(&dpgmap);
	devpriv_test_backend_stats(&st);
	T_EQ(st.evicted, 3);
	T_EQ(st.depopulated, 3);
	pm_check_unregistered(&dpgmap);
	T_NO_WARN();
	pm_teardown();
}

static void register_eager(void)
{
	struct devpriv_test_backend_stats st;
	struct devpriv_pagemap dpgmap;

	pm_setup(PM_ORDER);
	devpriv_test_pagemap_init(&dpgmap, 4 << (MIN_CO + 1), MIN_CO + 1,
				  DEVPRIV_EAGER);
	T_EQ(pm_register(&dpgmap), 0);
	T_EQ(dpgmap.nr_chunks, 4);
	T_EQ(dpgmap.nr_populated, 4);
	T_EQ(space.nr_allocated, 8);
	devpriv_test_backend_stats(&st);
	T_EQ(st.populated, 4);
	devpriv_test_check_pagemap(&dpgmap);
	devpriv_memunmap_pagemap(&dpgmap);
	pm_check_unregistered(&dpgmap);
	T_NO_WARN();
	pm_teardown();
}

/* nr_pages not a multiple of the chunk size */
static void short_last_chunk(void)
{
	static const struct {
		unsigned long nr_pages;
		unsigned int chunk_order;
	} cases[] = {
		{ 2 * GRANULE + 100, MIN_CO },
		{ 8 * GRANULE + 1, MIN_CO + 3 },
		{ 1, MIN_CO },
		{ GRANULE - 1, MIN_CO },
		{ 5, MIN_CO + 5 },
	};
	struct devpriv_pagemap dpgmap;
	unsigned int i;

	pm_setup(PM_ORDER);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		unsigned long nr = cases[i].nr_pages, chunk_pages;
		struct devpriv_chunk *last;

		devpriv_test_pagemap_init(&dpgmap, nr, cases[i].chunk_order,
					  DEVPRIV_EAGER);
		T_EQ(pm_register(&dpgmap), 0);
		chunk_pages = 1UL << dpgmap.chunk_order;
		last = dpgmap.chunks[dpgmap.nr_chunks - 1];
		T_EQ(last->nr_pages, nr - (dpgmap.nr_chunks - 1) * chunk_pages);
		T_ASSERT(last->nr_pages < chunk_pages);
		devpriv_test_check_pagemap(&dpgmap);
		/* past nr_pages: no page by offset, a warning by index */
		T_ASSERT(!devpriv_space_offset_to_page(&space, dpgmap.base + nr));
		T_ASSERT(!devpriv_space_offset_to_page(&space, dpgmap.base +
						       dpgmap.nr_chunks *
						       chunk_pages - 1));
		T_ASSERT(devpriv_index_to_page(&dpgmap, nr - 1));
		T_NO_WARN();
		T_ASSERT(!devpriv_index_to_page(&dpgmap, nr));
		T_WARNS(1, "outside pagemap");
		devpriv_memunmap_pagemap(&dpgmap);
	}
	T_NO_WARN();
	pm_teardown();
}

/*
 * Every chunk order the space admits: one page (the chunk shrinks to the
 * smallest order: a small pagemap reserves no more than it can use), just
 * over half a chunk (rounded up to the chunk) and the whole space.
 */
static void chunk_orders(void)
{
	struct devpriv_pagemap dpgmap;
	unsigned int co;

	pm_setup(PM_ORDER);
	for (co = MIN_CO; co <= MIN_CO + PM_ORDER; co++) {
		unsigned long chunk_pages = 1UL << co;

		devpriv_test_pagemap_init(&dpgmap, 1, co, DEVPRIV_EAGER);
		T_EQ(pm_register(&dpgmap), 0);
		T_EQ(dpgmap.chunk_order, MIN_CO);
		T_EQ(dpgmap.nr_chunks, 1);
		T_EQ(space.nr_allocated, 1);
		devpriv_test_check_pagemap(&dpgmap);
		devpriv_memunmap_pagemap(&dpgmap);

		devpriv_test_pagemap_init(&dpgmap, chunk_pages / 2 + 1, co,
					  DEVPRIV_EAGER);
		T_EQ(pm_register(&dpgmap), 0);
		T_EQ(dpgmap.chunk_order, co);
		T_EQ(dpgmap.nr_chunks, 1);
		T_EQ(space.nr_allocated, chunk_pages / GRANULE);
		devpriv_test_check_pagemap(&dpgmap);
		devpriv_memunmap_pagemap(&dpgmap);

		devpriv_test_pagemap_init(&dpgmap, PM_PAGES, co, 0);
		T_EQ(pm_register(&dpgmap), 0);
		T_EQ(dpgmap.base, 0);
		T_EQ(dpgmap.nr_chunks, PM_PAGES / chunk_pages);
		T_EQ(devpriv_pagemap_populate(&dpgmap, PM_PAGES - 1, 1), 0);
		T_EQ(dpgmap.nr_populated, 1);
		T_ASSERT(dpgmap.chunks[dpgmap.nr_chunks - 1]);
		devpriv_test_check_pagemap(&dpgmap);
		T_PTR_EQ(devpriv_space_offset_to_page(&space, PM_PAGES - 1),
			 devpriv_index_to_page(&dpgmap, PM_PAGES - 1));
		devpriv_memunmap_pagemap(&dpgmap);
	}
	T_NO_WARN();
	pm_teardown();
}

/* Never called: no page of the test backend is ever resident. */
static int never_copy_to_ram(struct devpriv_pagemap *dpgmap, struct page **src,
			     struct page **dst, unsigned long npages)
{
	T_ASSERT(0);
	return -EIO;
}

/*
 * chunk_order 0 means the default, 256 MiB, lowered for a pagemap smaller
 * than that (3 pages: the smallest chunk, one granule of offsets).
 */
static void default_chunk_order(void)
{
	struct devpriv_pagemap dpgmap;
	unsigned int order = DEVPRIV_DEFAULT_CHUNK_ORDER - MIN_CO;

	pm_setup(order);
	devpriv_test_pagemap_init(&dpgmap, 1UL << DEVPRIV_DEFAULT_CHUNK_ORDER,
				  0, 0);
	T_EQ(pm_register(&dpgmap), 0);
	T_EQ(dpgmap.chunk_order, DEVPRIV_DEFAULT_CHUNK_ORDER);
	T_EQ(space.nr_allocated, 1UL << order);
	devpriv_memunmap_pagemap(&dpgmap);
	/* and registers again with the order it was given */
	T_EQ(pm_register(&dpgmap), 0);
	devpriv_memunmap_pagemap(&dpgmap);

	devpriv_test_pagemap_init(&dpgmap, 3, 0, 0);
	T_EQ(pm_register(&dpgmap), 0);
	T_EQ(dpgmap.chunk_order, MIN_CO);
	T_EQ(space.nr_allocated, 1);
	devpriv_memunmap_pagemap(&dpgmap);
	T_NO_WARN();
	pm_teardown();

	/* a space too small for the default refuses it */
	pm_setup(order - 1);
	devpriv_test_pagemap_init(&dpgmap, 3, 0, 0);
	T_EQ(pm_register(&dpgmap), -EINVAL);
	T_WARNS(1, "chunk order");
	pm_check_unregistered(&dpgmap);
	pm_teardown();
}

static void align_orders(void)
{
	struct devpriv_pagemap dpgmap;
	unsigned long blocker;
	unsigned int align;

	pm_setup(PM_ORDER);
	for (align = 0; align < MIN_CO + PM_ORDER; align++) {
		unsigned long expect = BIT(max_t(unsigned int, align, MIN_CO));

		T_EQ(devpriv_space_alloc(&space, 1, 0, &blocker), 0);
		T_EQ(blocker, 0);
		devpriv_test_pagemap_init(&dpgmap, 7, MIN_CO, DEVPRIV_EAGER);
		dpgmap.align_order = align;
		T_EQ(pm_register(&dpgmap), 0);
		T_EQ(dpgmap.base, expect);
		devpriv_test_check_pagemap(&dpgmap);
		devpriv_memunmap_pagemap(&dpgmap);
		devpriv_space_free(&space, blocker, 1);
	}
	/* aligned to the whole space: only an empty space will do */
	T_EQ(devpriv_space_alloc(&space, 1, 0, &blocker), 0);
	devpriv_test_pagemap_init(&dpgmap, 7, MIN_CO, 0);
	dpgmap.align_order = MIN_CO + PM_ORDER;
	T_EQ(pm_register(&dpgmap), -ENOSPC);
	pm_check_unregistered(&dpgmap);
	devpriv_space_free(&space, blocker, 1);
	T_EQ(pm_register(&dpgmap), 0);
	T_EQ(dpgmap.base, 0);
	devpriv_memunmap_pagemap(&dpgmap);
	T_NO_WARN();
	pm_teardown();
}

static void bad_input(void)
{
	struct dev_pagemap_ops no_free = devpriv_test_ops;
	struct dev_pagemap_ops no_fault = devpriv_test_ops;
	static const struct {
		const char *what;
		int err;
		const char *warning;
	} cases[] = {
		{ "0 pages", -EINVAL, "empty pagemap" },
		{ "the flag above the known ones", -EINVAL, "unknown flags" },
		{ "all flags", -EINVAL, "unknown flags" },
		{ "no ops", -EINVAL, "required" },
		{ "no page_free", -EINVAL, "required" },
		{ "no migrate_to_ram", -EINVAL, "required" },
		{ "no owner", -EINVAL, "owner is required" },
		{ "chunk order 1", -EINVAL, "chunk order" },
		{ "chunk order min - 1", -EINVAL, "chunk order" },
		{ "chunk order above the space", -EINVAL, "chunk order" },
		{ "chunk order ~0", -EINVAL, "chunk order" },
		{ "align order above the space", -EINVAL, "alignment order" },
		{ "align order ~0", -EINVAL, "alignment order" },
		{ "one page more than the space", -EOVERFLOW, "exceed" },
		{ "~0 pages", -EOVERFLOW, "exceed" },
		{ "no copy_to_ram, no DEVPRIV_SELF_EVICT", -EINVAL,
		  "copy_to_ram is required" },
	};
	struct devpriv_pagemap dpgmap;
	unsigned int i;

	no_free.page_free = NULL;
	no_fault.migrate_to_ram = NULL;
	pm_setup(PM_ORDER);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		devpriv_test_pagemap_init(&dpgmap, GRANULE, MIN_CO, 0);
		switch (i) {
		case 0:
			dpgmap.nr_pages = 0;
			break;
		case 1:
			/* the bit above the known ones */
			dpgmap.flags = DEVPRIV_PAGEMAP_FLAGS_ALL + 1;
			break;
		case 2:
			dpgmap.flags = ~0U;
			break;
		case 3:
			dpgmap.ops = NULL;
			break;
		case 4:
			dpgmap.ops = &no_free;
			break;
		case 5:
			dpgmap.ops = &no_fault;
			break;
		case 6:
			dpgmap.owner = NULL;
			break;
		case 7:
			dpgmap.chunk_order = 1;
			break;
		case 8:
			dpgmap.chunk_order = MIN_CO - 1;
			break;
		case 9:
			dpgmap.chunk_order = MIN_CO + PM_ORDER + 1;
			break;
		case 10:
			dpgmap.chunk_order = ~0U;
			break;
		case 11:
			dpgmap.align_order = MIN_CO + PM_ORDER + 1;
			break;
		case 12:
			dpgmap.align_order = ~0U;
			break;
		case 13:
			dpgmap.nr_pages = PM_PAGES + 1;
			break;
		case 14:
			dpgmap.nr_pages = ~0UL;
			break;
		case 15:
			dpgmap.flags &= ~DEVPRIV_SELF_EVICT;
			break;
		}
		if (pm_register(&dpgmap) != cases[i].err)
			unit_fail(__FILE__, __LINE__, "%s: not %d", cases[i].what,
				  cases[i].err);
		if (devpriv_test_pending_warnings() != 1 ||
		    !devpriv_test_warnings_match(cases[i].warning))
			unit_fail(__FILE__, __LINE__,
				  "%s: %lu warnings, expected one with \"%s\"",
				  cases[i].what, devpriv_test_pending_warnings(),
				  cases[i].warning);
		devpriv_test_consume_warnings();
		pm_check_unregistered(&dpgmap);
		T_EQ(space.nr_allocated, 0);
		T_EQ(devpriv_test_backend_live(), 0);
	}
	T_EQ(__devpriv_memremap_pagemap(NULL, NUMA_NO_NODE, &space,
					&devpriv_test_backend), -EINVAL);
	T_WARNS(1, "NULL pagemap");

	/* the last one, corrected, registers: copy_to_ram is the other way */
	dpgmap.copy_to_ram = never_copy_to_ram;
	T_EQ(pm_register(&dpgmap), 0);
	devpriv_memunmap_pagemap(&dpgmap);
	T_NO_WARN();
	pm_teardown();
}

static void double_register(void)
{
	struct devpriv_pagemap dpgmap;
	unsigned long base;

	pm_setup(PM_ORDER);
	devpriv_test_pagemap_init(&dpgmap, 2 * GRANULE, MIN_CO, DEVPRIV_EAGER);
	T_EQ(pm_register(&dpgmap), 0);
	base = dpgmap.base;
	T_EQ(pm_register(&dpgmap), -EBUSY);
	T_WARNS(1, "registered twice");
	/* untouched by the refusal */
	T_EQ(dpgmap.base, base);
	T_EQ(space.nr_allocated, 2);
	devpriv_test_check_pagemap(&dpgmap);
	devpriv_memunmap_pagemap(&dpgmap);
	T_NO_WARN();
	pm_teardown();
}

static void double_unregister(void)
{
	struct devpriv_pagemap dpgmap, never;

	pm_setup(PM_ORDER);
	devpriv_test_pagemap_init(&dpgmap, 2 * GRANULE, MIN_CO, DEVPRIV_EAGER);
	T_EQ(pm_register(&dpgmap), 0);
	devpriv_memunmap_pagemap(&dpgmap);
	T_NO_WARN();
	devpriv_memunmap_pagemap(&dpgmap);
	T_WARNS(1, "not registered");
	devpriv_memunmap_pagemap(NULL);
	T_WARNS(1, "not registered");
	devpriv_test_pagemap_init(&never, GRANULE, MIN_CO, 0);
	devpriv_memunmap_pagemap(&never);
	T_WARNS(1, "not registered");
	pm_teardown();
}

static void populate_bad_ranges(void)
{
	static const unsigned long ranges[][2] = {
		{ 1000, 1 },
		{ 0, 0 },
		{ 999, 2 },
		{ ~0UL, 2 },
		{ 1, ~0UL },
		{ ~0UL, 1 },
	};
	struct devpriv_test_backend_stats st;
	struct devpriv_pagemap dpgmap;
	unsigned int i;

	pm_setup(PM_ORDER);
	devpriv_test_pagemap_init(&dpgmap, 1000, MIN_CO, 0);
	T_EQ(devpriv_pagemap_populate(&dpgmap, 0, 1), -EINVAL);
	T_WARNS(1, "not registered");
	T_EQ(devpriv_pagemap_populate(NULL, 0, 1), -EINVAL);
	T_WARNS(1, "not registered");

	T_EQ(pm_register(&dpgmap), 0);
	for (i = 0; i < ARRAY_SIZE(ranges); i++) {
		T_EQ(devpriv_pagemap_populate(&dpgmap, ranges[i][0],
					      ranges[i][1]), -EINVAL);
		T_WARNS(1, "outside");
	}
	devpriv_test_backend_stats(&st);
	T_EQ(st.populated, 0);
	T_EQ(devpriv_pagemap_populate(&dpgmap, 999, 1), 0);
	T_EQ(dpgmap.nr_populated, 1);
	T_ASSERT(dpgmap.chunks[1]);
	devpriv_test_check_pagemap(&dpgmap);
	devpriv_memunmap_pagemap(&dpgmap);
	T_EQ(devpriv_pagemap_populate(&dpgmap, 0, 1), -EINVAL);
	T_WARNS(1, "not registered");
	pm_teardown();
}

static void foreign_pages(void)
{
	struct dev_pagemap other = {
		.type = MEMORY_DEVICE_PRIVATE,
		.ops = &devpriv_test_ops,
		.owner = &devpriv_test_owner,
	};
	struct page *pages = devpriv_test_alloc(2 * sizeof(*pages));
	int i;

	T_ASSERT(pages);
	/* a system page, then another driver's device-private page */
	set_page_zone(&pages[0], ZONE_NORMAL);
	set_page_zone(&pages[1], ZONE_DEVICE);
	pages[1].pgmap = &other;
	for (i = 0; i < 2; i++) {
		struct page *page = &pages[i];

		T_ASSERT(!devpriv_is_devpriv_page(page));
		T_NO_WARN();
		T_ASSERT(!devpriv_page_chunk(page));
		T_WARNS(1, "not a libdevpriv page");
		T_ASSERT(!devpriv_page_pagemap(page));
		T_WARNS(1, "not a libdevpriv page");
		T_EQ(devpriv_page_to_index(page), DEVPRIV_BAD_INDEX);
		T_WARNS(1, "not a libdevpriv page");
		T_EQ(devpriv_page_to_offset(page), DEVPRIV_BAD_INDEX);
		T_WARNS(1, "not a libdevpriv page");
	}
	devpriv_test_free(pages);
}

static void index_out_of_range(void)
{
	struct devpriv_pagemap dpgmap;

	pm_setup(PM_ORDER);
	devpriv_test_pagemap_init(&dpgmap, 1000, MIN_CO, DEVPRIV_EAGER);
	T_ASSERT(!devpriv_index_to_page(&dpgmap, 0));
	T_WARNS(1, "not registered");
	T_EQ(pm_register(&dpgmap), 0);
	T_ASSERT(devpriv_index_to_page(&dpgmap, 999));
	T_NO_WARN();
	T_ASSERT(!devpriv_index_to_page(&dpgmap, 1000));
	T_WARNS(1, "outside pagemap");
	T_ASSERT(!devpriv_index_to_page(&dpgmap, 1024));
	T_WARNS(1, "outside pagemap");
	T_ASSERT(!devpriv_index_to_page(&dpgmap, ~0UL));
	T_WARNS(1, "outside pagemap");
	devpriv_memunmap_pagemap(&dpgmap);
	T_ASSERT(!devpriv_index_to_page(&dpgmap, 0));
	T_WARNS(1, "not registered");
	pm_teardown();
}

static void backend_error_eager(void)
{
	struct devpriv_test_backend_stats st;
	struct devpriv_pagemap dpgmap;

	pm_setup(PM_ORDER);
	devpriv_test_pagemap_init(&dpgmap, 4 * GRANULE, MIN_CO, DEVPRIV_EAGER);
	devpriv_test_backend_fail_after(2, -EIO);
	T_EQ(pm_register(&dpgmap), -EIO);
	T_NO_WARN();
	pm_check_unregistered(&dpgmap);
	devpriv_test_backend_stats(&st);
	T_EQ(st.populated, 2);
	T_EQ(st.depopulated, 2);
	T_EQ(st.failed, 1);
	T_EQ(space.nr_allocated, 0);
	T_EQ(space.nr_chunks, 0);
	T_EQ(devpriv_test_debugfs_live(), 0);

	/* the first chunk failing leaves nothing either */
	devpriv_test_backend_fail_after(0, -ENODEV);
	T_EQ(pm_register(&dpgmap), -ENODEV);
	pm_check_unregistered(&dpgmap);
	T_EQ(space.nr_allocated, 0);

	T_EQ(pm_register(&dpgmap), 0);
	devpriv_test_check_pagemap(&dpgmap);
	devpriv_memunmap_pagemap(&dpgmap);
	T_NO_WARN();
	pm_teardown();
}

/* Each chunk is all or nothing; the range is not. */
static void backend_error_populate(void)
{
	struct devpriv_pagemap dpgmap;

	pm_setup(PM_ORDER);
	devpriv_test_pagemap_init(&dpgmap, 4 * GRANULE, MIN_CO, 0);
	T_EQ(pm_register(&dpgmap), 0);
	devpriv_test_backend_fail_after(2, -EFAULT);
	T_EQ(devpriv_pagemap_populate(&dpgmap, 0, 4 * GRANULE), -EFAULT);
	T_ASSERT(dpgmap.chunks[0] && dpgmap.chunks[1]);
	T_ASSERT(!dpgmap.chunks[2] && !dpgmap.chunks[3]);
	T_EQ(dpgmap.nr_populated, 2);
	T_EQ(devpriv_test_backend_live(), 2);
	devpriv_test_check_pagemap(&dpgmap);
	T_EQ(devpriv_pagemap_populate(&dpgmap, 0, 4 * GRANULE), 0);
	T_EQ(dpgmap.nr_populated, 4);
	devpriv_test_check_pagemap(&dpgmap);
	devpriv_memunmap_pagemap(&dpgmap);
	T_NO_WARN();
	pm_teardown();
}

/* core mm calls the chunk's ops; they reach the driver's */
static void ops_forwarding(void)
{
	struct devpriv_pagemap dpgmap;
	struct vm_fault vmf = { 0 };
	struct page *page;

	pm_setup(PM_ORDER);
	devpriv_test_pagemap_init(&dpgmap, 3 * GRANULE, MIN_CO, DEVPRIV_EAGER);
	T_EQ(pm_register(&dpgmap), 0);
	page = devpriv_index_to_page(&dpgmap, GRANULE + 7);
	T_ASSERT(page);
	T_PTR_EQ(page->pgmap->ops, &devpriv_chunk_ops);
	T_PTR_EQ(page->pgmap->owner, &devpriv_test_owner);
	T_EQ(page->pgmap->type, MEMORY_DEVICE_PRIVATE);
	T_PTR_EQ(devpriv_page_pgmap(page), page->pgmap);

	devpriv_test_last_freed = NULL;
	page->pgmap->ops->page_free(page);
	T_PTR_EQ(devpriv_test_last_freed, page);

	vmf.page = page;
	devpriv_test_last_faulted = NULL;
	T_EQ(page->pgmap->ops->migrate_to_ram(&vmf), 0);
	T_PTR_EQ(devpriv_test_last_faulted, page);

	devpriv_memunmap_pagemap(&dpgmap);
	T_NO_WARN();
	pm_teardown();
}

static void pfn_helpers(void)
{
	struct devpriv_pagemap dpgmap;
	unsigned long i, mpfn, hpfn;
	struct page *page;

	pm_setup(PM_ORDER);
	devpriv_test_pagemap_init(&dpgmap, 2 * GRANULE + 3, MIN_CO,
				  DEVPRIV_EAGER);
	T_EQ(pm_register(&dpgmap), 0);
	for (i = 0; i < dpgmap.nr_pages; i += 97) {
		page = devpriv_index_to_page(&dpgmap, i);
		mpfn = devpriv_migrate_pfn(page);
		T_ASSERT(mpfn & MIGRATE_PFN_VALID);
		T_EQ(mpfn, migrate_pfn(page_to_pfn(page)));
		T_PTR_EQ(devpriv_migrate_pfn_to_page(mpfn), page);
		T_PTR_EQ(devpriv_migrate_pfn_to_page(mpfn | MIGRATE_PFN_WRITE |
						     MIGRATE_PFN_MIGRATE), page);
		T_ASSERT(!devpriv_migrate_pfn_to_page(mpfn & ~MIGRATE_PFN_VALID));
		hpfn = page_to_pfn(page) | HMM_PFN_VALID | HMM_PFN_WRITE |
		       (9UL << HMM_PFN_ORDER_SHIFT);
		T_PTR_EQ(devpriv_hmm_pfn_to_page(hpfn), page);
		T_PTR_EQ(devpriv_hmm_pfn_to_page(hpfn | HMM_PFN_ERROR), page);
		/* the driver's allocator hands the page out */
		page->_refcount = 0;
		devpriv_zone_device_page_init(page);
		T_EQ(page->_refcount, 1);
	}
	T_ASSERT(!devpriv_migrate_pfn_to_page(0));
	devpriv_memunmap_pagemap(&dpgmap);
	T_NO_WARN();
	pm_teardown();
}

/* The same structure, registered and unregistered over and over. */
static void reregister_cycles(void)
{
	unsigned long long rng = unit_seed();
	struct devpriv_pagemap dpgmap;
	int i;

	pm_setup(PM_ORDER);
	for (i = 0; i < 64; i++) {
		unsigned long nr = 1 + unit_rand_below(&rng, PM_PAGES / 2);
		unsigned int co = MIN_CO + unit_rand_below(&rng, 4);
		unsigned int flags = unit_rand_below(&rng, 2) ? DEVPRIV_EAGER : 0;

		devpriv_test_pagemap_init(&dpgmap, nr, co, flags);
		T_EQ(pm_register(&dpgmap), 0);
		if (!flags)
			T_EQ(devpriv_pagemap_populate(&dpgmap,
						      unit_rand_below(&rng, nr),
						      1), 0);
		devpriv_test_check_pagemap(&dpgmap);
		devpriv_memunmap_pagemap(&dpgmap);
		pm_check_unregistered(&dpgmap);
		T_ASSERT(devpriv_space_check(&space));
	}
	T_NO_WARN();
	pm_teardown();
}

/* Pagemaps until the space is full: disjoint, aligned, exact. */
static void many_pagemaps(void)
{
	unsigned long long rng = unit_seed();
	static struct devpriv_pagemap maps[256];
	unsigned long granules = 0;
	int nr = 0, i, j, err;

	pm_setup(8);
	for (;;) {
		struct devpriv_pagemap *dp = &maps[nr];

		T_ASSERT(nr < 256);
		devpriv_test_pagemap_init(dp, 1 + unit_rand_below(&rng, 3000),
					  MIN_CO + unit_rand_below(&rng, 3), 0);
		dp->align_order = unit_rand_below(&rng, 13);
		err = pm_register(dp);
		if (err) {
			T_EQ(err, -ENOSPC);
			pm_check_unregistered(dp);
			break;
		}
		granules += dp->nr_chunks << (dp->chunk_order - MIN_CO);
		T_EQ(space.nr_allocated, granules);
		T_EQ(dp->base & ((1UL << dp->align_order) - 1), 0);
		nr++;
	}
	T_NO_WARN();
	T_ASSERT(nr > 10);
	for (i = 0; i < nr; i++) {
		unsigned long a0 = maps[i].base;
		unsigned long a1 = a0 + (maps[i].nr_chunks << maps[i].chunk_order);

		for (j = i + 1; j < nr; j++) {
			unsigned long b0 = maps[j].base;
			unsigned long b1 = b0 + (maps[j].nr_chunks <<
						 maps[j].chunk_order);

			T_ASSERT(a1 <= b0 || b1 <= a0);
		}
		T_EQ(devpriv_pagemap_populate(&maps[i], 0, maps[i].nr_pages), 0);
	}
	for (i = 0; i < nr; i++)
		devpriv_test_check_pagemap(&maps[i]);
	/* free in a scrambled order; the space is whole again */
	for (i = 0; i < nr; i++) {
		j = (i * 7 + 3) % nr;
		if (!maps[j].space)
			j = i;
		if (maps[j].space)
			devpriv_memunmap_pagemap(&maps[j]);
		T_ASSERT(devpriv_space_check(&space));
	}
	for (i = 0; i < nr; i++)
		if (maps[i].space)
			devpriv_memunmap_pagemap(&maps[i]);
	T_NO_WARN();
	pm_teardown();
}

/*
 * The largest space and the largest chunk: one chunk of 2^63 offsets, for
 * a pagemap of just over 2^62 pages (registered lazily: its struct pages
 * would not fit in memory); three pages asking for that chunk get the
 * smallest one.
 */
static void max_order_space(void)
{
	struct devpriv_pagemap dpgmap;
	unsigned int co = DEVPRIV_SPACE_MAX_ORDER + DEVPRIV_GRANULE_ORDER;

	pm_setup(DEVPRIV_SPACE_MAX_ORDER);
	devpriv_test_pagemap_init(&dpgmap, (1UL << (co - 1)) + 1, co, 0);
	T_EQ(pm_register(&dpgmap), 0);
	T_EQ(dpgmap.chunk_order, co);
	T_EQ(dpgmap.base, 0);
	T_EQ(dpgmap.nr_chunks, 1);
	T_EQ(space.nr_allocated, 1UL << DEVPRIV_SPACE_MAX_ORDER);
	T_ASSERT(!devpriv_space_offset_to_page(&space, 0));
	T_ASSERT(!devpriv_space_offset_to_page(&space, (1UL << co) - 1));
	devpriv_memunmap_pagemap(&dpgmap);
	T_EQ(space.nr_allocated, 0);

	devpriv_test_pagemap_init(&dpgmap, 3, co, DEVPRIV_EAGER);
	T_EQ(pm_register(&dpgmap), 0);
	T_EQ(dpgmap.chunk_order, MIN_CO);
	T_EQ(dpgmap.base, 0);
	T_EQ(space.nr_allocated, 1);
	devpriv_test_check_pagemap(&dpgmap);
	T_ASSERT(devpriv_space_offset_to_page(&space, 2));
	T_ASSERT(!devpriv_space_offset_to_page(&space, 3));
	T_ASSERT(!devpriv_space_offset_to_page(&space, 1UL << 62));
	devpriv_memunmap_pagemap(&dpgmap);

	devpriv_test_pagemap_init(&dpgmap, (1UL << co) + 1, co, 0);
	T_EQ(pm_register(&dpgmap), -EOVERFLOW);
	T_WARNS(1, "exceed");
	devpriv_test_pagemap_init(&dpgmap, 1, co + 1, 0);
	T_EQ(pm_register(&dpgmap), -EINVAL);
	T_WARNS(1, "chunk order");
	pm_teardown();
}

/*
 * A pagemap far larger than the largest space (whose chunk table would be
 * beyond what kvmalloc() accepts) is refused before anything is allocated.
 */
static void huge_chunk_table(void)
{
	struct devpriv_pagemap dpgmap;

	pm_setup(DEVPRIV_SPACE_MAX_ORDER);
	devpriv_test_pagemap_init(&dpgmap, 1UL << 62, MIN_CO, 0);
	T_EQ(pm_register(&dpgmap), -EOVERFLOW);
	T_WARNS(1, "exceed the device-private space");
	pm_check_unregistered(&dpgmap);
	T_EQ(space.nr_allocated, 0);
	pm_teardown();
}

/* devpriv_memremap_pagemap() and friends: the global space */
static void global_api(void)
{
	struct devpriv_pagemap dpgmap;
	struct devpriv_space *global;
	unsigned long i;

	/* before the first registration there is no space to look in */
	T_ASSERT(!devpriv_offset_to_page(0));
	T_NO_WARN();

	devpriv_test_pagemap_init(&dpgmap, 2 * GRANULE + 5, MIN_CO,
				  DEVPRIV_EAGER);
	T_EQ(devpriv_memremap_pagemap(&dpgmap, NUMA_NO_NODE), 0);
	global = devpriv_global_space();
	T_PTR_EQ(dpgmap.space, global);
	T_EQ(global->order, devpriv_space_default_order());
	devpriv_test_check_pagemap(&dpgmap);
	for (i = 0; i < dpgmap.nr_pages; i += 31)
		T_PTR_EQ(devpriv_offset_to_page(dpgmap.base + i),
			 devpriv_index_to_page(&dpgmap, i));
	T_ASSERT(!devpriv_offset_to_page(dpgmap.base + dpgmap.nr_pages));
	T_NO_WARN();
	/* beyond the space: the offset cannot be libdevpriv's */
	T_ASSERT(!devpriv_offset_to_page(1UL << DEVPRIV_SWP_PFN_BITS));
	T_WARNS(1, "outside the device-private space");
	T_ASSERT(!devpriv_offset_to_page(~0UL));
	T_WARNS(1, "outside the device-private space");
	devpriv_memunmap_pagemap(&dpgmap);
	T_ASSERT(devpriv_space_check(global));
	T_EQ(global->nr_allocated, 0);

	devpriv_global_space_fini();
	T_ASSERT(!devpriv_offset_to_page(0));
	T_NO_WARN();
	/* and it comes back on demand */
	T_EQ(devpriv_memremap_pagemap(&dpgmap, NUMA_NO_NODE), 0);
	T_PTR_EQ(dpgmap.space, devpriv_global_space());
	devpriv_memunmap_pagemap(&dpgmap);
	devpriv_global_space_fini();
	T_NO_WARN();
}

/*
 * Eviction by index: each populated chunk is one migrate_device_range()
 * call on its own pfns, unpopulated indexes come back as 0; a range that
 * leaves the pagemap is refused before any page is touched.
 */
static void migrate_device_range_by_index(void)
{
	unsigned long first = 5, n = 3 * GRANULE - 10, i, *src;
	struct devpriv_pagemap dpgmap;

	devpriv_test_pagemap_init(&dpgmap, 3 * GRANULE, MIN_CO, 0);
	T_EQ(devpriv_memremap_pagemap(&dpgmap, NUMA_NO_NODE), 0);
	T_EQ(devpriv_pagemap_populate(&dpgmap, 0, 1), 0);
	T_EQ(devpriv_pagemap_populate(&dpgmap, 2 * GRANULE, 1), 0);
	src = calloc(n, sizeof(*src));
	T_ASSERT(src);
	memset(src, 0xff, n * sizeof(*src));
	shim_migrate_device_range_calls = 0;
	T_EQ(devpriv_migrate_device_range(&dpgmap, src, first, n), 0);
	T_EQ(shim_migrate_device_range_calls, 2);
	for (i = 0; i < n; i++) {
		struct page *page = devpriv_index_to_page(&dpgmap, first + i);

		if (page)
			T_EQ(src[i], devpriv_migrate_pfn(page) | MIGRATE_PFN_MIGRATE);
		else
			T_EQ(src[i], 0);
	}
	T_NO_WARN();
	shim_migrate_device_range_calls = 0;
	T_EQ(devpriv_migrate_device_range(&dpgmap, src, 3 * GRANULE, 1), -EINVAL);
	T_WARNS(1, "outside its pagemap");
	T_EQ(devpriv_migrate_device_range(&dpgmap, src, 1, 3 * GRANULE), -EINVAL);
	T_WARNS(1, "outside its pagemap");
	T_EQ(devpriv_migrate_device_range(&dpgmap, src, ULONG_MAX, 2), -EINVAL);
	T_WARNS(1, "outside its pagemap");
	T_EQ(shim_migrate_device_range_calls, 0);
	/* to the pagemap's last page */
	T_EQ(devpriv_migrate_device_range(&dpgmap, src, 3 * GRANULE - n, n), 0);
	T_EQ(shim_migrate_device_range_calls, 2);
	free(src);
	devpriv_memunmap_pagemap(&dpgmap);
	devpriv_global_space_fini();
	T_NO_WARN();
}

static void devm_api(void)
{
	struct device dev = { .name = "devpriv-test" };
	struct devpriv_pagemap dpgmap;

	devpriv_test_pagemap_init(&dpgmap, GRANULE + 1, MIN_CO, DEVPRIV_EAGER);
	T_EQ(devm_devpriv_memremap_pagemap(&dev, &dpgmap, NUMA_NO_NODE), 0);
	T_EQ(devpriv_test_device_nr_actions(&dev), 1);
	devpriv_test_check_pagemap(&dpgmap);
	/* unbinding the device unregisters */
	devpriv_test_device_release(&dev);
	pm_check_unregistered(&dpgmap);
	T_EQ(devpriv_test_backend_live(), 0);

	/* early release */
	T_EQ(devm_devpriv_memremap_pagemap(&dev, &dpgmap, NUMA_NO_NODE), 0);
	devm_devpriv_memunmap_pagemap(&dev, &dpgmap);
	pm_check_unregistered(&dpgmap);
	T_EQ(devpriv_test_device_nr_actions(&dev), 0);

	/* a refused registration leaves no action behind */
	dpgmap.nr_pages = 0;
	T_EQ(devm_devpriv_memremap_pagemap(&dev, &dpgmap, NUMA_NO_NODE),
	     -EINVAL);
	T_WARNS(1, "empty pagemap");
	T_EQ(devpriv_test_device_nr_actions(&dev), 0);
	devpriv_global_space_fini();
	T_NO_WARN();
}

static const struct unit_test pagemap_tests[] = {
	UNIT_TEST(register_lazy),
	UNIT_TEST(register_eager),
	UNIT_TEST(short_last_chunk),
	UNIT_TEST(chunk_orders),
	UNIT_TEST(default_chunk_order),
	UNIT_TEST(align_orders),
	UNIT_TEST(bad_input),
	UNIT_TEST(double_register),
	UNIT_TEST(double_unregister),
	UNIT_TEST(populate_bad_ranges),
	UNIT_TEST(foreign_pages),
	UNIT_TEST(index_out_of_range),
	UNIT_TEST(backend_error_eager),
	UNIT_TEST(backend_error_populate),
	UNIT_TEST(ops_forwarding),
	UNIT_TEST(pfn_helpers),
	UNIT_TEST(reregister_cycles),
	UNIT_TEST(many_pagemaps),
	UNIT_TEST(max_order_space),
	UNIT_TEST(huge_chunk_table),
	UNIT_TEST(global_api),
	UNIT_TEST(migrate_device_range_by_index),
	UNIT_TEST(devm_api),
};

UNIT_SUITE(suite_pagemap, "pagemap", pagemap_tests, true);
