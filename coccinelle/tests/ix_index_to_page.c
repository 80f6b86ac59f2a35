// SPDX-License-Identifier: GPL-2.0
/*
 * Index to page: pfn_to_page() of the first pfn of the range plus an
 * index, in both operand orders, and of the first pfn alone.
 */
#include <linux/memremap.h>

struct it_dev {
	struct dev_pagemap pagemap;
};

static struct page *it_page(struct it_dev *d, unsigned long i)
{
	return pfn_to_page((d->pagemap.range.start >> PAGE_SHIFT) + i);
}

static struct page *it_page2(struct it_dev *d, unsigned long i)
{
	return pfn_to_page(i + PHYS_PFN(d->pagemap.range.start));
}

static struct page *it_first(struct it_dev *d)
{
	return pfn_to_page(d->pagemap.range.start >> PAGE_SHIFT);
}

static void it_setup(struct it_dev *d)
{
	d->pagemap.type = MEMORY_DEVICE_PRIVATE;
}
