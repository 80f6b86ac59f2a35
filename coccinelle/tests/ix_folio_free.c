// SPDX-License-Identifier: GPL-2.0
/*
 * A .folio_free callback (the dev_pagemap_ops member that replaced
 * .page_free): the page of the folio it receives is a device page of the
 * driver, so its number becomes its offset.  Numbers relative to the
 * pagemap become indices wherever the page comes from; the page of a
 * folio outside the callback stays a pfn.
 */
#include <linux/memremap.h>

struct ff_dev {
	struct dev_pagemap pgmap;
	unsigned long *bitmap;
	u64 vram_base;
};

static struct ff_dev ff;

static unsigned long ff_page_index(struct page *page)
{
	return page_to_pfn(page) - (ff.pgmap.range.start >> PAGE_SHIFT);
}

static void ff_folio_free(struct folio *folio)
{
	struct page *page = &folio->page;

	pr_debug("freeing device pfn %lx\n", page_to_pfn(page));
	clear_bit(ff_page_index(page), ff.bitmap);
}

static u64 ff_page_addr(struct page *page)
{
	u64 off = (page_to_pfn(page) << PAGE_SHIFT) - ff.pgmap.range.start;

	return ff.vram_base + off;
}

static void ff_folio_trace(struct folio *folio)
{
	struct page *page = folio_page(folio, 0);

	pr_debug("freeing device pfn %lx\n", page_to_pfn(page));
}

static const struct dev_pagemap_ops ff_ops = {
	.folio_free	= ff_folio_free,
};

static int ff_init(struct device *dev, unsigned long size)
{
	struct resource *res;
	void *addr;

	res = devm_request_free_mem_region(dev, &iomem_resource, size);
	if (IS_ERR(res))
		return PTR_ERR(res);
	ff.pgmap.type = MEMORY_DEVICE_PRIVATE;
	ff.pgmap.range.start = res->start;
	ff.pgmap.range.end = res->end;
	ff.pgmap.nr_range = 1;
	ff.pgmap.ops = &ff_ops;
	addr = devm_memremap_pages(dev, &ff.pgmap);
	if (IS_ERR(addr))
		return PTR_ERR(addr);
	return 0;
}
