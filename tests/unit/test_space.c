// SPDX-License-Identifier: GPL-2.0
/*
 * The device-private offset space (libdevpriv/space.c): the buddy allocator
 * over granules and the granule -> chunk xarray.
 */
#include <errno.h>

#include <linux/mm.h>
#include <linux/xarray.h>

#include "devpriv_test.h"

#define SPACE_ORDER	6		/* 64 granules */
#define SPACE_SIZE	BIT(SPACE_ORDER)

/* Free blocks of @space, as (order, first granule) pairs, in list order. */
static size_t free_blocks(struct devpriv_space *space, unsigned long *out,
			  size_t max)
{
	unsigned long index;
	unsigned int k;
	size_t n = 0;
	void *entry;

	for (k = 0; k <= DEVPRIV_SPACE_MAX_ORDER; k++) {
		xa_for_each(&space->free[k], index, entry) {
			T_ASSERT(n + 2 <= max);
			T_ASSERT(xa_is_value(entry));
			out[n++] = k;
			out[n++] = index << k;
		}
	}
	return n;
}

/*
 * The free ranges @ranges (pairs of [start, end), sorted) must be cut into
 * maximal naturally aligned blocks, computed here independently of
 * space.c, and listed by order, then position, as free_blocks() does.
 */
static size_t expected_blocks(const unsigned long *ranges, size_t nr_ranges,
			      unsigned long *out)
{
	unsigned long blocks[256][2];
	size_t n = 0, i, r, m = 0;
	unsigned int k;

	for (r = 0; r < nr_ranges; r++) {
		unsigned long pos = ranges[2 * r], end = ranges[2 * r + 1];

		while (pos < end) {
			unsigned int order = 0;

			while (order < 62 && !(pos & (1UL << order)) &&
			       pos + (2UL << order) <= end)
				order++;
			T_ASSERT(n < 256);
			blocks[n][0] = order;
			blocks[n][1] = pos;
			n++;
			pos += 1UL << order;
		}
	}
	for (k = 0; k < 64; k++)
		for (i = 0; i < n; i++)
			if (blocks[i][0] == k) {
				out[m++] = k;
				out[m++] = blocks[i][1];
			}
	return m;
}

static void check_free_ranges(struct devpriv_space *space,
			      const unsigned long *ranges, size_t nr_ranges)
{
	unsigned long got[512], want[512];
	size_t n = free_blocks(space, got, 512), m, i;

	m = expected_blocks(ranges, nr_ranges, want);
	T_EQ(n, m);
	for (i = 0; i < n; i++)
		T_EQ(got[i], want[i]);
}

static void check_free_range(struct devpriv_space *space, unsigned long pos,
			     unsigned long end)
{
	unsigned long range[2] = { pos, end };

	check_free_ranges(space, range, 1);
}

static void space_init_empty(void)
{
	struct devpriv_space space;

	devpriv_space_init(&space, SPACE_ORDER);
	T_ASSERT(devpriv_space_check(&space));
	T_EQ(space.order, SPACE_ORDER);
	T_EQ(space.nr_allocated, 0);
	check_free_range(&space, 0, SPACE_SIZE);
	T_EQ(space.nr_chunks, 0);
	/* no table until the first allocation */
	T_EQ((*space.table)->nr_slots, 0);
	T_ASSERT(!devpriv_space_offset_to_page(&space, 0));
	devpriv_space_fini(&space);
	T_NO_WARN();
}

static void space_init_bad_order(void)
{
	struct devpriv_space space;

	devpriv_space_init(&space, 0);
	T_WARNS(1, "out of range");
	T_EQ(space.order, 1);
	T_ASSERT(devpriv_space_check(&space));
	devpriv_space_fini(&space);

	devpriv_space_init(&space, DEVPRIV_SPACE_MAX_ORDER + 1);
	T_WARNS(1, "out of range");
	T_EQ(space.order, DEVPRIV_SPACE_MAX_ORDER);
	T_ASSERT(devpriv_space_check(&space));
	devpriv_space_fini(&space);
}

