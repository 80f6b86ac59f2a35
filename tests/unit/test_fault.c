// SPDX-License-Identifier: GPL-2.0
/*
 * Forced allocation failures at every allocation point.
 *
 * DOC: fault loops
 *
 * For each operation, N = 1, 2, ... : fail the Nth fallible allocation
 * (kmalloc family, xarray nodes, backend pages, devres) and run the
 * operation, until it runs without reaching N.  After each failed attempt:
 * the errno is -ENOMEM and nothing warned; the space (free lists, chunk
 * entries, allocated count), the live allocations, the live chunks and the
 * registration state are exactly as before; no xarray node is leaked (every
 * live node is reachable from an xarray); and the same operation then
 * succeeds.  The "from" variants fail every allocation from the Nth on, so
 * the unwinding itself gets no memory.
 *
 * The xarray may keep empty interior nodes it created before an allocation
 * failed; they are not leaks (reachable, reused, freed by xa_destroy()) and
 * are counted, not failed.
 */
#include <errno.h>

#include <linux/device.h>
#include <linux/mm.h>

#include "devpriv_test.h"

#define FAULT_MAX_STEPS		4000
#define GRANULE			DEVPRIV_GRANULE_PAGES
#define MIN_CO			DEVPRIV_MIN_CHUNK_ORDER

struct fault_state {
	struct devpriv_space_snap snap;
	long live;
	long backend_live;
	long debugfs_live;
	int nodes;
	unsigned long reachable;
};

struct fault_op {
	const char *name;
	/* the operation; returns 0 or -errno */
	int (*run)(void);
	/* undo a successful run */
	void (*undo)(void);
	/* extra checks after a failed run (optional) */
	void (*check_failed)(void);
	/* the space the operation works on */
	struct devpriv_space *(*space)(void);
};

/* per test: loops run, allocation points failed, most nodes retained */
static unsigned long fault_loops, fault_points, fault_retained_nodes;

static void fault_summary(const char *what)
{
	unit_note("%s: %lu operations, %lu allocation points failed in turn,",
		  what, fault_loops, fault_points);
	unit_note("  up to %lu empty xarray node(s) retained",
		  fault_retained_nodes);
	fault_loops = 0;
	fault_points = 0;
	fault_retained_nodes = 0;
}

static void fault_state_take(const struct fault_op *op, struct fault_state *st)
{
	struct devpriv_space *space = op->space();

	devpriv_space_snap_take(space, &st->snap);
	/* a grown offset table stays until the space goes: not a leak */
	st->live = devpriv_test_live_allocs() - devpriv_test_space_tables(space);
	st->backend_live = devpriv_test_backend_live();
	st->debugfs_live = devpriv_test_debugfs_live();
	st->nodes = devpriv_test_xa_nodes();
	st->reachable = devpriv_test_space_nodes(space);
}

static void fault_state_check(const struct fault_op *op,
			      const struct fault_state *before, unsigned long n,
			      const char *when)
{
	struct fault_state now;

	fault_state_take(op, &now);
	if (!devpriv_space_snap_equal(&before->snap, &now.snap))
		unit_fail(__FILE__, __LINE__,
			  "%s: space changed %s (allocation %lu)", op->name,
			  when, n);
	if (!devpriv_space_check(op->space()))
		unit_fail(__FILE__, __LINE__, "%s: space corrupt %s (%lu)",
			  op->name, when, n);
	if (now.live != before->live || now.backend_live != before->backend_live ||
	    now.debugfs_live != before->debugfs_live)
		unit_fail(__FILE__, __LINE__,
			  "%s: %s (allocation %lu): %ld allocations, %ld chunks, %ld pagemaps live, were %ld, %ld, %ld",
			  op->name, when, n, now.live, now.backend_live,
			  now.debugfs_live, before->live, before->backend_live,
			  before->debugfs_live);
	/* every node is reachable: none leaked */
	if (now.nodes - (long)now.reachable !=
	    before->nodes - (long)before->reachable)
		unit_fail(__FILE__, __LINE__,
			  "%s: %s (allocation %lu): %d xarray nodes, %lu reachable (were %d, %lu)",
			  op->name, when, n, now.nodes, now.reachable,
			  before->nodes, before->reachable);
	if (now.reachable > before->reachable)
		fault_retained_nodes = max(fault_retained_nodes,
					   now.reachable - before->reachable);
	devpriv_space_snap_free(&now.snap);
}

