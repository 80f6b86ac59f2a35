// SPDX-License-Identifier: GPL-2.0
/*
 * Concurrency: writers registering, populating and unregistering pagemaps
 * and allocating raw regions, all in one space, while readers translate
 * random offsets under RCU and check every page they find.  Under ASan a
 * chunk or page array freed before its grace period is a use-after-free
 * report; the checks catch torn or stale translations.
 */
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <urcu/uatomic.h>

#include "devpriv_test.h"

#define NR_WRITERS	3
#define NR_READERS	2
#define MAPS_PER_WRITER	4
#define RAWS_PER_WRITER	4
#define STRESS_SECONDS	1.5
#define GRANULE		DEVPRIV_GRANULE_PAGES
#define MIN_CO		DEVPRIV_MIN_CHUNK_ORDER

struct stress {
	struct devpriv_space space;
	struct devpriv_space *target;	/* space under test */
	bool global;			/* through the global API */
	struct devpriv_pagemap shared;	/* populated by every writer */
	pthread_barrier_t start;
	bool stop;			/* READ_ONCE/WRITE_ONCE */
	unsigned long offsets;		/* range readers probe */
	unsigned long hits;
	unsigned long probes;
	unsigned long registered;
	unsigned long enospc;
};

static struct stress st;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int stress_register(struct devpriv_pagemap *dp)
{
	if (st.global)
		return devpriv_memremap_pagemap(dp, NUMA_NO_NODE);
	return __devpriv_memremap_pagemap(dp, NUMA_NO_NODE, st.target,
					  &devpriv_test_backend);
}

/* A page found by offset, inside the reader's RCU read-side section. */
static void stress_check_page(struct page *page, unsigned long offset)
{
	struct devpriv_chunk *chunk;

	T_ASSERT(devpriv_is_devpriv_page(page));
	chunk = devpriv_page_chunk(page);
	T_ASSERT(chunk);
	T_ASSERT(offset - chunk->offset < chunk->nr_pages);
	T_PTR_EQ(chunk->pages + (offset - chunk->offset), page);
	T_EQ(devpriv_page_to_offset(page), offset);
	T_PTR_EQ(page->pgmap, &chunk->pgmap);
	T_PTR_EQ(page->pgmap->owner, &devpriv_test_owner);
	T_PTR_EQ(page->pgmap->ops, &devpriv_chunk_ops);
}

static void *stress_reader(void *arg)
{
	unsigned long long rng = (unsigned long long)(uintptr_t)arg;
	unsigned long hits = 0, probes = 0, i;

	rcu_register_thread();
	pthread_barrier_wait(&st.start);
	while (!READ_ONCE(st.stop)) {
		rcu_read_lock();
		for (i = 0; i < 64; i++) {
			unsigned long offset = unit_rand_below(&rng, st.offsets);
			struct page *page;

			page = st.global ? devpriv_offset_to_page(offset) :
			       devpriv_space_offset_to_page(st.target, offset);
			probes++;
			if (page) {
				stress_check_page(page, offset);
				hits++;
			}
		}
		/* the shared pagemap stays registered: index lookups too */
		for (i = 0; i < 16; i++) {
			unsigned long index = unit_rand_below(&rng,
							      st.shared.nr_pages);
			struct page *page = devpriv_index_to_page(&st.shared,
								  index);

			if (page) {
				T_EQ(devpriv_page_to_index(page), index);
				T_PTR_EQ(devpriv_page_pagemap(page), &st.shared);
			}
		}
		rcu_read_unlock();
		if (!unit_rand_below(&rng, 64))
			T_ASSERT(devpriv_space_check(st.target));
	}
	uatomic_add(&st.hits, hits);
	uatomic_add(&st.probes, probes);
	rcu_unregister_thread();
	return NULL;
}

