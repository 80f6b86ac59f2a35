// SPDX-License-Identifier: GPL-2.0
/*
 * Bit layouts of include/devpriv/encode.h, one object per architecture
 * layout: the Makefile compiles this file once per layout with
 * DEVPRIV_PAGE_SHIFT, DEVPRIV_MAX_PHYSMEM_BITS, DEVPRIV_BITS_PER_LONG and
 * DEVPRIV_MAX_SWAPFILES_SHIFT predefined, LAYOUT naming the layout and
 * LAYOUT_PFN_BITS the pfn width expected of it.
 *
 * encode.h is included without any kernel or shim header (only the
 * compiler attributes of tools/include).  The kernel's definitions
 * of the same layouts come from gen-kabi.sh (KABI_*), lifted from the
 * kernel source the tests are built with.
 */
#include "unit.h"

/*
 * encode.h uses BIT() but includes linux/bits.h only for the kernel:
 * provide it here until the header defines what it uses in userspace too.
 */
#ifndef BIT
#define BIT(nr)	(1UL << (nr))
#endif

/*
 * The layout switches that conftest.sh sets in kernel builds, here from
 * the kernel source the tests are generated from.
 */
#include "kabi.h"
#ifdef KABI_HMM_PFN_DMA_MAPPED
#define DEVPRIV_HAVE_HMM_PFN_DMA_MAPPED 1
#endif
#ifdef KABI_MIGRATE_PFN_COMPOUND
#define DEVPRIV_HAVE_MIGRATE_PFN_COMPOUND 1
#endif

#include <devpriv/encode.h>

#define LAYOUT_STR__(x)		#x
#define LAYOUT_STR(x)		LAYOUT_STR__(x)
#define LAYOUT_SUITE__(x)	suite_encode_ ## x
#define LAYOUT_SUITE(x)		LAYOUT_SUITE__(x)

#if DEVPRIV_PAGE_SHIFT == 12 && DEVPRIV_MAX_PHYSMEM_BITS == 46
#define LAYOUT_X86	1	/* x86_64 4-level is the only 46-bit layout */
#elif DEVPRIV_PAGE_SHIFT == 12 && DEVPRIV_MAX_PHYSMEM_BITS == 52
#define LAYOUT_X86	1	/* x86_64 5-level; arm64 4K tops out at 48 */
#else
#define LAYOUT_X86	0
#endif

#define NR_SWP_TYPES	BIT(DEVPRIV_MAX_SWAPFILES_SHIFT)

static unsigned long pfn_mask(void)
{
	return devpriv_swp_pfn_mask();
}

/*
 * Offsets worth trying on this layout: both ends of every field, granule
 * boundaries, single bits, and all-ones masked to each width.
 */
static unsigned long edge_values(unsigned long *v)
{
	unsigned long n = 0, b;

	v[n++] = 0;
	v[n++] = 1;
	v[n++] = 2;
	v[n++] = DEVPRIV_GRANULE_PAGES - 1;
	v[n++] = DEVPRIV_GRANULE_PAGES;
	v[n++] = DEVPRIV_GRANULE_PAGES + 1;
	v[n++] = pfn_mask();
	v[n++] = pfn_mask() - 1;
	v[n++] = pfn_mask() & ~(DEVPRIV_GRANULE_PAGES - 1);
	v[n++] = pfn_mask() + 1;
	v[n++] = DEVPRIV_SWP_OFFSET_MASK;
	v[n++] = DEVPRIV_SWP_OFFSET_MASK - 1;
	v[n++] = devpriv_mpfn_max_pfn();
	v[n++] = devpriv_hmm_pfn_max_pfn();
	v[n++] = ~0UL;
	v[n++] = 0x5555555555555555UL & pfn_mask();
	v[n++] = 0xaaaaaaaaaaaaaaaaUL & pfn_mask();
	for (b = 0; b < DEVPRIV_BITS_PER_LONG; b++)
		v[n++] = 1UL << b;
	return n;
}

#define MAX_EDGES	(20 + DEVPRIV_BITS_PER_LONG)

