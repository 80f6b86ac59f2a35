// SPDX-License-Identifier: GPL-2.0
/*
 * libdevpriv: the device-private offset space
 *
 * DOC: space
 *
 * Device-private offsets are page numbers that belong to no physical
 * address.  The space hands them out in granules of 2 MiB and maps each
 * populated chunk back from its granules, so that an offset finds its page
 * with one xarray load.
 *
 * Two kinds of state, both kernel xarrays:
 *
 * - @chunks: granule number -> chunk.  A chunk of 1 << k granules is one
 *   multi-index entry of order k, so a 64 GiB pagemap costs a handful of
 *   nodes, not one slot per granule.  Only *populated* chunks are stored;
 *   offsets that are reserved but not populated, or free, load NULL.
 * - @free[k]: a buddy allocator over granule numbers.  Each free list is
 *   an xarray keyed by (first granule >> k), so finding the lowest free
 *   block of an order, and finding a buddy, are single xarray operations.
 *   Allocation costs O(orders) xarray operations however many regions are
 *   live; the stock resource-tree search walks every region.
 *
 * Conventions in this file:
 *
 * - *granule*: 2 MiB of offsets, the unit allocated here.
 * - *block*: 1 << k granules starting at a multiple of 1 << k; k is its
 *   *order*.  Only blocks sit on free lists.
 * - *region*: what a caller allocates: nr granules, exactly, starting at a
 *   multiple of 1 << align_order.  It is cut from one block; the pieces
 *   left over go back on the free lists at once, so no granule is wasted.
 *
 * Locking: @lock serialises the allocator.  @chunks has the xarray's own
 * lock for writers and is read under RCU; a chunk is freed only after an
 * RCU grace period following its erasure (see pagemap.c).
 */

#include <linux/bitops.h>
#include <linux/bug.h>
#include <linux/gfp.h>
#include <linux/log2.h>
#include <linux/minmax.h>
#include <linux/mutex.h>
#include <linux/printk.h>
#include <linux/rcupdate.h>
#include <linux/xarray.h>

#include "internal.h"

#define DEVPRIV_FREE_BLOCK	xa_mk_value(1)

static bool devpriv_block_free(struct devpriv_space *space,
			       unsigned long first, unsigned int order)
{
	return xa_load(&space->free[order], first >> order);
}

static int devpriv_block_insert(struct devpriv_space *space, unsigned long first,
				unsigned int order, gfp_t gfp)
{
	return xa_insert(&space->free[order], first >> order,
			 DEVPRIV_FREE_BLOCK, gfp);
}

static void devpriv_block_erase(struct devpriv_space *space,
				unsigned long first, unsigned int order)
{
	xa_erase(&space->free[order], first >> order);
}

/* Order of the largest block that starts at @pos and ends by @end. */
static unsigned int devpriv_block_order(unsigned long pos, unsigned long end,
					unsigned int max_order)
{
	unsigned int order = pos ? __ffs(pos) : max_order;

	return min3(order, max_order, (unsigned int)ilog2(end - pos));
}

/*
 * The pieces left over when a free block of order @split at @start is cut
 * down to a region of @nr granules inside a block of order @order: first
 * the upper buddies split off on the way down from @split to @order, then
 * the tail [start + nr, start + (1 << order)) as maximal blocks.
 */
struct devpriv_leftovers {
	unsigned long start;
	unsigned long tail;
	unsigned long end;
	unsigned int split;
	unsigned int order;
	unsigned int max_order;
};

static void devpriv_leftovers_init(struct devpriv_leftovers *lo,
				   struct devpriv_space *space,
				   unsigned long start, unsigned int split,
				   unsigned int order, unsigned long nr)
{
	lo->start = start;
	lo->split = split;
	lo->order = order;
	lo->tail = start + nr;
	lo->end = start + (1UL << order);
	lo->max_order = space->order;
}