static void stress_writer_step(unsigned long long *rng,
			       struct devpriv_pagemap *maps,
			       unsigned long (*raws)[2])
{
	unsigned int what = unit_rand_below(rng, 10);
	struct devpriv_pagemap *dp = &maps[unit_rand_below(rng,
							   MAPS_PER_WRITER)];
	unsigned long (*raw)[2] = &raws[unit_rand_below(rng,
							RAWS_PER_WRITER)];
	unsigned long first, nr;
	int err;

	if (what < 2) {
		/* the shared pagemap, from every writer at once */
		first = unit_rand_below(rng, st.shared.nr_pages);
		nr = 1 + unit_rand_below(rng, st.shared.nr_pages - first);
		T_EQ(devpriv_pagemap_populate(&st.shared, first, nr), 0);
	} else if (what < 8 && !dp->space) {
		devpriv_test_pagemap_init(dp, 1 + unit_rand_below(rng,
								  6 * GRANULE),
					  MIN_CO + unit_rand_below(rng, 3),
					  unit_rand_below(rng, 2) ?
					  DEVPRIV_EAGER : 0);
		err = stress_register(dp);
		if (err == -ENOSPC) {
			uatomic_inc(&st.enospc);
			return;
		}
		T_EQ(err, 0);
		uatomic_inc(&st.registered);
	} else if (what < 8) {
		if (unit_rand_below(rng, 2)) {
			first = unit_rand_below(rng, dp->nr_pages);
			T_EQ(devpriv_pagemap_populate(dp, first, 1), 0);
			devpriv_test_check_pagemap(dp);
		} else {
			devpriv_memunmap_pagemap(dp);
		}
	} else if ((*raw)[1]) {
		devpriv_space_free(st.target, (*raw)[0], (*raw)[1]);
		(*raw)[1] = 0;
	} else {
		nr = 1 + unit_rand_below(rng, 4);
		err = devpriv_space_alloc(st.target, nr,
					  unit_rand_below(rng, 3), &first);
		if (err == -ENOSPC)
			return;
		T_EQ(err, 0);
		(*raw)[0] = first;
		(*raw)[1] = nr;
	}
}

static void *stress_writer(void *arg)
{
	unsigned long long rng = (unsigned long long)(uintptr_t)arg;
	struct devpriv_pagemap maps[MAPS_PER_WRITER];
	unsigned long raws[RAWS_PER_WRITER][2] = { { 0 } };
	unsigned int i;

	memset(maps, 0, sizeof(maps));
	rcu_register_thread();
	pthread_barrier_wait(&st.start);
	while (!READ_ONCE(st.stop))
		stress_writer_step(&rng, maps, raws);
	for (i = 0; i < MAPS_PER_WRITER; i++)
		if (maps[i].space)
			devpriv_memunmap_pagemap(&maps[i]);
	for (i = 0; i < RAWS_PER_WRITER; i++)
		if (raws[i][1])
			devpriv_space_free(st.target, raws[i][0], raws[i][1]);
	rcu_unregister_thread();
	return NULL;
}

static void stress_run(bool global)
{
	pthread_t threads[NR_WRITERS + NR_READERS];
	unsigned long long seed = unit_seed();
	struct devpriv_test_backend_stats bs;
	double deadline;
	unsigned int i;

	memset(&st, 0, sizeof(st));
	st.global = global;
	if (global) {
		st.target = devpriv_global_space();
	} else {
		devpriv_space_init(&st.space, 7);
		st.target = &st.space;
	}
	/*
	 * Readers probe the first 128 granules: all of the test space, and
	 * where a fresh global space hands its offsets out from.
	 */
	st.offsets = GRANULE << 7;
	devpriv_test_pagemap_init(&st.shared, 24 * GRANULE + 5, MIN_CO, 0);
	T_EQ(stress_register(&st.shared), 0);
	T_ASSERT(!global || st.shared.space == st.target);

	pthread_barrier_init(&st.start, NULL, NR_WRITERS + NR_READERS + 1);
	for (i = 0; i < NR_WRITERS + NR_READERS; i++) {
		void *arg = (void *)(uintptr_t)(seed + i * 0x9e3779b9ULL);

		T_EQ(pthread_create(&threads[i], NULL, i < NR_WRITERS ?
				    stress_writer : stress_reader, arg), 0);
	}
	pthread_barrier_wait(&st.start);
	deadline = now() + STRESS_SECONDS;
	while (now() < deadline)
		usleep(10000);
	WRITE_ONCE(st.stop, true);
	for (i = 0; i < NR_WRITERS + NR_READERS; i++)
		T_EQ(pthread_join(threads[i], NULL), 0);
	pthread_barrier_destroy(&st.start);

	/* every chunk of the shared pagemap was populated exactly once */
	devpriv_test_backend_stats(&bs);
	devpriv_test_check_pagemap(&st.shared);
	T_EQ(devpriv_test_backend_live(), st.shared.nr_populated);
	devpriv_memunmap_pagemap(&st.shared);

	unit_note("%lu registrations, %lu -ENOSPC, %lu chunks populated, %lu of %lu probes hit",
		  st.registered, st.enospc, bs.populated, st.hits, st.probes);
	T_ASSERT(st.registered > 10);
	T_ASSERT(st.hits > 0);
	T_NO_WARN();
	T_ASSERT(devpriv_space_check(st.target));
	T_EQ(st.target->nr_allocated, 0);
	T_EQ(devpriv_test_backend_live(), 0);
	if (global)
		devpriv_global_space_fini();
	else
		devpriv_space_fini(&st.space);
}

