// SPDX-License-Identifier: GPL-2.0
/*
 * The inclusive range end, in pfns and in bytes, and the range length, on
 * a private pagemap: base + nr_pages - 1 and friends.
 */
#include <linux/memremap.h>

struct re_dev {
	struct dev_pagemap pagemap;
};

static unsigned long re_last_pfn(struct re_dev *d)
{
	return d->pagemap.range.end >> PAGE_SHIFT;
}

static u64 re_last_byte(struct re_dev *d)
{
	return d->pagemap.range.end;
}

static unsigned long re_npages(struct re_dev *d)
{
	return (d->pagemap.range.end >> PAGE_SHIFT) -
	       (d->pagemap.range.start >> PAGE_SHIFT) + 1;
}

static u64 re_bytes(struct re_dev *d)
{
	return range_len(&d->pagemap.range);
}

static void re_setup(struct re_dev *d)
{
	d->pagemap.type = MEMORY_DEVICE_PRIVATE;
}