static void alloc_whole_space(void)
{
	struct devpriv_space space;
	unsigned long first = ~0UL;
	unsigned int order;

	for (order = 1; order <= 10; order++) {
		devpriv_space_init(&space, order);
		T_EQ(devpriv_space_alloc(&space, 1UL << order, 0, &first), 0);
		T_EQ(first, 0);
		T_EQ(space.nr_allocated, 1UL << order);
		T_ASSERT(devpriv_space_check(&space));
		T_EQ(devpriv_space_alloc(&space, 1, 0, &first), -ENOSPC);
		devpriv_space_free(&space, 0, 1UL << order);
		T_ASSERT(devpriv_space_check(&space));
		check_free_range(&space, 0, 1UL << order);
		/* and again, aligned to the whole space */
		T_EQ(devpriv_space_alloc(&space, 1UL << order, order, &first), 0);
		T_EQ(first, 0);
		devpriv_space_free(&space, first, 1UL << order);
		devpriv_space_fini(&space);
	}
	T_NO_WARN();
}

/* Every size from an empty space: exact size, aligned start, no waste. */
static void alloc_exact_sizes(void)
{
	struct devpriv_space space;
	unsigned long nr, first;

	devpriv_space_init(&space, SPACE_ORDER);
	for (nr = 1; nr <= SPACE_SIZE; nr++) {
		T_EQ(devpriv_space_alloc(&space, nr, 0, &first), 0);
		T_EQ(first, 0);
		T_EQ(space.nr_allocated, nr);
		T_ASSERT(devpriv_space_check(&space));
		/* the tail of the block went back as maximal blocks */
		check_free_range(&space, nr, SPACE_SIZE);
		devpriv_space_free(&space, first, nr);
		T_EQ(space.nr_allocated, 0);
		check_free_range(&space, 0, SPACE_SIZE);
	}
	devpriv_space_fini(&space);
	T_NO_WARN();
}

/* Splits down several orders leave every upper buddy on its free list. */
static void alloc_splits_and_tails(void)
{
	struct devpriv_space space;
	unsigned long a, b, c;

	devpriv_space_init(&space, SPACE_ORDER);
	T_EQ(devpriv_space_alloc(&space, 1, 0, &a), 0);
	T_EQ(a, 0);
	check_free_range(&space, 1, SPACE_SIZE);
	T_EQ(devpriv_space_alloc(&space, 3, 0, &b), 0);
	T_EQ(b, 4);
	T_EQ(devpriv_space_alloc(&space, 5, 0, &c), 0);
	T_EQ(c, 8);
	T_EQ(space.nr_allocated, 9);
	T_ASSERT(devpriv_space_check(&space));
	devpriv_space_free(&space, b, 3);
	devpriv_space_free(&space, a, 1);
	T_ASSERT(devpriv_space_check(&space));
	{
		unsigned long ranges[] = { 0, 8, 13, SPACE_SIZE };

		check_free_ranges(&space, ranges, 2);
	}
	devpriv_space_free(&space, c, 5);
	check_free_range(&space, 0, SPACE_SIZE);
	devpriv_space_fini(&space);
	T_NO_WARN();
}

static void alignment_orders(void)
{
	struct devpriv_space space;
	unsigned long first, blocker;
	unsigned int align;

	devpriv_space_init(&space, SPACE_ORDER);
	for (align = 0; align <= SPACE_ORDER; align++) {
		/* granule 0 taken: an aligned region must skip it */
		T_EQ(devpriv_space_alloc(&space, 1, 0, &blocker), 0);
		T_EQ(blocker, 0);
		if (align == SPACE_ORDER) {
			T_EQ(devpriv_space_alloc(&space, 1, align, &first),
			     -ENOSPC);
		} else {
			T_EQ(devpriv_space_alloc(&space, 1, align, &first), 0);
			T_EQ(first & ((1UL << align) - 1), 0);
			T_EQ(first, 1UL << align);
			T_ASSERT(devpriv_space_check(&space));
			devpriv_space_free(&space, first, 1);
		}
		devpriv_space_free(&space, blocker, 1);
		/* on an empty space every alignment is possible */
		T_EQ(devpriv_space_alloc(&space, 3, align, &first), 0);
		T_EQ(first, 0);
		devpriv_space_free(&space, first, 3);
		T_ASSERT(devpriv_space_check(&space));
	}
	/* above the space: refused without a warning */
	T_EQ(devpriv_space_alloc(&space, 1, SPACE_ORDER + 1, &first), -ENOSPC);
	T_EQ(devpriv_space_alloc(&space, 1, ~0U, &first), -ENOSPC);
	T_NO_WARN();
	check_free_range(&space, 0, SPACE_SIZE);
	devpriv_space_fini(&space);
}