/*
 * Run @op with the Nth allocation failing, N = 1, 2, ... (or, with @from,
 * every allocation from the Nth on) until it succeeds untouched.
 */
static void fault_loop(const struct fault_op *op, bool from)
{
	struct fault_state before;
	unsigned long n;
	int err;

	fault_state_take(op, &before);
	for (n = 1; n < FAULT_MAX_STEPS; n++) {
		if (from)
			devpriv_fault_fail_from(n);
		else
			devpriv_fault_fail_nth(n);
		err = op->run();
		devpriv_fault_off();
		if (!devpriv_fault_injected()) {
			if (err)
				unit_fail(__FILE__, __LINE__,
					  "%s: %d without a forced failure",
					  op->name, err);
			op->undo();
			fault_state_check(op, &before, n, "after undo");
			break;
		}
		if (err != -ENOMEM)
			unit_fail(__FILE__, __LINE__,
				  "%s: failing allocation %lu (%s) returned %d, not -ENOMEM",
				  op->name, n, devpriv_fault_last_kind(), err);
		if (devpriv_test_pending_warnings())
			unit_fail(__FILE__, __LINE__,
				  "%s: failing allocation %lu (%s) warned",
				  op->name, n, devpriv_fault_last_kind());
		if (op->check_failed)
			op->check_failed();
		fault_state_check(op, &before, n, "after failure");

		/* the same operation, unhindered, succeeds */
		err = op->run();
		if (err)
			unit_fail(__FILE__, __LINE__,
				  "%s: %d on the retry after failure %lu",
				  op->name, err, n);
		op->undo();
		fault_state_check(op, &before, n, "after retry");
	}
	T_ASSERT(n < FAULT_MAX_STEPS);
	fault_loops++;
	fault_points += n - 1;
	devpriv_space_snap_free(&before.snap);
}

/* One space for the operations; set up by each test. */
static struct devpriv_space fspace;
static struct devpriv_pagemap fmap;

static struct devpriv_space *fault_space(void)
{
	return &fspace;
}

static int fault_register(void)
{
	return __devpriv_memremap_pagemap(&fmap, NUMA_NO_NODE, &fspace,
					  &devpriv_test_backend);
}

static void fault_unregister(void)
{
	devpriv_memunmap_pagemap(&fmap);
}

static void fault_check_unregistered(void)
{
	T_ASSERT(!fmap.space);
	T_ASSERT(!fmap.chunks);
	T_EQ(fmap.nr_chunks, 0);
}

/* Space allocation */

static unsigned long alloc_nr, alloc_first;
static unsigned int alloc_align;

static int fault_space_alloc(void)
{
	return devpriv_space_alloc(&fspace, alloc_nr, alloc_align, &alloc_first);
}

static void fault_space_free(void)
{
	devpriv_space_free(&fspace, alloc_first, alloc_nr);
}

static const struct fault_op space_alloc_op = {
	.name = "space_alloc",
	.run = fault_space_alloc,
	.undo = fault_space_free,
	.space = fault_space,
};