static bool devpriv_leftovers_next(struct devpriv_leftovers *lo,
				   unsigned long *pos, unsigned int *order)
{
	if (lo->split > lo->order) {
		lo->split--;
		*pos = lo->start + (1UL << lo->split);
		*order = lo->split;
		return true;
	}
	if (lo->tail < lo->end) {
		*pos = lo->tail;
		*order = devpriv_block_order(lo->tail, lo->end, lo->max_order);
		lo->tail += 1UL << *order;
		return true;
	}
	return false;
}

/*
 * Put every leftover piece on its free list *before* the block they come
 * from is taken off its own: a failed insertion is then undone by erasing
 * alone, which cannot fail, and the free lists are exactly as they were.
 */
static int devpriv_insert_leftovers(struct devpriv_space *space,
				    unsigned long start, unsigned int split,
				    unsigned int order, unsigned long nr)
{
	struct devpriv_leftovers lo;
	unsigned long pos, done = 0;
	unsigned int piece;
	int err = 0;

	devpriv_leftovers_init(&lo, space, start, split, order, nr);
	while (devpriv_leftovers_next(&lo, &pos, &piece)) {
		err = devpriv_block_insert(space, pos, piece, GFP_KERNEL);
		if (err)
			break;
		done++;
	}
	if (!err)
		return 0;

	devpriv_leftovers_init(&lo, space, start, split, order, nr);
	while (done-- && devpriv_leftovers_next(&lo, &pos, &piece))
		devpriv_block_erase(space, pos, piece);
	return err;
}

/**
 * devpriv_space_init() - set up an empty offset space
 * @space: the space
 * @order: log2 of its size in granules, at most %DEVPRIV_SPACE_MAX_ORDER
 *
 * Context: process context.
 */
void devpriv_space_init(struct devpriv_space *space, unsigned int order)
{
	unsigned int k;

	if (DEVPRIV_WARN_ONCE(!order || order > DEVPRIV_SPACE_MAX_ORDER,
			      "devpriv: space order %u out of range\n", order))
		order = clamp_t(unsigned int, order, 1, DEVPRIV_SPACE_MAX_ORDER);

	xa_init(&space->chunks);
	for (k = 0; k <= DEVPRIV_SPACE_MAX_ORDER; k++)
		xa_init(&space->free[k]);
	mutex_init(&space->lock);
	space->order = order;
	space->nr_allocated = 0;
	/* Index 0 of an empty xarray lives in its head: this cannot fail. */
	DEVPRIV_WARN_ON_ONCE(devpriv_block_insert(space, 0, order, GFP_KERNEL));
}

/**
 * devpriv_space_fini() - tear down an offset space
 * @space: the space; every region should have been freed
 *
 * Warns about leaked regions and chunks, then frees all memory regardless.
 *
 * Context: process context.
 */
void devpriv_space_fini(struct devpriv_space *space)
{
	unsigned long index = 0;
	unsigned int k;

	WARN(space->nr_allocated, "devpriv: %lu granules leaked\n",
	     space->nr_allocated);
	/* not xa_empty(): a failed insertion may leave empty nodes behind */
	WARN(xa_find(&space->chunks, &index, ULONG_MAX, XA_PRESENT),
	     "devpriv: chunks leaked\n");
	for (k = 0; k <= DEVPRIV_SPACE_MAX_ORDER; k++)
		xa_destroy(&space->free[k]);
	xa_destroy(&space->chunks);
	mutex_destroy(&space->lock);
	space->order = 0;
}

/**
 * devpriv_space_alloc() - allocate a region of granules
 * @space: the space
 * @nr: number of granules, exact
 * @align_order: the region starts at a multiple of 1 << @align_order
 * @first: output: first granule of the region
 *
 * Context: process context; takes @space->lock and may allocate memory.
 * Return: 0, -EINVAL for @nr == 0, -ENOSPC when no free block fits, or
 * -ENOMEM.  On error the space is unchanged.
 */
