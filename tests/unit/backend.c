// SPDX-License-Identifier: GPL-2.0
/*
 * The test backend of the libdevpriv unit tests, the driver side of test
 * pagemaps, and the invariant walkers the tests share.
 *
 * DOC: test backend
 *
 * Populating a chunk allocates its struct pages from the counting
 * allocator (so fault injection reaches it), marks them ZONE_DEVICE and
 * points them at the chunk's dev_pagemap, as memremap_pages() would.  It
 * checks what libdevpriv promises a backend: the chunk is fully set up,
 * aligned, and populated under the pagemap's lock; at depopulation it is
 * unreachable by offset and unpublished.  A test can make the Nth
 * population fail with an error of its choice.  The test backend is also
 * the default backend of the global API (devpriv_memremap_pagemap()).
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <linux/memremap.h>
#include <linux/mm.h>
#include <linux/lockdep.h>
#include <linux/mutex.h>
#include <linux/xarray.h>

#include "devpriv_test.h"

static struct {
	pthread_mutex_t lock;
	struct devpriv_test_backend_stats stats;
	long fail_after;
	int fail_err;
} test_backend = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.fail_after = -1,
};

void devpriv_test_backend_stats(struct devpriv_test_backend_stats *stats)
{
	pthread_mutex_lock(&test_backend.lock);
	*stats = test_backend.stats;
	pthread_mutex_unlock(&test_backend.lock);
}

long devpriv_test_backend_live(void)
{
	struct devpriv_test_backend_stats stats;

	devpriv_test_backend_stats(&stats);
	return stats.populated - stats.depopulated;
}

void devpriv_test_backend_fail_after(long nr, int err)
{
	pthread_mutex_lock(&test_backend.lock);
	test_backend.fail_after = nr;
	test_backend.fail_err = err;
	pthread_mutex_unlock(&test_backend.lock);
}

static int test_backend_forced_error(void)
{
	int err = 0;

	pthread_mutex_lock(&test_backend.lock);
	if (test_backend.fail_after == 0) {
		err = test_backend.fail_err;
		test_backend.fail_after = -1;
		test_backend.stats.failed++;
	} else if (test_backend.fail_after > 0) {
		test_backend.fail_after--;
	}
	pthread_mutex_unlock(&test_backend.lock);
	return err;
}

/* What every chunk handed to the backend must look like. */
static void test_backend_check_new_chunk(struct devpriv_chunk *chunk)
{
	struct devpriv_pagemap *dpgmap = chunk->dpgmap;
	unsigned long chunk_pages;

	T_ASSERT(dpgmap);
	T_ASSERT(mutex_is_locked(&dpgmap->lock));
	chunk_pages = 1UL << dpgmap->chunk_order;
	T_ASSERT(!chunk->pages);
	T_EQ(chunk->first_index & (chunk_pages - 1), 0);
	T_EQ(chunk->offset, dpgmap->base + chunk->first_index);
	T_EQ(chunk->offset & (chunk_pages - 1), 0);
	T_ASSERT(chunk->nr_pages >= 1 && chunk->nr_pages <= chunk_pages);
	T_EQ(chunk->first_index + chunk->nr_pages,
	     min(chunk->first_index + chunk_pages, dpgmap->nr_pages));
	T_EQ(chunk->pgmap.type, MEMORY_DEVICE_PRIVATE);
	T_PTR_EQ(chunk->pgmap.ops, &devpriv_chunk_ops);
	T_PTR_EQ(chunk->pgmap.owner, dpgmap->owner);
	T_EQ(chunk->pgmap.nr_range, 1);
}

static int test_backend_populate(struct devpriv_chunk *chunk, int nid)
{
	struct page *pages;
	unsigned long i;
	size_t bytes;
	int err;

	test_backend_check_new_chunk(chunk);
	err = test_backend_forced_error();
	if (err)
		return err;
	if (__builtin_mul_overflow(chunk->nr_pages, sizeof(*pages), &bytes))
		return -ENOMEM;
	pages = devpriv_test_alloc(bytes);
	if (!pages)
		return -ENOMEM;
	for (i = 0; i < chunk->nr_pages; i++) {
		set_page_zone(&pages[i], ZONE_DEVICE);
		pages[i].pgmap = &chunk->pgmap;
		pages[i]._refcount = 1;
	}
	chunk->pages = pages;
	chunk->backend_data = &test_backend;
	chunk->pgmap.range.start = chunk->offset << PAGE_SHIFT;
	chunk->pgmap.range.end =
		((chunk->offset + chunk->nr_pages) << PAGE_SHIFT) - 1;

	pthread_mutex_lock(&test_backend.lock);
	test_backend.stats.populated++;
	pthread_mutex_unlock(&test_backend.lock);
	return 0;
}