static void exhaustion_and_recovery(void)
{
	unsigned long firsts[SPACE_SIZE], seen[SPACE_SIZE] = { 0 };
	struct devpriv_space space;
	unsigned long i, first;

	devpriv_space_init(&space, SPACE_ORDER);
	for (i = 0; i < SPACE_SIZE; i++) {
		T_EQ(devpriv_space_alloc(&space, 1, 0, &firsts[i]), 0);
		T_ASSERT(firsts[i] < SPACE_SIZE);
		T_ASSERT(!seen[firsts[i]]);
		seen[firsts[i]] = 1;
	}
	T_ASSERT(devpriv_space_check(&space));
	T_EQ(devpriv_space_alloc(&space, 1, 0, &first), -ENOSPC);
	T_EQ(space.nr_allocated, SPACE_SIZE);

	/* a hole is found, and only a hole that fits */
	devpriv_space_free(&space, 37, 1);
	T_EQ(devpriv_space_alloc(&space, 2, 0, &first), -ENOSPC);
	T_EQ(devpriv_space_alloc(&space, 1, 1, &first), -ENOSPC);
	T_EQ(devpriv_space_alloc(&space, 1, 0, &first), 0);
	T_EQ(first, 37);
	devpriv_space_free(&space, 36, 1);
	devpriv_space_free(&space, 37, 1);
	T_EQ(devpriv_space_alloc(&space, 2, 1, &first), 0);
	T_EQ(first, 36);
	T_ASSERT(devpriv_space_check(&space));
	devpriv_space_free(&space, 36, 2);

	/* free the rest in a scrambled order; everything merges back */
	for (i = 0; i < SPACE_SIZE; i++) {
		unsigned long g = (i * 23 + 5) % SPACE_SIZE;

		if (g == 36 || g == 37)
			continue;
		devpriv_space_free(&space, g, 1);
		T_ASSERT(devpriv_space_check(&space));
	}
	T_EQ(space.nr_allocated, 0);
	check_free_range(&space, 0, SPACE_SIZE);
	devpriv_space_fini(&space);
	T_NO_WARN();
}

static void alloc_bad_sizes(void)
{
	struct devpriv_space space;
	struct devpriv_space_snap before, after;
	unsigned long first = 12345;

	devpriv_space_init(&space, SPACE_ORDER);
	devpriv_space_snap_take(&space, &before);
	T_EQ(devpriv_space_alloc(&space, 0, 0, &first), -EINVAL);
	T_WARNS(1, "empty allocation");
	T_EQ(devpriv_space_alloc(&space, SPACE_SIZE + 1, 0, &first), -ENOSPC);
	T_EQ(devpriv_space_alloc(&space, ~0UL, 0, &first), -ENOSPC);
	T_EQ(devpriv_space_alloc(&space, 1UL << 63, 0, &first), -ENOSPC);
	T_NO_WARN();
	T_EQ(first, 12345);
	devpriv_space_snap_take(&space, &after);
	T_ASSERT(devpriv_space_snap_equal(&before, &after));
	devpriv_space_snap_free(&before);
	devpriv_space_snap_free(&after);
	devpriv_space_fini(&space);
}

