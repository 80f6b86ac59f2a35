// SPDX-License-Identifier: GPL-2.0
/*
 * libdevpriv: the device page allocator
 *
 * DOC: allocator
 *
 * A pagemap registered with %DEVPRIV_ALLOCATOR hands out its own pages:
 * devpriv_alloc_folio() takes a free, naturally aligned run of indices in
 * a populated chunk, populating the next chunk when none is free, and
 * returns it initialised for the core (locked, one reference), as a
 * migration wants its destination.  When the last reference goes, the
 * library's free trampoline calls the driver's free op, if it has one,
 * and then puts the indices back: in that order, so that the driver's
 * per-page state is gone before another allocation can hand the page
 * out again.
 *
 * The pool is one bitmap over the pagemap's indices, a bit set for every
 * page that is allocated or whose chunk is not populated; populating a
 * chunk (through the allocator or devpriv_pagemap_populate()) clears its
 * bits.  It costs one bit per page of device memory (a 16 GiB pagemap:
 * 512 KiB), 1/512 of the struct pages it stands for.  Allocation is next
 * fit from a cursor, then first fit, under a spinlock that nothing else
 * nests in; growth takes the pagemap lock, never under the spinlock, and
 * fails fast once the pagemap is dying.  Unregistration waits for the
 * allocations in flight (each bounded: none waits for a page reference)
 * after it marks the pagemap dying, so that none touches the pool after
 * it is gone.
 */

#include <linux/atomic.h>
#include <linux/bitmap.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/wait_bit.h>

#include "internal.h"

/**
 * devpriv_alloc_init() - set up the pool of a pagemap being registered
 * @dpgmap: the pagemap, validated, its chunk table not populated yet
 *
 * Every page starts out unavailable; population makes its chunk's pages
 * free.
 *
 * Context: process context.
 * Return: 0, or -ENOMEM.
 */
int devpriv_alloc_init(struct devpriv_pagemap *dpgmap)
{
	dpgmap->alloc_cursor = 0;
	dpgmap->nr_allocated = 0;
	atomic_set(&dpgmap->alloc_inflight, 0);
	if (!(dpgmap->flags & DEVPRIV_ALLOCATOR))
		return 0;
	spin_lock_init(&dpgmap->alloc_lock);
	dpgmap->alloc_used = kvmalloc_array(BITS_TO_LONGS(dpgmap->nr_pages),
					    sizeof(unsigned long), GFP_KERNEL);
	if (!dpgmap->alloc_used)
		return -ENOMEM;
	bitmap_fill(dpgmap->alloc_used, dpgmap->nr_pages);
	return 0;
}

/**
 * devpriv_alloc_fini() - free the pool of a pagemap
 * @dpgmap: the pagemap, every page of it free
 *
 * Context: process context.
 */
void devpriv_alloc_fini(struct devpriv_pagemap *dpgmap)
{
	DEVPRIV_WARN_ONCE(dpgmap->nr_allocated,
			  "devpriv: %lu pages still allocated at unregistration\n",
			  dpgmap->nr_allocated);
	kvfree(dpgmap->alloc_used);
	dpgmap->alloc_used = NULL;
}

/**
 * devpriv_alloc_quiesce() - wait for the allocations in flight
 * @dpgmap: a pagemap marked dying
 *
 * Every allocation that started before the pagemap was marked dying has
 * returned when this does; later ones fail without touching the pool.
 *
 * Context: process context; sleeps, for a bounded time.
 */
void devpriv_alloc_quiesce(struct devpriv_pagemap *dpgmap)
{
	/* pairs with the barrier in devpriv_alloc_folio(): see dying, or be seen */
	smp_mb();
	wait_var_event(&dpgmap->alloc_inflight,
		       !atomic_read(&dpgmap->alloc_inflight));
}

/**
 * devpriv_alloc_chunk_ready() - a chunk's pages become free
 * @dpgmap: the pagemap
 * @first_index: the chunk's first index
 * @nr_pages: its pages
 *
 * Context: the pagemap lock held, after the chunk was published.
 */
void devpriv_alloc_chunk_ready(struct devpriv_pagemap *dpgmap,
			       unsigned long first_index,
			       unsigned long nr_pages)
{
	if (!dpgmap->alloc_used)
		return;
	spin_lock(&dpgmap->alloc_lock);
	bitmap_clear(dpgmap->alloc_used, first_index, nr_pages);
	spin_unlock(&dpgmap->alloc_lock);
}