static unsigned long test_backend_evict(struct devpriv_chunk *chunk,
					bool last_pass)
{
	struct devpriv_pagemap *dpgmap = chunk->dpgmap;

	/* without the pagemap lock: eviction calls into the driver */
	T_ASSERT(dpgmap->dying);
	lockdep_assert_not_held(&dpgmap->lock);
	T_PTR_EQ(chunk->backend_data, &test_backend);
	/* still reachable: eviction comes before erasure */
	T_PTR_EQ(dpgmap->chunks[chunk->first_index >> dpgmap->chunk_order],
		 chunk);
	pthread_mutex_lock(&test_backend.lock);
	test_backend.stats.evicted++;
	pthread_mutex_unlock(&test_backend.lock);
	/* no page of this backend is ever referenced */
	return 0;
}

static void test_backend_depopulate(struct devpriv_chunk *chunk)
{
	struct devpriv_pagemap *dpgmap = chunk->dpgmap;
	unsigned long i;

	T_PTR_EQ(chunk->backend_data, &test_backend);
	/* unregistration (dying), or a failed eager registration (locked) */
	T_ASSERT(dpgmap->dying || mutex_is_locked(&dpgmap->lock));
	/* unreachable by offset and by index before the pages go */
	for (i = 0; i < chunk->nr_pages; i += DEVPRIV_GRANULE_PAGES)
		T_ASSERT(!devpriv_space_offset_to_page(dpgmap->space,
						       chunk->offset + i));
	T_ASSERT(dpgmap->chunks[chunk->first_index >> dpgmap->chunk_order] !=
		 chunk);
	memset(chunk->pages, 0x6b, chunk->nr_pages * sizeof(*chunk->pages));
	devpriv_test_free(chunk->pages);
	chunk->pages = NULL;
	chunk->backend_data = NULL;

	pthread_mutex_lock(&test_backend.lock);
	test_backend.stats.depopulated++;
	pthread_mutex_unlock(&test_backend.lock);
}

const struct devpriv_backend devpriv_test_backend = {
	.name = "test",
	.populate = test_backend_populate,
	.evict = test_backend_evict,
	.depopulate = test_backend_depopulate,
};

/* The global API (devpriv_memremap_pagemap()) populates through this. */
const struct devpriv_backend devpriv_backend_default = {
	.name = "test-default",
	.populate = test_backend_populate,
	.evict = test_backend_evict,
	.depopulate = test_backend_depopulate,
};

/*
 * Stand-ins for the kernel-only part of libdevpriv (debugfs.c): forced
 * failures at named sites, armed by tests with devpriv_test_site_fail(),
 * and registration hooks that only count.
 */
static struct {
	pthread_mutex_t lock;
	long countdown[DEVPRIV_FAULT_NR];
	long injected[DEVPRIV_FAULT_NR];
	long debugfs_added;
	long debugfs_removed;
} test_sites = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
};

bool devpriv_fault(enum devpriv_fault_site site)
{
	bool fail = false;

	T_ASSERT(site < DEVPRIV_FAULT_NR);
	pthread_mutex_lock(&test_sites.lock);
	if (test_sites.countdown[site] && !--test_sites.countdown[site]) {
		test_sites.injected[site]++;
		fail = true;
	}
	pthread_mutex_unlock(&test_sites.lock);
	return fail;
}

void devpriv_test_site_fail(enum devpriv_fault_site site, long nth)
{
	pthread_mutex_lock(&test_sites.lock);
	test_sites.countdown[site] = nth;
	pthread_mutex_unlock(&test_sites.lock);
}

long devpriv_test_site_injected(enum devpriv_fault_site site)
{
	long nr;

	pthread_mutex_lock(&test_sites.lock);
	nr = test_sites.injected[site];
	pthread_mutex_unlock(&test_sites.lock);
	return nr;
}

