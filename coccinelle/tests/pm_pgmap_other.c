// SPDX-License-Identifier: GPL-2.0
/*
 * page->pgmap used for something other than finding the driver structure:
 * compared with the driver's own pagemap and dereferenced for the owner.
 * With libdevpriv page->pgmap is a chunk's pagemap: left for a human.
 */
#include <linux/memremap.h>

struct own_dev {
	struct dev_pagemap pagemap;
	void *owner;
};

static int own_setup(struct own_dev *d)
{
	d->pagemap.type = MEMORY_DEVICE_PRIVATE;
	return 0;
}

static bool own_page(struct own_dev *d, struct page *page)
{
	return page->pgmap == &d->pagemap;
}

static void *page_owner_of(struct page *page)
{
	return page->pgmap->owner;
}
