// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suites devpriv_pagemap and devpriv_translate: registration, chunks,
 * lazy and eager population and their failure paths (libdevpriv/pagemap.c),
 * and the translation helpers of include/devpriv/devpriv.h, all on private
 * spaces with the test backend (see test_util.c).
 */

#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/slab.h>

#include "devpriv_test.h"

/* Pages of a private space of 1 << order granules. */
static unsigned long dpt_space_pages(struct devpriv_space *space)
{
	return 1UL << (space->order + DEVPRIV_GRANULE_ORDER);
}

/* The pagemap looks unregistered, as after a refused registration. */
static void dpt_expect_unregistered(struct kunit *test, struct dpt_pagemap *tp)
{
	KUNIT_EXPECT_NULL(test, tp->dpgmap.space);
	KUNIT_EXPECT_NULL(test, tp->dpgmap.chunks);
	KUNIT_EXPECT_NULL(test, tp->dpgmap.backend);
	KUNIT_EXPECT_EQ(test, tp->dpgmap.nr_chunks, 0UL);
	KUNIT_EXPECT_EQ(test, atomic_read(&tp->nr_live), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&tp->nr_bad), 0);
}

static u32 dpt_ev(struct dpt_pagemap *tp, int i)
{
	return i < atomic_read(&tp->nr_events) ? tp->events[i] : 0;
}

/* Registering a lazy pagemap reserves offsets and populates nothing. */
static void devpriv_pagemap_test_lazy(struct kunit *test)
{
	struct devpriv_space *space = dpt_space_new(test, 6);
	struct dpt_pagemap *tp = dpt_pagemap_new(test, 3 * DPT_CP + 100, DPT_CO, 0);
	struct devpriv_pagemap *dpgmap = &tp->dpgmap;
	unsigned long c;

	KUNIT_ASSERT_EQ(test, dpt_register(tp, space, &dpt_backend), 0);
	KUNIT_EXPECT_PTR_EQ(test, dpgmap->space, space);
	KUNIT_EXPECT_EQ(test, dpgmap->chunk_order, DPT_CO);
	KUNIT_EXPECT_EQ(test, dpgmap->nr_chunks, 4UL);
	KUNIT_EXPECT_EQ(test, dpgmap->nr_populated, 0UL);
	KUNIT_EXPECT_EQ(test, dpgmap->base & (DPT_CP - 1), 0UL);
	KUNIT_EXPECT_LE(test, dpgmap->base + 4 * DPT_CP, dpt_space_pages(space));
	KUNIT_EXPECT_EQ(test, space->nr_allocated, 4UL);
	KUNIT_EXPECT_TRUE(test, devpriv_space_check(space));
	for (c = 0; c < dpgmap->nr_chunks; c++)
		KUNIT_EXPECT_NULL(test, dpgmap->chunks[c]);
	KUNIT_EXPECT_NULL(test, devpriv_index_to_page(dpgmap, 0));
	KUNIT_EXPECT_NULL(test, devpriv_index_to_page(dpgmap, dpgmap->nr_pages - 1));
	KUNIT_EXPECT_NULL(test, devpriv_space_offset_to_page(space, dpgmap->base));
	KUNIT_EXPECT_EQ(test, space->nr_chunks, 0UL);
	KUNIT_EXPECT_EQ(test, atomic_read(&tp->nr_populate), 0);

	devpriv_memunmap_pagemap(dpgmap);
	dpt_expect_unregistered(test, tp);
	KUNIT_EXPECT_EQ(test, atomic_read(&tp->nr_populate), 0);
	dpt_space_done(test, space);
}

/* Eager: every chunk populated in order, torn down last first. */
static void devpriv_pagemap_test_eager(struct kunit *test)
{
	struct devpriv_space *space = dpt_space_new(test, 6);
	struct dpt_pagemap *tp = dpt_pagemap_new(test, 2 * DPT_CP + 1, DPT_CO,
						 DEVPRIV_EAGER);
	struct devpriv_pagemap *dpgmap = &tp->dpgmap;
	unsigned long c;

	KUNIT_ASSERT_EQ(test, dpt_register(tp, space, &dpt_backend), 0);
	KUNIT_EXPECT_EQ(test, dpgmap->nr_chunks, 3UL);
	KUNIT_EXPECT_EQ(test, dpgmap->nr_populated, 3UL);
	KUNIT_EXPECT_EQ(test, atomic_read(&tp->nr_populate), 3);
	KUNIT_EXPECT_EQ(test, atomic_read(&tp->nr_live), 3);
	KUNIT_EXPECT_EQ(test, atomic_read(&tp->nr_bad), 0);
	for (c = 0; c < 3; c++) {
		KUNIT_ASSERT_NOT_NULL(test, dpgmap->chunks[c]);
		KUNIT_EXPECT_EQ(test, dpt_ev(tp, c), DPT_EVENT(DPT_EV_POPULATE, c));
		KUNIT_EXPECT_EQ(test, dpgmap->chunks[c]->first_index, c * DPT_CP);
	}
	KUNIT_EXPECT_EQ(test, dpgmap->chunks[0]->nr_pages, DPT_CP);
	KUNIT_EXPECT_EQ(test, dpgmap->chunks[2]->nr_pages, 1UL);
	KUNIT_EXPECT_NOT_NULL(test, devpriv_index_to_page(dpgmap, 2 * DPT_CP));
	KUNIT_EXPECT_EQ(test, space->nr_chunks, 3UL);

	devpriv_memunmap_pagemap(dpgmap);
	dpt_expect_unregistered(test, tp);
	for (c = 0; c < 3; c++)
		KUNIT_EXPECT_EQ(test, dpt_ev(tp, 3 + c),
				DPT_EVENT(DPT_EV_DEPOPULATE, 2 - c));
	dpt_space_done(test, space);
}

/* chunk_order 0 picks DEVPRIV_DEFAULT_CHUNK_ORDER. */
static void devpriv_pagemap_test_default_chunk_order(struct kunit *test)
{
	const unsigned long cp = 1UL << DEVPRIV_DEFAULT_CHUNK_ORDER;
	const unsigned int granules = 1U << (DEVPRIV_DEFAULT_CHUNK_ORDER -
					     DEVPRIV_GRANULE_ORDER);
	struct devpriv_space *space = dpt_space_new(test, ilog2(2 * granules));
	struct dpt_pagemap *tp = dpt_pagemap_new(test, cp + 1, 0, 0);
	struct devpriv_pagemap *dpgmap = &tp->dpgmap;
	struct page *page;

	KUNIT_ASSERT_EQ(test, dpt_register(tp, space, &dpt_backend), 0);
	KUNIT_EXPECT_EQ(test, dpgmap->chunk_order, DEVPRIV_DEFAULT_CHUNK_ORDER);
	KUNIT_EXPECT_EQ(test, dpgmap->nr_chunks, 2UL);
	KUNIT_EXPECT_EQ(test, dpgmap->base, 0UL);
	KUNIT_EXPECT_EQ(test, space->nr_allocated, 2UL * granules);

	/* the short last chunk: a single page */
	KUNIT_ASSERT_EQ(test, devpriv_pagemap_populate(dpgmap, cp, 1), 0);
	KUNIT_ASSERT_NOT_NULL(test, dpgmap->chunks[1]);
	KUNIT_EXPECT_EQ(test, dpgmap->chunks[1]->nr_pages, 1UL);
	KUNIT_EXPECT_EQ(test, dpgmap->chunks[1]->offset, cp);
	page = devpriv_index_to_page(dpgmap, cp);
	KUNIT_EXPECT_PTR_EQ(test, page, dpgmap->chunks[1]->pages);
	KUNIT_EXPECT_PTR_EQ(test, devpriv_space_offset_to_page(space, cp), page);
	KUNIT_EXPECT_NULL(test, devpriv_space_offset_to_page(space, cp + 1));
	KUNIT_EXPECT_NULL(test, devpriv_space_offset_to_page(space, 2 * cp - 1));
	KUNIT_EXPECT_NULL(test, devpriv_index_to_page(dpgmap, cp - 1));

	devpriv_memunmap_pagemap(dpgmap);
	dpt_expect_unregistered(test, tp);
	dpt_space_done(test, space);
}

