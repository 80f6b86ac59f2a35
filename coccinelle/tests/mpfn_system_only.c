// SPDX-License-Identifier: GPL-2.0
/*
 * System pages only: pfns and migrate pfns of alloc_page() results stay as
 * they are, also in a driver that has device-private memory.
 */
#include <linux/memremap.h>
#include <linux/migrate.h>
#include <linux/gfp.h>

struct so_dev {
	struct dev_pagemap pagemap;
};

static void so_setup(struct so_dev *d)
{
	d->pagemap.type = MEMORY_DEVICE_PRIVATE;
}

static unsigned long so_bounce(unsigned long *pfn)
{
	struct page *page = alloc_page(GFP_KERNEL);

	if (!page)
		return 0;
	*pfn = page_to_pfn(page);
	return migrate_pfn(page_to_pfn(page));
}
