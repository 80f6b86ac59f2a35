// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite devpriv_stress: several kthreads hammer one space and its
 * pagemaps at once -- allocation and freeing, registration, population,
 * lookups and unregistration on the test backend -- and the invariants are
 * checked at the end.
 *
 * Only the test case's own thread may use KUNIT_ASSERT (it aborts that
 * thread); workers count problems and keep the first description, which
 * the case reports.  Each worker has its own random state, seeded from the
 * module's seed and its number, and stops after a number of rounds or a
 * time limit, whichever comes first.
 */

#include <linux/bitmap.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/sched.h>
#include <linux/slab.h>

#include "devpriv_test.h"

/* per case; QEMU/TCG with KASAN is slow, a native run does all rounds */
#define DPT_STRESS_TIME	(3 * HZ)

struct dpt_stress;

struct dpt_worker {
	struct dpt_stress *st;
	struct task_struct *task;
	struct completion done;
	struct rnd_state rnd;
	void (*fn)(struct dpt_worker *w);
	unsigned int id;
	unsigned long rounds;
};

/**
 * struct dpt_stress - what the workers of one case share
 * @space: the space they all use
 * @tp: the pagemap shared by the populate workers, if any
 * @owned: one bit per granule, set while some worker holds it
 * @deadline: jiffies after which workers stop
 * @nr_rounds: rounds per worker
 * @stop: set by the case to end open-ended workers
 * @errors: problems seen
 * @first_error: description of the first one
 * @lock: protects @first_error
 */
struct dpt_stress {
	struct devpriv_space *space;
	struct dpt_pagemap *tp;
	unsigned long *owned;
	unsigned long deadline;
	unsigned long nr_rounds;
	bool stop;
	atomic_t errors;
	char first_error[160];
	spinlock_t lock;	/* protects first_error */
};

static __printf(2, 3) void dpt_stress_error(struct dpt_stress *st,
					    const char *fmt, ...)
{
	va_list args;

	if (atomic_inc_return(&st->errors) != 1)
		return;
	spin_lock(&st->lock);
	va_start(args, fmt);
	vsnprintf(st->first_error, sizeof(st->first_error), fmt, args);
	va_end(args);
	spin_unlock(&st->lock);
}

static bool dpt_stress_more(struct dpt_worker *w)
{
	return !READ_ONCE(w->st->stop) && w->rounds < w->st->nr_rounds &&
	       time_before(jiffies, w->st->deadline) &&
	       !atomic_read(&w->st->errors);
}

static int dpt_worker_thread(void *data)
{
	struct dpt_worker *w = data;

	w->fn(w);
	kthread_complete_and_exit(&w->done, 0);
}

/* Start @n workers running @fn; returns how many were started. */
static unsigned int dpt_stress_start(struct kunit *test, struct dpt_stress *st,
				     struct dpt_worker *w, unsigned int n,
				     void (*fn)(struct dpt_worker *w),
				     unsigned int first_id)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		w[i].st = st;
		w[i].fn = fn;
		w[i].id = first_id + i;
		init_completion(&w[i].done);
		prandom_seed_state(&w[i].rnd, (u64)dpt_seed << 8 | w[i].id);
		w[i].task = kthread_run(dpt_worker_thread, &w[i], "devpriv_stress/%u",
					w[i].id);
		if (IS_ERR(w[i].task)) {
			kunit_err(test, "kthread_run: %ld\n", PTR_ERR(w[i].task));
			break;
		}
	}
	return i;
}

static void dpt_stress_wait(struct dpt_worker *w, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		wait_for_completion(&w[i].done);
}

static void dpt_stress_init(struct kunit *test, struct dpt_stress *st,
			    unsigned int space_order, unsigned long nr_rounds)
{
	st->space = dpt_space_new(test, space_order);
	st->owned = kunit_kcalloc(test, BITS_TO_LONGS(1UL << space_order),
				  sizeof(long), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, st->owned);
	st->nr_rounds = nr_rounds;
	st->deadline = jiffies + DPT_STRESS_TIME;
	atomic_set(&st->errors, 0);
	spin_lock_init(&st->lock);
	kunit_info(test, "random seed %u\n", dpt_seed);
}

