/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libdevpriv: bit layouts of device-private page references
 *
 * DOC: encodings
 *
 * A device-private page is named in four places, each with its own layout.
 * Every field has one mask and one always-inline accessor here; nothing
 * else in libdevpriv shifts these bits by hand.  The layouts are pure
 * functions of a handful of architecture parameters, so the same header is
 * compiled in userspace once per architecture layout the project claims and
 * round-tripped over edge values (tests/unit/test_encode.c).  In kernel
 * builds libdevpriv asserts at compile time that each mask equals the
 * kernel's own definition (libdevpriv/encode.c).
 *
 * Parameters (kernel value / userspace override):
 *
 *   DEVPRIV_BITS_PER_LONG       BITS_PER_LONG       64 on every layout here
 *   DEVPRIV_PAGE_SHIFT          PAGE_SHIFT          12, 14 or 16
 *   DEVPRIV_MAX_PHYSMEM_BITS    MAX_PHYSMEM_BITS    46/52 x86_64, 48/52 arm64
 *   DEVPRIV_MAX_SWAPFILES_SHIFT MAX_SWAPFILES_SHIFT 5
 *
 * 1) swp_entry_t, the arch-independent swap entry behind a device-private
 *    PTE (include/linux/swapops.h):
 *
 *   bit  63    62 .. 58      57 .. PFN_BITS+2   PFN_BITS+1 .. 0
 *       [ 0 ][ swap type ][ unused            ][ A D ][ pfn / offset ]
 *
 *   SWP_TYPE_SHIFT = BITS_PER_LONG - 1 - MAX_SWAPFILES_SHIFT.  A device
 *   private entry stores a pfn (stock kernels) or a device-private offset
 *   (kernels with a device-private address space) in the low PFN_BITS =
 *   min(MAX_PHYSMEM_BITS - PAGE_SHIFT, SWP_TYPE_SHIFT) bits; the two bits
 *   above are the migration entries' young/dirty bits.  PFN_BITS is also the
 *   width of libdevpriv's offset space, so any offset it hands out can be
 *   stored in a swap entry by a native core.
 *
 * 2) device-private offset, libdevpriv's own number space (in pages):
 *
 *   bit  PFN_BITS-1 .. GRANULE_ORDER   GRANULE_ORDER-1 .. 0
 *       [ granule number             ][ page in granule   ]
 *
 *   A granule is 2 MiB, the memory hotplug subsection, the smallest unit a
 *   chunk can have.  The granule number indexes the space's xarray.
 *
 * 3) migrate pfn, the src/dst arrays of migrate_vma (include/linux/migrate.h):
 *
 *   bit  63 .. 6   5   4          3       2   1         0
 *       [ pfn    ][ - ][ COMPOUND ][ WRITE ][ - ][ MIGRATE ][ VALID ]
 *
 *   COMPOUND (a large folio) only where the kernel has it
 *   (DEVPRIV_HAVE_MIGRATE_PFN_COMPOUND, 6.19+).
 *
 * 4) hmm pfn, the output of hmm_range_fault() (include/linux/hmm.h), up to
 *    6.14:
 *
 *   bit  63      62      61      60 .. 56   55 .. 0
 *       [ VALID ][ WRITE ][ ERROR ][ order   ][ pfn    ]
 *
 *   HMM_PFN_ORDER_SHIFT = BITS_PER_LONG - 8: the top byte is flags and
 *   order, so an hmm pfn carries at most BITS_PER_LONG - 8 pfn bits.
 *   From 6.15 (DEVPRIV_HAVE_HMM_PFN_DMA_MAPPED) three more flags sit below
 *   ERROR and the order moves down to make room:
 *
 *   bit  63 .. 61   60          59       58           57 .. 53   52 .. 0
 *       [ V W E  ][ DMA_MAPPED ][ P2PDMA ][ P2PDMA_BUS ][ order ][ pfn ]
 *
 *   HMM_PFN_ORDER_SHIFT = BITS_PER_LONG - 11.
 *
 * The two DEVPRIV_HAVE_* layout switches come from conftest.sh in kernel
 * builds; userspace builds define them to pick a kernel's layout.
 */
#ifndef _DEVPRIV_ENCODE_H
#define _DEVPRIV_ENCODE_H

#include <linux/bits.h>
#include <linux/compiler.h>
#ifdef __KERNEL__
#include <linux/mm.h>
#include <linux/swap.h>

#include <devpriv-conftest.h>
#endif