static void free_bad_ranges(void)
{
	struct devpriv_space space;
	struct devpriv_space_snap before, after;
	unsigned long first;

	devpriv_space_init(&space, SPACE_ORDER);
	T_EQ(devpriv_space_alloc(&space, 4, 0, &first), 0);
	devpriv_space_snap_take(&space, &before);

	devpriv_space_free(&space, first, 0);
	T_WARNS(1, "free of granules");
	devpriv_space_free(&space, SPACE_SIZE - 1, 2);
	T_WARNS(1, "free of granules");
	devpriv_space_free(&space, ~0UL, 2);
	T_WARNS(1, "free of granules");
	devpriv_space_free(&space, 0, 5);
	T_WARNS(1, "free of granules");

	devpriv_space_snap_take(&space, &after);
	T_ASSERT(devpriv_space_snap_equal(&before, &after));
	T_ASSERT(devpriv_space_check(&space));
	devpriv_space_free(&space, first, 4);
	devpriv_space_snap_free(&before);
	devpriv_space_snap_free(&after);
	devpriv_space_fini(&space);
}

/*
 * Freeing a region twice must be reported and must not corrupt the free
 * lists, whether or not the region's buddy is free.
 */
static void double_free_detected(void)
{
	struct devpriv_space space;
	unsigned long a, b, c;

	devpriv_space_init(&space, SPACE_ORDER);
	T_EQ(devpriv_space_alloc(&space, 1, 0, &a), 0);
	T_EQ(devpriv_space_alloc(&space, 1, 0, &b), 0);
	T_EQ(devpriv_space_alloc(&space, 2, 0, &c), 0);

	/* buddy allocated: the block is found on its own free list */
	devpriv_space_free(&space, a, 1);
	devpriv_space_free(&space, a, 1);
	T_WARNS(1, "free");
	T_ASSERT(devpriv_space_check(&space));
	T_EQ(space.nr_allocated, 3);

	/* buddy free: the block was merged into a larger free block */
	devpriv_space_free(&space, b, 1);
	T_NO_WARN();
	devpriv_space_free(&space, b, 1);
	T_WARNS(1, "free");
	devpriv_test_quiet(true);
	T_ASSERT(devpriv_space_check(&space));
	devpriv_test_quiet(false);
	T_EQ(space.nr_allocated, 2);

	devpriv_space_free(&space, c, 2);
	devpriv_space_fini(&space);
	devpriv_test_consume_warnings();
}

/* The checker itself: each kind of corruption is caught. */
static void check_detects_corruption(void)
{
	struct devpriv_space space;
	unsigned long first;

	devpriv_space_init(&space, SPACE_ORDER);
	T_EQ(devpriv_space_alloc(&space, 1, 0, &first), 0);
	T_EQ(first, 0);
	T_ASSERT(devpriv_space_check(&space));
	devpriv_test_quiet(true);

	/* overlap: granule 2 is inside the free block 2..3 */
	T_EQ(xa_insert(&space.free[0], 2, xa_mk_value(1), GFP_KERNEL), 0);
	T_ASSERT(!devpriv_space_check(&space));
	xa_erase(&space.free[0], 2);

	/* unmerged buddies: free 0 next to free 1 */
	T_EQ(xa_insert(&space.free[0], 0, xa_mk_value(1), GFP_KERNEL), 0);
	space.nr_allocated--;
	T_ASSERT(!devpriv_space_check(&space));
	xa_erase(&space.free[0], 0);
	space.nr_allocated++;

	/* accounting */
	space.nr_allocated++;
	T_ASSERT(!devpriv_space_check(&space));
	space.nr_allocated--;

	/* outside the space */
	T_EQ(xa_insert(&space.free[SPACE_ORDER], 1, xa_mk_value(1), GFP_KERNEL),
	     0);
	T_ASSERT(!devpriv_space_check(&space));
	xa_erase(&space.free[SPACE_ORDER], 1);
	T_EQ(xa_insert(&space.free[SPACE_ORDER + 1], 0, xa_mk_value(1),
		       GFP_KERNEL), 0);
	T_ASSERT(!devpriv_space_check(&space));
	xa_erase(&space.free[SPACE_ORDER + 1], 0);

	devpriv_test_quiet(false);
	T_ASSERT(devpriv_space_check(&space));
	devpriv_space_free(&space, first, 1);
	devpriv_space_fini(&space);
	T_NO_WARN();
}