/* Lazy population of ranges: only the chunks touched, each once. */
static void devpriv_pagemap_test_populate(struct kunit *test)
{
	struct devpriv_space *space = dpt_space_new(test, 6);
	struct dpt_pagemap *tp = dpt_pagemap_new(test, 4 * DPT_CP, DPT_CO, 0);
	struct devpriv_pagemap *dpgmap = &tp->dpgmap;
	unsigned long base;

	KUNIT_ASSERT_EQ(test, dpt_register(tp, space, &dpt_backend), 0);
	base = dpgmap->base;

	/* two pages straddling the first chunk boundary: two chunks */
	KUNIT_ASSERT_EQ(test, devpriv_pagemap_populate(dpgmap, DPT_CP - 1, 2), 0);
	KUNIT_EXPECT_EQ(test, dpgmap->nr_populated, 2UL);
	KUNIT_EXPECT_EQ(test, atomic_read(&tp->nr_populate), 2);
	KUNIT_EXPECT_NOT_NULL(test, dpgmap->chunks[0]);
	KUNIT_EXPECT_NOT_NULL(test, dpgmap->chunks[1]);
	KUNIT_EXPECT_NULL(test, dpgmap->chunks[2]);
	KUNIT_EXPECT_NULL(test, dpgmap->chunks[3]);
	KUNIT_EXPECT_NOT_NULL(test, devpriv_index_to_page(dpgmap, 0));
	KUNIT_EXPECT_NOT_NULL(test, devpriv_index_to_page(dpgmap, 2 * DPT_CP - 1));
	KUNIT_EXPECT_NULL(test, devpriv_index_to_page(dpgmap, 2 * DPT_CP));
	KUNIT_EXPECT_NULL(test, devpriv_space_offset_to_page(space, base + 2 * DPT_CP));

	/* populated already: no backend call */
	KUNIT_ASSERT_EQ(test, devpriv_pagemap_populate(dpgmap, 0, 1), 0);
	KUNIT_ASSERT_EQ(test, devpriv_pagemap_populate(dpgmap, 5, 2 * DPT_CP - 5), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&tp->nr_populate), 2);

	/* the last page only */
	KUNIT_ASSERT_EQ(test, devpriv_pagemap_populate(dpgmap, 4 * DPT_CP - 1, 1), 0);
	KUNIT_EXPECT_EQ(test, dpgmap->nr_populated, 3UL);
	KUNIT_EXPECT_NULL(test, dpgmap->chunks[2]);
	KUNIT_EXPECT_NOT_NULL(test, dpgmap->chunks[3]);

	/* everything: the one chunk left */
	KUNIT_ASSERT_EQ(test, devpriv_pagemap_populate(dpgmap, 0, dpgmap->nr_pages), 0);
	KUNIT_EXPECT_EQ(test, dpgmap->nr_populated, 4UL);
	KUNIT_EXPECT_EQ(test, atomic_read(&tp->nr_populate), 4);
	KUNIT_EXPECT_EQ(test, dpt_ev(tp, 3), DPT_EVENT(DPT_EV_POPULATE, 2));
	KUNIT_EXPECT_NOT_NULL(test, devpriv_space_offset_to_page(space, base + 2 * DPT_CP));
	KUNIT_EXPECT_EQ(test, atomic_read(&tp->nr_bad), 0);

	devpriv_memunmap_pagemap(dpgmap);
	dpt_expect_unregistered(test, tp);
	dpt_space_done(test, space);
}

