// SPDX-License-Identifier: GPL-2.0
/*
 * libdevpriv KUnit tests: random numbers, the test backend, and spaces
 * and pagemaps managed as KUnit resources.
 *
 * The test backend gives each chunk a kvcalloc()ed array of struct pages
 * that only pretend to be device-private: page_zonenum() says ZONE_DEVICE
 * and page->pgmap points at the chunk's dev_pagemap, which is all that
 * libdevpriv's translation looks at.  They have no pfn, no refcount that
 * means anything and no memmap section: nothing here hands them to core
 * mm.  Knobs in &struct dpt_pagemap make a chosen populate call fail.
 */

#include <linux/lockdep.h>
#include <linux/mm.h>
#include <linux/slab.h>

#include "devpriv_test.h"

/**
 * dpt_rnd_init() - seed a random state for one test case
 * @test: the test case
 * @rnd: the state
 *
 * Every case starts from the module's seed, so a case can be reproduced on
 * its own.  The seed goes into the case's log.
 */
void dpt_rnd_init(struct kunit *test, struct rnd_state *rnd)
{
	prandom_seed_state(rnd, dpt_seed);
	kunit_info(test, "random seed %u\n", dpt_seed);
}

/**
 * dpt_rnd_range() - a random number in [@lo, @hi]
 * @rnd: random state
 * @lo: smallest value
 * @hi: largest value, at least @lo
 *
 * Return: the number.
 */
unsigned long dpt_rnd_range(struct rnd_state *rnd, unsigned long lo,
			    unsigned long hi)
{
	u64 r = (u64)prandom_u32_state(rnd) << 32 | prandom_u32_state(rnd);

	if (hi - lo == ULONG_MAX)
		return r;
	return lo + r % (hi - lo + 1);
}

/* The driver callbacks of every test pagemap. */

static void dpt_page_freed(struct page *page)
{
	struct devpriv_pagemap *dpgmap = devpriv_page_pagemap(page);
	struct dpt_pagemap *tp;

	if (!dpgmap)
		return;
	tp = to_dpt(dpgmap);
	WRITE_ONCE(tp->last_page, page);
	atomic_inc(&tp->nr_page_free);
}

#ifdef DEVPRIV_HAVE_PGMAP_FOLIO_FREE
static void dpt_free(struct folio *folio)
{
	dpt_page_freed(&folio->page);
}
#else
static void dpt_free(struct page *page)
{
	dpt_page_freed(page);
}
#endif

static vm_fault_t dpt_migrate_to_ram(struct vm_fault *vmf)
{
	struct devpriv_pagemap *dpgmap = devpriv_page_pagemap(vmf->page);
	struct dpt_pagemap *tp;

	if (!dpgmap)
		return VM_FAULT_OOM;
	tp = to_dpt(dpgmap);
	WRITE_ONCE(tp->last_page, vmf->page);
	atomic_inc(&tp->nr_migrate_to_ram);
	/* distinctive, so that the test sees it was passed through */
	return VM_FAULT_SIGBUS;
}

const struct dev_pagemap_ops dpt_ops = {
	.devpriv_free_op = dpt_free,
	.migrate_to_ram = dpt_migrate_to_ram,
};

/*
 * The callbacks of a test pagemap with large folios, in the form that is
 * the same on every kernel.
 */
static void dpt_folio_free(struct folio *folio)
{
	struct devpriv_pagemap *dpgmap = devpriv_page_pagemap(&folio->page);

	if (!dpgmap)
		return;
	WRITE_ONCE(to_dpt(dpgmap)->last_nr_pages, folio_nr_pages(folio));
	dpt_page_freed(&folio->page);
}

#ifdef DEVPRIV_HAVE_PGMAP_FOLIO_SPLIT
/* The library must have given @tail its pagemap and mapping already. */
static void dpt_folio_split(struct folio *head, struct folio *tail)
{
	struct dpt_pagemap *tp = to_dpt(devpriv_page_pagemap(&head->page));

	if (!tail) {
		atomic_inc(&tp->nr_split_done);
		return;
	}
	if (tail->pgmap != head->pgmap || tail->mapping != head->mapping ||
	    devpriv_folio_to_index(tail) <= devpriv_folio_to_index(head))
		atomic_inc(&tp->nr_bad);
	atomic_inc(&tp->nr_split);
}
#endif

/* Single pages only: a pagemap with large folios must refuse these. */
const struct devpriv_pagemap_ops dpt_page_ops = {
	.page_free = dpt_page_freed,
	.migrate_to_ram = dpt_migrate_to_ram,
};

