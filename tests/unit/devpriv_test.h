/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Test support for the libdevpriv unit tests: allocation accounting and
 * fault injection (shim.c), the test backend and invariant walkers
 * (backend.c).
 */
#ifndef _DEVPRIV_TEST_H
#define _DEVPRIV_TEST_H

#include <linux/gfp.h>
#include <linux/kernel.h>
#include <linux/rcupdate.h>
#include <linux/xarray.h>

#include "../../libdevpriv/internal.h"
#include "unit.h"

/*
 * Allocation accounting.  Every kmalloc/kvmalloc-family allocation and
 * every page array of the test backend is counted live until freed; xarray
 * nodes are counted by the harness (nr_allocated), freed through call_rcu.
 */
long devpriv_test_live_allocs(void);
/* The radix-tree harness (linux.c, radix-tree.c) */
extern int nr_allocated;
void radix_tree_init(void);
void *__real_kmem_cache_alloc_lru(struct kmem_cache *cachep,
				  struct list_lru *lru, int gfp);
void *__wrap_kmem_cache_alloc_lru(struct kmem_cache *cachep,
				  struct list_lru *lru, int gfp);

/* wait for RCU callbacks, then the harness's count of live xarray nodes */
int devpriv_test_xa_nodes(void);
void devpriv_test_quiesce(void);

/*
 * Fault injection.  A *fallible* allocation is one that may block and
 * does not carry __GFP_NOFAIL: kmalloc and friends, the page arrays of the
 * test backend, devres nodes and xarray nodes allocated with a blocking
 * gfp.  Non-blocking xarray node allocations fail in the harness anyway
 * and are not counted.
 */
void devpriv_fault_fail_nth(unsigned long nth);
void devpriv_fault_fail_from(unsigned long nth);
void devpriv_fault_fail_random(unsigned int per_mille,
			       unsigned long long seed);
void devpriv_fault_off(void);
/* fallible allocations seen since the last arming */
unsigned long devpriv_fault_seen(void);
/* failures injected since the last arming */
unsigned long devpriv_fault_injected(void);
/* __GFP_NOFAIL allocations seen since the last arming (never failed) */
unsigned long devpriv_fault_nofail_seen(void);
/* what the last injected failure hit: "kmalloc", "xa_node", ... */
const char *devpriv_fault_last_kind(void);

/* allocate for the test backend: counted, can be failed, 64-byte aligned */
void *devpriv_test_alloc(size_t size);
void devpriv_test_free(void *p);

/*
 * Warnings.  Each WARN*() of the code under test is counted; a test
 * consumes the ones it expects with T_WARNS().  A warning left unconsumed
 * at the end of a test fails it.
 */
unsigned long devpriv_test_pending_warnings(void);
bool devpriv_test_warnings_match(const char *substr);
void devpriv_test_consume_warnings(void);
/* silence printing of warnings and pr_err() (the count is kept) */
void devpriv_test_quiet(bool quiet);

#define T_WARNS(n, substr) do {						\
	unsigned long __tw = devpriv_test_pending_warnings();		\
	unsigned long __tn = (n);					\
	const char *__ts = (substr);					\
	if (__tw != __tn)						\
		unit_fail(__FILE__, __LINE__,				\
			  "expected %lu warning(s), got %lu", __tn, __tw); \
	if (!devpriv_test_warnings_match(__ts))				\
		unit_fail(__FILE__, __LINE__,				\
			  "a warning does not mention \"%s\"", __ts);	\
	devpriv_test_consume_warnings();				\
} while (0)

#define T_NO_WARN()	T_WARNS(0, "")

/* The test backend (backend.c). */
extern const struct devpriv_backend devpriv_test_backend;

struct devpriv_test_backend_stats {
	long populated;
	long depopulated;
	long evicted;
	long failed;
};

void devpriv_test_backend_stats(struct devpriv_test_backend_stats *stats);
/* chunks populated and not yet depopulated */
long devpriv_test_backend_live(void);
/* let @nr more populations succeed, then fail one with @err; -1: never */
void devpriv_test_backend_fail_after(long nr, int err);

/* libdevpriv's named failure sites: fail the @nth next pass, once */
void devpriv_test_site_fail(enum devpriv_fault_site site, long nth);
long devpriv_test_site_injected(enum devpriv_fault_site site);
/* pagemaps announced to (stand-in) debugfs and not yet removed */
long devpriv_test_debugfs_live(void);

/* The driver side: ops and owner for test pagemaps. */
extern const struct dev_pagemap_ops devpriv_test_ops;
extern int devpriv_test_owner;
extern struct page *devpriv_test_last_freed;
extern struct page *devpriv_test_last_faulted;

void devpriv_test_pagemap_init(struct devpriv_pagemap *dpgmap,
			       unsigned long nr_pages, unsigned int chunk_order,
			       unsigned int flags);
/* a chunk's pages all point back at it and are device pages */
void devpriv_test_check_chunk(struct devpriv_chunk *chunk);
/* every translation of every populated page of @dpgmap agrees */
void devpriv_test_check_pagemap(struct devpriv_pagemap *dpgmap);

/*
 * A snapshot of a space: its free blocks and chunk entries.  Plain malloc,
 * not counted.
 */
struct devpriv_space_snap {
	unsigned long nr_allocated;
	size_t nr_items;
	unsigned long *items;
};

void devpriv_space_snap_take(struct devpriv_space *space,
			     struct devpriv_space_snap *snap);
bool devpriv_space_snap_equal(const struct devpriv_space_snap *a,
			      const struct devpriv_space_snap *b);
void devpriv_space_snap_free(struct devpriv_space_snap *snap);

/*
 * devpriv_space_fini() for tests that force allocation failures: checks no
 * chunk entry is left, then drops the empty nodes a failed insertion may
 * leave in the chunk xarray, which fini would report as leaked chunks
 * (space.fini_after_failed_insert, a known bug).
 */
void devpriv_test_space_fini(struct devpriv_space *space);

/* xarray nodes reachable from @xa, and from all xarrays of @space */
unsigned long devpriv_test_xa_count_nodes(struct xarray *xa);
unsigned long devpriv_test_space_nodes(struct devpriv_space *space);
/* offset tables of @space (current and retired): kept until its fini */
long devpriv_test_space_tables(struct devpriv_space *space);

#endif /* _DEVPRIV_TEST_H */
