// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite devpriv_encode: the bit layouts of include/devpriv/encode.h
 * against the running kernel's own encoders and decoders (migrate_pfn(),
 * migrate_pfn_to_page(), hmm_pfn_to_page(), swp_entry(), ...), including
 * what is only known at boot (x86_64 picks 4- or 5-level paging, and with
 * it the width of a swap entry's pfn field).  Real pages from the page
 * allocator stand in for device pages: only their pfns matter here.
 */

#include <linux/hmm.h>
#include <linux/migrate.h>
#include <linux/mm.h>
#include <linux/swapops.h>

#include "devpriv_test.h"

/*
 * Page table levels in use: x86_64 decides between 4 and 5 at boot
 * (pgtable_l5_enabled() exists only there), other architectures at build
 * time.
 */
#ifdef CONFIG_X86_64
#define dpt_paging_levels()	(pgtable_l5_enabled() ? 5 : 4)
#else
#define dpt_paging_levels()	CONFIG_PGTABLE_LEVELS
#endif

/* Largest pfn any physical address of this kernel can have. */
static unsigned long dpt_max_phys_pfn(void)
{
	return (1UL << (MAX_PHYSMEM_BITS - PAGE_SHIFT)) - 1;
}

/* migrate pfns: devpriv's helpers and migrate_pfn()/migrate_pfn_to_page() */
static void devpriv_encode_test_migrate_pfn(struct kunit *test)
{
	static const unsigned long flags[] = {
		0, MIGRATE_PFN_WRITE, MIGRATE_PFN_MIGRATE,
		MIGRATE_PFN_MIGRATE | MIGRATE_PFN_WRITE,
#ifdef DEVPRIV_HAVE_MIGRATE_PFN_COMPOUND
		MIGRATE_PFN_COMPOUND | MIGRATE_PFN_MIGRATE,
#endif
	};
	const unsigned long edge[] = {
		0, 1, dpt_max_phys_pfn(), devpriv_mpfn_max_pfn(),
	};
	struct page *page;
	unsigned long pfn, mpfn;
	unsigned int i;

	page = alloc_page(GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, page);
	pfn = page_to_pfn(page);
	mpfn = migrate_pfn(pfn);

	KUNIT_EXPECT_EQ(test, devpriv_migrate_pfn(page), mpfn);
	KUNIT_EXPECT_PTR_EQ(test, devpriv_migrate_pfn_to_page(mpfn), page);
	for (i = 0; i < ARRAY_SIZE(flags); i++) {
		unsigned long m = devpriv_mpfn_encode(pfn, flags[i]);

		KUNIT_EXPECT_EQ(test, m, mpfn | flags[i]);
		KUNIT_EXPECT_TRUE(test, devpriv_mpfn_valid(m));
		KUNIT_EXPECT_EQ(test, devpriv_mpfn_pfn(m), pfn);
		KUNIT_EXPECT_EQ(test, devpriv_mpfn_flags(m),
				flags[i] | MIGRATE_PFN_VALID);
		KUNIT_EXPECT_PTR_EQ(test, migrate_pfn_to_page(m), page);
		KUNIT_EXPECT_PTR_EQ(test, devpriv_migrate_pfn_to_page(m), page);
	}
	/* not valid: no page, as the kernel says */
	KUNIT_EXPECT_NULL(test, devpriv_migrate_pfn_to_page(0));
	KUNIT_EXPECT_NULL(test, migrate_pfn_to_page(mpfn & ~MIGRATE_PFN_VALID));
	KUNIT_EXPECT_NULL(test, devpriv_migrate_pfn_to_page(mpfn & ~MIGRATE_PFN_VALID));
	KUNIT_EXPECT_FALSE(test, devpriv_mpfn_valid(mpfn & ~MIGRATE_PFN_VALID));
	__free_page(page);

	/* arithmetic only at the edges: no struct page behind these */
	for (i = 0; i < ARRAY_SIZE(edge); i++) {
		KUNIT_EXPECT_EQ(test, devpriv_mpfn_encode(edge[i], 0),
				migrate_pfn(edge[i]));
		KUNIT_EXPECT_EQ(test, devpriv_mpfn_pfn(migrate_pfn(edge[i])), edge[i]);
	}
	KUNIT_EXPECT_EQ(test, devpriv_mpfn_max_pfn() << MIGRATE_PFN_SHIFT >>
			MIGRATE_PFN_SHIFT, devpriv_mpfn_max_pfn());
	KUNIT_EXPECT_NE(test, (devpriv_mpfn_max_pfn() + 1) << MIGRATE_PFN_SHIFT >>
			MIGRATE_PFN_SHIFT, devpriv_mpfn_max_pfn() + 1);
	KUNIT_EXPECT_GE(test, devpriv_mpfn_max_pfn(), dpt_max_phys_pfn());
}

/* The flags 6.15 added below HMM_PFN_ERROR, which the encoder keeps. */
#ifdef DEVPRIV_HAVE_HMM_PFN_DMA_MAPPED
#define dpt_hmm_pfn_dma_flags \
	(HMM_PFN_DMA_MAPPED | HMM_PFN_P2PDMA | HMM_PFN_P2PDMA_BUS)
#else
#define dpt_hmm_pfn_dma_flags	0UL
#endif

/* hmm pfns: devpriv's helpers and hmm_pfn_to_page()/hmm_pfn_to_map_order() */
static void devpriv_encode_test_hmm_pfn(struct kunit *test)
{
	static const unsigned long flags[] = {
		HMM_PFN_VALID, HMM_PFN_VALID | HMM_PFN_WRITE, HMM_PFN_ERROR,
	};
	unsigned long pfn, max, h;
	unsigned int i, order;
	struct page *page;

	page = alloc_page(GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, page);
	pfn = page_to_pfn(page);

	for (i = 0; i < ARRAY_SIZE(flags); i++) {
		for (order = 0; order < 32; order++) {
			h = devpriv_hmm_pfn_encode(pfn, flags[i], order);
			KUNIT_EXPECT_EQ(test, h & ~HMM_PFN_FLAGS, pfn);
			KUNIT_EXPECT_EQ(test, h & (HMM_PFN_VALID | HMM_PFN_WRITE |
						   HMM_PFN_ERROR), flags[i]);
			KUNIT_EXPECT_EQ(test, hmm_pfn_to_map_order(h), order);
			KUNIT_EXPECT_EQ(test, devpriv_hmm_pfn_order(h),
					hmm_pfn_to_map_order(h));
			KUNIT_EXPECT_EQ(test, devpriv_hmm_pfn_pfn(h), pfn);
			KUNIT_EXPECT_EQ(test, devpriv_hmm_pfn_valid(h),
					!!(h & HMM_PFN_VALID));
			if (h & HMM_PFN_VALID) {
				KUNIT_EXPECT_PTR_EQ(test, hmm_pfn_to_page(h), page);
				KUNIT_EXPECT_PTR_EQ(test, devpriv_hmm_pfn_to_page(h), page);
			}
		}
	}
	__free_page(page);

	/* flag bits that are not flags do not leak into the order or pfn */
	KUNIT_EXPECT_EQ(test, devpriv_hmm_pfn_encode(pfn, ~0UL, 0),
			pfn | HMM_PFN_VALID | HMM_PFN_WRITE | HMM_PFN_ERROR |
			dpt_hmm_pfn_dma_flags);
	max = devpriv_hmm_pfn_max_pfn();
	KUNIT_EXPECT_EQ(test, max, ~HMM_PFN_FLAGS);
	KUNIT_EXPECT_GE(test, max, dpt_max_phys_pfn());
	h = devpriv_hmm_pfn_encode(max, HMM_PFN_VALID, 31);
	KUNIT_EXPECT_EQ(test, devpriv_hmm_pfn_pfn(h), max);
	KUNIT_EXPECT_EQ(test, hmm_pfn_to_map_order(h), 31U);
}

/* swap entries of every kind of type, offsets at the field edges */
static void devpriv_encode_test_swp_entry(struct kunit *test)
{
	const unsigned long types[] = {
		0, 1, MAX_SWAPFILES - 1, SWP_MIGRATION_READ,
#if IS_ENABLED(CONFIG_DEVICE_PRIVATE)
		SWP_DEVICE_WRITE, SWP_DEVICE_READ, DEVPRIV_SWP_DEVICE_EXCLUSIVE,
#endif
		(1UL << MAX_SWAPFILES_SHIFT) - 1,
	};
	const unsigned long offsets[] = {
		0, 1, SWP_PFN_MASK - 1, SWP_PFN_MASK, SWP_PFN_MASK + 1,
		SWP_PFN_MASK | BIT(SWP_MIG_YOUNG_BIT) | BIT(SWP_MIG_DIRTY_BIT),
		SWP_OFFSET_MASK, 0x5a5a5a5a5a5aUL & SWP_OFFSET_MASK,
	};
	unsigned int t, o;

	for (t = 0; t < ARRAY_SIZE(types); t++) {
		for (o = 0; o < ARRAY_SIZE(offsets); o++) {
			swp_entry_t e = swp_entry(types[t], offsets[o]);

			KUNIT_EXPECT_EQ_MSG(test, devpriv_swp_entry(types[t], offsets[o]),
					    e.val, "type %lu offset %#lx",
					    types[t], offsets[o]);
			KUNIT_EXPECT_EQ(test, devpriv_swp_type(e.val), swp_type(e));
			KUNIT_EXPECT_EQ(test, devpriv_swp_offset(e.val), swp_offset(e));
			if (devpriv_swp_entry_has_pfn(e))
				KUNIT_EXPECT_EQ(test, devpriv_swp_pfn(e.val),
						devpriv_swp_entry_to_pfn(e));
			else
				KUNIT_EXPECT_EQ(test, devpriv_swp_pfn(e.val),
						swp_offset(e) & SWP_PFN_MASK);
		}
	}
}

/* The device-private entries core mm builds for a (real) pfn. */
static void devpriv_encode_test_device_private_entry(struct kunit *test)
{
#if IS_ENABLED(CONFIG_DEVICE_PRIVATE)
	struct page *page;
	unsigned long pfn;
	swp_entry_t r, w;
	bool write;

	page = alloc_page(GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, page);
	pfn = page_to_pfn(page);

	r = make_readable_device_private_entry(pfn);
	w = make_writable_device_private_entry(pfn);
	KUNIT_EXPECT_TRUE(test, devpriv_is_device_private_entry(r, &write));
	KUNIT_EXPECT_FALSE(test, write);
	KUNIT_EXPECT_TRUE(test, devpriv_is_device_private_entry(w, &write));
	KUNIT_EXPECT_TRUE(test, write);
	KUNIT_EXPECT_EQ(test, devpriv_swp_type(r.val), (unsigned long)SWP_DEVICE_READ);
	KUNIT_EXPECT_EQ(test, devpriv_swp_type(w.val), (unsigned long)SWP_DEVICE_WRITE);
	KUNIT_EXPECT_EQ(test, devpriv_swp_pfn(r.val), pfn);
	KUNIT_EXPECT_EQ(test, devpriv_swp_pfn(w.val), pfn);
	KUNIT_EXPECT_EQ(test, devpriv_swp_entry(SWP_DEVICE_READ, pfn), r.val);
	KUNIT_EXPECT_EQ(test, devpriv_swp_entry(SWP_DEVICE_WRITE, pfn), w.val);
	KUNIT_EXPECT_PTR_EQ(test, devpriv_swp_entry_to_page(r), page);
	KUNIT_EXPECT_PTR_EQ(test, devpriv_swp_entry_to_page(w), page);
	KUNIT_EXPECT_TRUE(test, devpriv_swp_offset_fits(pfn));
	__free_page(page);
#else
	kunit_skip(test, "CONFIG_DEVICE_PRIVATE=n");
#endif
}

/*
 * What depends on the boot: the pfn field's width, the runtime self-check,
 * and the global offset space being as wide as that field.
 */
static void devpriv_encode_test_runtime_layout(struct kunit *test)
{
	const int kbits = SWP_PFN_BITS, bits = DEVPRIV_SWP_PFN_BITS;
	const unsigned long kmask = SWP_PFN_MASK;
	unsigned int order = devpriv_space_default_order();
	unsigned long last;

	kunit_info(test, "%d-level paging, MAX_PHYSMEM_BITS %d, SWP_PFN_BITS %d, space order %u\n",
		   dpt_paging_levels(), (int)MAX_PHYSMEM_BITS, kbits, order);
	KUNIT_EXPECT_TRUE(test, devpriv_encode_check());
	KUNIT_EXPECT_EQ(test, bits, kbits);
	KUNIT_EXPECT_EQ(test, devpriv_swp_pfn_mask(), kmask);
	KUNIT_EXPECT_TRUE(test, devpriv_swp_offset_fits(kmask));
	KUNIT_EXPECT_FALSE(test, devpriv_swp_offset_fits(kmask + 1));
	KUNIT_EXPECT_FALSE(test, devpriv_swp_offset_fits(ULONG_MAX));

	KUNIT_ASSERT_GE(test, order, 1U);
	KUNIT_ASSERT_LE(test, order, (unsigned int)DEVPRIV_SPACE_MAX_ORDER);
	last = (1UL << (order + DEVPRIV_GRANULE_ORDER)) - 1;
	KUNIT_EXPECT_TRUE(test, devpriv_swp_offset_fits(last));
	/* as wide as the field, unless the allocator's limit is lower */
	if (order < DEVPRIV_SPACE_MAX_ORDER)
		KUNIT_EXPECT_FALSE(test, devpriv_swp_offset_fits(last + 1));
}

/* Offsets <-> granule numbers at the granule edges. */
static void devpriv_encode_test_granule(struct kunit *test)
{
	const unsigned long granules[] = {
		0, 1, 2, 1UL << 20, (1UL << DEVPRIV_SPACE_MAX_ORDER) - 1,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(granules); i++) {
		unsigned long g = granules[i], off = devpriv_granule_offset(g);

		KUNIT_EXPECT_EQ(test, off, g * DEVPRIV_GRANULE_PAGES);
		KUNIT_EXPECT_EQ(test, devpriv_offset_granule(off), g);
		KUNIT_EXPECT_EQ(test, devpriv_offset_granule(off + DEVPRIV_GRANULE_PAGES - 1), g);
		KUNIT_EXPECT_EQ(test, devpriv_offset_granule(off + DEVPRIV_GRANULE_PAGES), g + 1);
	}
}

static struct kunit_case devpriv_encode_test_cases[] = {
	KUNIT_CASE(devpriv_encode_test_migrate_pfn),
	KUNIT_CASE(devpriv_encode_test_hmm_pfn),
	KUNIT_CASE(devpriv_encode_test_swp_entry),
	KUNIT_CASE(devpriv_encode_test_device_private_entry),
	KUNIT_CASE(devpriv_encode_test_runtime_layout),
	KUNIT_CASE(devpriv_encode_test_granule),
	{}
};

struct kunit_suite devpriv_encode_test_suite = {
	.name = "devpriv_encode",
	.init = dpt_case_init,
	.exit = dpt_case_exit,
	.test_cases = devpriv_encode_test_cases,
};