const struct devpriv_pagemap_ops dpt_folio_ops = {
	.folio_free = dpt_folio_free,
	.migrate_to_ram = dpt_migrate_to_ram,
#ifdef DEVPRIV_HAVE_PGMAP_FOLIO_SPLIT
	.folio_split = dpt_folio_split,
#endif
};

/* Incomplete ops, which registration must refuse. */
const struct dev_pagemap_ops dpt_ops_no_free = {
	.migrate_to_ram = dpt_migrate_to_ram,
};

const struct dev_pagemap_ops dpt_ops_no_fault = {
	.devpriv_free_op = dpt_free,
};

/**
 * dpt_call_free() - call a page's dev_pagemap free op, as core mm would
 * @page: a page of a libdevpriv pagemap
 *
 * Only the op: none of core mm's own bookkeeping, so that it can be used
 * on the test backend's pages.
 */
void dpt_call_free(struct page *page)
{
	const struct dev_pagemap_ops *ops = devpriv_page_pgmap(page)->ops;

#ifdef DEVPRIV_HAVE_PGMAP_FOLIO_FREE
	ops->folio_free(page_folio(page));
#else
	ops->page_free(page);
#endif
}

/* The test backend. */

static void dpt_event(struct dpt_pagemap *tp, enum dpt_event_type type,
		      struct devpriv_chunk *chunk)
{
	int i = atomic_inc_return(&tp->nr_events) - 1;

	if (i < DPT_MAX_EVENTS)
		tp->events[i] = DPT_EVENT(type, chunk->first_index >>
					  tp->dpgmap.chunk_order);
}

/* Is @chunk what pagemap.c promises a backend?  Counts what is not. */
static void dpt_check_chunk(struct dpt_pagemap *tp, struct devpriv_chunk *chunk)
{
	struct devpriv_pagemap *dpgmap = &tp->dpgmap;
	unsigned long chunk_pages = 1UL << dpgmap->chunk_order;

	if (chunk->dpgmap != dpgmap ||
	    chunk->pgmap.type != MEMORY_DEVICE_PRIVATE ||
	    chunk->pgmap.ops != &devpriv_chunk_ops ||
	    chunk->pgmap.owner != dpgmap->owner ||
	    chunk->pgmap.nr_range != 1 ||
	    !chunk->nr_pages || chunk->nr_pages > chunk_pages ||
	    chunk->first_index & (chunk_pages - 1) ||
	    chunk->first_index + chunk->nr_pages > dpgmap->nr_pages ||
	    chunk->offset != dpgmap->base + chunk->first_index ||
	    chunk->offset & (chunk_pages - 1))
		atomic_inc(&tp->nr_bad);
}

