// SPDX-License-Identifier: GPL-2.0
/*
 * libdevpriv: the device-private offset space
 *
 * DOC: space
 *
 * Device-private offsets are page numbers that belong to no physical
 * address.  The space hands them out in granules of 2 MiB and maps each
 * populated chunk back from its granules, so that an offset finds its page
 * the way pfn_to_page() finds a pfn's: a load and an add.
 *
 * Two kinds of state:
 *
 * - the *offset table* (&struct devpriv_offset_table): one slot per granule
 *   from offset 0 up to the highest granule ever allocated, holding a
 *   biased page pointer -- the chunk's page array minus its first offset --
 *   so that a lookup is one load of the table pointer, one of the slot, and
 *   an add.  A granule its chunk fills only in part holds the chunk itself,
 *   tagged, and the lookup goes out of line to check the bound; so do free
 *   and unpopulated granules.  The table is grown, by copy and republish,
 *   when an allocation reaches past it, at least doubling; lookups take no
 *   lock and no RCU section, so a replaced table is kept, not freed, until
 *   the space goes.  Cost: 8 bytes per granule up to the high-water mark
 *   (256 KiB for 64 GiB of offsets), and less again for the retired tables.
 * - @free[k]: a buddy allocator over granule numbers.  Each free list is
 *   an xarray keyed by (first granule >> k), so finding the lowest free
 *   block of an order, and finding a buddy, are single xarray operations.
 *   Allocation costs O(orders) xarray operations however many regions are
 *   live; the stock resource-tree search walks every region.  Lowest-first
 *   allocation also keeps the offset table short.
 *
 * Conventions in this file:
 *
 * - *granule*: 2 MiB of offsets, the unit allocated here.
 * - *block*: 1 << k granules starting at a multiple of 1 << k; k is its
 *   *order*.  Only blocks sit on free lists.
 * - *region*: what a caller allocates: nr granules, exactly, starting at a
 *   multiple of 1 << align_order.  It is cut from one block; the pieces
 *   left over go back on the free lists at once, so no granule is wasted.
 * - *slot*: a granule's entry in the offset table.
 *
 * Locking: @lock serialises the allocator and every write to the offset
 * table; lookups read it locklessly (see above), and the out-of-line
 * lookup dereferences a tagged chunk under RCU: a chunk is freed only
 * after an RCU grace period following its erasure (see pagemap.c).
 */

#include <linux/bitops.h>
#include <linux/bug.h>
#include <linux/gfp.h>
#include <linux/lockdep.h>
#include <linux/log2.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/overflow.h>
#include <linux/printk.h>
#include <linux/rcupdate.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/xarray.h>

#include "internal.h"

#define DEVPRIV_FREE_BLOCK	xa_mk_value(1)
/* a slot of no chunk: the lookup goes out of line and finds nothing */
#define DEVPRIV_SLOT_EMPTY	DEVPRIV_SLOT_INDIRECT
/* the first table covers 128 MiB of offsets; later ones at least double */
#define DEVPRIV_TABLE_MIN_SLOTS	64UL

/* Every space starts with this table: no slot, so every lookup misses. */
static struct devpriv_offset_table devpriv_no_offsets;

struct devpriv_offset_table *devpriv_offsets = &devpriv_no_offsets;
EXPORT_SYMBOL_DEVPRIV(devpriv_offsets);

static struct devpriv_space devpriv_space;
static bool devpriv_space_ready;
static DEFINE_MUTEX(devpriv_space_setup_lock);

static struct devpriv_offset_table *devpriv_table(struct devpriv_space *space)
{
	return READ_ONCE(*space->table);
}

static unsigned long devpriv_table_bytes(unsigned long nr_slots)
{
	return offsetof(struct devpriv_offset_table, slots) +
	       nr_slots * sizeof(unsigned long);
}

/*
 * Make the offset table cover granules [0, @end): copy it into one at least
 * twice as large and publish that.  Called with @space->lock held, which
 * every writer of a slot holds too, so the copy is exact.
 */
static int devpriv_table_grow(struct devpriv_space *space, unsigned long end)
{
	struct devpriv_offset_table *old = devpriv_table(space), *new;
	unsigned long nr, i;

	lockdep_assert_held(&space->lock);
	if (end <= old->nr_slots)
		return 0;
	nr = max3(end, 2 * old->nr_slots, DEVPRIV_TABLE_MIN_SLOTS);
	nr = min(nr, 1UL << space->order);
	new = kvmalloc(devpriv_table_bytes(nr), GFP_KERNEL);
	if (!new)
		return -ENOMEM;
	new->nr_slots = nr;
	new->retired = old == &devpriv_no_offsets ? NULL : old;
	memcpy(new->slots, old->slots, old->nr_slots * sizeof(*old->slots));
	for (i = old->nr_slots; i < nr; i++)
		new->slots[i] = DEVPRIV_SLOT_EMPTY;
	/* lookups that see the new table see its slots filled */
	smp_store_release(space->table, new);
	space->table_bytes += devpriv_table_bytes(nr);
	return 0;
}