/* Ranges devpriv_pagemap_populate() must refuse, populating nothing. */
static void devpriv_pagemap_test_populate_bad(struct kunit *test)
{
	struct devpriv_space *space = dpt_space_new(test, 6);
	struct dpt_pagemap *tp = dpt_pagemap_new(test, 2 * DPT_CP, DPT_CO, 0);
	struct dpt_pagemap *never = dpt_pagemap_new(test, DPT_CP, DPT_CO, 0);
	struct devpriv_pagemap *dpgmap = &tp->dpgmap;
	unsigned long nr = dpgmap->nr_pages;

	/* library warnings: each refused populate */
	dpt_expect_warnings(test, 8);
	KUNIT_ASSERT_EQ(test, dpt_register(tp, space, &dpt_backend), 0);
	KUNIT_EXPECT_EQ(test, devpriv_pagemap_populate(dpgmap, 0, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, devpriv_pagemap_populate(dpgmap, nr, 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, devpriv_pagemap_populate(dpgmap, nr - 1, 2), -EINVAL);
	KUNIT_EXPECT_EQ(test, devpriv_pagemap_populate(dpgmap, 0, nr + 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, devpriv_pagemap_populate(dpgmap, ULONG_MAX, 2), -EINVAL);
	KUNIT_EXPECT_EQ(test, devpriv_pagemap_populate(dpgmap, 1, ULONG_MAX), -EINVAL);
	KUNIT_EXPECT_EQ(test, atomic_read(&tp->nr_populate), 0);
	KUNIT_EXPECT_EQ(test, dpgmap->nr_populated, 0UL);

	devpriv_memunmap_pagemap(dpgmap);
	KUNIT_EXPECT_EQ(test, devpriv_pagemap_populate(dpgmap, 0, 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, devpriv_pagemap_populate(&never->dpgmap, 0, 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, atomic_read(&tp->nr_populate), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&never->nr_populate), 0);
	dpt_space_done(test, space);
}

/* Never called: no page of the test backend is ever resident. */
static int dpt_copy_to_ram(struct devpriv_pagemap *dpgmap, struct page **src,
			   struct page **dst, unsigned long npages)
{
	return -EIO;
}

/* Malformed pagemaps: refused with the documented errno, nothing held. */
static void devpriv_pagemap_test_bad_input(struct kunit *test)
{
	struct devpriv_space *space = dpt_space_new(test, 6);
	struct dpt_pagemap *tp = dpt_pagemap_new(test, DPT_CP, DPT_CO, 0);
	struct dpt_pagemap *other = dpt_pagemap_new(test, 1, DPT_CO, 0);
	const unsigned long space_pages = dpt_space_pages(space);
	const unsigned int space_pages_order = ilog2(space_pages);
	const struct {
		unsigned long nr_pages;
		unsigned int chunk_order;
		unsigned int align_order;
		unsigned int flags;
		int ops;	/* 0: good, 1: none, 2: no page_free, 3: no fault */
		bool no_owner;
		int err;
	} bad[] = {
		{ 0, DPT_CO, 0, 0, 0, false, -EINVAL },
		{ space_pages + 1, DPT_CO, 0, 0, 0, false, -EOVERFLOW },
		{ ULONG_MAX, DPT_CO, 0, 0, 0, false, -EOVERFLOW },
		{ DPT_CP, DPT_CO, 0, 1U << 7, 0, false, -EINVAL },
		{ DPT_CP, DPT_CO, 0, ~0U, 0, false, -EINVAL },
		{ DPT_CP, DEVPRIV_MIN_CHUNK_ORDER - 1, 0, 0, 0, false, -EINVAL },
		{ DPT_CP, 1, 0, 0, 0, false, -EINVAL },
		{ DPT_CP, space_pages_order + 1, 0, 0, 0, false, -EINVAL },
		{ DPT_CP, DPT_CO, space_pages_order + 1, 0, 0, false, -EINVAL },
		{ DPT_CP, DPT_CO, 0, 0, 1, false, -EINVAL },
		{ DPT_CP, DPT_CO, 0, 0, 2, false, -EINVAL },
		{ DPT_CP, DPT_CO, 0, 0, 3, false, -EINVAL },
		{ DPT_CP, DPT_CO, 0, 0, 0, true, -EINVAL },
	};
	static const struct dev_pagemap_ops *ops[] = {
		&dpt_ops, NULL, &dpt_ops_no_free, &dpt_ops_no_fault,
	};
	unsigned int i;

	/* library warnings: each malformed pagemap, no copy_to_ram, and NULL */
	dpt_expect_warnings(test, 15);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		dpt_pagemap_init(tp, bad[i].nr_pages, bad[i].chunk_order,
				 bad[i].flags);
		tp->dpgmap.align_order = bad[i].align_order;
		tp->dpgmap.ops = ops[bad[i].ops];
		if (bad[i].no_owner)
			tp->dpgmap.owner = NULL;
		KUNIT_EXPECT_EQ_MSG(test, dpt_register(tp, space, &dpt_backend),
				    bad[i].err, "bad pagemap #%u", i);
		dpt_expect_unregistered(test, tp);
		KUNIT_EXPECT_EQ(test, atomic_read(&tp->nr_populate), 0);
		KUNIT_EXPECT_TRUE(test, dpt_space_whole(space));
	}
	KUNIT_EXPECT_EQ(test, __devpriv_memremap_pagemap(NULL, NUMA_NO_NODE, space,
							 &dpt_backend), -EINVAL);

	/* user pages need a way back: copy_to_ram, or the driver's word */
	dpt_pagemap_init(tp, DPT_CP, DPT_CO, 0);
	tp->dpgmap.flags &= ~DEVPRIV_SELF_EVICT;
	KUNIT_EXPECT_EQ(test, dpt_register(tp, space, &dpt_backend), -EINVAL);
	dpt_expect_unregistered(test, tp);
	tp->dpgmap.copy_to_ram = dpt_copy_to_ram;
	KUNIT_EXPECT_EQ(test, dpt_register(tp, space, &dpt_backend), 0);
	devpriv_memunmap_pagemap(&tp->dpgmap);
	dpt_expect_unregistered(test, tp);

	/* the largest valid pagemap fills the space exactly */
	dpt_pagemap_init(tp, space_pages, DPT_CO, 0);
	KUNIT_ASSERT_EQ(test, dpt_register(tp, space, &dpt_backend), 0);
	KUNIT_EXPECT_EQ(test, tp->dpgmap.base, 0UL);
	KUNIT_EXPECT_EQ(test, space->nr_allocated, 1UL << space->order);
	KUNIT_EXPECT_EQ(test, dpt_register(other, space, &dpt_backend), -ENOSPC);
	dpt_expect_unregistered(test, other);
	devpriv_memunmap_pagemap(&tp->dpgmap);
	dpt_expect_unregistered(test, tp);

	/*
	 * ... and so does one chunk as large as the space, for a pagemap of
	 * just over half of it (a smaller one gets a smaller chunk)
	 */
	dpt_pagemap_init(tp, space_pages / 2 + 1, space_pages_order, 0);
	KUNIT_ASSERT_EQ(test, dpt_register(tp, space, &dpt_backend), 0);
	KUNIT_EXPECT_EQ(test, tp->dpgmap.chunk_order, space_pages_order);
	KUNIT_EXPECT_EQ(test, space->nr_allocated, 1UL << space->order);
	KUNIT_ASSERT_EQ(test, devpriv_pagemap_populate(&tp->dpgmap, 0, 1), 0);
	KUNIT_EXPECT_NOT_NULL(test, devpriv_index_to_page(&tp->dpgmap, 0));
	devpriv_memunmap_pagemap(&tp->dpgmap);
	dpt_expect_unregistered(test, tp);
	dpt_space_done(test, space);
}

/* A second registration and a second unregistration change nothing. */
static void devpriv_pagemap_test_double_register(struct kunit *test)
{
	struct devpriv_space *space = dpt_space_new(test, 6);
	struct dpt_pagemap *tp = dpt_pagemap_new(test, DPT_CP + 1, DPT_CO,
						 DEVPRIV_EAGER);
	struct dpt_pagemap *never = dpt_pagemap_new(test, DPT_CP, DPT_CO, 0);
	struct devpriv_pagemap *dpgmap = &tp->dpgmap;
	unsigned long base, allocated;
	struct page *page;

	/* library warnings: each second registration and unregistration */
	dpt_expect_warnings(test, 4);
	KUNIT_ASSERT_EQ(test, dpt_register(tp, space, &dpt_backend), 0);
	base = dpgmap->base;
	allocated = space->nr_allocated;
	page = devpriv_index_to_page(dpgmap, DPT_CP);
	KUNIT_ASSERT_NOT_NULL(test, page);

	KUNIT_EXPECT_EQ(test, dpt_register(tp, space, &dpt_backend), -EBUSY);
	KUNIT_EXPECT_EQ(test, dpgmap->base, base);
	KUNIT_EXPECT_PTR_EQ(test, dpgmap->space, space);
	KUNIT_EXPECT_EQ(test, dpgmap->nr_populated, 2UL);
	KUNIT_EXPECT_EQ(test, space->nr_allocated, allocated);
	KUNIT_EXPECT_PTR_EQ(test, devpriv_index_to_page(dpgmap, DPT_CP), page);
	KUNIT_EXPECT_EQ(test, devpriv_page_to_index(page), DPT_CP);
	KUNIT_EXPECT_EQ(test, atomic_read(&tp->nr_populate), 2);

	devpriv_memunmap_pagemap(dpgmap);
	dpt_expect_unregistered(test, tp);
	KUNIT_EXPECT_TRUE(test, dpt_space_whole(space));
	devpriv_memunmap_pagemap(dpgmap);
	devpriv_memunmap_pagemap(&never->dpgmap);
	devpriv_memunmap_pagemap(NULL);
	dpt_expect_unregistered(test, tp);
	KUNIT_EXPECT_EQ(test, atomic_read(&tp->nr_populate), 2);
	dpt_space_done(test, space);
}

struct dpt_fail_param {
	int at;
	int err;
};

static const struct dpt_fail_param dpt_eager_fail_params[] = {
	{ 1, -ENOMEM },
	{ 2, -EIO },
	{ 4, -ENOSPC },
};

static void dpt_fail_desc(const struct dpt_fail_param *p, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "populate #%d fails with %d",
		 p->at, p->err);
}

KUNIT_ARRAY_PARAM(dpt_eager_fail, dpt_eager_fail_params, dpt_fail_desc);

/*
 * The backend fails part way through an eager registration: the errno
 * comes back, every chunk populated so far is depopulated (last first),
 * the offsets are free again, and registering again works.
 */
static void devpriv_pagemap_test_eager_failure(struct kunit *test)
{
	const struct dpt_fail_param *p = test->param_value;
	struct devpriv_space *space = dpt_space_new(test, 6);
	struct dpt_pagemap *tp = dpt_pagemap_new(test, 4 * DPT_CP, DPT_CO,
						 DEVPRIV_EAGER);
	int i, done = p->at - 1;

	tp->fail_populate_at = p->at;
	tp->fail_errno = p->err;
	KUNIT_EXPECT_EQ(test, dpt_register(tp, space, &dpt_backend), p->err);
	KUNIT_EXPECT_EQ(test, atomic_read(&tp->nr_populate), p->at);
	dpt_expect_unregistered(test, tp);
	KUNIT_EXPECT_TRUE(test, dpt_space_whole(space));
	KUNIT_EXPECT_TRUE(test, devpriv_space_check(space));
	KUNIT_ASSERT_EQ(test, atomic_read(&tp->nr_events), 2 * done);
	for (i = 0; i < done; i++) {
		KUNIT_EXPECT_EQ(test, dpt_ev(tp, i), DPT_EVENT(DPT_EV_POPULATE, i));
		KUNIT_EXPECT_EQ(test, dpt_ev(tp, done + i),
				DPT_EVENT(DPT_EV_DEPOPULATE, done - 1 - i));
	}

	/* the same pagemap, without the failure */
	tp->fail_populate_at = 0;
	KUNIT_ASSERT_EQ(test, dpt_register(tp, space, &dpt_backend), 0);
	KUNIT_EXPECT_EQ(test, tp->dpgmap.nr_populated, 4UL);
	KUNIT_EXPECT_EQ(test, atomic_read(&tp->nr_live), 4);
	KUNIT_EXPECT_EQ(test, tp->dpgmap.base, 0UL);
	devpriv_memunmap_pagemap(&tp->dpgmap);
	dpt_expect_unregistered(test, tp);
	dpt_space_done(test, space);
}

struct dpt_core_fault {
	enum devpriv_fault_site site;
	unsigned int nth;		/* which pass fails */
	int nr_populate;		/* backend populate calls by then */
};

static const struct dpt_core_fault dpt_core_faults[] = {
	{ DEVPRIV_FAULT_CHUNK_TABLE, 1, 0 },
	{ DEVPRIV_FAULT_SPACE, 1, 0 },
	{ DEVPRIV_FAULT_CHUNK_ALLOC, 2, 1 },
};

static void dpt_core_fault_desc(const struct dpt_core_fault *p, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "site %d, pass %u", p->site, p->nth);
}

KUNIT_ARRAY_PARAM(dpt_core_fault, dpt_core_faults, dpt_core_fault_desc);

/*
 * The library's own steps fail (forced, as through debugfs inject_fault)
 * during an eager registration: -ENOMEM, every chunk the backend populated
 * is depopulated again, the space is whole, a retry works.
 */
static void devpriv_pagemap_test_fault(struct kunit *test)
{
	const struct dpt_core_fault *p = test->param_value;
	struct devpriv_space *space = dpt_space_new(test, 6);
	struct dpt_pagemap *tp = dpt_pagemap_new(test, 3 * DPT_CP, DPT_CO,
						 DEVPRIV_EAGER);
	int injected = dpt_fault_injected(p->site);

	dpt_fault_arm(p->site, p->nth);
	KUNIT_EXPECT_EQ(test, dpt_register(tp, space, &dpt_backend), -ENOMEM);
	KUNIT_EXPECT_EQ(test, dpt_fault_injected(p->site), injected + 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&tp->nr_populate), p->nr_populate);
	dpt_expect_unregistered(test, tp);
	KUNIT_EXPECT_TRUE(test, dpt_space_whole(space));

	KUNIT_ASSERT_EQ(test, dpt_register(tp, space, &dpt_backend), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&tp->nr_live), 3);
	devpriv_memunmap_pagemap(&tp->dpgmap);
	dpt_expect_unregistered(test, tp);
	dpt_space_done(test, space);
}