static void dpt_stress_report(struct kunit *test, struct dpt_stress *st,
			      struct dpt_worker *w, unsigned int n)
{
	unsigned long rounds = 0;
	unsigned int i;

	for (i = 0; i < n; i++)
		rounds += w[i].rounds;
	kunit_info(test, "%u workers, %lu rounds in %u ms\n", n, rounds,
		   jiffies_to_msecs(jiffies + DPT_STRESS_TIME - st->deadline));
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&st->errors), 0, "first: %s",
			    st->first_error);
	KUNIT_EXPECT_GT(test, rounds, 0UL);
}

/* Claim the granules of a region in the shared bitmap: none may be held. */
static void dpt_stress_claim(struct dpt_stress *st, unsigned long first,
			     unsigned long nr)
{
	unsigned long g;

	for (g = first; g < first + nr; g++)
		if (test_and_set_bit(g, st->owned))
			dpt_stress_error(st, "granule %lu handed out twice (region %lu+%lu)",
					 g, first, nr);
}

static void dpt_stress_unclaim(struct dpt_stress *st, unsigned long first,
			       unsigned long nr)
{
	unsigned long g;

	for (g = first; g < first + nr; g++)
		if (!test_and_clear_bit(g, st->owned))
			dpt_stress_error(st, "granule %lu freed but not held", g);
}

#define DPT_STRESS_REGIONS	32

/* Allocate and free regions at random; check the space now and then. */
static void dpt_stress_alloc_fn(struct dpt_worker *w)
{
	struct dpt_stress *st = w->st;
	unsigned long first[DPT_STRESS_REGIONS], nr[DPT_STRESS_REGIONS];
	unsigned int held = 0;

	while (dpt_stress_more(w)) {
		w->rounds++;
		if (held < DPT_STRESS_REGIONS && (!held || dpt_rnd_range(&w->rnd, 0, 2))) {
			unsigned long n = dpt_rnd_range(&w->rnd, 1, 24);
			unsigned int align = dpt_rnd_range(&w->rnd, 0, 3);
			int err = devpriv_space_alloc(st->space, n, align,
						      &first[held]);

			if (err == -ENOSPC)
				continue;
			if (err) {
				dpt_stress_error(st, "alloc %lu: %d", n, err);
				break;
			}
			if (first[held] & ((1UL << align) - 1))
				dpt_stress_error(st, "granule %lu not aligned to %u",
						 first[held], align);
			nr[held] = n;
			dpt_stress_claim(st, first[held], n);
			held++;
		} else {
			unsigned int i = dpt_rnd_range(&w->rnd, 0, held - 1);

			dpt_stress_unclaim(st, first[i], nr[i]);
			devpriv_space_free(st->space, first[i], nr[i]);
			held--;
			first[i] = first[held];
			nr[i] = nr[held];
		}
		if (!(w->rounds % 64) && !devpriv_space_check(st->space))
			dpt_stress_error(st, "space check failed");
		cond_resched();
	}
	while (held--) {
		dpt_stress_unclaim(st, first[held], nr[held]);
		devpriv_space_free(st->space, first[held], nr[held]);
	}
}

/* Random allocation and freeing from four threads at once. */
static void devpriv_stress_test_space(struct kunit *test)
{
	struct dpt_stress *st = kunit_kzalloc(test, sizeof(*st), GFP_KERNEL);
	struct dpt_worker *w = kunit_kcalloc(test, 4, sizeof(*w), GFP_KERNEL);
	unsigned int n;

	KUNIT_ASSERT_NOT_NULL(test, st);
	KUNIT_ASSERT_NOT_NULL(test, w);
	dpt_stress_init(test, st, 10, 20000);
	n = dpt_stress_start(test, st, w, 4, dpt_stress_alloc_fn, 0);
	dpt_stress_wait(w, n);
	KUNIT_EXPECT_EQ(test, n, 4U);
	dpt_stress_report(test, st, w, n);
	KUNIT_EXPECT_TRUE(test, bitmap_empty(st->owned, 1UL << st->space->order));
	dpt_space_done(test, st->space);
}

