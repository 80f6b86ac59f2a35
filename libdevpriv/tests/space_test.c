// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite devpriv_space: the buddy allocator of device-private offsets
 * (libdevpriv/space.c), on private spaces small enough to fill.
 *
 * Every case runs devpriv_space_check() after each step and ends with the
 * space back in one block and devpriv_space_fini(), whose leak warnings
 * the VM scenario does not allow.
 */

#include <linux/bitmap.h>
#include <linux/log2.h>
#include <linux/sched.h>
#include <linux/slab.h>

#include "devpriv_test.h"

struct dpt_region {
	unsigned long first;
	unsigned long nr;
};

/* Granules of a region must all be unowned; mark them owned. */
static bool dpt_claim(unsigned long *owned, unsigned long first,
		      unsigned long nr)
{
	if (find_next_bit(owned, first + nr, first) < first + nr)
		return false;
	bitmap_set(owned, first, nr);
	return true;
}

static void devpriv_space_test_init_fini(struct kunit *test)
{
	/*
	 * A whole-space region makes the offset table cover the space: the
	 * largest space (a 128 MiB table) is the userspace suite's.
	 */
	static const unsigned int orders[] = { 1, 2, 7, 16, 20 };
	struct devpriv_space *space = dpt_space_new(test, 0);
	unsigned long first;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(orders); i++) {
		unsigned long size = 1UL << orders[i];

		devpriv_space_init(space, orders[i]);
		KUNIT_EXPECT_EQ(test, space->order, orders[i]);
		KUNIT_EXPECT_TRUE(test, dpt_space_whole(space));
		KUNIT_ASSERT_TRUE(test, devpriv_space_check(space));

		/* the whole space in one region, then nothing more */
		first = ULONG_MAX;
		KUNIT_EXPECT_EQ(test, devpriv_space_alloc(space, size, 0, &first), 0);
		KUNIT_EXPECT_EQ(test, first, 0UL);
		KUNIT_EXPECT_EQ(test, space->nr_allocated, size);
		KUNIT_ASSERT_TRUE(test, devpriv_space_check(space));
		KUNIT_EXPECT_EQ(test, devpriv_space_alloc(space, 1, 0, &first),
				-ENOSPC);
		devpriv_space_free(space, 0, size);
		dpt_space_done(test, space);

		/* a finished space can be set up again, with another size */
	}
}

/*
 * Random exact sizes and alignments until the space is exhausted.  Each
 * region has exactly the granules asked for (nr_allocated counts them), no
 * two overlap, ENOSPC happens only when no free block is large enough, and
 * a refused request changes nothing.  Then everything is freed in random
 * order and must merge back into one block.
 */