/*
 * A chunk whose offsets the space never handed out has no slots to go to:
 * refused with a warning, and no lookup finds it.
 */
static void devpriv_pagemap_test_insert_outside(struct kunit *test)
{
	struct devpriv_space *space = dpt_space_new(test, 6);
	struct devpriv_chunk *chunk = kunit_kzalloc(test, sizeof(*chunk), GFP_KERNEL);
	unsigned long first;

	KUNIT_ASSERT_NOT_NULL(test, chunk);
	chunk->nr_pages = DPT_CP;
	chunk->offset = devpriv_granule_offset(8);
	dpt_expect_warnings(test, 1);
	KUNIT_EXPECT_EQ(test, devpriv_space_insert(space, chunk, DPT_CO), -EINVAL);
	KUNIT_EXPECT_EQ(test, space->nr_chunks, 0UL);
	KUNIT_ASSERT_EQ(test, devpriv_space_alloc(space, 1, 0, &first), 0);
	KUNIT_EXPECT_NULL(test, devpriv_space_offset_to_page(space, chunk->offset));
	devpriv_space_free(space, first, 1);
	dpt_space_done(test, space);
}

/* A failing lazy population keeps the chunks populated before it. */
static void devpriv_pagemap_test_lazy_failure(struct kunit *test)
{
	struct devpriv_space *space = dpt_space_new(test, 6);
	struct dpt_pagemap *tp = dpt_pagemap_new(test, 3 * DPT_CP, DPT_CO, 0);
	struct devpriv_pagemap *dpgmap = &tp->dpgmap;
	struct page *page;

	KUNIT_ASSERT_EQ(test, dpt_register(tp, space, &dpt_backend), 0);
	tp->fail_populate_at = 2;
	tp->fail_errno = -EIO;
	KUNIT_EXPECT_EQ(test, devpriv_pagemap_populate(dpgmap, 0, dpgmap->nr_pages),
			-EIO);
	KUNIT_EXPECT_EQ(test, dpgmap->nr_populated, 1UL);
	KUNIT_EXPECT_EQ(test, atomic_read(&tp->nr_live), 1);
	KUNIT_EXPECT_NOT_NULL(test, devpriv_index_to_page(dpgmap, DPT_CP - 1));
	KUNIT_EXPECT_NULL(test, devpriv_index_to_page(dpgmap, DPT_CP));
	KUNIT_EXPECT_NULL(test, devpriv_index_to_page(dpgmap, 2 * DPT_CP));
	page = devpriv_space_offset_to_page(space, dpgmap->base + DPT_CP);
	KUNIT_EXPECT_NULL(test, page);

	KUNIT_EXPECT_EQ(test, devpriv_pagemap_populate(dpgmap, 0, dpgmap->nr_pages), 0);
	KUNIT_EXPECT_EQ(test, dpgmap->nr_populated, 3UL);
	KUNIT_EXPECT_EQ(test, atomic_read(&tp->nr_live), 3);
	KUNIT_EXPECT_EQ(test, atomic_read(&tp->nr_populate), 4);
	devpriv_memunmap_pagemap(dpgmap);
	dpt_expect_unregistered(test, tp);
	dpt_space_done(test, space);
}

/*
 * The same structure registered again after unregistration, without being
 * zeroed, as a driver rebinding would: population works each time.
 */
static void devpriv_pagemap_test_reregister(struct kunit *test)
{
	struct devpriv_space *space = dpt_space_new(test, 6);
	struct dpt_pagemap *tp = dpt_pagemap_new(test, 2 * DPT_CP, DPT_CO, 0);
	struct devpriv_pagemap *dpgmap = &tp->dpgmap;
	int round;

	for (round = 0; round < 3; round++) {
		KUNIT_ASSERT_EQ(test, dpt_register(tp, space, &dpt_backend), 0);
		KUNIT_EXPECT_EQ(test, dpgmap->nr_populated, 0UL);
		KUNIT_EXPECT_EQ_MSG(test, devpriv_pagemap_populate(dpgmap, DPT_CP, 1), 0,
				    "round %d", round);
		KUNIT_EXPECT_EQ(test, dpgmap->nr_populated, 1UL);
		KUNIT_EXPECT_NOT_NULL(test, devpriv_index_to_page(dpgmap, DPT_CP));
		devpriv_memunmap_pagemap(dpgmap);
		dpt_expect_unregistered(test, tp);
		KUNIT_EXPECT_TRUE(test, dpt_space_whole(space));
	}
	KUNIT_EXPECT_EQ(test, atomic_read(&tp->nr_populate), 3);
	dpt_space_done(test, space);
}