/* One index of a registered pagemap, translated every way. */
static void dpt_stress_translate(struct dpt_stress *st,
				 struct devpriv_pagemap *dpgmap, unsigned long i)
{
	struct page *page = devpriv_index_to_page(dpgmap, i);

	if (!page)
		return;
	if (devpriv_page_to_index(page) != i ||
	    devpriv_page_to_offset(page) != dpgmap->base + i ||
	    devpriv_page_pagemap(page) != dpgmap ||
	    devpriv_space_offset_to_page(st->space, dpgmap->base + i) != page)
		dpt_stress_error(st, "index %lu of pagemap at %#lx translates wrong",
				 i, dpgmap->base);
}

/*
 * A pagemap's life, over and over: register (eager or lazy, sometimes with
 * a populate failure injected), populate random ranges, translate random
 * indices, unregister.  The pagemap is freed only after unregistration,
 * which waits for an RCU grace period: lookups of the reader see it whole.
 */
static void dpt_stress_pagemap_fn(struct dpt_worker *w)
{
	struct dpt_stress *st = w->st;

	while (dpt_stress_more(w)) {
		unsigned int chunk_order = DPT_CO + dpt_rnd_range(&w->rnd, 0, 1);
		unsigned long nr_pages = dpt_rnd_range(&w->rnd, 1, 3 << chunk_order);
		bool eager = !dpt_rnd_range(&w->rnd, 0, 3);
		struct devpriv_pagemap *dpgmap;
		unsigned long granules;
		struct dpt_pagemap *tp;
		bool injected;
		int err, k;

		w->rounds++;
		tp = devpriv_kzalloc_obj(*tp, GFP_KERNEL);
		if (!tp) {
			dpt_stress_error(st, "out of memory");
			break;
		}
		dpt_pagemap_init(tp, nr_pages, chunk_order, eager ? DEVPRIV_EAGER : 0);
		injected = !dpt_rnd_range(&w->rnd, 0, 7);
		if (injected) {
			tp->fail_populate_at = dpt_rnd_range(&w->rnd, 1, 3);
			tp->fail_errno = -EIO;
		}
		dpgmap = &tp->dpgmap;

		err = dpt_register(tp, st->space, &dpt_backend);
		if (err) {
			if (err != -ENOSPC && !(injected && err == -EIO))
				dpt_stress_error(st, "register: %d", err);
			if (atomic_read(&tp->nr_live) || dpgmap->space)
				dpt_stress_error(st, "failed registration left %d chunks",
						 atomic_read(&tp->nr_live));
			kfree(tp);
			continue;
		}
		/* the raw allocator's regions must not overlap this one */
		granules = dpgmap->nr_chunks <<
			   (dpgmap->chunk_order - DEVPRIV_GRANULE_ORDER);
		dpt_stress_claim(st, devpriv_offset_granule(dpgmap->base), granules);
		for (k = 0; k < 4; k++) {
			unsigned long first = dpt_rnd_range(&w->rnd, 0, nr_pages - 1);
			unsigned long n = dpt_rnd_range(&w->rnd, 1, nr_pages - first);

			err = devpriv_pagemap_populate(dpgmap, first, n);
			if (err && !(injected && err == -EIO))
				dpt_stress_error(st, "populate %lu+%lu: %d",
						 first, n, err);
			dpt_stress_translate(st, dpgmap, first);
			dpt_stress_translate(st, dpgmap, first + n - 1);
			dpt_stress_translate(st, dpgmap,
					     dpt_rnd_range(&w->rnd, 0, nr_pages - 1));
		}
		if (atomic_read(&tp->nr_live) != dpgmap->nr_populated)
			dpt_stress_error(st, "%d chunks live, %lu populated",
					 atomic_read(&tp->nr_live), dpgmap->nr_populated);
		dpt_stress_unclaim(st, devpriv_offset_granule(dpgmap->base), granules);
		devpriv_memunmap_pagemap(dpgmap);
		if (atomic_read(&tp->nr_live) || atomic_read(&tp->nr_bad))
			dpt_stress_error(st, "after unregistration: %d chunks live, %d bad",
					 atomic_read(&tp->nr_live),
					 atomic_read(&tp->nr_bad));
		kfree(tp);
		cond_resched();
	}
}