static void layout_constants(void)
{
	unsigned int pfn_bits = DEVPRIV_SWP_PFN_BITS;
	unsigned int arch_offset_bits = LAYOUT_X86 ? KABI_X86_SWP_OFFSET_BITS :
						     KABI_ARM64_SWP_OFFSET_BITS;

	T_EQ(pfn_bits, LAYOUT_PFN_BITS);
	T_EQ(pfn_bits, KABI_SWP_PFN_BITS_OF(DEVPRIV_MAX_PHYSMEM_BITS,
					    DEVPRIV_PAGE_SHIFT));
	/* the migration entries' A/D bits sit above the pfn ... */
	T_EQ(KABI_SWP_MIG_TOTAL_BITS_OF(pfn_bits), pfn_bits + 2);
	/* ... and all of it fits the arch's PTE swap offset */
	T_EQ(arch_offset_bits, 50);
	T_ASSERT(pfn_bits + 2 <= arch_offset_bits);
	T_ASSERT(pfn_bits + 2 <= DEVPRIV_SWP_TYPE_SHIFT);

	T_EQ(DEVPRIV_SWP_TYPE_SHIFT, KABI_SWP_TYPE_SHIFT);
	T_EQ(DEVPRIV_MAX_SWAPFILES_SHIFT, KABI_MAX_SWAPFILES_SHIFT);
	T_EQ(DEVPRIV_SWP_OFFSET_MASK, (1UL << KABI_SWP_TYPE_SHIFT) - 1);
	T_EQ(devpriv_swp_pfn_mask(), (1UL << LAYOUT_PFN_BITS) - 1);

	T_EQ(DEVPRIV_GRANULE_PAGES << DEVPRIV_PAGE_SHIFT, 2UL << 20);
	T_EQ(DEVPRIV_GRANULE_ORDER, 21 - DEVPRIV_PAGE_SHIFT);

	T_EQ(DEVPRIV_MPFN_VALID, KABI_MIGRATE_PFN_VALID);
	T_EQ(DEVPRIV_MPFN_MIGRATE, KABI_MIGRATE_PFN_MIGRATE);
	T_EQ(DEVPRIV_MPFN_WRITE, KABI_MIGRATE_PFN_WRITE);
	T_EQ(DEVPRIV_MPFN_SHIFT, KABI_MIGRATE_PFN_SHIFT);
#ifdef KABI_MIGRATE_PFN_COMPOUND
	T_EQ(DEVPRIV_MPFN_COMPOUND, KABI_MIGRATE_PFN_COMPOUND);
#endif

	T_EQ(DEVPRIV_HMM_PFN_VALID, KABI_HMM_PFN_VALID);
	T_EQ(DEVPRIV_HMM_PFN_WRITE, KABI_HMM_PFN_WRITE);
	T_EQ(DEVPRIV_HMM_PFN_ERROR, KABI_HMM_PFN_ERROR);
#ifdef KABI_HMM_PFN_DMA_MAPPED
	T_EQ(DEVPRIV_HMM_PFN_DMA_MAPPED, KABI_HMM_PFN_DMA_MAPPED);
	T_EQ(DEVPRIV_HMM_PFN_P2PDMA, KABI_HMM_PFN_P2PDMA);
	T_EQ(DEVPRIV_HMM_PFN_P2PDMA_BUS, KABI_HMM_PFN_P2PDMA_BUS);
#endif
	T_EQ(DEVPRIV_HMM_PFN_ORDER_SHIFT, KABI_HMM_PFN_ORDER_SHIFT);
	T_EQ(DEVPRIV_HMM_PFN_ORDER_MASK, KABI_HMM_PFN_ORDER_MASK);
	T_EQ(DEVPRIV_HMM_PFN_FLAGS, KABI_HMM_PFN_FLAGS);

	/* every offset of the space fits each encoding that carries it */
	T_ASSERT(devpriv_mpfn_max_pfn() >= pfn_mask());
	T_ASSERT(devpriv_hmm_pfn_max_pfn() >= pfn_mask());
}

static void swp_roundtrip(void)
{
	unsigned long v[MAX_EDGES], n = edge_values(v), i, type;

	for (type = 0; type < NR_SWP_TYPES; type++) {
		for (i = 0; i < n; i++) {
			unsigned long entry = devpriv_swp_entry(type, v[i]);

			T_EQ(devpriv_swp_type(entry), type);
			T_EQ(devpriv_swp_offset(entry),
			     v[i] & DEVPRIV_SWP_OFFSET_MASK);
			T_EQ(devpriv_swp_pfn(entry), v[i] & pfn_mask());
			/* bit 63 is never set: entries are xarray values */
			T_EQ(entry >> (DEVPRIV_BITS_PER_LONG - 1), 0);
			/* the kernel's decoding agrees */
			T_EQ(entry >> KABI_SWP_TYPE_SHIFT, type);
			T_EQ(entry & ((1UL << KABI_SWP_TYPE_SHIFT) - 1),
			     v[i] & DEVPRIV_SWP_OFFSET_MASK);
			if (v[i] <= pfn_mask())
				T_EQ(devpriv_swp_pfn(entry), v[i]);
		}
		/* offsets too wide for the field never leak into the type */
		T_EQ(devpriv_swp_type(devpriv_swp_entry(type, ~0UL)), type);
	}
}

