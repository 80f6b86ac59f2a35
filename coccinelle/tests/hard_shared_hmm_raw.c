// SPDX-License-Identifier: GPL-2.0
/*
 * The raw hmm pfn shift of mpfn_hmm_raw_shift in code shared with coherent memory:
 * the device page may be either, the page decides.
 */
#include <linux/hmm.h>
#include <linux/memremap.h>

struct sr_dev {
	struct dev_pagemap pgmap;
	u64 vram_base;
};

static void sr_setup(struct sr_dev *d, bool coherent)
{
	if (coherent)
		d->pgmap.type = MEMORY_DEVICE_COHERENT;
	else
		d->pgmap.type = MEMORY_DEVICE_PRIVATE;
}

static void sr_map(struct sr_dev *d, unsigned long *hmm_pfns, u64 *addr,
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
