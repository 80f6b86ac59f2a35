// SPDX-License-Identifier: GPL-2.0
#include <linux/memremap.h>
#include "pm_header_member.h"

static const struct dev_pagemap_ops hdr_ops;

int hdr_init(struct hdr_dev *h, u64 size)
{
	struct resource *res;
	void *r;
	int err;

	res = devm_request_free_mem_region(h->dev, &iomem_resource, size);
	if (IS_ERR(res))
		return PTR_ERR(res);
	h->pgmap.type = MEMORY_DEVICE_PRIVATE;
	h->pgmap.range.start = res->start;
	h->pgmap.range.end = res->end;
	h->pgmap.nr_range = 1;
	h->pgmap.ops = &hdr_ops;
	h->pgmap.owner = h;
	r = devm_memremap_pages(h->dev, &h->pgmap);
	if (IS_ERR(r)) {
		err = PTR_ERR(r);
		return err;
	}
	return 0;
}

static struct hdr_dev *page_to_hdr(struct page *page)
{
	return container_of(page->pgmap, struct hdr_dev, pgmap);
}