static void stress_space(void)
{
	stress_run(false);
}

/* The same through the global API: devpriv_memremap_pagemap() etc. */
static void stress_global(void)
{
	stress_run(true);
}

/* Many threads at once the first users of the global space. */
static void *first_use(void *arg)
{
	struct devpriv_space **out = arg;

	pthread_barrier_wait(&st.start);
	*out = devpriv_global_space();
	return NULL;
}

static void global_first_use_race(void)
{
	struct devpriv_space *seen[8];
	pthread_t threads[8];
	unsigned int i;

	pthread_barrier_init(&st.start, NULL, 8);
	for (i = 0; i < 8; i++)
		T_EQ(pthread_create(&threads[i], NULL, first_use, &seen[i]), 0);
	for (i = 0; i < 8; i++)
		T_EQ(pthread_join(threads[i], NULL), 0);
	pthread_barrier_destroy(&st.start);
	for (i = 1; i < 8; i++)
		T_PTR_EQ(seen[i], seen[0]);
	T_ASSERT(devpriv_space_check(seen[0]));
	T_EQ(seen[0]->order, devpriv_space_default_order());
	devpriv_global_space_fini();
	T_NO_WARN();
}

/*
 * devpriv_pagemap_populate() promises -ENODEV while its pagemap is being
 * unregistered.  Force one interleaving: a populate that found the
 * pagemap registered reaches for the pagemap's lock only once
 * devpriv_memunmap_pagemap() has returned.  It must then refuse, not
 * take a destroyed lock and walk a freed chunk table.
 */
static struct {
	struct devpriv_pagemap dpgmap;
	sem_t at_lock;
	sem_t unmapped;
	int err;
} race;

static __thread bool race_populater;

static void race_hook(struct mutex *lock)
{
	if (!race_populater)
		return;
	sem_post(&race.at_lock);
	sem_wait(&race.unmapped);
}

static void *race_populate(void *arg)
{
	rcu_register_thread();
	race_populater = true;
	race.err = devpriv_pagemap_populate(&race.dpgmap, 0, 1);
	rcu_unregister_thread();
	return NULL;
}

static void populate_races_unregister(void)
{
	struct devpriv_space space;
	pthread_t thread;

	devpriv_space_init(&space, 4);
	devpriv_test_pagemap_init(&race.dpgmap, 2 * GRANULE, MIN_CO, 0);
	T_EQ(__devpriv_memremap_pagemap(&race.dpgmap, NUMA_NO_NODE, &space,
					&devpriv_test_backend), 0);
	T_EQ(sem_init(&race.at_lock, 0, 0), 0);
	T_EQ(sem_init(&race.unmapped, 0, 0), 0);
	devpriv_test_mutex_hook(&race.dpgmap.lock, race_hook);
	T_EQ(pthread_create(&thread, NULL, race_populate, NULL), 0);
	sem_wait(&race.at_lock);
	devpriv_memunmap_pagemap(&race.dpgmap);
	sem_post(&race.unmapped);
	T_EQ(pthread_join(thread, NULL), 0);
	devpriv_test_mutex_hook(NULL, NULL);
	sem_destroy(&race.at_lock);
	sem_destroy(&race.unmapped);

	T_EQ(race.err, -ENODEV);
	T_NO_WARN();
	T_EQ(devpriv_test_backend_live(), 0);
	T_EQ(space.nr_allocated, 0);
	devpriv_space_fini(&space);
}

static const struct unit_test stress_tests[] = {
	UNIT_TEST(stress_space),
	UNIT_TEST(stress_global),
	UNIT_TEST(global_first_use_race),
	UNIT_TEST(populate_races_unregister),
};

UNIT_SUITE(suite_stress, "stress", stress_tests, true);
