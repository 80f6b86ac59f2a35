// SPDX-License-Identifier: GPL-2.0
/*
 * devm registration of one VRAM region, Xe xe_devm_add() shape (6.15):
 * devm window, devm_memremap_pages(), devm release in the error branch,
 * the window start saved in hpa_base after registration.
 */
#include <linux/memremap.h>

struct vram_region {
	struct dev_pagemap pagemap;
	u64 hpa_base;
	u64 usable_size;
};

static const struct dev_pagemap_ops *shared_ops(void);

int vram_devm_add(struct device *dev, struct vram_region *vr, void *owner)
{
	struct resource *res;
	void *addr;
	int ret;

	res = devm_request_free_mem_region(dev, &iomem_resource,
					   vr->usable_size);
	if (IS_ERR(res)) {
		ret = PTR_ERR(res);
		return ret;
	}

	vr->pagemap.type = MEMORY_DEVICE_PRIVATE;
	vr->pagemap.range.start = res->start;
	vr->pagemap.range.end = res->end;
	vr->pagemap.nr_range = 1;
	vr->pagemap.ops = shared_ops();
	vr->pagemap.owner = owner;
	addr = devm_memremap_pages(dev, &vr->pagemap);
	if (IS_ERR(addr)) {
		devm_release_mem_region(dev, res->start, resource_size(res));
		ret = PTR_ERR(addr);
		dev_err(dev, "remap failed: %pe\n", ERR_PTR(ret));
		return ret;
	}
	vr->hpa_base = res->start;
	return 0;
}