/*
 * Whatever page @offset finds must translate back to it.  Inside the RCU
 * read section the chunk, its pages and its pagemap stay valid.
 */
static void dpt_stress_check_offset(struct dpt_stress *st, unsigned long offset)
{
	struct devpriv_chunk *chunk;
	struct page *page;

	rcu_read_lock();
	page = devpriv_space_offset_to_page(st->space, offset);
	if (page) {
		chunk = devpriv_page_chunk(page);
		if (!chunk || devpriv_page_to_offset(page) != offset ||
		    devpriv_page_to_index(page) != offset - chunk->dpgmap->base)
			dpt_stress_error(st, "offset %#lx finds a page of offset %#lx",
					 offset, devpriv_page_to_offset(page));
	}
	rcu_read_unlock();
}

/*
 * Random offsets of the whole space, looked up while pagemaps come and go
 * (dpt_stress_check_offset()).
 */
static void dpt_stress_reader_fn(struct dpt_worker *w)
{
	struct dpt_stress *st = w->st;
	unsigned long pages = 1UL << (st->space->order + DEVPRIV_GRANULE_ORDER);

	while (!READ_ONCE(st->stop) && !atomic_read(&st->errors)) {
		unsigned long offset = dpt_rnd_range(&w->rnd, 0, pages - 1);

		w->rounds++;
		dpt_stress_check_offset(st, offset);
		if (!(w->rounds % 256))
			cond_resched();
	}
}

/*
 * Pagemap lifecycles in three threads, raw allocations in a fourth and a
 * lookup thread, all in one space.
 */
static void devpriv_stress_test_pagemaps(struct kunit *test)
{
	struct dpt_stress *st = kunit_kzalloc(test, sizeof(*st), GFP_KERNEL);
	struct dpt_worker *w = kunit_kcalloc(test, 5, sizeof(*w), GFP_KERNEL);
	unsigned int n = 0, readers;

	KUNIT_ASSERT_NOT_NULL(test, st);
	KUNIT_ASSERT_NOT_NULL(test, w);
	dpt_stress_init(test, st, 6, 400);
	n += dpt_stress_start(test, st, w, 3, dpt_stress_pagemap_fn, 0);
	if (n == 3)
		n += dpt_stress_start(test, st, w + 3, 1, dpt_stress_alloc_fn, 3);
	readers = n == 4 ? dpt_stress_start(test, st, w + 4, 1,
					    dpt_stress_reader_fn, 4) : 0;
	dpt_stress_wait(w, n);
	WRITE_ONCE(st->stop, true);
	dpt_stress_wait(w + 4, readers);
	KUNIT_EXPECT_EQ(test, n + readers, 5U);
	dpt_stress_report(test, st, w, n + readers);
	kunit_info(test, "reader: %lu lookups\n", w[4].rounds);
	KUNIT_EXPECT_TRUE(test, bitmap_empty(st->owned, 1UL << st->space->order));
	dpt_space_done(test, st->space);
}

/* Populate random ranges of one shared lazy pagemap. */
static void dpt_stress_populate_fn(struct dpt_worker *w)
{
	struct dpt_stress *st = w->st;
	struct devpriv_pagemap *dpgmap = &st->tp->dpgmap;

	while (dpt_stress_more(w)) {
		unsigned long first = dpt_rnd_range(&w->rnd, 0, dpgmap->nr_pages - 1);
		unsigned long n = dpt_rnd_range(&w->rnd, 1,
						min(dpgmap->nr_pages - first,
						    2 * DPT_CP));
		int err;

		w->rounds++;
		err = devpriv_pagemap_populate(dpgmap, first, n);
		if (err)
			dpt_stress_error(st, "populate %lu+%lu: %d", first, n, err);
		dpt_stress_translate(st, dpgmap, first);
		dpt_stress_translate(st, dpgmap, first + n - 1);
		/* leave room for the other threads to race with */
		if (!(w->rounds % 8))
			usleep_range(50, 200);
	}
}