static void devpriv_table_free(struct devpriv_space *space)
{
	struct devpriv_offset_table *table = devpriv_table(space), *next;

	WRITE_ONCE(*space->table, &devpriv_no_offsets);
	for (; table && table != &devpriv_no_offsets; table = next) {
		next = table->retired;
		kvfree(table);
	}
	space->table_bytes = 0;
}

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

	space->own_table = &devpriv_no_offsets;
	space->table = &space->own_table;
	for (k = 0; k <= DEVPRIV_SPACE_MAX_ORDER; k++)
		xa_init(&space->free[k]);
	mutex_init(&space->lock);
	space->order = order;
	space->nr_allocated = 0;
	space->nr_chunks = 0;
	space->high_water = 0;
	space->table_bytes = 0;
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
	unsigned int k;

	WARN(space->nr_allocated, "devpriv: %lu granules leaked\n",
	     space->nr_allocated);
	WARN(space->nr_chunks, "devpriv: %lu chunks leaked\n", space->nr_chunks);
	for (k = 0; k <= DEVPRIV_SPACE_MAX_ORDER; k++)
		xa_destroy(&space->free[k]);
	devpriv_table_free(space);
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
 * Grows the offset table when the region reaches past it.
 *
 * Context: process context; takes @space->lock and may allocate memory.
 * Return: 0, -EINVAL for @nr == 0, -ENOSPC when no free block fits, or
 * -ENOMEM.  On error the space is unchanged (but for a larger table).
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
	/* a larger table first: if it cannot be had, nothing has changed */
	err = devpriv_table_grow(space, index + nr);
	if (err)
		goto unlock;
	err = devpriv_insert_leftovers(space, index, k, order, nr);
	if (err)
		goto unlock;
	devpriv_block_erase(space, index, k);
	space->nr_allocated += nr;
	space->high_water = max(space->high_water, index + nr);
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

/* Granules of a chunk of 1 << @chunk_order pages. */
static unsigned long devpriv_chunk_granules(unsigned int chunk_order)
{
	return 1UL << (chunk_order - DEVPRIV_GRANULE_ORDER);
}

/*
 * The slot of granule @g of @chunk: a biased page pointer where the chunk
 * fills the granule, the tagged chunk where it fills it in part, empty
 * past its end.
 */
static unsigned long devpriv_chunk_slot(struct devpriv_chunk *chunk,
					unsigned long g)
{
	unsigned long first = g << DEVPRIV_GRANULE_ORDER;

	if (first + DEVPRIV_GRANULE_PAGES <= chunk->nr_pages)
		return (unsigned long)chunk->pages -
		       chunk->offset * sizeof(struct page);
	if (first < chunk->nr_pages)
		return (unsigned long)chunk | DEVPRIV_SLOT_INDIRECT;
	return DEVPRIV_SLOT_EMPTY;
}

/**
 * devpriv_space_insert() - make a populated chunk reachable by offset
 * @space: the space the chunk's offsets were allocated from
 * @chunk: the chunk, with offset, pages and nr_pages set
 * @chunk_order: log2 of the chunk's size in pages; the chunk's offset is
 *	aligned to it
 *
 * Allocates nothing: devpriv_space_alloc() made the table cover the
 * chunk's granules.
 *
 * Context: process context; takes @space->lock.
 * Return: 0, or -EINVAL (with a warning) if the chunk's offsets are not
 * allocated from @space.
 */
int devpriv_space_insert(struct devpriv_space *space,
			 struct devpriv_chunk *chunk, unsigned int chunk_order)
{
	unsigned long first = devpriv_offset_granule(chunk->offset);
	unsigned long nr = devpriv_chunk_granules(chunk_order), g;
	struct devpriv_offset_table *table;
	int err = 0;

	mutex_lock(&space->lock);
	table = devpriv_table(space);
	if (DEVPRIV_WARN_ONCE(first >= space->high_water ||
			      nr > space->high_water - first,
			      "devpriv: chunk at offset %#lx is not in its space\n",
			      chunk->offset)) {
		err = -EINVAL;
		goto unlock;
	}
	for (g = 0; g < nr; g++)
		/* publish: pairs with the lookups' address-dependent loads */
		smp_store_release(&table->slots[first + g],
				  devpriv_chunk_slot(chunk, g));
	space->nr_chunks++;
unlock:
	mutex_unlock(&space->lock);
	return err;
}

/**
 * devpriv_space_erase() - undo devpriv_space_insert()
 * @space: the space
 * @chunk: the chunk
 * @chunk_order: as passed to devpriv_space_insert()
 *
 * Lookups that started before may still return pages of @chunk; a tagged
 * slot's chunk is read under RCU, so free @chunk only after a grace
 * period.
 *
 * Context: process context; takes @space->lock.
 */
void devpriv_space_erase(struct devpriv_space *space,
			 struct devpriv_chunk *chunk, unsigned int chunk_order)
{
	unsigned long first = devpriv_offset_granule(chunk->offset);
	unsigned long nr = devpriv_chunk_granules(chunk_order), g;
	struct devpriv_offset_table *table;