static void space_alloc_cases(bool from)
{
	/* nr, align, granules pre-allocated to fragment the space */
	static const unsigned long cases[][3] = {
		{ 1, 0, 0 },	/* split down six orders */
		{ 3, 0, 0 },	/* splits and a tail */
		{ 5, 0, 0 },
		{ 5, 4, 0 },	/* aligned beyond its size: long tail */
		{ 37, 0, 0 },
		{ 64, 0, 0 },	/* the whole space */
		{ 1, 0, 1 },	/* from a fragmented space */
		{ 5, 0, 3 },
		{ 9, 3, 5 },
		{ 11, 0, 13 },
		{ 1, 5, 7 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		unsigned long pre = 0;

		devpriv_space_init(&fspace, 6);
		if (cases[i][2])
			T_EQ(devpriv_space_alloc(&fspace, cases[i][2], 0, &pre),
			     0);
		alloc_nr = cases[i][0];
		alloc_align = cases[i][1];
		fault_loop(&space_alloc_op, from);
		if (cases[i][2])
			devpriv_space_free(&fspace, pre, cases[i][2]);
		devpriv_test_space_fini(&fspace);
	}
}

static void fault_space_alloc_nth(void)
{
	space_alloc_cases(false);
	fault_summary("devpriv_space_alloc");
}

static void fault_space_alloc_from(void)
{
	space_alloc_cases(true);
	fault_summary("devpriv_space_alloc, failing from N on");
}

/* Registration */

static const struct fault_op register_op = {
	.name = "register",
	.run = fault_register,
	.undo = fault_unregister,
	.check_failed = fault_check_unregistered,
	.space = fault_space,
};

/*
 * @neighbour: register another, populated pagemap first, so the chunk
 * xarray and the free lists already hold nodes.
 */
static void register_cases(unsigned int flags, bool neighbour, bool from)
{
	static const unsigned long cases[][2] = {
		{ 1, MIN_CO },
		{ 3 * GRANULE, MIN_CO },
		{ 3 * GRANULE + GRANULE / 2, MIN_CO + 1 },	/* short last */
		{ 9 * GRANULE, MIN_CO + 3 },
	};
	struct devpriv_pagemap other;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		devpriv_space_init(&fspace, 7);
		if (neighbour) {
			devpriv_test_pagemap_init(&other, 5 * GRANULE, MIN_CO,
						  DEVPRIV_EAGER);
			T_EQ(__devpriv_memremap_pagemap(&other, NUMA_NO_NODE,
							&fspace,
							&devpriv_test_backend),
			     0);
		}
		devpriv_test_pagemap_init(&fmap, cases[i][0], cases[i][1],
					  flags);
		fmap.align_order = i;
		fault_loop(&register_op, from);
		if (neighbour)
			devpriv_memunmap_pagemap(&other);
		devpriv_test_space_fini(&fspace);
	}
}

static void fault_register_lazy(void)
{
	register_cases(0, false, false);
	register_cases(0, true, false);
	fault_summary("lazy registration");
}

static void fault_register_eager(void)
{
	register_cases(DEVPRIV_EAGER, false, false);
	register_cases(DEVPRIV_EAGER, true, false);
	fault_summary("eager registration");
}

static void fault_register_eager_from(void)
{
	register_cases(DEVPRIV_EAGER, true, true);
	fault_summary("eager registration, failing from N on");
}

/* Population of a registered lazy pagemap */

static unsigned long pop_first, pop_nr;

static int fault_populate(void)
{
	return devpriv_pagemap_populate(&fmap, pop_first, pop_nr);
}

/* Back to registered and unpopulated; registration is deterministic. */
static void fault_repopulate_undo(void)
{
	devpriv_memunmap_pagemap(&fmap);
	T_EQ(fault_register(), 0);
}

/* a failed population of a single chunk leaves it unpopulated */
static const struct fault_op populate_op = {
	.name = "populate",
	.run = fault_populate,
	.undo = fault_repopulate_undo,
	.space = fault_space,
};

static void fault_populate_chunk(void)
{
	static const unsigned long cases[][2] = {
		{ 0, 1 },
		{ 3 * GRANULE + 17, GRANULE - 17 },
		{ 7 * GRANULE, 1 },			/* the short last chunk */
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		devpriv_space_init(&fspace, 6);
		devpriv_test_pagemap_init(&fmap, 7 * GRANULE + 3, MIN_CO, 0);
		T_EQ(fault_register(), 0);
		pop_first = cases[i][0];
		pop_nr = cases[i][1];
		fault_loop(&populate_op, false);
		T_EQ(devpriv_pagemap_populate(&fmap, pop_first, pop_nr), 0);
		devpriv_test_check_pagemap(&fmap);
		fault_unregister();
		devpriv_test_space_fini(&fspace);
	}
	fault_summary("population of one chunk");
}