int devpriv_space_alloc(struct devpriv_space *space, unsigned long nr,
			unsigned int align_order, unsigned long *first)
{
	unsigned long index = 0;
	unsigned int order, k;
	int err;

	if (DEVPRIV_WARN_ONCE(!nr, "devpriv: empty allocation\n"))
		return -EINVAL;
	if (nr > (1UL << space->order) || align_order > space->order)
		return -ENOSPC;
	order = max_t(unsigned int, order_base_2(nr), align_order);
	if (order > space->order)
		return -ENOSPC;

	mutex_lock(&space->lock);
	for (k = order; k <= space->order; k++) {
		index = 0;
		if (xa_find(&space->free[k], &index, ULONG_MAX, XA_PRESENT))
			break;
	}
	if (k > space->order) {
		err = -ENOSPC;
		goto unlock;
	}
	index <<= k;
	err = devpriv_insert_leftovers(space, index, k, order, nr);
	if (err)
		goto unlock;
	devpriv_block_erase(space, index, k);
	space->nr_allocated += nr;
	*first = index;
unlock:
	mutex_unlock(&space->lock);
	return err;
}

/* Is any granule of [first, end) on a free list already? */
static bool devpriv_range_has_free(struct devpriv_space *space,
				   unsigned long first, unsigned long end)
{
	unsigned int k;

	for (k = 0; k <= space->order; k++) {
		unsigned long index = first >> k;

		if (xa_find(&space->free[k], &index, (end - 1) >> k, XA_PRESENT))
			return true;
	}
	return false;
}

/* Free one block, merging it with free buddies on the way up. */
static void devpriv_block_release(struct devpriv_space *space,
				  unsigned long pos, unsigned int order)
{
	while (order < space->order) {
		unsigned long buddy = pos ^ (1UL << order);

		if (!devpriv_block_free(space, buddy, order))
			break;
		devpriv_block_erase(space, buddy, order);
		pos = min(pos, buddy);
		order++;
	}
	/*
	 * Freeing must not fail: the insertion allocates at most one chain of
	 * xarray nodes, which __GFP_NOFAIL may ask for.  -EBUSY means the
	 * block was free already: a double free.
	 */
	DEVPRIV_WARN_ONCE(devpriv_block_insert(space, pos, order,
					       GFP_KERNEL | __GFP_NOFAIL),
			  "devpriv: double free of granules %lu+%lu\n", pos, 1UL << order);
}

/**
 * devpriv_space_free() - free a region
 * @space: the space
 * @first: first granule, as returned by devpriv_space_alloc()
 * @nr: number of granules, as passed to devpriv_space_alloc()
 *
 * Context: process context; takes @space->lock.
 */
void devpriv_space_free(struct devpriv_space *space, unsigned long first,
			unsigned long nr)
{
	unsigned long pos = first, end = first + nr;

	mutex_lock(&space->lock);
	/* refuse before touching anything: a partial release corrupts */
	if (DEVPRIV_WARN_ONCE(!nr || end < first || end > (1UL << space->order) ||
			      nr > space->nr_allocated ||
			      devpriv_range_has_free(space, first, end),
			      "devpriv: bad or double free of granules %lu+%lu\n",
			      first, nr))
		goto unlock;
	while (pos < end) {
		unsigned int order = devpriv_block_order(pos, end, space->order);

		devpriv_block_release(space, pos, order);
		pos += 1UL << order;
	}
	space->nr_allocated -= nr;
unlock:
	mutex_unlock(&space->lock);
}

/**
 * devpriv_space_check() - verify the allocator's invariants
 * @space: the space
 *
 * Every free block lies inside the space, no free block overlaps another,
 * no two free buddies were left unmerged, and free plus allocated granules
 * add up to the size of the space.  For tests; walks every free block.
 *
 * Context: process context; takes @space->lock.
 * Return: true if all invariants hold.
 */