void devpriv_debugfs_add(struct devpriv_pagemap *dpgmap)
{
	T_ASSERT(dpgmap->space);
	pthread_mutex_lock(&test_sites.lock);
	test_sites.debugfs_added++;
	pthread_mutex_unlock(&test_sites.lock);
}

void devpriv_debugfs_remove(struct devpriv_pagemap *dpgmap)
{
	T_ASSERT(dpgmap->space);
	pthread_mutex_lock(&test_sites.lock);
	test_sites.debugfs_removed++;
	pthread_mutex_unlock(&test_sites.lock);
}

long devpriv_test_debugfs_live(void)
{
	long nr;

	pthread_mutex_lock(&test_sites.lock);
	nr = test_sites.debugfs_added - test_sites.debugfs_removed;
	pthread_mutex_unlock(&test_sites.lock);
	return nr;
}

/* The driver */

int devpriv_test_owner;
struct page *devpriv_test_last_freed;
struct page *devpriv_test_last_faulted;

static void test_driver_page_free(struct page *page)
{
	devpriv_test_last_freed = page;
}

static vm_fault_t test_driver_migrate_to_ram(struct vm_fault *vmf)
{
	devpriv_test_last_faulted = vmf->page;
	return 0;
}

const struct dev_pagemap_ops devpriv_test_ops = {
	.page_free = test_driver_page_free,
	.migrate_to_ram = test_driver_migrate_to_ram,
};

void devpriv_test_pagemap_init(struct devpriv_pagemap *dpgmap,
			       unsigned long nr_pages, unsigned int chunk_order,
			       unsigned int flags)
{
	memset(dpgmap, 0, sizeof(*dpgmap));
	dpgmap->ops = &devpriv_test_ops;
	dpgmap->owner = &devpriv_test_owner;
	dpgmap->nr_pages = nr_pages;
	dpgmap->chunk_order = chunk_order;
	/* no user page ever reaches the test backend: nothing to copy */
	dpgmap->flags = flags | DEVPRIV_SELF_EVICT;
}

/* Invariant walkers */

static void test_check_page(struct devpriv_chunk *chunk, unsigned long i)
{
	struct page *page = chunk->pages + i;

	T_ASSERT(is_zone_device_page(page));
	T_ASSERT(devpriv_is_devpriv_page(page));
	T_PTR_EQ(page->pgmap, &chunk->pgmap);
	T_PTR_EQ(devpriv_page_chunk(page), chunk);
	T_PTR_EQ(devpriv_page_pagemap(page), chunk->dpgmap);
	T_EQ(devpriv_page_to_index(page), chunk->first_index + i);
	T_EQ(devpriv_page_to_offset(page), chunk->offset + i);
	T_PTR_EQ(devpriv_index_to_page(chunk->dpgmap, chunk->first_index + i),
		 page);
	T_PTR_EQ(devpriv_space_offset_to_page(chunk->dpgmap->space,
					      chunk->offset + i), page);
	T_PTR_EQ(devpriv_migrate_pfn_to_page(devpriv_migrate_pfn(page)), page);
}

void devpriv_test_check_chunk(struct devpriv_chunk *chunk)
{
	unsigned long chunk_pages = 1UL << chunk->dpgmap->chunk_order;
	unsigned long i, step;

	T_ASSERT(chunk->pages);
	/* every page of small chunks, a sample of large ones */
	step = chunk->nr_pages <= 1024 ? 1 : chunk->nr_pages / 509;
	for (i = 0; i < chunk->nr_pages; i += step)
		test_check_page(chunk, i);
	test_check_page(chunk, chunk->nr_pages - 1);
	/* the tail of a short last chunk is not populated */
	if (chunk->nr_pages < chunk_pages) {
		T_ASSERT(!devpriv_space_offset_to_page(chunk->dpgmap->space,
						       chunk->offset +
						       chunk->nr_pages));
		T_ASSERT(!devpriv_space_offset_to_page(chunk->dpgmap->space,
						       chunk->offset +
						       chunk_pages - 1));
	}
}