/* Lock-free index lookups racing with chunk publication. */
static void dpt_stress_index_reader_fn(struct dpt_worker *w)
{
	struct dpt_stress *st = w->st;
	struct devpriv_pagemap *dpgmap = &st->tp->dpgmap;

	while (!READ_ONCE(st->stop) && !atomic_read(&st->errors)) {
		w->rounds++;
		dpt_stress_translate(st, dpgmap,
				     dpt_rnd_range(&w->rnd, 0, dpgmap->nr_pages - 1));
		if (!(w->rounds % 256))
			cond_resched();
	}
}

/*
 * Three threads populate overlapping ranges of one lazy pagemap while a
 * fourth translates: every chunk is populated exactly once, and a reader
 * sees either no chunk or a complete one.
 */
static void devpriv_stress_test_shared_populate(struct kunit *test)
{
	const unsigned long nr_chunks = 24;
	struct dpt_stress *st = kunit_kzalloc(test, sizeof(*st), GFP_KERNEL);
	struct dpt_worker *w = kunit_kcalloc(test, 4, sizeof(*w), GFP_KERNEL);
	struct devpriv_pagemap *dpgmap;
	unsigned int n, readers, i;
	unsigned long c, seen;

	KUNIT_ASSERT_NOT_NULL(test, st);
	KUNIT_ASSERT_NOT_NULL(test, w);
	dpt_stress_init(test, st, 6, 200);
	st->tp = dpt_pagemap_new(test, nr_chunks * DPT_CP - 11, DPT_CO, 0);
	dpgmap = &st->tp->dpgmap;
	KUNIT_ASSERT_EQ(test, dpt_register(st->tp, st->space, &dpt_backend), 0);

	n = dpt_stress_start(test, st, w, 3, dpt_stress_populate_fn, 0);
	readers = n == 3 ? dpt_stress_start(test, st, w + 3, 1,
					    dpt_stress_index_reader_fn, 3) : 0;
	dpt_stress_wait(w, n);
	WRITE_ONCE(st->stop, true);
	dpt_stress_wait(w + 3, readers);
	KUNIT_EXPECT_EQ(test, n + readers, 4U);
	dpt_stress_report(test, st, w, n + readers);
	kunit_info(test, "%lu of %lu chunks populated by the workers\n",
		   dpgmap->nr_populated, nr_chunks);

	/* the rest, and then each chunk must have been populated once */
	KUNIT_ASSERT_EQ(test, devpriv_pagemap_populate(dpgmap, 0, dpgmap->nr_pages), 0);
	KUNIT_EXPECT_EQ(test, dpgmap->nr_populated, nr_chunks);
	KUNIT_EXPECT_EQ(test, atomic_read(&st->tp->nr_populate), (int)nr_chunks);
	KUNIT_EXPECT_EQ(test, atomic_read(&st->tp->nr_live), (int)nr_chunks);
	KUNIT_EXPECT_EQ(test, atomic_read(&st->tp->nr_bad), 0);
	seen = 0;
	for (i = 0; i < nr_chunks && i < DPT_MAX_EVENTS; i++) {
		c = st->tp->events[i] & 0xffffff;
		KUNIT_EXPECT_EQ(test, st->tp->events[i] >> 24, (u32)DPT_EV_POPULATE);
		KUNIT_EXPECT_LT(test, c, nr_chunks);
		KUNIT_EXPECT_FALSE_MSG(test, seen & BIT(c), "chunk %lu populated twice", c);
		seen |= BIT(c);
	}
	for (c = 0; c < dpgmap->nr_pages; c += 97)
		dpt_stress_translate(st, dpgmap, c);
	KUNIT_EXPECT_EQ(test, atomic_read(&st->errors), 0);
	devpriv_memunmap_pagemap(dpgmap);
	KUNIT_EXPECT_EQ(test, atomic_read(&st->tp->nr_live), 0);
	dpt_space_done(test, st->space);
}