static void devpriv_space_test_alloc_exact(struct kunit *test)
{
	const unsigned int order = 10;
	const unsigned long size = 1UL << order;
	struct devpriv_space *space = dpt_space_new(test, order);
	unsigned long *owned, total = 0, nr_regions = 0, i;
	struct dpt_region *regions;
	unsigned int refused = 0;
	struct rnd_state rnd;

	dpt_rnd_init(test, &rnd);
	owned = kunit_kcalloc(test, BITS_TO_LONGS(size), sizeof(long), GFP_KERNEL);
	regions = kunit_kcalloc(test, size, sizeof(*regions), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, owned);
	KUNIT_ASSERT_NOT_NULL(test, regions);

	while (refused < 16) {
		unsigned long nr = dpt_rnd_range(&rnd, 0, 3) ?
				   dpt_rnd_range(&rnd, 1, 24) :
				   dpt_rnd_range(&rnd, 25, 300);
		unsigned int align = dpt_rnd_range(&rnd, 0, 4);
		unsigned long first = ULONG_MAX;
		int max_order, err;

		err = devpriv_space_alloc(space, nr, align, &first);
		if (err == -ENOSPC) {
			unsigned int need = max_t(unsigned int,
						  order_base_2(nr), align);

			refused++;
			KUNIT_ASSERT_EQ(test, space->nr_allocated, total);
			dpt_free_blocks(space, &max_order);
			KUNIT_ASSERT_LT_MSG(test, max_order, (int)need,
					    "%lu granules (align %u) refused with a free block of order %d",
					    nr, align, max_order);
			KUNIT_ASSERT_TRUE(test, devpriv_space_check(space));
			continue;
		}
		KUNIT_ASSERT_EQ(test, err, 0);
		KUNIT_ASSERT_LE(test, first + nr, size);
		KUNIT_ASSERT_EQ_MSG(test, first & ((1UL << align) - 1), 0UL,
				    "granule %lu not aligned to order %u", first, align);
		KUNIT_ASSERT_TRUE_MSG(test, dpt_claim(owned, first, nr),
				      "region %lu+%lu overlaps another", first, nr);
		regions[nr_regions].first = first;
		regions[nr_regions].nr = nr;
		nr_regions++;
		total += nr;
		KUNIT_ASSERT_EQ(test, space->nr_allocated, total);
		KUNIT_ASSERT_TRUE(test, devpriv_space_check(space));
		cond_resched();
	}
	kunit_info(test, "%lu regions, %lu of %lu granules allocated\n",
		   nr_regions, total, size);
	KUNIT_EXPECT_GT(test, nr_regions, 4UL);

	/* free in random order: Fisher-Yates */
	for (i = nr_regions; i > 1; i--) {
		unsigned long j = dpt_rnd_range(&rnd, 0, i - 1);

		swap(regions[i - 1], regions[j]);
	}
	for (i = 0; i < nr_regions; i++) {
		devpriv_space_free(space, regions[i].first, regions[i].nr);
		total -= regions[i].nr;
		KUNIT_ASSERT_EQ(test, space->nr_allocated, total);
		KUNIT_ASSERT_TRUE(test, devpriv_space_check(space));
		cond_resched();
	}
	dpt_space_done(test, space);
}

/*
 * Alignment up to the order of the space itself, on a space where the
 * lowest granule is taken so that no alignment is met by accident.
 */
static void devpriv_space_test_alignment(struct kunit *test)
{
	/* 20, not the largest space: see devpriv_space_test_init_fini() */
	static const unsigned int orders[] = { 16, 20 };
	struct devpriv_space *space = dpt_space_new(test, 0);
	unsigned long zero, first, nr;
	unsigned int i, align;

	for (i = 0; i < ARRAY_SIZE(orders); i++) {
		unsigned int order = orders[i];

		devpriv_space_init(space, order);
		KUNIT_ASSERT_EQ(test, devpriv_space_alloc(space, 1, 0, &zero), 0);
		KUNIT_ASSERT_EQ(test, zero, 0UL);
		for (align = 0; align < order; align++) {
			/* a region larger than its alignment, and one smaller */
			nr = align < order - 2 ? (1UL << (align + 1)) + 1 : 3;
			first = 0;
			KUNIT_ASSERT_EQ_MSG(test, devpriv_space_alloc(space, nr, align, &first),
					    0, "%lu granules aligned to order %u", nr, align);
			KUNIT_EXPECT_NE(test, first, 0UL);
			KUNIT_EXPECT_EQ_MSG(test, first & ((1UL << align) - 1), 0UL,
					    "granule %#lx not aligned to order %u",
					    first, align);
			KUNIT_EXPECT_LE(test, first + nr, 1UL << order);
			KUNIT_ASSERT_TRUE(test, devpriv_space_check(space));
			devpriv_space_free(space, first, nr);
			KUNIT_ASSERT_TRUE(test, devpriv_space_check(space));
			cond_resched();
		}
		/* only granule 0 has the alignment of the whole space */
		KUNIT_EXPECT_EQ(test, devpriv_space_alloc(space, 1, order, &first),
				-ENOSPC);
		KUNIT_EXPECT_EQ(test, devpriv_space_alloc(space, 1, order + 1, &first),
				-ENOSPC);
		KUNIT_EXPECT_EQ(test, space->nr_allocated, 1UL);
		devpriv_space_free(space, zero, 1);
		/* ... and once it is free again, it is handed out */
		KUNIT_EXPECT_EQ(test, devpriv_space_alloc(space, 1, order, &first), 0);
		KUNIT_EXPECT_EQ(test, first, 0UL);
		devpriv_space_free(space, first, 1);
		dpt_space_done(test, space);
	}
}