/* A full space refuses a pagemap, and takes it once room is made. */
static void devpriv_pagemap_test_space_full(struct kunit *test)
{
	struct devpriv_space *space = dpt_space_new(test, 4);
	struct dpt_pagemap *tp[5];
	unsigned long i, j;

	for (i = 0; i < ARRAY_SIZE(tp); i++)
		tp[i] = dpt_pagemap_new(test, 4 * DPT_CP, DPT_CO, DEVPRIV_EAGER);
	for (i = 0; i < 4; i++)
		KUNIT_ASSERT_EQ(test, dpt_register(tp[i], space, &dpt_backend), 0);
	KUNIT_EXPECT_EQ(test, dpt_register(tp[4], space, &dpt_backend), -ENOSPC);
	dpt_expect_unregistered(test, tp[4]);
	KUNIT_EXPECT_EQ(test, atomic_read(&tp[4]->nr_populate), 0);
	KUNIT_EXPECT_TRUE(test, devpriv_space_check(space));

	devpriv_memunmap_pagemap(&tp[1]->dpgmap);
	KUNIT_ASSERT_EQ(test, dpt_register(tp[4], space, &dpt_backend), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&tp[4]->nr_live), 4);
	for (i = 0; i < ARRAY_SIZE(tp); i++) {
		for (j = 0; j < ARRAY_SIZE(tp); j++) {
			unsigned long bi = tp[i]->dpgmap.base;
			unsigned long bj = tp[j]->dpgmap.base;

			if (i == j || i == 1 || j == 1)
				continue;
			KUNIT_EXPECT_TRUE_MSG(test, bi + 4 * DPT_CP <= bj ||
					      bj + 4 * DPT_CP <= bi,
					      "pagemaps %lu and %lu overlap", i, j);
		}
	}
	for (i = 0; i < ARRAY_SIZE(tp); i++)
		if (i != 1)
			devpriv_memunmap_pagemap(&tp[i]->dpgmap);
	dpt_space_done(test, space);
}

static const unsigned int dpt_align_params[] = { 0, 9, 10, 12, 14, 17 };

static void dpt_align_desc(const unsigned int *p, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "align_order %u", *p);
}

KUNIT_ARRAY_PARAM(dpt_align, dpt_align_params, dpt_align_desc);

/* align_order is honoured by base, above the chunk alignment. */
static void devpriv_pagemap_test_alignment(struct kunit *test)
{
	const unsigned int align = *(const unsigned int *)test->param_value;
	struct devpriv_space *space = dpt_space_new(test, 9);
	struct dpt_pagemap *first = dpt_pagemap_new(test, 1, DPT_CO, 0);
	struct dpt_pagemap *tp = dpt_pagemap_new(test, 3 * DPT_CP + 3, DPT_CO, 0);
	unsigned long want = max_t(unsigned int, align, DPT_CO);

	/* take offset 0, which has every alignment */
	KUNIT_ASSERT_EQ(test, dpt_register(first, space, &dpt_backend), 0);
	KUNIT_ASSERT_EQ(test, first->dpgmap.base, 0UL);

	tp->dpgmap.align_order = align;
	KUNIT_ASSERT_EQ(test, dpt_register(tp, space, &dpt_backend), 0);
	KUNIT_EXPECT_NE(test, tp->dpgmap.base, 0UL);
	KUNIT_EXPECT_EQ_MSG(test, tp->dpgmap.base & ((1UL << want) - 1), 0UL,
			    "base %#lx not aligned to order %lu",
			    tp->dpgmap.base, want);
	KUNIT_EXPECT_EQ(test, devpriv_pagemap_populate(&tp->dpgmap,
						       tp->dpgmap.nr_pages - 1, 1), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&tp->nr_bad), 0);
	devpriv_memunmap_pagemap(&tp->dpgmap);
	devpriv_memunmap_pagemap(&first->dpgmap);
	dpt_space_done(test, space);
}

/* The chunk's dev_pagemap ops reach the right driver's ops. */
static void devpriv_pagemap_test_ops_forwarding(struct kunit *test)
{
	struct devpriv_space *space = dpt_space_new(test, 6);
	struct dpt_pagemap *a = dpt_pagemap_new(test, DPT_CP, DPT_CO, DEVPRIV_EAGER);
	struct dpt_pagemap *b = dpt_pagemap_new(test, DPT_CP, DPT_CO, DEVPRIV_EAGER);
	struct vm_fault vmf = { };
	struct page *pa, *pb;
	vm_fault_t ret;

	KUNIT_ASSERT_EQ(test, dpt_register(a, space, &dpt_backend), 0);
	KUNIT_ASSERT_EQ(test, dpt_register(b, space, &dpt_backend), 0);
	pa = devpriv_index_to_page(&a->dpgmap, 7);
	pb = devpriv_index_to_page(&b->dpgmap, DPT_CP - 1);
	KUNIT_ASSERT_NOT_NULL(test, pa);
	KUNIT_ASSERT_NOT_NULL(test, pb);
	KUNIT_ASSERT_PTR_EQ(test, devpriv_page_pgmap(pa)->ops, &devpriv_chunk_ops);

	/* library code only: these pages must not reach core mm */
	dpt_call_free(pa);
	KUNIT_EXPECT_EQ(test, atomic_read(&a->nr_page_free), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&b->nr_page_free), 0);
	KUNIT_EXPECT_PTR_EQ(test, a->last_page, pa);

	vmf.page = pb;
	ret = devpriv_page_pgmap(pb)->ops->migrate_to_ram(&vmf);
	KUNIT_EXPECT_TRUE(test, ret == VM_FAULT_SIGBUS);
	KUNIT_EXPECT_EQ(test, atomic_read(&b->nr_migrate_to_ram), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&a->nr_migrate_to_ram), 0);
	KUNIT_EXPECT_PTR_EQ(test, b->last_page, pb);

	devpriv_memunmap_pagemap(&b->dpgmap);
	devpriv_memunmap_pagemap(&a->dpgmap);
	dpt_space_done(test, space);
}

/* Teardown: evict every populated chunk, then depopulate, last first. */
static void devpriv_pagemap_test_evict_order(struct kunit *test)
{
	struct devpriv_space *space = dpt_space_new(test, 6);
	struct dpt_pagemap *tp = dpt_pagemap_new(test, 3 * DPT_CP, DPT_CO, 0);
	struct devpriv_pagemap *dpgmap = &tp->dpgmap;
	static const u32 want[] = {
		DPT_EVENT(DPT_EV_POPULATE, 0),
		DPT_EVENT(DPT_EV_POPULATE, 2),
		DPT_EVENT(DPT_EV_EVICT, 2),
		DPT_EVENT(DPT_EV_EVICT, 0),
		DPT_EVENT(DPT_EV_DEPOPULATE, 2),
		DPT_EVENT(DPT_EV_DEPOPULATE, 0),
	};
	unsigned int i;

	KUNIT_ASSERT_EQ(test, dpt_register(tp, space, &dpt_backend_evict), 0);
	KUNIT_ASSERT_EQ(test, devpriv_pagemap_populate(dpgmap, 0, 1), 0);
	KUNIT_ASSERT_EQ(test, devpriv_pagemap_populate(dpgmap, 2 * DPT_CP, 1), 0);
	devpriv_memunmap_pagemap(dpgmap);
	dpt_expect_unregistered(test, tp);
	KUNIT_EXPECT_EQ(test, atomic_read(&tp->nr_evict), 2);
	KUNIT_ASSERT_EQ(test, atomic_read(&tp->nr_events), (int)ARRAY_SIZE(want));
	for (i = 0; i < ARRAY_SIZE(want); i++)
		KUNIT_EXPECT_EQ_MSG(test, tp->events[i], want[i], "event %u", i);
	dpt_space_done(test, space);
}

/*
 * Large folios: an order the chunks cannot hold, above the PMD order, or
 * without a folio_free op is refused; a small pagemap's chunks are lowered
 * no further than its folio order.
 */
