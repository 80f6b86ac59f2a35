// SPDX-License-Identifier: GPL-2.0
/*
 * page_to_pfn() of a system page and of a device page in one function:
 * the device page (the page of the page_free callback's pagemap lookup,
 * compared with the range) moves, the system page stays.
 */
#include <linux/memremap.h>
#include <linux/mm.h>

static struct dev_pagemap mx_pgmap;
static unsigned long mx_used[64];

static void mx_page_free(struct page *page)
{
	struct page *bounce = alloc_page(GFP_ATOMIC);
	unsigned long idx = page_to_pfn(page) - (mx_pgmap.range.start >> PAGE_SHIFT);

	pr_debug("free %lu, bounce pfn %lx\n", idx, page_to_pfn(bounce));
	mx_used[idx / BITS_PER_LONG] &= ~BIT(idx % BITS_PER_LONG);
	__free_page(bounce);
}

static const struct dev_pagemap_ops mx_ops = {
	.page_free = mx_page_free,
};

static void mx_setup(void)
{
	mx_pgmap.type = MEMORY_DEVICE_PRIVATE;
	mx_pgmap.ops = &mx_ops;
}