/* Put @nr indices from @index back; warn if any was not handed out. */
static void devpriv_alloc_put(struct devpriv_pagemap *dpgmap,
			      unsigned long index, unsigned long nr)
{
	spin_lock(&dpgmap->alloc_lock);
	/* indices the allocator did not hand out: leave the pool alone */
	if (!DEVPRIV_WARN_ONCE(find_next_zero_bit(dpgmap->alloc_used,
						  index + nr, index) < index + nr,
			       "devpriv: freeing index %lu+%lu that the allocator did not hand out\n",
			       index, nr)) {
		bitmap_clear(dpgmap->alloc_used, index, nr);
		dpgmap->nr_allocated -= nr;
	}
	spin_unlock(&dpgmap->alloc_lock);
}

/**
 * devpriv_alloc_free() - put a freed folio's indices back
 * @dpgmap: its pagemap
 * @folio: the folio, its last reference gone
 *
 * A no-op for a pagemap without the allocator.
 *
 * Context: any context (the free trampoline).
 */
void devpriv_alloc_free(struct devpriv_pagemap *dpgmap, struct folio *folio)
{
	if (dpgmap->alloc_used)
		devpriv_alloc_put(dpgmap, devpriv_folio_to_index(folio),
				  folio_nr_pages(folio));
}

/* Take a free, aligned run of @nr indices: next fit, then first fit. */
static bool devpriv_alloc_take(struct devpriv_pagemap *dpgmap,
			       unsigned long nr, unsigned long *index)
{
	unsigned long size = dpgmap->nr_pages, i;
	bool found;

	spin_lock(&dpgmap->alloc_lock);
	i = bitmap_find_next_zero_area(dpgmap->alloc_used, size,
				       ALIGN(dpgmap->alloc_cursor, nr), nr,
				       nr - 1);
	if (i + nr > size)
		i = bitmap_find_next_zero_area(dpgmap->alloc_used, size, 0, nr,
					       nr - 1);
	found = i + nr <= size;
	if (found) {
		bitmap_set(dpgmap->alloc_used, i, nr);
		dpgmap->alloc_cursor = i + nr;
		dpgmap->nr_allocated += nr;
		*index = i;
	}
	spin_unlock(&dpgmap->alloc_lock);
	return found;
}

/**
 * devpriv_alloc_folio() - allocate device memory from a pagemap
 * @dpgmap: a pagemap registered with %DEVPRIV_ALLOCATOR
 * @order: log2 of the pages, at most devpriv_pagemap_folio_order()
 *
 * Takes a free, naturally aligned run of 1 << @order pages, populating
 * the first unpopulated chunk when no populated one has such a run, and
 * initialises it as one folio (devpriv_folio_init()).  The folio comes
 * back to the pool when its last reference goes, after the driver's free
 * op saw it.  With %DEVPRIV_ALLOCATOR, a driver takes all of its pages
 * from here.
 *
 * Context: process context; may sleep to populate a chunk.  Takes the
 * pagemap lock for that: not under a lock that the driver's free op or
 * its migrate_to_ram takes.
 * Return: the folio, locked and with one reference; ERR_PTR() of -EINVAL
 * (with a warning) for a pagemap without the allocator or an order it
 * does not have, -ENOSPC when no run of that order is free and every
 * chunk is populated, -ENODEV once the pagemap is dying, -ENOMEM or the
 * backend's error when population fails.
 */
struct folio *devpriv_alloc_folio(struct devpriv_pagemap *dpgmap,
				  unsigned int order)
{
	unsigned long nr = 1UL << order, index, populated;
	struct folio *folio;
	int err;

	might_sleep();
	if (DEVPRIV_WARN_ONCE(!dpgmap || !dpgmap->alloc_used ||
			      order > devpriv_pagemap_folio_order(dpgmap),
			      "devpriv: no allocation of order %u from this pagemap\n",
			      order))
		return ERR_PTR(-EINVAL);
	atomic_inc(&dpgmap->alloc_inflight);
	/* pairs with the barrier in devpriv_alloc_quiesce() */
	smp_mb__after_atomic();
	for (;;) {
		if (READ_ONCE(dpgmap->dying)) {
			folio = ERR_PTR(-ENODEV);
			goto out;
		}
		populated = READ_ONCE(dpgmap->nr_populated);
		if (devpriv_alloc_take(dpgmap, nr, &index))
			break;
		err = devpriv_populate_next(dpgmap, populated);
		if (err) {
			folio = ERR_PTR(err);
			goto out;
		}
	}
	folio = devpriv_folio_init(dpgmap, index, order);
	/* the pagemap began to die meanwhile */
	if (IS_ERR(folio))
		devpriv_alloc_put(dpgmap, index, nr);
out:
	if (atomic_dec_and_test(&dpgmap->alloc_inflight))
		wake_up_var(&dpgmap->alloc_inflight);
	return folio;
}
EXPORT_SYMBOL_DEVPRIV(devpriv_alloc_folio);