/*
 * A range: chunks before the failing one stay populated, each chunk is all
 * or nothing, the pagemap stays usable; populating again completes it.
 */
static void fault_populate_range(void)
{
	unsigned long n, c, populated;
	int err;

	devpriv_space_init(&fspace, 6);
	devpriv_test_pagemap_init(&fmap, 6 * GRANULE - 1, MIN_CO + 1, 0);
	for (n = 1; n < FAULT_MAX_STEPS; n++) {
		T_EQ(fault_register(), 0);
		devpriv_fault_fail_nth(n);
		err = devpriv_pagemap_populate(&fmap, GRANULE, 4 * GRANULE);
		devpriv_fault_off();
		if (!devpriv_fault_injected()) {
			T_EQ(err, 0);
			devpriv_test_check_pagemap(&fmap);
			fault_unregister();
			break;
		}
		T_EQ(err, -ENOMEM);
		T_NO_WARN();
		devpriv_test_check_pagemap(&fmap);
		/* the failure stopped the walk: a prefix is populated */
		populated = 0;
		for (c = 0; c < fmap.nr_chunks; c++) {
			if (fmap.chunks[c]) {
				T_EQ(populated, c);
				populated++;
			}
		}
		T_EQ(devpriv_test_backend_live(), populated);
		T_EQ(devpriv_pagemap_populate(&fmap, GRANULE, 4 * GRANULE), 0);
		T_EQ(fmap.nr_populated, 3);
		devpriv_test_check_pagemap(&fmap);
		fault_unregister();
		T_EQ(devpriv_test_backend_live(), 0);
		T_EQ(devpriv_test_live_allocs(),
		     devpriv_test_space_tables(&fspace));
	}
	T_ASSERT(n < FAULT_MAX_STEPS);
	unit_note("population of a range: %lu allocation points failed in turn",
		  n - 1);
	devpriv_test_space_fini(&fspace);
}

/* The global API and its devm_ wrapper */

static struct device fdev = { .name = "fault" };

static struct devpriv_space *global_space(void)
{
	return devpriv_global_space();
}

static int fault_global_register(void)
{
	return devpriv_memremap_pagemap(&fmap, NUMA_NO_NODE);
}

static const struct fault_op global_op = {
	.name = "devpriv_memremap_pagemap",
	.run = fault_global_register,
	.undo = fault_unregister,
	.check_failed = fault_check_unregistered,
	.space = global_space,
};

static int fault_devm_register(void)
{
	return devm_devpriv_memremap_pagemap(&fdev, &fmap, NUMA_NO_NODE);
}

static void fault_devm_release(void)
{
	T_EQ(devpriv_test_device_nr_actions(&fdev), 1);
	devpriv_test_device_release(&fdev);
}

static void fault_devm_check(void)
{
	fault_check_unregistered();
	T_EQ(devpriv_test_device_nr_actions(&fdev), 0);
}

static const struct fault_op devm_op = {
	.name = "devm_devpriv_memremap_pagemap",
	.run = fault_devm_register,
	.undo = fault_devm_release,
	.check_failed = fault_devm_check,
	.space = global_space,
};

static void fault_global_api(void)
{
	devpriv_global_space();
	devpriv_test_pagemap_init(&fmap, 2 * GRANULE + 9, MIN_CO + 1,
				  DEVPRIV_EAGER);
	fault_loop(&global_op, false);
	fault_summary("devpriv_memremap_pagemap");
	fault_loop(&devm_op, false);
	fault_summary("devm_devpriv_memremap_pagemap");
	fault_loop(&devm_op, true);
	fault_summary("devm_devpriv_memremap_pagemap, failing from N on");
	devpriv_global_space_fini();
}