/* The largest space: offsets up to bit 62, shifts up to 63. */
static void max_order_space(void)
{
	unsigned int order = DEVPRIV_SPACE_MAX_ORDER;
	struct devpriv_space space;
	unsigned long a, b, c;

	devpriv_space_init(&space, order);
	T_ASSERT(devpriv_space_check(&space));
	T_EQ(devpriv_space_alloc(&space, 1, 0, &a), 0);
	T_EQ(a, 0);
	T_EQ(devpriv_space_alloc(&space, 1, order - 1, &b), 0);
	T_EQ(b, 1UL << (order - 1));
	T_EQ(devpriv_space_alloc(&space, (1UL << (order - 2)) - 1, 0, &c), 0);
	T_EQ(c, 1UL << (order - 2));
	T_EQ(devpriv_space_alloc(&space, 1UL << order, 0, &a), -ENOSPC);
	T_ASSERT(devpriv_space_check(&space));
	devpriv_space_free(&space, c, (1UL << (order - 2)) - 1);
	devpriv_space_free(&space, b, 1);
	devpriv_space_free(&space, 0, 1);
	check_free_range(&space, 0, 1UL << order);
	T_EQ(devpriv_space_alloc(&space, 1UL << order, 0, &a), 0);
	T_EQ(a, 0);
	T_ASSERT(devpriv_space_check(&space));
	devpriv_space_free(&space, a, 1UL << order);
	devpriv_space_fini(&space);
	T_NO_WARN();
}

/* Chunks built by hand, inserted, looked up by every offset, erased. */
static void insert_lookup_erase(void)
{
	static const unsigned int orders[] = { 9, 10, 12, 9 + SPACE_ORDER - 1 };
	struct devpriv_chunk chunks[4] = { 0 };
	struct devpriv_pagemap dpgmap = { 0 };
	struct page pages[4];
	struct devpriv_space space;
	unsigned long first, nodes;
	int i;

	devpriv_space_init(&space, SPACE_ORDER);
	nodes = devpriv_test_space_nodes(&space);
	for (i = 0; i < 4; i++) {
		unsigned long granules = 1UL << (orders[i] - DEVPRIV_GRANULE_ORDER);

		T_EQ(devpriv_space_alloc(&space, granules, orders[i] - 9,
					 &first), 0);
		chunks[i].dpgmap = &dpgmap;
		chunks[i].pages = pages;
		chunks[i].offset = devpriv_granule_offset(first);
		/* short chunks: only the first page is populated */
		chunks[i].nr_pages = 1;
		T_EQ(devpriv_space_insert(&space, &chunks[i], orders[i]), 0);
	}
	for (i = 0; i < 4; i++) {
		unsigned long size = 1UL << orders[i], o;

		for (o = 0; o < size; o += DEVPRIV_GRANULE_PAGES) {
			struct page *want = o ? NULL : pages;

			unsigned long g = devpriv_offset_granule(chunks[i].offset + o);

			T_PTR_EQ(devpriv_space_offset_to_page(&space,
							      chunks[i].offset + o),
				 want);
			/* a short chunk: tagged in its first granule only */
			T_EQ((*space.table)->slots[g],
			     o ? DEVPRIV_SLOT_INDIRECT :
			     (unsigned long)&chunks[i] | DEVPRIV_SLOT_INDIRECT);
		}
		T_ASSERT(!devpriv_space_offset_to_page(&space,
						       chunks[i].offset + size - 1));
	}
	for (i = 0; i < 4; i++) {
		unsigned long granules = 1UL << (orders[i] - DEVPRIV_GRANULE_ORDER);

		devpriv_space_erase(&space, &chunks[i], orders[i]);
		T_ASSERT(!devpriv_space_offset_to_page(&space, chunks[i].offset));
		devpriv_space_free(&space,
				   devpriv_offset_granule(chunks[i].offset),
				   granules);
	}
	T_EQ(space.nr_chunks, 0);
	/* freeing gave every node back */
	T_EQ(devpriv_test_space_nodes(&space), nodes);
	T_ASSERT(devpriv_space_check(&space));
	devpriv_space_fini(&space);
	T_NO_WARN();
}

