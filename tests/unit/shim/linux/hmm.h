/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hmm pfns (linux/hmm.h, 6.1).  test_kabi checks these values against the
 * kernel source the tests are built with.
 */
#ifndef _DEVPRIV_SHIM_LINUX_HMM_H
#define _DEVPRIV_SHIM_LINUX_HMM_H

#include <linux/mm.h>

#define HMM_PFN_VALID		(1UL << (BITS_PER_LONG - 1))
#define HMM_PFN_WRITE		(1UL << (BITS_PER_LONG - 2))
#define HMM_PFN_ERROR		(1UL << (BITS_PER_LONG - 3))
#define HMM_PFN_ORDER_SHIFT	(BITS_PER_LONG - 8)
#define HMM_PFN_REQ_FAULT	HMM_PFN_VALID
#define HMM_PFN_REQ_WRITE	HMM_PFN_WRITE
#define HMM_PFN_FLAGS		(0xFFUL << HMM_PFN_ORDER_SHIFT)

static inline struct page *hmm_pfn_to_page(unsigned long hmm_pfn)
{
	return pfn_to_page(hmm_pfn & ~HMM_PFN_FLAGS);
}

static inline unsigned int hmm_pfn_to_map_order(unsigned long hmm_pfn)
{
	return (hmm_pfn >> HMM_PFN_ORDER_SHIFT) & 0x1F;
}

#endif /* _DEVPRIV_SHIM_LINUX_HMM_H */