static void swp_offset_fits(void)
{
	unsigned long last_granule = pfn_mask() >> DEVPRIV_GRANULE_ORDER;
	unsigned long b;

	T_ASSERT(devpriv_swp_offset_fits(0));
	T_ASSERT(devpriv_swp_offset_fits(1));
	T_ASSERT(devpriv_swp_offset_fits(pfn_mask()));
	T_ASSERT(devpriv_swp_offset_fits(pfn_mask() - 1));
	T_ASSERT(!devpriv_swp_offset_fits(pfn_mask() + 1));
	T_ASSERT(!devpriv_swp_offset_fits(~0UL));
	T_ASSERT(!devpriv_swp_offset_fits(DEVPRIV_SWP_OFFSET_MASK));
	for (b = 0; b < DEVPRIV_BITS_PER_LONG; b++)
		T_EQ(devpriv_swp_offset_fits(1UL << b), b < LAYOUT_PFN_BITS);
	/* the last page of the largest space libdevpriv sets up fits */
	T_ASSERT(devpriv_swp_offset_fits(devpriv_granule_offset(last_granule) +
					 DEVPRIV_GRANULE_PAGES - 1));
}

static void offset_granule(void)
{
	unsigned long v[MAX_EDGES], n = edge_values(v), i;

	for (i = 0; i < n; i++) {
		unsigned long g = devpriv_offset_granule(v[i]);

		T_EQ(g, v[i] >> (21 - DEVPRIV_PAGE_SHIFT));
		T_EQ(devpriv_granule_offset(g),
		     v[i] & ~(DEVPRIV_GRANULE_PAGES - 1));
		if (v[i] <= pfn_mask() >> DEVPRIV_GRANULE_ORDER)
			T_EQ(devpriv_offset_granule(devpriv_granule_offset(v[i])),
			     v[i]);
	}
	T_EQ(devpriv_offset_granule(DEVPRIV_GRANULE_PAGES - 1), 0);
	T_EQ(devpriv_offset_granule(DEVPRIV_GRANULE_PAGES), 1);
	T_EQ(devpriv_offset_granule(pfn_mask()),
	     (1UL << (LAYOUT_PFN_BITS - DEVPRIV_GRANULE_ORDER)) - 1);
}

static void mpfn_roundtrip(void)
{
	static const unsigned long flag_sets[] = {
		0,
		DEVPRIV_MPFN_WRITE,
		DEVPRIV_MPFN_MIGRATE,
		DEVPRIV_MPFN_MIGRATE | DEVPRIV_MPFN_WRITE,
		DEVPRIV_MPFN_FLAGS_MASK,
		~0UL,
	};
	unsigned long v[MAX_EDGES], n = edge_values(v), i, f;

	T_ASSERT(!devpriv_mpfn_valid(0));
	T_EQ(devpriv_mpfn_max_pfn(), ~0UL >> KABI_MIGRATE_PFN_SHIFT);
	for (i = 0; i < n; i++) {
		unsigned long pfn = v[i] & devpriv_mpfn_max_pfn();

		for (f = 0; f < ARRAY_SIZE(flag_sets); f++) {
			unsigned long flags = flag_sets[f];
			unsigned long mpfn = devpriv_mpfn_encode(pfn, flags);

			T_ASSERT(devpriv_mpfn_valid(mpfn));
			T_EQ(devpriv_mpfn_pfn(mpfn), pfn);
			T_EQ(devpriv_mpfn_flags(mpfn),
			     (flags & DEVPRIV_MPFN_FLAGS_MASK) |
			     DEVPRIV_MPFN_VALID);
			/* the kernel's migrate_pfn() and its decoding */
			T_EQ(mpfn >> KABI_MIGRATE_PFN_SHIFT, pfn);
			if (!flags)
				T_EQ(mpfn, (pfn << KABI_MIGRATE_PFN_SHIFT) |
					   KABI_MIGRATE_PFN_VALID);
		}
	}
}