static void fini_reports_leaks(void)
{
	struct devpriv_pagemap dpgmap = { 0 };
	struct devpriv_chunk chunk = { .dpgmap = &dpgmap, .nr_pages = 1 };
	struct devpriv_space space;
	unsigned long first;

	devpriv_space_init(&space, SPACE_ORDER);
	T_EQ(devpriv_space_alloc(&space, 3, 0, &first), 0);
	devpriv_space_fini(&space);
	T_WARNS(1, "granules leaked");

	devpriv_space_init(&space, SPACE_ORDER);
	T_EQ(devpriv_space_alloc(&space, 1, 0, &first), 0);
	chunk.offset = devpriv_granule_offset(first);
	T_EQ(devpriv_space_insert(&space, &chunk, DEVPRIV_GRANULE_ORDER), 0);
	devpriv_space_fini(&space);
	T_WARNS(2, "leaked");
	/* fini freed the xarrays regardless: the end-of-test check agrees */
}

/*
 * A chunk whose offsets were never allocated from the space has no slots
 * to go to: refused, with a warning, and nothing changes.
 */
static void insert_outside_space(void)
{
	struct devpriv_pagemap dpgmap = { 0 };
	struct devpriv_chunk chunk = { .dpgmap = &dpgmap, .nr_pages = 1 };
	struct devpriv_space space;
	unsigned long first;

	devpriv_space_init(&space, 8);
	chunk.offset = devpriv_granule_offset(200);
	T_EQ(devpriv_space_insert(&space, &chunk, DEVPRIV_GRANULE_ORDER),
	     -EINVAL);
	T_WARNS(1, "not in its space");
	T_EQ(space.nr_chunks, 0);
	/* past the high-water mark, though inside the table */
	T_EQ(devpriv_space_alloc(&space, 1, 0, &first), 0);
	T_ASSERT((*space.table)->nr_slots > 1);
	chunk.offset = devpriv_granule_offset(first + 1);
	T_EQ(devpriv_space_insert(&space, &chunk, DEVPRIV_GRANULE_ORDER),
	     -EINVAL);
	T_WARNS(1, "not in its space");
	T_ASSERT(!devpriv_space_offset_to_page(&space, chunk.offset));
	devpriv_space_free(&space, first, 1);
	devpriv_space_fini(&space);
	T_NO_WARN();
}

/*
 * The offset table follows the high-water mark of allocation, at least
 * doubling when it grows, and keeps what it held across the copy.
 */
static void table_grows_by_copy(void)
{
	struct devpriv_pagemap dpgmap = { 0 };
	struct devpriv_chunk chunk = { .dpgmap = &dpgmap };
	struct page pages[DEVPRIV_GRANULE_PAGES] __aligned(64);
	struct devpriv_offset_table *before;
	unsigned long first, big, nr, bytes;
	struct devpriv_space space;

	devpriv_space_init(&space, 16);
	T_EQ(devpriv_space_alloc(&space, 1, 0, &first), 0);
	T_EQ(first, 0);
	nr = (*space.table)->nr_slots;
	T_EQ(nr, 64);
	chunk.pages = pages;
	chunk.offset = 0;
	chunk.nr_pages = DEVPRIV_GRANULE_PAGES;
	T_EQ(devpriv_space_insert(&space, &chunk, DEVPRIV_GRANULE_ORDER), 0);
	T_PTR_EQ(devpriv_space_offset_to_page(&space, 7), &pages[7]);
	before = *space.table;
	bytes = space.table_bytes;

	/* 1000 granules, 1024-aligned: the region ends at 2024 */
	T_EQ(devpriv_space_alloc(&space, 1000, 10, &big), 0);
	T_EQ(big, 1024);
	T_ASSERT(*space.table != before);
	T_EQ((*space.table)->nr_slots, 2024);
	T_PTR_EQ((*space.table)->retired, before);
	T_EQ(space.table_bytes, bytes + sizeof(struct devpriv_offset_table) +
	     2024 * sizeof(unsigned long));
	/* the chunk was copied along */
	T_PTR_EQ(devpriv_space_offset_to_page(&space, 7), &pages[7]);
	T_EQ((*space.table)->slots[1500], DEVPRIV_SLOT_INDIRECT);

	/* below the high-water mark: no growth */
	devpriv_space_free(&space, big, 1000);
	T_EQ(devpriv_space_alloc(&space, 2, 1, &big), 0);
	T_EQ((*space.table)->nr_slots, 2024);
	devpriv_space_free(&space, big, 2);
	devpriv_space_erase(&space, &chunk, DEVPRIV_GRANULE_ORDER);
	devpriv_space_free(&space, first, 1);
	T_ASSERT(devpriv_space_check(&space));
	devpriv_space_fini(&space);
	T_NO_WARN();
}