static void devpriv_pagemap_test_folio_order_bad(struct kunit *test)
{
	struct devpriv_space *space = dpt_space_new(test, 6);
	const unsigned int pmd_order = PMD_SHIFT - PAGE_SHIFT;
	struct dpt_pagemap *tp;

	dpt_expect_warnings(test, 3);
	tp = dpt_folio_pagemap_new(test, 4 * DPT_CP, DPT_CO, DPT_CO + 1, 0);
	KUNIT_EXPECT_EQ(test, dpt_register(tp, space, &dpt_backend), -EINVAL);
	dpt_expect_unregistered(test, tp);

	tp = dpt_folio_pagemap_new(test, 4 * DPT_CP, pmd_order + 2,
				   pmd_order + 1, 0);
	KUNIT_EXPECT_EQ(test, dpt_register(tp, space, &dpt_backend), -EINVAL);
	dpt_expect_unregistered(test, tp);

	tp = dpt_folio_pagemap_new(test, 4 * DPT_CP, DPT_CO, DPT_CO, 0);
	tp->dpgmap.devpriv_ops = &dpt_page_ops;
	KUNIT_EXPECT_EQ(test, dpt_register(tp, space, &dpt_backend), -EINVAL);
	dpt_expect_unregistered(test, tp);
	KUNIT_EXPECT_TRUE(test, dpt_space_whole(space));

	/* 100 pages would get a chunk of 128 pages but for the folio order */
	tp = dpt_folio_pagemap_new(test, 100, pmd_order + 2, pmd_order, 0);
	KUNIT_ASSERT_EQ(test, dpt_register(tp, space, &dpt_backend), 0);
	KUNIT_EXPECT_EQ(test, tp->dpgmap.chunk_order,
			max_t(unsigned int, pmd_order, DEVPRIV_MIN_CHUNK_ORDER));
	KUNIT_EXPECT_EQ(test, devpriv_pagemap_folio_order(&tp->dpgmap),
			DEVPRIV_FOLIO_ORDER_MAX ? pmd_order : 0U);
	devpriv_memunmap_pagemap(&tp->dpgmap);
	dpt_space_done(test, space);
}

/*
 * devpriv_folio_init() refuses, before touching any page, an order the
 * pagemap does not have, a misaligned or out-of-range index and an
 * unregistered pagemap (loudly), an unpopulated chunk and a dying pagemap
 * (quietly: a lazy driver and teardown meet those).
 */
static void devpriv_pagemap_test_folio_init_bad(struct kunit *test)
{
	struct devpriv_space *space = dpt_space_new(test, 6);
	struct dpt_pagemap *tp = dpt_folio_pagemap_new(test, 4 * DPT_CP,
						       DPT_CO + 1, DPT_CO, 0);
	struct devpriv_pagemap *dpgmap = &tp->dpgmap;
	unsigned int order;

	KUNIT_ASSERT_EQ(test, dpt_register(tp, space, &dpt_backend), 0);
	KUNIT_ASSERT_EQ(test, devpriv_pagemap_populate(dpgmap, 0, 1), 0);
	order = devpriv_pagemap_folio_order(dpgmap);

	KUNIT_EXPECT_EQ(test, PTR_ERR(devpriv_folio_init(dpgmap, 0, order + 1)),
			-EINVAL);
	if (order)
		KUNIT_EXPECT_EQ(test, PTR_ERR(devpriv_folio_init(dpgmap, 1, order)),
				-EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(devpriv_folio_init(dpgmap, 4 * DPT_CP, 0)),
			-EINVAL);
	KUNIT_EXPECT_EQ(test,
			PTR_ERR(devpriv_folio_init(dpgmap, 4 * DPT_CP - 1, order)),
			order ? -EINVAL : -ENXIO);
	KUNIT_EXPECT_EQ(test, PTR_ERR(devpriv_folio_init(dpgmap, 2 * DPT_CP, 0)),
			-ENXIO);
	devpriv_pagemap_kill(dpgmap);
	KUNIT_EXPECT_EQ(test, PTR_ERR(devpriv_folio_init(dpgmap, 0, 0)), -ENODEV);
	devpriv_memunmap_pagemap(dpgmap);
	KUNIT_EXPECT_EQ(test, PTR_ERR(devpriv_folio_init(dpgmap, 0, 0)), -EINVAL);
	/* order too high, out of range, unregistered; misaligned twice */
	dpt_expect_warnings(test, order ? 5 : 3);
	KUNIT_EXPECT_EQ(test, atomic_read(&tp->nr_bad), 0);
	dpt_space_done(test, space);
}

/*
 * The core splits a large device folio and calls the chunk's folio_split
 * for each new folio, then once with NULL: the library gives the new folio
 * the chunk's pagemap and the mapping before the driver's callback sees
 * it, and does so for a driver without one too.  Called here on the test
 * backend's pages, which core mm never sees.
 */
static void devpriv_pagemap_test_folio_split(struct kunit *test)
{
#ifdef DEVPRIV_HAVE_PGMAP_FOLIO_SPLIT
	struct devpriv_space *space = dpt_space_new(test, 6);
	struct dpt_pagemap *tp = dpt_folio_pagemap_new(test, DPT_CP, DPT_CO,
						       DPT_CO, DEVPRIV_EAGER);
	struct dpt_pagemap *plain = dpt_pagemap_new(test, DPT_CP, DPT_CO,
						    DEVPRIV_EAGER);
	struct dpt_pagemap *maps[] = { tp, plain };
	void *mapping = (void *)0x1000;	/* never dereferenced */
	unsigned int i;

	KUNIT_ASSERT_EQ(test, dpt_register(tp, space, &dpt_backend), 0);
	KUNIT_ASSERT_EQ(test, dpt_register(plain, space, &dpt_backend), 0);
	for (i = 0; i < ARRAY_SIZE(maps); i++) {
		struct devpriv_pagemap *dpgmap = &maps[i]->dpgmap;
		struct folio *head = devpriv_index_to_folio(dpgmap, 0);
		struct folio *tail = devpriv_index_to_folio(dpgmap, 8);
		struct dev_pagemap *pgmap = head->pgmap;

		/* as after the core's split: nothing of the new folio is set */
		tail->pgmap = NULL;
		head->mapping = mapping;
		devpriv_chunk_ops.folio_split(head, tail);
		KUNIT_EXPECT_PTR_EQ(test, tail->pgmap, pgmap);
		KUNIT_EXPECT_PTR_EQ(test, tail->mapping, mapping);
		KUNIT_EXPECT_PTR_EQ(test, devpriv_page_pagemap(&tail->page), dpgmap);
		KUNIT_EXPECT_EQ(test, devpriv_folio_to_index(tail), 8UL);
		devpriv_chunk_ops.folio_split(head, NULL);
		KUNIT_EXPECT_PTR_EQ(test, head->pgmap, pgmap);
		head->mapping = NULL;
		tail->mapping = NULL;
	}
	KUNIT_EXPECT_EQ(test, atomic_read(&tp->nr_split), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&tp->nr_split_done), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&tp->nr_bad), 0);
	devpriv_memunmap_pagemap(&plain->dpgmap);
	devpriv_memunmap_pagemap(&tp->dpgmap);
	dpt_space_done(test, space);
#else
	kunit_skip(test, "no large device folios on this kernel (no dev_pagemap_ops.folio_split)");
#endif
}

static struct kunit_case devpriv_pagemap_test_cases[] = {
	KUNIT_CASE(devpriv_pagemap_test_lazy),
	KUNIT_CASE(devpriv_pagemap_test_eager),
	KUNIT_CASE(devpriv_pagemap_test_default_chunk_order),
	KUNIT_CASE(devpriv_pagemap_test_populate),
	KUNIT_CASE(devpriv_pagemap_test_populate_bad),
	KUNIT_CASE(devpriv_pagemap_test_bad_input),
	KUNIT_CASE(devpriv_pagemap_test_double_register),
	KUNIT_CASE_PARAM(devpriv_pagemap_test_eager_failure,
			 dpt_eager_fail_gen_params),
	KUNIT_CASE(devpriv_pagemap_test_lazy_failure),
	KUNIT_CASE_PARAM(devpriv_pagemap_test_fault, dpt_core_fault_gen_params),
	KUNIT_CASE(devpriv_pagemap_test_insert_outside),
	KUNIT_CASE(devpriv_pagemap_test_reregister),
	KUNIT_CASE(devpriv_pagemap_test_space_full),
	KUNIT_CASE_PARAM(devpriv_pagemap_test_alignment, dpt_align_gen_params),
	KUNIT_CASE(devpriv_pagemap_test_ops_forwarding),
	KUNIT_CASE(devpriv_pagemap_test_evict_order),
	KUNIT_CASE(devpriv_pagemap_test_folio_order_bad),
	KUNIT_CASE(devpriv_pagemap_test_folio_init_bad),
	KUNIT_CASE(devpriv_pagemap_test_folio_split),
	{}
};