/* Populate random ranges until the pagemap goes away under it. */
static void dpt_stress_racer_fn(struct dpt_worker *w)
{
	struct dpt_stress *st = w->st;
	struct devpriv_pagemap *dpgmap = &st->tp->dpgmap;
	unsigned long nr_pages = dpgmap->nr_pages;

	while (!READ_ONCE(st->stop)) {
		unsigned long first = dpt_rnd_range(&w->rnd, 0, nr_pages - 1);
		unsigned long n = dpt_rnd_range(&w->rnd, 1, nr_pages - first);
		int err = devpriv_pagemap_populate(dpgmap, first, n);

		w->rounds++;
		/* unregistering (-ENODEV) or unregistered (-EINVAL) */
		if (err == -ENODEV || err == -EINVAL)
			break;
		if (err)
			dpt_stress_error(st, "populate %lu+%lu: %d", first, n, err);
		cond_resched();
	}
}

/*
 * Unregistration while two threads populate: populate sees the pagemap
 * whole, unregistering or gone, and nothing it populated survives.
 */
static void devpriv_stress_test_unregister_race(struct kunit *test)
{
	struct dpt_stress *st = kunit_kzalloc(test, sizeof(*st), GFP_KERNEL);
	struct dpt_worker *w = kunit_kcalloc(test, 2, sizeof(*w), GFP_KERNEL);
	unsigned long rounds = 0;
	unsigned int n, i;
	int iter;

	KUNIT_ASSERT_NOT_NULL(test, st);
	KUNIT_ASSERT_NOT_NULL(test, w);
	dpt_stress_init(test, st, 6, ULONG_MAX);
	for (iter = 0; iter < 12 && !atomic_read(&st->errors); iter++) {
		struct dpt_pagemap *tp = dpt_pagemap_new(test, 8 * DPT_CP, DPT_CO, 0);

		KUNIT_ASSERT_EQ(test, dpt_register(tp, st->space, &dpt_backend), 0);
		st->tp = tp;
		WRITE_ONCE(st->stop, false);
		n = dpt_stress_start(test, st, w, 2, dpt_stress_racer_fn, 2 * iter);
		usleep_range(100, 100 + 1000 * iter);
		devpriv_memunmap_pagemap(&tp->dpgmap);
		WRITE_ONCE(st->stop, true);
		dpt_stress_wait(w, n);
		KUNIT_ASSERT_EQ(test, n, 2U);
		for (i = 0; i < n; i++)
			rounds += w[i].rounds;
		KUNIT_EXPECT_EQ(test, atomic_read(&tp->nr_live), 0);
		KUNIT_EXPECT_EQ(test, atomic_read(&tp->nr_bad), 0);
		KUNIT_EXPECT_NULL(test, tp->dpgmap.space);
		KUNIT_EXPECT_TRUE(test, dpt_space_whole(st->space));
	}
	kunit_info(test, "%d unregistrations, %lu populate calls\n", iter, rounds);
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&st->errors), 0, "first: %s",
			    st->first_error);
	dpt_space_done(test, st->space);
}

/*
 * Offset lookups of a resident pagemap, on every other CPU, while the
 * offset table grows under them: each must find its page, in whichever
 * table it reads.  Lookups of random offsets up to the high-water mark
 * check the pagemaps that come with the growth.
 */
static void dpt_stress_growth_reader_fn(struct dpt_worker *w)
{
	struct dpt_stress *st = w->st;
	struct devpriv_pagemap *resident = &st->tp->dpgmap;

	while (!READ_ONCE(st->stop) && !atomic_read(&st->errors)) {
		unsigned long i = dpt_rnd_range(&w->rnd, 0, resident->nr_pages - 1);
		unsigned long high = READ_ONCE(st->space->high_water);
		unsigned long offset;
		struct page *page;

		w->rounds++;
		page = devpriv_space_offset_to_page(st->space, resident->base + i);
		if (page != devpriv_index_to_page(resident, i) || !page)
			dpt_stress_error(st, "resident index %lu: page %p", i, page);
		offset = dpt_rnd_range(&w->rnd, 0,
				       devpriv_granule_offset(high) - 1);
		dpt_stress_check_offset(st, offset);
		if (!(w->rounds % 256))
			cond_resched();
	}
}

