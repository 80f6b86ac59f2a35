// SPDX-License-Identifier: GPL-2.0
/*
 * The page is zone_device_page_init()ed in the same function that encodes
 * it into the destination array: a device page.
 */
#include <linux/memremap.h>
#include <linux/migrate.h>

struct il_dev {
	struct dev_pagemap pagemap;
};

static struct page *il_pick(struct il_dev *d);

static void il_setup(struct il_dev *d)
{
	d->pagemap.type = MEMORY_DEVICE_PRIVATE;
}

static void il_fill(struct il_dev *d, struct migrate_vma *args)
{
	unsigned long i;

	for (i = 0; i < args->npages; i++) {
		struct page *dpage = il_pick(d);

		zone_device_page_init(dpage);
		args->dst[i] = migrate_pfn(page_to_pfn(dpage)) | MIGRATE_PFN_WRITE;
	}
}