/*
 * Split down to single granules, then merge back: freeing every other
 * granule must not merge anything, freeing the rest must merge all.
 */
static void devpriv_space_test_split_merge(struct kunit *test)
{
	const unsigned int order = 8;
	const unsigned long size = 1UL << order;
	struct devpriv_space *space = dpt_space_new(test, order);
	unsigned long *owned, first, g;
	int max_order;

	owned = kunit_kcalloc(test, BITS_TO_LONGS(size), sizeof(long), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, owned);
	for (g = 0; g < size; g++) {
		KUNIT_ASSERT_EQ(test, devpriv_space_alloc(space, 1, 0, &first), 0);
		KUNIT_ASSERT_LT(test, first, size);
		KUNIT_ASSERT_TRUE(test, dpt_claim(owned, first, 1));
		KUNIT_ASSERT_TRUE(test, devpriv_space_check(space));
		cond_resched();
	}
	KUNIT_EXPECT_EQ(test, dpt_free_blocks(space, &max_order), 0UL);
	KUNIT_EXPECT_EQ(test, devpriv_space_alloc(space, 1, 0, &first), -ENOSPC);

	for (g = 0; g < size; g += 2) {
		devpriv_space_free(space, g, 1);
		KUNIT_ASSERT_TRUE(test, devpriv_space_check(space));
		cond_resched();
	}
	KUNIT_EXPECT_EQ(test, dpt_free_blocks(space, &max_order), size / 2);
	KUNIT_EXPECT_EQ(test, max_order, 0);

	/* granule 1 joins granule 0 into a block of order 1, and so on up */
	devpriv_space_free(space, 1, 1);
	KUNIT_EXPECT_TRUE(test, devpriv_space_check(space));
	KUNIT_EXPECT_TRUE(test, xa_load(&space->free[1], 0));
	KUNIT_EXPECT_FALSE(test, xa_load(&space->free[0], 0));
	devpriv_space_free(space, 3, 1);
	KUNIT_EXPECT_TRUE(test, xa_load(&space->free[2], 0));
	KUNIT_EXPECT_FALSE(test, xa_load(&space->free[1], 0));

	for (g = size - 1; g > 3; g -= 2) {
		devpriv_space_free(space, g, 1);
		KUNIT_ASSERT_TRUE(test, devpriv_space_check(space));
		cond_resched();
	}
	dpt_space_done(test, space);
}

/*
 * Fill a space with regions that each leave one granule over, see the
 * leftovers refuse a larger request without damage, use them up, then free
 * everything and get the whole space in one region again.
 */