static int dpt_populate(struct devpriv_chunk *chunk, int nid)
{
	struct dpt_pagemap *tp = to_dpt(chunk->dpgmap);
	struct page *pages;
	unsigned long i;
	int n;

	n = atomic_inc_return(&tp->nr_populate);
	dpt_check_chunk(tp, chunk);
	if (chunk->pages || chunk->backend_data)
		atomic_inc(&tp->nr_bad);
	if (READ_ONCE(tp->fail_populate_at) == n)
		return READ_ONCE(tp->fail_errno);

	pages = kvcalloc(chunk->nr_pages, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return -ENOMEM;
	for (i = 0; i < chunk->nr_pages; i++) {
		set_page_zone(&pages[i], ZONE_DEVICE);
		devpriv_page_set_pgmap(&pages[i], &chunk->pgmap);
	}
	chunk->pages = pages;
	/* a cookie only this backend sets: depopulate checks it */
	chunk->backend_data = tp;
	atomic_inc(&tp->nr_live);
	dpt_event(tp, DPT_EV_POPULATE, chunk);
	return 0;
}

static unsigned long dpt_evict(struct devpriv_chunk *chunk, bool last_pass)
{
	struct dpt_pagemap *tp = to_dpt(chunk->dpgmap);

	lockdep_assert_not_held(&chunk->dpgmap->lock);
	if (!chunk->pages || chunk->backend_data != tp || !chunk->dpgmap->dying)
		atomic_inc(&tp->nr_bad);
	atomic_inc(&tp->nr_evict);
	dpt_event(tp, DPT_EV_EVICT, chunk);
	/* the test backend's pages are never referenced */
	return 0;
}

static void dpt_depopulate(struct devpriv_chunk *chunk)
{
	struct dpt_pagemap *tp = to_dpt(chunk->dpgmap);
	struct page *last;

	dpt_check_chunk(tp, chunk);
	if (!chunk->pages || chunk->backend_data != tp) {
		atomic_inc(&tp->nr_bad);
		return;
	}
	last = chunk->pages + chunk->nr_pages - 1;
	if (!is_zone_device_page(chunk->pages) || !is_zone_device_page(last) ||
	    devpriv_page_pgmap(chunk->pages) != &chunk->pgmap ||
	    devpriv_page_pgmap(last) != &chunk->pgmap)
		atomic_inc(&tp->nr_bad);
	dpt_event(tp, DPT_EV_DEPOPULATE, chunk);
	kvfree(chunk->pages);
	chunk->pages = NULL;
	chunk->backend_data = NULL;
	atomic_dec(&tp->nr_live);
}

const struct devpriv_backend dpt_backend = {
	.name = "kunit",
	.populate = dpt_populate,
	.depopulate = dpt_depopulate,
};

const struct devpriv_backend dpt_backend_evict = {
	.name = "kunit-evict",
	.populate = dpt_populate,
	.evict = dpt_evict,
	.depopulate = dpt_depopulate,
};

/**
 * dpt_pagemap_init() - fill in a test pagemap, zeroing everything else
 * @tp: the pagemap
 * @nr_pages: pages of device memory
 * @chunk_order: &devpriv_pagemap.chunk_order
 * @flags: &devpriv_pagemap.flags
 */
void dpt_pagemap_init(struct dpt_pagemap *tp, unsigned long nr_pages,
		      unsigned int chunk_order, unsigned int flags)
{
	memset(tp, 0, sizeof(*tp));
	tp->dpgmap.ops = &dpt_ops;
	tp->dpgmap.owner = tp;
	tp->dpgmap.nr_pages = nr_pages;
	tp->dpgmap.chunk_order = chunk_order;
	/* no user page ever reaches a test pagemap: nothing to copy */
	tp->dpgmap.flags = flags | DEVPRIV_SELF_EVICT;
}

/**
 * dpt_folio_pagemap_new() - a test pagemap with large folios
 * @test: the case, which owns the pagemap
 * @nr_pages: pages of device memory
 * @chunk_order: &devpriv_pagemap.chunk_order
 * @folio_order: &devpriv_pagemap.folio_order
 * @flags: &devpriv_pagemap.flags
 *
 * As dpt_pagemap_new(), with &dpt_folio_ops for callbacks.
 *
 * Return: the pagemap, not registered.
 */
struct dpt_pagemap *dpt_folio_pagemap_new(struct kunit *test,
					  unsigned long nr_pages,
					  unsigned int chunk_order,
					  unsigned int folio_order,
					  unsigned int flags)
{
	struct dpt_pagemap *tp = dpt_pagemap_new(test, nr_pages, chunk_order,
						 flags);

	tp->dpgmap.ops = NULL;
	tp->dpgmap.devpriv_ops = &dpt_folio_ops;
	tp->dpgmap.folio_order = folio_order;
	return tp;
}

static int dpt_pagemap_res_init(struct kunit_resource *res, void *context)
{
	res->data = context;
	return 0;
}

/* Unregister what a failed (aborted) test case left registered. */
static void dpt_pagemap_res_free(struct kunit_resource *res)
{
	struct dpt_pagemap *tp = res->data;

	if (tp->dpgmap.space)
		devpriv_memunmap_pagemap(&tp->dpgmap);
}

/**
 * dpt_pagemap_new() - a test pagemap that lives as long as the test case
 * @test: the test case
 * @nr_pages: pages of device memory
 * @chunk_order: &devpriv_pagemap.chunk_order
 * @flags: &devpriv_pagemap.flags
 *
 * If the case ends with the pagemap still registered, it is unregistered
 * at cleanup, before the space it lives in (created earlier) goes away.
 *
 * Return: the pagemap; the case is aborted if it cannot be allocated.
 */
struct dpt_pagemap *dpt_pagemap_new(struct kunit *test, unsigned long nr_pages,
				    unsigned int chunk_order, unsigned int flags)
{
	struct dpt_pagemap *tp;

	tp = kunit_kzalloc(test, sizeof(*tp), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, tp);
	dpt_pagemap_init(tp, nr_pages, chunk_order, flags);
	KUNIT_ASSERT_NOT_NULL(test, kunit_alloc_resource(test, dpt_pagemap_res_init,
							 dpt_pagemap_res_free,
							 GFP_KERNEL, tp));
	return tp;
}

/**
 * dpt_register() - register a test pagemap in a space
 * @tp: the pagemap
 * @space: the space
 * @backend: &dpt_backend, &dpt_backend_evict or &devpriv_backend_default
 *
 * Return: as __devpriv_memremap_pagemap().
 */
int dpt_register(struct dpt_pagemap *tp, struct devpriv_space *space,
		 const struct devpriv_backend *backend)
{
	return __devpriv_memremap_pagemap(&tp->dpgmap, NUMA_NO_NODE, space,
					  backend);
}

static int dpt_space_res_init(struct kunit_resource *res, void *context)
{
	res->data = context;
	return 0;
}

static void dpt_space_res_free(struct kunit_resource *res)
{
	struct devpriv_space *space = res->data;

	if (space->order)
		devpriv_space_fini(space);
}

/**
 * dpt_space_new() - a private space that lives as long as the test case
 * @test: the test case
 * @order: log2 of its size in granules; 0: allocate but do not set up
 *
 * A case ends a space with dpt_space_done(); if it is aborted before, the
 * space is torn down at cleanup.
 *
 * Return: the space; the case is aborted if it cannot be allocated.
 */
struct devpriv_space *dpt_space_new(struct kunit *test, unsigned int order)
{
	struct devpriv_space *space;

	space = kunit_kzalloc(test, sizeof(*space), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, space);
	if (order)
		devpriv_space_init(space, order);
	KUNIT_ASSERT_NOT_NULL(test, kunit_alloc_resource(test, dpt_space_res_init,
							 dpt_space_res_free,
							 GFP_KERNEL, space));
	return space;
}

/**
 * dpt_free_blocks() - count the free blocks of a space
 * @space: the space
 * @max_order: output: the largest order of a free block, -1 if none
 *
 * Return: the number of free blocks.
 */
unsigned long dpt_free_blocks(struct devpriv_space *space, int *max_order)
{
	unsigned long index, n = 0;
	unsigned int k;
	void *entry;

	*max_order = -1;
	mutex_lock(&space->lock);
	for (k = 0; k <= DEVPRIV_SPACE_MAX_ORDER; k++) {
		xa_for_each(&space->free[k], index, entry) {
			n++;
			*max_order = k;
		}
	}
	mutex_unlock(&space->lock);
	return n;
}

/**
 * dpt_space_whole() - is the space back to a single free block?
 * @space: the space
 *
 * Return: true if nothing is allocated, the whole space is one free block
 * at granule 0 and no chunk is reachable.
 */
bool dpt_space_whole(struct devpriv_space *space)
{
	int max_order;

	return !space->nr_allocated && !space->nr_chunks &&
	       dpt_free_blocks(space, &max_order) == 1 &&
	       max_order == space->order &&
	       xa_load(&space->free[space->order], 0);
}

/**
 * dpt_space_done() - end of a space's life in a test case
 * @test: the test case
 * @space: the space
 *
 * Expects the space whole and its invariants intact, then tears it down;
 * devpriv_space_fini() warns (and the VM scenario fails) on any leak.
 */
void dpt_space_done(struct kunit *test, struct devpriv_space *space)
{
	KUNIT_EXPECT_TRUE(test, devpriv_space_check(space));
	KUNIT_EXPECT_TRUE_MSG(test, dpt_space_whole(space),
			      "%lu granules still allocated", space->nr_allocated);
	devpriv_space_fini(space);
	KUNIT_EXPECT_EQ(test, space->order, 0U);
}

/**
 * struct dpt_case - what every test case of the suites carries
 * @warnings_start: devpriv_nr_warnings when the case began
 * @warnings_expected: library warnings the case means to provoke
 */
struct dpt_case {
	int warnings_start;
	int warnings_expected;
};

/**
 * dpt_case_init() - the suites' .init: start counting library warnings
 * @test: the case
 *
 * Return: 0, or -ENOMEM.
 */
int dpt_case_init(struct kunit *test)
{
	struct dpt_case *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);

	if (!c)
		return -ENOMEM;
	c->warnings_start = atomic_read(&devpriv_nr_warnings);
	test->priv = c;
	return 0;
}

/**
 * dpt_expect_warnings() - pin library warnings a case provokes on purpose
 * @test: the case
 * @n: how many more it expects (each time a warning's condition holds)
 */
void dpt_expect_warnings(struct kunit *test, int n)
{
	struct dpt_case *c = test->priv;

	c->warnings_expected += n;
}

/**
 * dpt_case_exit() - the suites' .exit: the case provoked exactly the
 *	library warnings it pinned, no more and no fewer
 * @test: the case
 */
void dpt_case_exit(struct kunit *test)
{
	struct dpt_case *c = test->priv;

	KUNIT_EXPECT_EQ_MSG(test,
			    atomic_read(&devpriv_nr_warnings) - c->warnings_start,
			    c->warnings_expected,
			    "library warnings provoked (dpt_expect_warnings())");
}
