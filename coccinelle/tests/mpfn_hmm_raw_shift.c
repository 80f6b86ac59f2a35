// SPDX-License-Identifier: GPL-2.0
/*
 * A raw hmm pfn shifted into an address inside a branch that knows the
 * page is a device page (amdkfd svm_range_dma_map_dev shape): the shift
 * names the page by its pfn, which for a libdevpriv page is its offset.
 */
#include <linux/hmm.h>
#include <linux/memremap.h>

struct rw_dev {
	struct dev_pagemap pgmap;
	u64 vram_base;
};

static void rw_setup(struct rw_dev *d)
{
	d->pgmap.type = MEMORY_DEVICE_PRIVATE;
}

static void rw_map(struct rw_dev *d, unsigned long *hmm_pfns, u64 *addr,
		   unsigned long n)
{
	struct page *page;
	unsigned long i;

	for (i = 0; i < n; i++) {
		page = hmm_pfn_to_page(hmm_pfns[i]);
		if (is_zone_device_page(page)) {
			addr[i] = (hmm_pfns[i] << PAGE_SHIFT) + d->vram_base -
				  d->pgmap.range.start;
			continue;
		}
		addr[i] = page_to_phys(page);
	}
}