static void devpriv_space_test_exhaustion(struct kunit *test)
{
	const unsigned int order = 6;
	const unsigned long size = 1UL << order;
	struct devpriv_space *space = dpt_space_new(test, order);
	unsigned long firsts[64], ones[64], first, i;
	unsigned long nr_firsts = 0, nr_ones = 0;
	int max_order;

	/* 3 granules come from a block of 4: one granule left in each */
	while (devpriv_space_alloc(space, 3, 0, &first) == 0) {
		KUNIT_ASSERT_LT(test, nr_firsts, size / 4);
		firsts[nr_firsts++] = first;
		KUNIT_ASSERT_TRUE(test, devpriv_space_check(space));
	}
	KUNIT_EXPECT_EQ(test, nr_firsts, size / 4);
	KUNIT_EXPECT_EQ(test, space->nr_allocated, 3 * size / 4);
	KUNIT_EXPECT_EQ(test, dpt_free_blocks(space, &max_order), size / 4);
	KUNIT_EXPECT_EQ(test, max_order, 0);

	/* free granules, but no two adjacent ones: -ENOSPC, nothing moves */
	KUNIT_EXPECT_EQ(test, devpriv_space_alloc(space, 2, 0, &first), -ENOSPC);
	KUNIT_EXPECT_EQ(test, devpriv_space_alloc(space, 1, 1, &first), -ENOSPC);
	KUNIT_EXPECT_EQ(test, space->nr_allocated, 3 * size / 4);
	KUNIT_EXPECT_EQ(test, dpt_free_blocks(space, &max_order), size / 4);
	KUNIT_ASSERT_TRUE(test, devpriv_space_check(space));

	while (devpriv_space_alloc(space, 1, 0, &first) == 0) {
		KUNIT_ASSERT_LT(test, nr_ones, size / 4);
		ones[nr_ones++] = first;
	}
	KUNIT_EXPECT_EQ(test, nr_ones, size / 4);
	KUNIT_EXPECT_EQ(test, space->nr_allocated, size);
	KUNIT_ASSERT_TRUE(test, devpriv_space_check(space));

	/* recovery */
	for (i = 0; i < nr_firsts; i++)
		devpriv_space_free(space, firsts[i], 3);
	KUNIT_ASSERT_TRUE(test, devpriv_space_check(space));
	for (i = 0; i < nr_ones; i++)
		devpriv_space_free(space, ones[i], 1);
	KUNIT_ASSERT_TRUE(test, dpt_space_whole(space));
	KUNIT_EXPECT_EQ(test, devpriv_space_alloc(space, size, 0, &first), 0);
	KUNIT_EXPECT_EQ(test, first, 0UL);
	devpriv_space_free(space, first, size);
	dpt_space_done(test, space);
}

/*
 * Leftovers of an odd-sized region: what is not allocated stays free,
 * granule for granule, and is usable at once.
 */
static void devpriv_space_test_leftovers(struct kunit *test)
{
	const unsigned int order = 7;
	const unsigned long size = 1UL << order;
	struct devpriv_space *space = dpt_space_new(test, order);
	unsigned long *owned, *singles, nr, first, i;

	owned = kunit_kcalloc(test, BITS_TO_LONGS(size), sizeof(long), GFP_KERNEL);
	singles = kunit_kcalloc(test, size, sizeof(*singles), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, owned);
	KUNIT_ASSERT_NOT_NULL(test, singles);

	for (nr = 1; nr <= size; nr += nr < 20 ? 1 : 11) {
		bitmap_zero(owned, size);
		KUNIT_ASSERT_EQ(test, devpriv_space_alloc(space, nr, 0, &first), 0);
		KUNIT_ASSERT_TRUE(test, dpt_claim(owned, first, nr));
		KUNIT_ASSERT_EQ(test, space->nr_allocated, nr);
		KUNIT_ASSERT_TRUE(test, devpriv_space_check(space));
		/* every other granule is free, in single granules if need be */
		for (i = 0; i < size - nr; i++) {
			KUNIT_ASSERT_EQ(test, devpriv_space_alloc(space, 1, 0,
								  &singles[i]), 0);
			KUNIT_ASSERT_TRUE(test, dpt_claim(owned, singles[i], 1));
			cond_resched();
		}
		KUNIT_EXPECT_EQ(test, devpriv_space_alloc(space, 1, 0, &singles[i]),
				-ENOSPC);
		KUNIT_ASSERT_EQ(test, space->nr_allocated, size);
		KUNIT_ASSERT_TRUE(test, devpriv_space_check(space));
		devpriv_space_free(space, first, nr);
		for (i = 0; i < size - nr; i++) {
			devpriv_space_free(space, singles[i], 1);
			cond_resched();
		}
		KUNIT_ASSERT_TRUE(test, dpt_space_whole(space));
	}
	dpt_space_done(test, space);
}

