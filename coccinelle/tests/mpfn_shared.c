// SPDX-License-Identifier: GPL-2.0
/*
 * Shared PRIVATE/COHERENT allocator (test_hmm shape): the page may be
 * either, so its migrate pfn and its debug pfn ask the page.
 */
#include <linux/memremap.h>
#include <linux/migrate.h>

struct ms_dev {
	struct page *free_pages;
	struct dev_pagemap pagemap;
};

static void ms_setup(struct ms_dev *d, bool coherent)
{
	if (coherent)
		d->pagemap.type = MEMORY_DEVICE_COHERENT;
	else
		d->pagemap.type = MEMORY_DEVICE_PRIVATE;
}

static struct page *ms_alloc(struct ms_dev *d)
{
	struct page *dpage = d->free_pages;

	d->free_pages = dpage->zone_device_data;
	zone_device_page_init(dpage);
	return dpage;
}

static void ms_to_dev(struct ms_dev *d, unsigned long *dst)
{
	struct page *dpage = ms_alloc(d);

	pr_debug("dst pfn 0x%lx\n", page_to_pfn(dpage));
	*dst = migrate_pfn(page_to_pfn(dpage));
}