#ifndef DEVPRIV_BITS_PER_LONG
#define DEVPRIV_BITS_PER_LONG		BITS_PER_LONG
#endif
#ifndef DEVPRIV_PAGE_SHIFT
#define DEVPRIV_PAGE_SHIFT		PAGE_SHIFT
#endif
#ifndef DEVPRIV_MAX_PHYSMEM_BITS
#define DEVPRIV_MAX_PHYSMEM_BITS	MAX_PHYSMEM_BITS
#endif
#ifndef DEVPRIV_MAX_SWAPFILES_SHIFT
#define DEVPRIV_MAX_SWAPFILES_SHIFT	MAX_SWAPFILES_SHIFT
#endif

/* 1) swap entry */
#define DEVPRIV_SWP_TYPE_SHIFT \
	(DEVPRIV_BITS_PER_LONG - 1 - DEVPRIV_MAX_SWAPFILES_SHIFT)
#define DEVPRIV_SWP_TYPE_MASK \
	((1UL << DEVPRIV_MAX_SWAPFILES_SHIFT) - 1)
#define DEVPRIV_SWP_OFFSET_MASK		((1UL << DEVPRIV_SWP_TYPE_SHIFT) - 1)
/* may be a runtime value: x86_64 picks 4- or 5-level paging at boot */
#define DEVPRIV_SWP_PFN_BITS \
	(DEVPRIV_MAX_PHYSMEM_BITS - DEVPRIV_PAGE_SHIFT < DEVPRIV_SWP_TYPE_SHIFT ? \
	 DEVPRIV_MAX_PHYSMEM_BITS - DEVPRIV_PAGE_SHIFT : DEVPRIV_SWP_TYPE_SHIFT)

/* 2) device-private offset */
#define DEVPRIV_GRANULE_SHIFT		21
#define DEVPRIV_GRANULE_ORDER		(DEVPRIV_GRANULE_SHIFT - DEVPRIV_PAGE_SHIFT)
#define DEVPRIV_GRANULE_PAGES		BIT(DEVPRIV_GRANULE_ORDER)

/* 3) migrate pfn */
#define DEVPRIV_MPFN_VALID		BIT(0)
#define DEVPRIV_MPFN_MIGRATE		BIT(1)
#define DEVPRIV_MPFN_WRITE		BIT(3)
#ifdef DEVPRIV_HAVE_MIGRATE_PFN_COMPOUND
#define DEVPRIV_MPFN_COMPOUND		BIT(4)
#endif
#define DEVPRIV_MPFN_SHIFT		6
#define DEVPRIV_MPFN_FLAGS_MASK		((1UL << DEVPRIV_MPFN_SHIFT) - 1)

/* 4) hmm pfn */
#define DEVPRIV_HMM_PFN_VALID		(1UL << (DEVPRIV_BITS_PER_LONG - 1))
#define DEVPRIV_HMM_PFN_WRITE		(1UL << (DEVPRIV_BITS_PER_LONG - 2))
#define DEVPRIV_HMM_PFN_ERROR		(1UL << (DEVPRIV_BITS_PER_LONG - 3))
#ifdef DEVPRIV_HAVE_HMM_PFN_DMA_MAPPED
#define DEVPRIV_HMM_PFN_DMA_MAPPED	(1UL << (DEVPRIV_BITS_PER_LONG - 4))
#define DEVPRIV_HMM_PFN_P2PDMA		(1UL << (DEVPRIV_BITS_PER_LONG - 5))
#define DEVPRIV_HMM_PFN_P2PDMA_BUS	(1UL << (DEVPRIV_BITS_PER_LONG - 6))
#define DEVPRIV_HMM_PFN_ORDER_SHIFT	(DEVPRIV_BITS_PER_LONG - 11)
/* every flag bit of this layout, the ones the encoder accepts */
#define DEVPRIV_HMM_PFN_FLAG_BITS \
	(DEVPRIV_HMM_PFN_VALID | DEVPRIV_HMM_PFN_WRITE | DEVPRIV_HMM_PFN_ERROR | \
	 DEVPRIV_HMM_PFN_DMA_MAPPED | DEVPRIV_HMM_PFN_P2PDMA | \
	 DEVPRIV_HMM_PFN_P2PDMA_BUS)
#else
#define DEVPRIV_HMM_PFN_ORDER_SHIFT	(DEVPRIV_BITS_PER_LONG - 8)
#define DEVPRIV_HMM_PFN_FLAG_BITS \
	(DEVPRIV_HMM_PFN_VALID | DEVPRIV_HMM_PFN_WRITE | DEVPRIV_HMM_PFN_ERROR)