/* Teardown needs no memory that may be refused */

static void fault_free_paths_never_fail(void)
{
	unsigned long firsts[16], i;
	struct devpriv_pagemap maps[3];

	devpriv_space_init(&fspace, 7);
	for (i = 0; i < 3; i++) {
		devpriv_test_pagemap_init(&maps[i], (3 + i) * GRANULE + i,
					  MIN_CO + i, DEVPRIV_EAGER);
		T_EQ(__devpriv_memremap_pagemap(&maps[i], NUMA_NO_NODE, &fspace,
						&devpriv_test_backend), 0);
	}
	for (i = 0; i < 16; i++)
		T_EQ(devpriv_space_alloc(&fspace, 1 + i % 3, 0, &firsts[i]), 0);

	devpriv_fault_fail_from(1);
	for (i = 0; i < 16; i += 2)
		devpriv_space_free(&fspace, firsts[i], 1 + i % 3);
	for (i = 0; i < 3; i++)
		devpriv_memunmap_pagemap(&maps[i]);
	for (i = 1; i < 16; i += 2)
		devpriv_space_free(&fspace, firsts[i], 1 + i % 3);
	devpriv_fault_off();

	T_EQ(devpriv_fault_injected(), 0);
	unit_note("%lu __GFP_NOFAIL allocation(s) on the free paths",
		  devpriv_fault_nofail_seen());
	T_NO_WARN();
	T_ASSERT(devpriv_space_check(&fspace));
	T_EQ(fspace.nr_allocated, 0);
	T_EQ(fspace.nr_chunks, 0);
	T_EQ(devpriv_test_backend_live(), 0);
	devpriv_test_space_fini(&fspace);
}

/* libdevpriv's own named failure sites (debugfs inject_fault) */
static void fault_named_sites(void)
{
	static const enum devpriv_fault_site sites[] = {
		DEVPRIV_FAULT_CHUNK_TABLE,
		DEVPRIV_FAULT_SPACE,
		DEVPRIV_FAULT_CHUNK_ALLOC,
	};
	struct fault_state before;
	unsigned int i;
	long nth;
	int err;

	devpriv_space_init(&fspace, 6);
	devpriv_test_pagemap_init(&fmap, 3 * GRANULE + 1, MIN_CO, DEVPRIV_EAGER);
	fault_state_take(&register_op, &before);
	for (i = 0; i < ARRAY_SIZE(sites); i++) {
		for (nth = 1; nth < 10; nth++) {
			long injected = devpriv_test_site_injected(sites[i]);

			devpriv_test_site_fail(sites[i], nth);
			err = fault_register();
			devpriv_test_site_fail(sites[i], 0);
			if (devpriv_test_site_injected(sites[i]) == injected) {
				T_EQ(err, 0);
				devpriv_test_check_pagemap(&fmap);
				fault_unregister();
				break;
			}
			T_EQ(err, -ENOMEM);
			T_NO_WARN();
			fault_check_unregistered();
			fault_state_check(&register_op, &before, nth,
					  "after a site failure");
		}
		T_ASSERT(nth > 1);
	}
	devpriv_space_snap_free(&before.snap);
	devpriv_test_space_fini(&fspace);
}

static const struct unit_test fault_tests[] = {
	UNIT_TEST(fault_space_alloc_nth),
	UNIT_TEST(fault_space_alloc_from),
	UNIT_TEST(fault_register_lazy),
	UNIT_TEST(fault_register_eager),
	UNIT_TEST(fault_register_eager_from),
	UNIT_TEST(fault_populate_chunk),
	UNIT_TEST(fault_populate_range),
	UNIT_TEST(fault_global_api),
	UNIT_TEST(fault_free_paths_never_fail),
	UNIT_TEST(fault_named_sites),
};

UNIT_SUITE(suite_fault, "fault", fault_tests, true);