static void devpriv_pagemap_test_exit(struct kunit *test)
{
	dpt_fault_disarm_all();
	dpt_case_exit(test);
}

struct kunit_suite devpriv_pagemap_test_suite = {
	.name = "devpriv_pagemap",
	.init = dpt_case_init,
	.exit = devpriv_pagemap_test_exit,
	.test_cases = devpriv_pagemap_test_cases,
};

/* devpriv_translate */

struct dpt_layout {
	unsigned int chunk_order;
	unsigned long nr_pages;
};

static const struct dpt_layout dpt_layouts[] = {
	{ DPT_CO, 1 },
	{ DPT_CO, DPT_CP - 1 },
	{ DPT_CO, DPT_CP },
	{ DPT_CO, DPT_CP + 1 },
	{ DPT_CO, 3 * DPT_CP - 7 },
	{ DPT_CO + 1, 4 * DPT_CP + 1 },
	{ DPT_CO + 2, 5000 },
};

static void dpt_layout_desc(const struct dpt_layout *p, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "chunk order %u, %lu pages",
		 p->chunk_order, p->nr_pages);
}

KUNIT_ARRAY_PARAM(dpt_layout, dpt_layouts, dpt_layout_desc);

/* One index: index -> page -> index/offset/chunk/pagemap and offset -> page. */
static void dpt_expect_roundtrip(struct kunit *test, struct devpriv_space *space,
				 struct devpriv_pagemap *dpgmap, unsigned long i)
{
	unsigned long cp = 1UL << dpgmap->chunk_order;
	struct devpriv_chunk *chunk;
	struct page *page;

	page = devpriv_index_to_page(dpgmap, i);
	KUNIT_ASSERT_NOT_NULL_MSG(test, page, "index %lu", i);
	KUNIT_ASSERT_TRUE(test, devpriv_is_devpriv_page(page));
	chunk = devpriv_page_chunk(page);
	KUNIT_ASSERT_PTR_EQ(test, chunk, dpgmap->chunks[i / cp]);
	KUNIT_EXPECT_PTR_EQ(test, devpriv_page_pgmap(page), &chunk->pgmap);
	KUNIT_EXPECT_EQ(test, chunk->first_index, i / cp * cp);
	KUNIT_EXPECT_PTR_EQ(test, page, chunk->pages + i % cp);
	KUNIT_EXPECT_EQ_MSG(test, devpriv_page_to_index(page), i, "index %lu", i);
	KUNIT_EXPECT_EQ_MSG(test, devpriv_page_to_offset(page), dpgmap->base + i,
			    "index %lu", i);
	KUNIT_EXPECT_PTR_EQ(test, devpriv_page_pagemap(page), dpgmap);
	KUNIT_EXPECT_PTR_EQ_MSG(test, devpriv_space_offset_to_page(space,
								   dpgmap->base + i),
				page, "index %lu", i);
}

/* Every index of a layout, and the offsets around it. */
static void devpriv_translate_test_roundtrip(struct kunit *test)
{
	const struct dpt_layout *p = test->param_value;
	struct devpriv_space *space = dpt_space_new(test, 6);
	struct dpt_pagemap *first = dpt_pagemap_new(test, 1, DPT_CO, 0);
	struct dpt_pagemap *tp = dpt_pagemap_new(test, p->nr_pages, p->chunk_order,
						 DEVPRIV_EAGER);
	struct devpriv_pagemap *dpgmap = &tp->dpgmap;
	unsigned long cp = 1UL << p->chunk_order, nr = p->nr_pages, i, end;

	/* base is not 0: a lost base shows */
	KUNIT_ASSERT_EQ(test, dpt_register(first, space, &dpt_backend), 0);
	KUNIT_ASSERT_EQ(test, dpt_register(tp, space, &dpt_backend), 0);
	KUNIT_ASSERT_NE(test, dpgmap->base, 0UL);
	KUNIT_EXPECT_EQ(test, dpgmap->nr_chunks, DIV_ROUND_UP(nr, cp));

	for (i = 0; i < nr; i++) {
		cond_resched();
		dpt_expect_roundtrip(test, space, dpgmap, i);
		/* pages of one chunk are one array */
		if (i + 1 < nr && (i + 1) % cp)
			KUNIT_EXPECT_PTR_EQ(test, devpriv_index_to_page(dpgmap, i + 1),
					    devpriv_index_to_page(dpgmap, i) + 1);
	}
	KUNIT_EXPECT_EQ(test, dpgmap->chunks[dpgmap->nr_chunks - 1]->nr_pages,
			nr - (dpgmap->nr_chunks - 1) * cp);

	/* reserved offsets past the short last chunk, and around the pagemap */
	end = dpgmap->base + dpgmap->nr_chunks * cp;
	if (dpgmap->base + nr < end) {
		KUNIT_EXPECT_NULL(test, devpriv_space_offset_to_page(space,
								     dpgmap->base + nr));
		KUNIT_EXPECT_NULL(test, devpriv_space_offset_to_page(space, end - 1));
	}
	KUNIT_EXPECT_NULL(test, devpriv_space_offset_to_page(space, end));
	KUNIT_EXPECT_NULL(test, devpriv_space_offset_to_page(space, dpgmap->base - 1));
	KUNIT_EXPECT_EQ(test, atomic_read(&tp->nr_bad), 0);

	devpriv_memunmap_pagemap(dpgmap);
	devpriv_memunmap_pagemap(&first->dpgmap);
	dpt_space_done(test, space);
}

/* Unpopulated chunks translate to NULL, populated ones next to them work. */
static void devpriv_translate_test_lazy(struct kunit *test)
{
	struct devpriv_space *space = dpt_space_new(test, 6);
	struct dpt_pagemap *tp = dpt_pagemap_new(test, 3 * DPT_CP, DPT_CO, 0);
	struct devpriv_pagemap *dpgmap = &tp->dpgmap;
	static const unsigned long probe[] = {
		0, 1, DPT_CP - 1, DPT_CP, DPT_CP + 1, 2 * DPT_CP - 1, 2 * DPT_CP,
		3 * DPT_CP - 1,
	};
	struct page *page;
	unsigned int i;

	KUNIT_ASSERT_EQ(test, dpt_register(tp, space, &dpt_backend), 0);
	KUNIT_ASSERT_EQ(test, devpriv_pagemap_populate(dpgmap, DPT_CP + 17, 3), 0);
	KUNIT_EXPECT_EQ(test, dpgmap->nr_populated, 1UL);
	for (i = 0; i < ARRAY_SIZE(probe); i++) {
		unsigned long idx = probe[i];

		if (idx / DPT_CP == 1) {
			dpt_expect_roundtrip(test, space, dpgmap, idx);
		} else {
			KUNIT_EXPECT_NULL_MSG(test, devpriv_index_to_page(dpgmap, idx),
					      "index %lu", idx);
			page = devpriv_space_offset_to_page(space, dpgmap->base + idx);
			KUNIT_EXPECT_NULL_MSG(test, page, "index %lu", idx);
		}
	}
	devpriv_memunmap_pagemap(dpgmap);
	dpt_space_done(test, space);
}