/*
 * Requests the allocator must refuse, loudly where the library documents a
 * warning (empty allocation, bad free), and with the space unchanged.
 */
static void devpriv_space_test_bad_input(struct kunit *test)
{
	const unsigned int order = 4;
	const unsigned long size = 1UL << order;
	struct devpriv_space *space = dpt_space_new(test, order);
	unsigned long first = 12345, a;

	/* library warnings: each bad request and bad free warns */
	dpt_expect_warnings(test, 5);
	KUNIT_EXPECT_EQ(test, devpriv_space_alloc(space, 0, 0, &first), -EINVAL);
	KUNIT_EXPECT_EQ(test, devpriv_space_alloc(space, size + 1, 0, &first),
			-ENOSPC);
	KUNIT_EXPECT_EQ(test, devpriv_space_alloc(space, ULONG_MAX, 0, &first),
			-ENOSPC);
	KUNIT_EXPECT_EQ(test, devpriv_space_alloc(space, 1, order + 1, &first),
			-ENOSPC);
	KUNIT_EXPECT_EQ(test, devpriv_space_alloc(space, 1, 63, &first), -ENOSPC);
	KUNIT_EXPECT_EQ(test, first, 12345UL);
	KUNIT_EXPECT_TRUE(test, dpt_space_whole(space));

	KUNIT_ASSERT_EQ(test, devpriv_space_alloc(space, 2, 0, &a), 0);
	/* frees that cannot be right: empty, past the end, wrapping, too many */
	devpriv_space_free(space, a, 0);
	devpriv_space_free(space, size - 1, 2);
	devpriv_space_free(space, ULONG_MAX, 2);
	devpriv_space_free(space, a, 3);
	KUNIT_EXPECT_EQ(test, space->nr_allocated, 2UL);
	KUNIT_EXPECT_TRUE(test, devpriv_space_check(space));

	devpriv_space_free(space, a, 2);
	dpt_space_done(test, space);
}

/*
 * Freeing a region twice must leave the allocator's books intact: the
 * second free is refused (with a warning), the other live region stays
 * allocated, and everything still merges back.
 */
static void devpriv_space_test_double_free(struct kunit *test)
{
	struct devpriv_space *space = dpt_space_new(test, 4);
	unsigned long a, b;

	/* library warnings: the second free */
	dpt_expect_warnings(test, 1);
	KUNIT_ASSERT_EQ(test, devpriv_space_alloc(space, 1, 0, &a), 0);
	KUNIT_ASSERT_EQ(test, devpriv_space_alloc(space, 1, 0, &b), 0);
	devpriv_space_free(space, a, 1);
	devpriv_space_free(space, a, 1);
	KUNIT_EXPECT_EQ(test, space->nr_allocated, 1UL);
	KUNIT_EXPECT_TRUE(test, devpriv_space_check(space));
	devpriv_space_free(space, b, 1);
	dpt_space_done(test, space);
}

static struct kunit_case devpriv_space_test_cases[] = {
	KUNIT_CASE(devpriv_space_test_init_fini),
	KUNIT_CASE(devpriv_space_test_alloc_exact),
	KUNIT_CASE(devpriv_space_test_alignment),
	KUNIT_CASE(devpriv_space_test_split_merge),
	KUNIT_CASE(devpriv_space_test_exhaustion),
	KUNIT_CASE(devpriv_space_test_leftovers),
	KUNIT_CASE(devpriv_space_test_bad_input),
	KUNIT_CASE(devpriv_space_test_double_free),
	{}
};

struct kunit_suite devpriv_space_test_suite = {
	.name = "devpriv_space",
	.init = dpt_case_init,
	.exit = dpt_case_exit,
	.test_cases = devpriv_space_test_cases,
};