bool devpriv_space_check(struct devpriv_space *space)
{
	unsigned long nr_free = 0;
	unsigned int k, j;
	bool ok = true;

	mutex_lock(&space->lock);
	for (k = 0; k <= DEVPRIV_SPACE_MAX_ORDER; k++) {
		unsigned long index;
		void *entry;

		xa_for_each(&space->free[k], index, entry) {
			unsigned long first = index << k;

			if (k > space->order || index >> (space->order - k)) {
				pr_err("devpriv: free block %lu/%u outside space\n",
				       first, k);
				ok = false;
				continue;
			}
			if (k < space->order &&
			    devpriv_block_free(space, first ^ (1UL << k), k)) {
				pr_err("devpriv: free buddies %lu/%u unmerged\n",
				       first, k);
				ok = false;
			}
			for (j = k + 1; j <= space->order; j++) {
				if (devpriv_block_free(space, first & ~((1UL << j) - 1), j)) {
					pr_err("devpriv: free block %lu/%u inside %u\n",
					       first, k, j);
					ok = false;
				}
			}
			nr_free += 1UL << k;
		}
	}
	if (nr_free + space->nr_allocated != 1UL << space->order) {
		pr_err("devpriv: %lu free + %lu allocated != %lu granules\n",
		       nr_free, space->nr_allocated, 1UL << space->order);
		ok = false;
	}
	mutex_unlock(&space->lock);
	return ok;
}

static unsigned long devpriv_chunk_last_granule(struct devpriv_chunk *chunk,
						unsigned int chunk_order)
{
	return devpriv_offset_granule(chunk->offset) +
	       (1UL << (chunk_order - DEVPRIV_GRANULE_ORDER)) - 1;
}

/**
 * devpriv_space_insert() - make a populated chunk reachable by offset
 * @space: the space the chunk's offsets were allocated from
 * @chunk: the chunk, with offset, pages and nr_pages set
 * @chunk_order: log2 of the chunk's size in pages; the chunk's offset is
 *	aligned to it
 *
 * Context: process context; may allocate memory.
 * Return: 0 or -ENOMEM.
 */
int devpriv_space_insert(struct devpriv_space *space,
			 struct devpriv_chunk *chunk, unsigned int chunk_order)
{
	return xa_err(xa_store_range(&space->chunks,
				     devpriv_offset_granule(chunk->offset),
				     devpriv_chunk_last_granule(chunk, chunk_order),
				     chunk, GFP_KERNEL));
}

/**
 * devpriv_space_erase() - undo devpriv_space_insert()
 * @space: the space
 * @chunk: the chunk
 * @chunk_order: as passed to devpriv_space_insert()
 *
 * Lookups may still see @chunk until an RCU grace period has passed.
 *
 * Context: process context.
 */
void devpriv_space_erase(struct devpriv_space *space,
			 struct devpriv_chunk *chunk, unsigned int chunk_order)
{
	/* Storing NULL over a whole entry only frees nodes. */
	xa_store_range(&space->chunks, devpriv_offset_granule(chunk->offset),
		       devpriv_chunk_last_granule(chunk, chunk_order), NULL,
		       GFP_KERNEL);
}

/**
 * devpriv_space_offset_to_page() - page of a device-private offset
 * @space: the space
 * @offset: a device-private offset
 *
 * Context: any context.
 * Return: the page, or NULL if no populated chunk holds @offset.
 */
struct page *devpriv_space_offset_to_page(struct devpriv_space *space,
					  unsigned long offset)
{
	XA_STATE(xas, &space->chunks, devpriv_offset_granule(offset));
	struct devpriv_chunk *chunk;
	struct page *page = NULL;

	/*
	 * xa_load() would take a second, nested RCU read lock: the advanced
	 * API walks the tree inside ours (14% faster in make bench).  The
	 * array stores chunks only, never zero entries.
	 */
	rcu_read_lock();
	do {
		chunk = xas_load(&xas);
	} while (xas_retry(&xas, chunk));
	if (chunk && offset - chunk->offset < chunk->nr_pages)
		page = chunk->pages + (offset - chunk->offset);
	rcu_read_unlock();
	return page;
}

/**
 * devpriv_space_default_order() - size of the global space
 *
 * The space is as wide as the pfn field of a swap entry, so that a core
 * with a device-private address space could carry any offset handed out
 * here (see include/devpriv/encode.h).
 *
 * Return: log2 of the number of granules.
 */
unsigned int devpriv_space_default_order(void)
{
	return min_t(unsigned int, DEVPRIV_SWP_PFN_BITS - DEVPRIV_GRANULE_ORDER,
		     DEVPRIV_SPACE_MAX_ORDER);
}