/*
 * Registrations aligned ever higher grow the offset table, by copy and
 * republish, a dozen times while readers on the other CPUs look up.
 */
static void devpriv_stress_test_table_growth(struct kunit *test)
{
	const unsigned int top = 16, nr_readers = 2;
	struct dpt_stress *st = kunit_kzalloc(test, sizeof(*st), GFP_KERNEL);
	struct dpt_worker *w = kunit_kcalloc(test, nr_readers, sizeof(*w),
					     GFP_KERNEL);
	struct dpt_pagemap *tp[16];
	const struct devpriv_offset_table *table;
	unsigned int n, k, growths = 0;

	KUNIT_ASSERT_NOT_NULL(test, st);
	KUNIT_ASSERT_NOT_NULL(test, w);
	dpt_stress_init(test, st, top + 1, ULONG_MAX);
	st->tp = dpt_pagemap_new(test, 2 * DPT_CP + 5, DPT_CO, DEVPRIV_EAGER);
	KUNIT_ASSERT_EQ(test, dpt_register(st->tp, st->space, &dpt_backend), 0);
	table = READ_ONCE(*st->space->table);
	n = dpt_stress_start(test, st, w, nr_readers,
			     dpt_stress_growth_reader_fn, 0);
	/* one chunk at granule 1 << k, for k = 5 .. top: the table follows */
	for (k = 5; k <= top && !atomic_read(&st->errors); k++) {
		tp[k - 5] = dpt_pagemap_new(test, DPT_CP, DPT_CO, DEVPRIV_EAGER);
		tp[k - 5]->dpgmap.align_order = k + DEVPRIV_GRANULE_ORDER;
		KUNIT_ASSERT_EQ(test, dpt_register(tp[k - 5], st->space,
						   &dpt_backend), 0);
		KUNIT_EXPECT_EQ(test, tp[k - 5]->dpgmap.base,
				devpriv_granule_offset(1UL << k));
		if (READ_ONCE(*st->space->table) != table)
			growths++;
		table = READ_ONCE(*st->space->table);
		usleep_range(1000, 2000);
	}
	WRITE_ONCE(st->stop, true);
	dpt_stress_wait(w, n);
	KUNIT_EXPECT_EQ(test, n, nr_readers);
	dpt_stress_report(test, st, w, n);
	kunit_info(test, "%u table growths to %lu slots (%lu bytes with the retired)\n",
		   growths, table->nr_slots, st->space->table_bytes);
	/* 64 slots cover k <= 5, then one growth per k, doubling */
	KUNIT_EXPECT_EQ(test, growths, top - 5);
	KUNIT_EXPECT_EQ(test, table->nr_slots, 1UL << (top + 1));
	while (k-- > 5)
		devpriv_memunmap_pagemap(&tp[k - 5]->dpgmap);
	devpriv_memunmap_pagemap(&st->tp->dpgmap);
	dpt_space_done(test, st->space);
}

static struct kunit_case devpriv_stress_test_cases[] = {
	KUNIT_CASE(devpriv_stress_test_space),
	KUNIT_CASE(devpriv_stress_test_pagemaps),
	KUNIT_CASE(devpriv_stress_test_shared_populate),
	KUNIT_CASE(devpriv_stress_test_unregister_race),
	KUNIT_CASE(devpriv_stress_test_table_growth),
	{}
};

struct kunit_suite devpriv_stress_test_suite = {
	.name = "devpriv_stress",
	.init = dpt_case_init,
	.exit = dpt_case_exit,
	.test_cases = devpriv_stress_test_cases,
};
