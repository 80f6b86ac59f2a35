/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libdevpriv KUnit tests: helpers shared by the suites of devpriv_kunit.ko
 *
 * Conventions in the tests:
 *
 * - *dpt_*: test helpers ("devpriv test"); nothing here is library code.
 * - *test backend*: &dpt_backend, a &struct devpriv_backend whose struct
 *   pages are a kvcalloc()ed array marked ZONE_DEVICE, with page->pgmap
 *   pointing at the chunk.  Such pages look like libdevpriv's to every
 *   translation helper, and are never handed to core mm.
 * - *private space*: a &struct devpriv_space of the test's own, small
 *   enough to fill; only the devpriv_phys suite uses the global one.
 * - *seed*: every random choice comes from a prandom state seeded with
 *   the module parameter ``seed`` (random if 0, logged at load), so that a
 *   failing run can be repeated with ``insmod devpriv_kunit.ko seed=N``.
 */
#ifndef _DEVPRIV_TEST_H
#define _DEVPRIV_TEST_H

#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/prandom.h>

#include "../internal.h"

/* The smallest chunk: 2 MiB, 512 pages with 4 KiB pages. */
#define DPT_CO			DEVPRIV_MIN_CHUNK_ORDER
#define DPT_CP			BIT(DPT_CO)

/* What the test backend saw, in order: enum dpt_event_type << 24 | chunk. */
#define DPT_MAX_EVENTS		64

enum dpt_event_type {
	DPT_EV_POPULATE = 1,
	DPT_EV_EVICT,
	DPT_EV_DEPOPULATE,
};

#define DPT_EVENT(type, chunk)	((u32)(type) << 24 | (u32)(chunk))

/**
 * struct dpt_pagemap - a devpriv_pagemap with test backend knobs
 * @dpgmap: the pagemap under test; its owner is the dpt_pagemap itself
 * @fail_populate_at: make the Nth populate call (1-based) fail; 0: never
 * @fail_errno: the error it fails with
 * @nr_populate: populate calls so far
 * @nr_live: chunks populated and not depopulated yet
 * @nr_evict: evict calls
 * @nr_page_free: driver page_free calls
 * @nr_migrate_to_ram: driver migrate_to_ram calls
 * @nr_bad: inconsistencies the backend or the driver ops noticed
 * @last_page: page of the last driver callback
 * @last_nr_pages: pages of the folio of the last folio_free call
 * @nr_split: folio_split calls for a new folio (&dpt_folio_ops)
 * @nr_split_done: folio_split calls that end a split
 * @nr_events: entries used in @events
 * @events: backend calls, DPT_EVENT() encoded, in order
 *
 * The counters are atomic: the stress suite shares pagemaps among threads.
 */
struct dpt_pagemap {
	struct devpriv_pagemap dpgmap;
	int fail_populate_at;
	int fail_errno;
	atomic_t nr_populate;
	atomic_t nr_live;
	atomic_t nr_evict;
	atomic_t nr_page_free;
	atomic_t nr_migrate_to_ram;
	atomic_t nr_bad;
	struct page *last_page;
	unsigned long last_nr_pages;
	atomic_t nr_split;
	atomic_t nr_split_done;
	atomic_t nr_events;
	u32 events[DPT_MAX_EVENTS];
};

static inline struct dpt_pagemap *to_dpt(struct devpriv_pagemap *dpgmap)
{
	return container_of(dpgmap, struct dpt_pagemap, dpgmap);
}

extern unsigned int dpt_seed;
extern struct kunit_suite devpriv_space_test_suite;
extern struct kunit_suite devpriv_pagemap_test_suite;
extern struct kunit_suite devpriv_translate_test_suite;
extern struct kunit_suite devpriv_encode_test_suite;
extern struct kunit_suite devpriv_phys_test_suite;
extern struct kunit_suite devpriv_stress_test_suite;
extern const struct devpriv_backend dpt_backend;
extern const struct devpriv_backend dpt_backend_evict;
extern const struct dev_pagemap_ops dpt_ops;
extern const struct devpriv_pagemap_ops dpt_folio_ops;
extern const struct devpriv_pagemap_ops dpt_page_ops;
extern const struct dev_pagemap_ops dpt_ops_no_free;
extern const struct dev_pagemap_ops dpt_ops_no_fault;

int dpt_case_init(struct kunit *test);
void dpt_case_exit(struct kunit *test);
void dpt_expect_warnings(struct kunit *test, int n);
void dpt_rnd_init(struct kunit *test, struct rnd_state *rnd);
unsigned long dpt_rnd_range(struct rnd_state *rnd, unsigned long lo,
			    unsigned long hi);

void dpt_call_free(struct page *page);

/* Hooks into the library's own static state (embed_lib.c). */
void dpt_set_placement(const char *policy);
void dpt_fault_arm(enum devpriv_fault_site site, unsigned int nth);
int dpt_fault_injected(enum devpriv_fault_site site);
void dpt_fault_disarm_all(void);
unsigned int dpt_phys_windows(void);

void dpt_pagemap_init(struct dpt_pagemap *tp, unsigned long nr_pages,
		      unsigned int chunk_order, unsigned int flags);
struct dpt_pagemap *dpt_pagemap_new(struct kunit *test, unsigned long nr_pages,
				    unsigned int chunk_order, unsigned int flags);
struct dpt_pagemap *dpt_folio_pagemap_new(struct kunit *test,
					  unsigned long nr_pages,
					  unsigned int chunk_order,
					  unsigned int folio_order,
					  unsigned int flags);
int dpt_register(struct dpt_pagemap *tp, struct devpriv_space *space,
		 const struct devpriv_backend *backend);

struct devpriv_space *dpt_space_new(struct kunit *test, unsigned int order);
unsigned long dpt_free_blocks(struct devpriv_space *space, int *max_order);
bool dpt_space_whole(struct devpriv_space *space);
void dpt_space_done(struct kunit *test, struct devpriv_space *space);

#endif /* _DEVPRIV_TEST_H */