#endif
#define DEVPRIV_HMM_PFN_ORDER_MASK	0x1FUL
#define DEVPRIV_HMM_PFN_FLAGS		(~0UL << DEVPRIV_HMM_PFN_ORDER_SHIFT)

/* Swap entries */

static __always_inline unsigned long devpriv_swp_pfn_mask(void)
{
	return (1UL << DEVPRIV_SWP_PFN_BITS) - 1;
}

static __always_inline unsigned long
devpriv_swp_entry(unsigned long type, unsigned long offset)
{
	return (type << DEVPRIV_SWP_TYPE_SHIFT) |
	       (offset & DEVPRIV_SWP_OFFSET_MASK);
}

static __always_inline unsigned long devpriv_swp_type(unsigned long entry)
{
	return (entry >> DEVPRIV_SWP_TYPE_SHIFT) & DEVPRIV_SWP_TYPE_MASK;
}

static __always_inline unsigned long devpriv_swp_offset(unsigned long entry)
{
	return entry & DEVPRIV_SWP_OFFSET_MASK;
}

/* The pfn (or device-private offset) of a pfn-carrying entry. */
static __always_inline unsigned long devpriv_swp_pfn(unsigned long entry)
{
	return entry & devpriv_swp_pfn_mask();
}

/* Can @offset be carried in the pfn field of a swap entry? */
static __always_inline bool devpriv_swp_offset_fits(unsigned long offset)
{
	return !(offset & ~devpriv_swp_pfn_mask());
}

/* Device-private offsets */

static __always_inline unsigned long devpriv_offset_granule(unsigned long offset)
{
	return offset >> DEVPRIV_GRANULE_ORDER;
}

static __always_inline unsigned long devpriv_granule_offset(unsigned long granule)
{
	return granule << DEVPRIV_GRANULE_ORDER;
}

/* Migrate pfns */

static __always_inline unsigned long
devpriv_mpfn_encode(unsigned long pfn, unsigned long flags)
{
	return (pfn << DEVPRIV_MPFN_SHIFT) | (flags & DEVPRIV_MPFN_FLAGS_MASK) |
	       DEVPRIV_MPFN_VALID;
}

static __always_inline bool devpriv_mpfn_valid(unsigned long mpfn)
{
	return mpfn & DEVPRIV_MPFN_VALID;
}

static __always_inline unsigned long devpriv_mpfn_pfn(unsigned long mpfn)
{
	return mpfn >> DEVPRIV_MPFN_SHIFT;
}

static __always_inline unsigned long devpriv_mpfn_flags(unsigned long mpfn)
{
	return mpfn & DEVPRIV_MPFN_FLAGS_MASK;
}

/* Largest pfn a migrate pfn can carry on this layout. */
static __always_inline unsigned long devpriv_mpfn_max_pfn(void)
{
	return ~0UL >> DEVPRIV_MPFN_SHIFT;
}

/* hmm pfns */

static __always_inline unsigned long
devpriv_hmm_pfn_encode(unsigned long pfn, unsigned long flags,
		       unsigned int order)
{
	return (pfn & ~DEVPRIV_HMM_PFN_FLAGS) |
	       (flags & DEVPRIV_HMM_PFN_FLAG_BITS) |
	       (((unsigned long)order & DEVPRIV_HMM_PFN_ORDER_MASK) <<
		DEVPRIV_HMM_PFN_ORDER_SHIFT);
}

static __always_inline unsigned long devpriv_hmm_pfn_pfn(unsigned long hmm_pfn)
{
	return hmm_pfn & ~DEVPRIV_HMM_PFN_FLAGS;
}

static __always_inline unsigned int devpriv_hmm_pfn_order(unsigned long hmm_pfn)
{
	return (hmm_pfn >> DEVPRIV_HMM_PFN_ORDER_SHIFT) &
	       DEVPRIV_HMM_PFN_ORDER_MASK;
}

static __always_inline bool devpriv_hmm_pfn_valid(unsigned long hmm_pfn)
{
	return hmm_pfn & DEVPRIV_HMM_PFN_VALID;
}

/* Largest pfn an hmm pfn can carry on this layout. */
static __always_inline unsigned long devpriv_hmm_pfn_max_pfn(void)
{
	return ~DEVPRIV_HMM_PFN_FLAGS;
}

#endif /* _DEVPRIV_ENCODE_H */