	mutex_lock(&space->lock);
	table = devpriv_table(space);
	if (!DEVPRIV_WARN_ONCE(first + nr > table->nr_slots || !space->nr_chunks,
			       "devpriv: erasing chunk at offset %#lx not in its space\n",
			       chunk->offset)) {
		for (g = first; g < first + nr; g++)
			WRITE_ONCE(table->slots[g], DEVPRIV_SLOT_EMPTY);
		space->nr_chunks--;
	}
	mutex_unlock(&space->lock);
}

/*
 * The out-of-line half of an offset lookup: a slot that was not a biased
 * page pointer when the inline half read it, read again under RCU.
 */
static struct page *devpriv_table_lookup_slow(struct devpriv_space *space,
					      unsigned long offset)
{
	unsigned long granule = devpriv_offset_granule(offset), slot;
	const struct devpriv_offset_table *table;
	const struct devpriv_chunk *chunk;
	struct page *page = NULL;

	rcu_read_lock();
	table = devpriv_table(space);
	if (granule >= table->nr_slots)
		goto out;
	slot = READ_ONCE(table->slots[granule]);
	if (!(slot & DEVPRIV_SLOT_INDIRECT)) {
		/* populated since the inline half looked */
		page = (struct page *)slot + offset;
		goto out;
	}
	chunk = (const struct devpriv_chunk *)(slot & ~DEVPRIV_SLOT_INDIRECT);
	if (chunk && offset - chunk->offset < chunk->nr_pages)
		page = chunk->pages + (offset - chunk->offset);
out:
	rcu_read_unlock();
	return page;
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
	struct page *page;

	page = __devpriv_table_offset_to_page(devpriv_table(space), offset);
	return page ?: devpriv_table_lookup_slow(space, offset);
}

/**
 * devpriv_offset_to_page_slow() - out-of-line half of devpriv_offset_to_page()
 * @offset: a device-private offset
 *
 * Context: any context.
 * Return: the page, or NULL if no populated chunk holds @offset (with a
 * one-time warning if @offset is outside the space).
 */
struct page *devpriv_offset_to_page_slow(unsigned long offset)
{
	if (DEVPRIV_WARN_ONCE(devpriv_offset_granule(offset) >>
			      devpriv_space_default_order(),
			      "devpriv: offset %#lx outside the device-private space\n",
			      offset))
		return NULL;
	/* before the first registration: the static empty table */
	if (!smp_load_acquire(&devpriv_space_ready))
		return NULL;
	return devpriv_table_lookup_slow(&devpriv_space, offset);
}
EXPORT_SYMBOL_DEVPRIV(devpriv_offset_to_page_slow);

/**
 * devpriv_space_show() - the space in debugfs
 * @m: the seq_file
 * @space: the space
 *
 * Context: process context; takes @space->lock.
 */
void devpriv_space_show(struct seq_file *m, struct devpriv_space *space)
{
	mutex_lock(&space->lock);
	seq_printf(m, "granules: %lu\n", 1UL << space->order);
	seq_printf(m, "granules_allocated: %lu\n", space->nr_allocated);
	seq_printf(m, "granule_high_water: %lu\n", space->high_water);
	seq_printf(m, "chunks: %lu\n", space->nr_chunks);
	seq_printf(m, "offset_table_slots: %lu\n", devpriv_table(space)->nr_slots);
	seq_printf(m, "offset_table_bytes: %lu\n",
		   devpriv_table(space)->nr_slots ?
		   devpriv_table_bytes(devpriv_table(space)->nr_slots) : 0);
	seq_printf(m, "offset_table_bytes_with_retired: %lu\n",
		   space->table_bytes);
	mutex_unlock(&space->lock);
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

/**
 * devpriv_global_space() - the offset space of this libdevpriv instance
 *
 * Set up on first use, so that a driver embedding the library needs no
 * init call.  Its offset table is the one devpriv_offset_to_page() reads.
 *
 * Context: process context.
 * Return: the space.
 */
struct devpriv_space *devpriv_global_space(void)
{
	/* pairs with the release below */
	if (likely(smp_load_acquire(&devpriv_space_ready)))
		return &devpriv_space;
	mutex_lock(&devpriv_space_setup_lock);
	if (!devpriv_space_ready) {
		devpriv_space_init(&devpriv_space, devpriv_space_default_order());
		devpriv_space.table = &devpriv_offsets;
		/* lockless readers see an initialised space once ready */
		smp_store_release(&devpriv_space_ready, true);
	}
	mutex_unlock(&devpriv_space_setup_lock);
	return &devpriv_space;
}

/**
 * devpriv_global_space_fini() - tear down the global space at module exit
 *
 * Context: process context; no pagemap may be registered.
 */
void devpriv_global_space_fini(void)
{
	if (devpriv_space_ready)
		devpriv_space_fini(&devpriv_space);
	devpriv_space_ready = false;
}