/* Indices and offsets outside anything: NULL (with the library's warning). */
static void devpriv_translate_test_out_of_range(struct kunit *test)
{
	struct devpriv_space *space = dpt_space_new(test, 6);
	struct dpt_pagemap *tp = dpt_pagemap_new(test, DPT_CP + 5, DPT_CO,
						 DEVPRIV_EAGER);
	struct devpriv_pagemap *dpgmap = &tp->dpgmap;
	struct devpriv_space *global;
	unsigned long global_pages;

	/* library warnings: each lookup outside */
	dpt_expect_warnings(test, 5);
	KUNIT_ASSERT_EQ(test, dpt_register(tp, space, &dpt_backend), 0);
	KUNIT_EXPECT_NULL(test, devpriv_index_to_page(dpgmap, dpgmap->nr_pages));
	KUNIT_EXPECT_NULL(test, devpriv_index_to_page(dpgmap, 2 * DPT_CP));
	KUNIT_EXPECT_NULL(test, devpriv_index_to_page(dpgmap, ULONG_MAX));
	KUNIT_EXPECT_NOT_NULL(test, devpriv_index_to_page(dpgmap, DPT_CP + 4));
	KUNIT_EXPECT_NULL(test, devpriv_space_offset_to_page(space, dpt_space_pages(space)));
	KUNIT_EXPECT_NULL(test, devpriv_space_offset_to_page(space, ULONG_MAX));
	/* a free granule of the space */
	KUNIT_EXPECT_NULL(test, devpriv_space_offset_to_page(space,
							     dpgmap->base + 2 * DPT_CP));
	devpriv_memunmap_pagemap(dpgmap);

	/* the global space: outside it, and inside it with nothing there */
	global = devpriv_global_space();
	KUNIT_ASSERT_NOT_NULL(test, global);
	KUNIT_ASSERT_GT(test, global->order, 0U);
	global_pages = 1UL << (global->order + DEVPRIV_GRANULE_ORDER);
	KUNIT_EXPECT_NULL(test, devpriv_offset_to_page(global_pages));
	KUNIT_EXPECT_NULL(test, devpriv_offset_to_page(ULONG_MAX));
	KUNIT_EXPECT_NULL(test, devpriv_offset_to_page(global_pages - 1));
	KUNIT_EXPECT_NULL(test, devpriv_offset_to_page(0));
	dpt_space_done(test, space);
}

/* Pages libdevpriv does not own: system pages and other ZONE_DEVICE pages. */
static void devpriv_translate_test_foreign_page(struct kunit *test)
{
	struct dev_pagemap *other;
	struct page *sys, *fake;

	/* library warnings: each foreign page */
	dpt_expect_warnings(test, 8);
	sys = alloc_page(GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, sys);
	KUNIT_EXPECT_FALSE(test, devpriv_is_devpriv_page(sys));
	KUNIT_EXPECT_NULL(test, devpriv_page_chunk(sys));
	KUNIT_EXPECT_NULL(test, devpriv_page_pagemap(sys));
	KUNIT_EXPECT_EQ(test, devpriv_page_to_index(sys), DEVPRIV_BAD_INDEX);
	KUNIT_EXPECT_EQ(test, devpriv_page_to_offset(sys), DEVPRIV_BAD_INDEX);
	__free_page(sys);

	/* a ZONE_DEVICE page of some other dev_pagemap (never given to mm) */
	other = kunit_kzalloc(test, sizeof(*other), GFP_KERNEL);
	fake = kunit_kzalloc(test, sizeof(*fake), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, other);
	KUNIT_ASSERT_NOT_NULL(test, fake);
	other->type = MEMORY_DEVICE_PRIVATE;
	other->ops = &dpt_ops;
	set_page_zone(fake, ZONE_DEVICE);
	devpriv_page_set_pgmap(fake, other);
	KUNIT_EXPECT_FALSE(test, devpriv_is_devpriv_page(fake));
	KUNIT_EXPECT_NULL(test, devpriv_page_chunk(fake));
	KUNIT_EXPECT_NULL(test, devpriv_page_pagemap(fake));
	KUNIT_EXPECT_EQ(test, devpriv_page_to_index(fake), DEVPRIV_BAD_INDEX);
	KUNIT_EXPECT_EQ(test, devpriv_page_to_offset(fake), DEVPRIV_BAD_INDEX);
}

/* After unregistration nothing of a pagemap is reachable. */
static void devpriv_translate_test_unregistered(struct kunit *test)
{
	struct devpriv_space *space = dpt_space_new(test, 6);
	struct dpt_pagemap *tp = dpt_pagemap_new(test, 2 * DPT_CP, DPT_CO,
						 DEVPRIV_EAGER);
	struct devpriv_pagemap *dpgmap = &tp->dpgmap;
	unsigned long base;

	/* library warnings: the lookup in an unregistered pagemap */
	dpt_expect_warnings(test, 1);
	KUNIT_ASSERT_EQ(test, dpt_register(tp, space, &dpt_backend), 0);
	base = dpgmap->base;
	KUNIT_EXPECT_NOT_NULL(test, devpriv_space_offset_to_page(space, base));
	devpriv_memunmap_pagemap(dpgmap);
	KUNIT_EXPECT_EQ(test, space->nr_chunks, 0UL);
	KUNIT_EXPECT_NULL(test, devpriv_space_offset_to_page(space, base));
	KUNIT_EXPECT_NULL(test, devpriv_space_offset_to_page(space, base + DPT_CP));
	KUNIT_EXPECT_NULL(test, devpriv_index_to_page(dpgmap, 0));
	dpt_space_done(test, space);
}

/* Several pagemaps in one space: disjoint offsets, pages map back home. */
static void devpriv_translate_test_many_pagemaps(struct kunit *test)
{
	static const struct dpt_layout layout[] = {
		{ DPT_CO, 2 * DPT_CP + 3 },
		{ DPT_CO + 2, DPT_CP },
		{ DPT_CO + 1, 3 * DPT_CP },
		{ DPT_CO, 1 },
	};
	struct devpriv_space *space = dpt_space_new(test, 6);
	struct dpt_pagemap *tp[ARRAY_SIZE(layout)];
	struct rnd_state rnd;
	unsigned int i, j, n;

	dpt_rnd_init(test, &rnd);
	for (i = 0; i < ARRAY_SIZE(layout); i++) {
		tp[i] = dpt_pagemap_new(test, layout[i].nr_pages,
					layout[i].chunk_order, DEVPRIV_EAGER);
		KUNIT_ASSERT_EQ(test, dpt_register(tp[i], space, &dpt_backend), 0);
	}
	for (i = 0; i < ARRAY_SIZE(layout); i++) {
		struct devpriv_pagemap *a = &tp[i]->dpgmap;

		for (j = 0; j < ARRAY_SIZE(layout); j++) {
			struct devpriv_pagemap *b = &tp[j]->dpgmap;

			if (i != j)
				KUNIT_EXPECT_TRUE(test, a->base + a->nr_pages <= b->base ||
						  b->base + b->nr_pages <= a->base);
		}
		for (n = 0; n < 64; n++)
			dpt_expect_roundtrip(test, space, a,
					     dpt_rnd_range(&rnd, 0, a->nr_pages - 1));
		dpt_expect_roundtrip(test, space, a, a->nr_pages - 1);
	}
	for (i = 0; i < ARRAY_SIZE(layout); i++)
		devpriv_memunmap_pagemap(&tp[i]->dpgmap);
	dpt_space_done(test, space);
}

static struct kunit_case devpriv_translate_test_cases[] = {
	KUNIT_CASE_PARAM(devpriv_translate_test_roundtrip, dpt_layout_gen_params),
	KUNIT_CASE(devpriv_translate_test_lazy),
	KUNIT_CASE(devpriv_translate_test_out_of_range),
	KUNIT_CASE(devpriv_translate_test_foreign_page),
	KUNIT_CASE(devpriv_translate_test_unregistered),
	KUNIT_CASE(devpriv_translate_test_many_pagemaps),
	{}
};

struct kunit_suite devpriv_translate_test_suite = {
	.name = "devpriv_translate",
	.init = dpt_case_init,
	.exit = dpt_case_exit,
	.test_cases = devpriv_translate_test_cases,
};
