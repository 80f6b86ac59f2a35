// SPDX-License-Identifier: GPL-2.0
/*
 * Eviction of part of a pagemap (a driver freeing one buffer object's
 * pages): the first pfn of the range plus the object's first page, and
 * a range that starts from a pfn the driver computed elsewhere.
 */
#include <linux/memremap.h>
#include <linux/migrate.h>
#include <linux/mm.h>

struct ep_dev {
	struct dev_pagemap pagemap;
};

static void ep_setup(struct ep_dev *d)
{
	d->pagemap.type = MEMORY_DEVICE_PRIVATE;
}

static void ep_evict_object(struct ep_dev *d, unsigned long *src_pfns,
			    unsigned long first, unsigned long npages)
{
	migrate_device_range(src_pfns,
			     (d->pagemap.range.start >> PAGE_SHIFT) + first,
			     npages);
}

static void ep_evict_tail(struct ep_dev *d, unsigned long *src_pfns,
			  unsigned long npages)
{
	unsigned long end = d->pagemap.range.end >> PAGE_SHIFT;

	migrate_device_range(src_pfns, end + 1 - npages, npages);
}