/* A table that cannot grow fails the allocation and changes nothing. */
static void table_growth_fails(void)
{
	struct devpriv_space_snap before, after;
	struct devpriv_space space;
	unsigned long first;

	devpriv_space_init(&space, 12);
	T_EQ(devpriv_space_alloc(&space, 1, 0, &first), 0);
	devpriv_space_snap_take(&space, &before);
	devpriv_fault_fail_nth(1);
	T_EQ(devpriv_space_alloc(&space, 100, 7, &first), -ENOMEM);
	devpriv_fault_off();
	T_EQ(devpriv_fault_injected(), 1);
	devpriv_space_snap_take(&space, &after);
	T_ASSERT(devpriv_space_snap_equal(&before, &after));
	T_EQ((*space.table)->nr_slots, 64);
	devpriv_space_snap_free(&before);
	devpriv_space_snap_free(&after);
	devpriv_space_free(&space, 0, 1);
	T_ASSERT(devpriv_space_check(&space));
	devpriv_space_fini(&space);
	T_NO_WARN();
}

static void default_order(void)
{
	struct devpriv_space space;
	unsigned long first, last;

	/* as wide as a swap entry's pfn field, up to the table's ceiling */
	T_EQ(devpriv_space_default_order(),
	     min(DEVPRIV_SWP_PFN_BITS - DEVPRIV_GRANULE_ORDER,
		 DEVPRIV_SPACE_MAX_ORDER));
	devpriv_space_init(&space, devpriv_space_default_order());
	/* the last granule of the space holds offsets a swap entry carries */
	T_EQ(devpriv_space_alloc(&space, 1, space.order, &first), 0);
	devpriv_space_free(&space, first, 1);
	T_EQ(devpriv_space_alloc(&space, 1UL << space.order, 0, &first), 0);
	last = devpriv_granule_offset(first + (1UL << space.order)) - 1;
	T_ASSERT(devpriv_swp_offset_fits(last));
	if (space.order == DEVPRIV_SWP_PFN_BITS - DEVPRIV_GRANULE_ORDER)
		T_ASSERT(!devpriv_swp_offset_fits(last + 1));
	devpriv_space_free(&space, first, 1UL << space.order);
	devpriv_space_fini(&space);
	T_NO_WARN();
}

static const struct unit_test space_tests[] = {
	UNIT_TEST(space_init_empty),
	UNIT_TEST(space_init_bad_order),
	UNIT_TEST(alloc_whole_space),
	UNIT_TEST(alloc_exact_sizes),
	UNIT_TEST(alloc_splits_and_tails),
	UNIT_TEST(alignment_orders),
	UNIT_TEST(exhaustion_and_recovery),
	UNIT_TEST(alloc_bad_sizes),
	UNIT_TEST(free_bad_ranges),
	UNIT_TEST(double_free_detected),
	UNIT_TEST(check_detects_corruption),
	UNIT_TEST(max_order_space),
	UNIT_TEST(insert_lookup_erase),
	UNIT_TEST(fini_reports_leaks),
	UNIT_TEST(insert_outside_space),
	UNIT_TEST(table_grows_by_copy),
	UNIT_TEST(table_growth_fails),
	UNIT_TEST(default_order),
};

UNIT_SUITE(suite_space, "space", space_tests, true);