static void hmm_roundtrip(void)
{
	static const unsigned long flag_bits[] = {
		DEVPRIV_HMM_PFN_VALID,
		DEVPRIV_HMM_PFN_WRITE,
		DEVPRIV_HMM_PFN_ERROR,
	};
	unsigned long v[MAX_EDGES], n = edge_values(v), i, combo, b;
	unsigned int order;

	for (i = 0; i < n; i++) {
		unsigned long pfn = v[i] & devpriv_hmm_pfn_max_pfn();

		for (combo = 0; combo < 8; combo++) {
			unsigned long flags = 0;

			for (b = 0; b < 3; b++)
				if (combo & (1UL << b))
					flags |= flag_bits[b];
			for (order = 0; order < 32; order++) {
				unsigned long hpfn =
					devpriv_hmm_pfn_encode(v[i], flags, order);

				T_EQ(devpriv_hmm_pfn_pfn(hpfn), pfn);
				T_EQ(devpriv_hmm_pfn_order(hpfn), order);
				T_EQ(devpriv_hmm_pfn_valid(hpfn),
				     !!(flags & DEVPRIV_HMM_PFN_VALID));
				T_EQ(hpfn & (DEVPRIV_HMM_PFN_VALID |
					     DEVPRIV_HMM_PFN_WRITE |
					     DEVPRIV_HMM_PFN_ERROR), flags);
				/* the kernel's hmm_pfn_to_page/map_order */
				T_EQ(hpfn & ~KABI_HMM_PFN_FLAGS, pfn);
				T_EQ((hpfn >> KABI_HMM_PFN_ORDER_SHIFT) &
				     KABI_HMM_PFN_ORDER_MASK, order);
			}
		}
		/* orders wrap at the width of the field, never spill */
		T_EQ(devpriv_hmm_pfn_order(devpriv_hmm_pfn_encode(pfn, 0, 32)), 0);
		T_EQ(devpriv_hmm_pfn_encode(pfn, 0, ~0U) & DEVPRIV_HMM_PFN_VALID, 0);
		/* unknown flags are dropped */
		T_EQ(devpriv_hmm_pfn_encode(pfn, ~DEVPRIV_HMM_PFN_FLAGS, 0), pfn);
	}
}

static void fields_disjoint(void)
{
	unsigned long type_bits = DEVPRIV_SWP_TYPE_MASK << DEVPRIV_SWP_TYPE_SHIFT;
	unsigned long ad_bits = 3UL << DEVPRIV_SWP_PFN_BITS;
	unsigned long hmm_flag_bits = DEVPRIV_HMM_PFN_FLAG_BITS;
	unsigned long hmm_order_bits = DEVPRIV_HMM_PFN_ORDER_MASK <<
				       DEVPRIV_HMM_PFN_ORDER_SHIFT;

	/* swap entry: type | offset, with pfn and A/D inside the offset */
	T_EQ(type_bits & DEVPRIV_SWP_OFFSET_MASK, 0);
	T_EQ(type_bits | DEVPRIV_SWP_OFFSET_MASK, ~0UL >> 1);
	T_EQ(pfn_mask() & ~DEVPRIV_SWP_OFFSET_MASK, 0);
	T_EQ(ad_bits & pfn_mask(), 0);
	T_EQ(ad_bits & ~DEVPRIV_SWP_OFFSET_MASK, 0);
	/* migrate pfn */
	T_EQ(DEVPRIV_MPFN_FLAGS_MASK & (devpriv_mpfn_max_pfn() <<
					DEVPRIV_MPFN_SHIFT), 0);
	T_EQ((DEVPRIV_MPFN_VALID | DEVPRIV_MPFN_MIGRATE | DEVPRIV_MPFN_WRITE) &
	     ~DEVPRIV_MPFN_FLAGS_MASK, 0);
	/* hmm pfn */
	T_EQ(hmm_flag_bits & hmm_order_bits, 0);
	T_EQ((hmm_flag_bits | hmm_order_bits) & devpriv_hmm_pfn_max_pfn(), 0);
	T_EQ((hmm_flag_bits | hmm_order_bits) & ~DEVPRIV_HMM_PFN_FLAGS, 0);
	T_EQ(DEVPRIV_HMM_PFN_FLAGS | devpriv_hmm_pfn_max_pfn(), ~0UL);
}

static const struct unit_test encode_tests[] = {
	UNIT_TEST(layout_constants),
	UNIT_TEST(swp_roundtrip),
	UNIT_TEST(swp_offset_fits),
	UNIT_TEST(offset_granule),
	UNIT_TEST(mpfn_roundtrip),
	UNIT_TEST(hmm_roundtrip),
	UNIT_TEST(fields_disjoint),
};

UNIT_SUITE(LAYOUT_SUITE(LAYOUT), "encode_" LAYOUT_STR(LAYOUT), encode_tests,
	   false);
