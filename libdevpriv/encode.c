// SPDX-License-Identifier: GPL-2.0
/*
 * libdevpriv: the encodings of include/devpriv/encode.h must be the
 * kernel's own.  The compile-time half fails the build of a kernel whose
 * layout moved; the runtime half covers what is only known at boot
 * (x86_64 chooses 4- or 5-level paging, and with it MAX_PHYSMEM_BITS).
 */

#include <linux/build_bug.h>
#include <linux/hmm.h>
#include <linux/migrate.h>
#include <linux/swapops.h>

#include "internal.h"

static_assert(DEVPRIV_MPFN_VALID == MIGRATE_PFN_VALID);
static_assert(DEVPRIV_MPFN_MIGRATE == MIGRATE_PFN_MIGRATE);
static_assert(DEVPRIV_MPFN_WRITE == MIGRATE_PFN_WRITE);
static_assert(DEVPRIV_MPFN_SHIFT == MIGRATE_PFN_SHIFT);
#ifdef DEVPRIV_HAVE_MIGRATE_PFN_COMPOUND
static_assert(DEVPRIV_MPFN_COMPOUND == MIGRATE_PFN_COMPOUND);
#endif
static_assert(DEVPRIV_HMM_PFN_VALID == HMM_PFN_VALID);
static_assert(DEVPRIV_HMM_PFN_WRITE == HMM_PFN_WRITE);
static_assert(DEVPRIV_HMM_PFN_ERROR == HMM_PFN_ERROR);
#ifdef DEVPRIV_HAVE_HMM_PFN_DMA_MAPPED
static_assert(DEVPRIV_HMM_PFN_DMA_MAPPED == HMM_PFN_DMA_MAPPED);
static_assert(DEVPRIV_HMM_PFN_P2PDMA == HMM_PFN_P2PDMA);
static_assert(DEVPRIV_HMM_PFN_P2PDMA_BUS == HMM_PFN_P2PDMA_BUS);
#endif
static_assert(DEVPRIV_HMM_PFN_ORDER_SHIFT == HMM_PFN_ORDER_SHIFT);
static_assert(DEVPRIV_HMM_PFN_FLAGS == HMM_PFN_FLAGS);
static_assert(DEVPRIV_SWP_TYPE_SHIFT == SWP_TYPE_SHIFT);
static_assert(DEVPRIV_SWP_OFFSET_MASK == SWP_OFFSET_MASK);
static_assert(DEVPRIV_GRANULE_PAGES == PAGES_PER_SUBSECTION);

/**
 * devpriv_encode_check() - compare the runtime-dependent layout fields
 *
 * Context: any context.
 * Return: true if every field agrees with the running kernel.
 */
bool devpriv_encode_check(void)
{
	int ours = DEVPRIV_SWP_PFN_BITS, kernel = SWP_PFN_BITS;

	return !DEVPRIV_WARN_ONCE(ours != kernel || devpriv_swp_pfn_mask() != SWP_PFN_MASK,
				  "devpriv: swap entry pfn field is %d bits, expected %d\n",
				  ours, kernel);
}