void devpriv_test_check_pagemap(struct devpriv_pagemap *dpgmap)
{
	unsigned long chunk_pages = 1UL << dpgmap->chunk_order;
	unsigned long c, populated = 0;

	T_ASSERT(dpgmap->space);
	T_ASSERT(dpgmap->chunks);
	T_EQ(dpgmap->nr_chunks, (dpgmap->nr_pages + chunk_pages - 1) /
				chunk_pages);
	T_EQ(dpgmap->base & (chunk_pages - 1), 0);
	T_EQ(dpgmap->base & ((1UL << dpgmap->align_order) - 1), 0);
	for (c = 0; c < dpgmap->nr_chunks; c++) {
		struct devpriv_chunk *chunk = dpgmap->chunks[c];
		unsigned long index = c * chunk_pages;

		if (!chunk) {
			T_ASSERT(!devpriv_index_to_page(dpgmap, index));
			T_ASSERT(!devpriv_space_offset_to_page(dpgmap->space,
							       dpgmap->base +
							       index));
			continue;
		}
		populated++;
		T_PTR_EQ(chunk->dpgmap, dpgmap);
		T_EQ(chunk->first_index, index);
		devpriv_test_check_chunk(chunk);
	}
	T_EQ(populated, dpgmap->nr_populated);
}

/* Space snapshots */

struct snap_buf {
	size_t nr;
	size_t cap;
	unsigned long *items;
};

static void snap_push(struct snap_buf *buf, unsigned long a, unsigned long b,
		      unsigned long c)
{
	if (buf->nr + 3 > buf->cap) {
		buf->cap = buf->cap ? buf->cap * 2 : 64;
		buf->items = realloc(buf->items, buf->cap * sizeof(*buf->items));
		T_ASSERT(buf->items);
	}
	buf->items[buf->nr++] = a;
	buf->items[buf->nr++] = b;
	buf->items[buf->nr++] = c;
}

void devpriv_space_snap_take(struct devpriv_space *space,
			     struct devpriv_space_snap *snap)
{
	struct snap_buf buf = { 0 };
	unsigned long index;
	unsigned int k;
	void *entry;

	for (k = 0; k <= DEVPRIV_SPACE_MAX_ORDER; k++)
		xa_for_each(&space->free[k], index, entry)
			snap_push(&buf, k, index, (unsigned long)entry);
	/* the slots in use: a table grown by a failed call compares equal */
	for (index = 0; index < (*space->table)->nr_slots; index++)
		if ((*space->table)->slots[index] != DEVPRIV_SLOT_INDIRECT)
			snap_push(&buf, ~0UL, index,
				  (*space->table)->slots[index]);
	snap->nr_allocated = space->nr_allocated;
	snap->nr_items = buf.nr;
	snap->items = buf.items;
}

bool devpriv_space_snap_equal(const struct devpriv_space_snap *a,
			      const struct devpriv_space_snap *b)
{
	return a->nr_allocated == b->nr_allocated &&
	       a->nr_items == b->nr_items &&
	       (!a->nr_items ||
		!memcmp(a->items, b->items, a->nr_items * sizeof(*a->items)));
}

void devpriv_space_snap_free(struct devpriv_space_snap *snap)
{
	free(snap->items);
	snap->items = NULL;
	snap->nr_items = 0;
}

void devpriv_test_space_fini(struct devpriv_space *space)
{
	T_EQ(space->nr_chunks, 0);
	devpriv_space_fini(space);
}

/* Node counting, for leak checks that tolerate the xarray's node reuse */

static unsigned long test_count_nodes(void *entry)
{
	struct xa_node *node;
	unsigned long nr = 1;
	unsigned int i;

	if (!xa_is_node(entry))
		return 0;
	node = xa_to_node(entry);
	for (i = 0; i < XA_CHUNK_SIZE; i++)
		nr += test_count_nodes(node->slots[i]);
	return nr;
}

unsigned long devpriv_test_xa_count_nodes(struct xarray *xa)
{
	return test_count_nodes(xa->xa_head);
}

long devpriv_test_space_tables(struct devpriv_space *space)
{
	const struct devpriv_offset_table *table;
	long nr = 0;

	for (table = *space->table; table && table->nr_slots;
	     table = table->retired)
		nr++;
	return nr;
}

unsigned long devpriv_test_space_nodes(struct devpriv_space *space)
{
	unsigned long nr = 0;
	unsigned int k;

	for (k = 0; k <= DEVPRIV_SPACE_MAX_ORDER; k++)
		nr += devpriv_test_xa_count_nodes(&space->free[k]);
	return nr;
}
