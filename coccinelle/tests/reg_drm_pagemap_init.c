// SPDX-License-Identifier: GPL-2.0
/*
 * drm_pagemap-style registration (Xe from 6.15): the device-private
 * pagemap is handed to drm_pagemap_init() through a pointer alias before
 * the devm request/memremap pair.  The drm_pagemap helpers keep that
 * struct dev_pagemap pointer (compare page_pgmap() with it, initialise
 * folios with it), which no libdevpriv pagemap can stand in for: the
 * pagemap is left as it is and the call reported, for a port of the driver
 * together with the helper.
 */
#include <linux/memremap.h>
#include <drm/drm_pagemap.h>

struct dp_pagemap {
	struct dev_pagemap pagemap;
	struct drm_pagemap dpagemap;
	resource_size_t hpa_base;
};

static const struct drm_pagemap_ops dp_dpagemap_ops;

static struct dp_pagemap *dp_page_to_pagemap(struct page *page)
{
	return container_of(page_pgmap(page), struct dp_pagemap, pagemap);
}

static u64 dp_page_to_dpa(struct page *page)
{
	struct dp_pagemap *xp = dp_page_to_pagemap(page);

	return (page_to_pfn(page) << PAGE_SHIFT) - xp->hpa_base;
}

static struct dp_pagemap *dp_pagemap_create(struct drm_device *drm,
					    struct device *dev, u64 size)
{
	struct dp_pagemap *xp;
	struct dev_pagemap *pagemap;
	struct resource *res;
	void *addr;
	int err;

	xp = kzalloc(sizeof(*xp), GFP_KERNEL);
	if (!xp)
		return ERR_PTR(-ENOMEM);
	pagemap = &xp->pagemap;
	err = drm_pagemap_init(&xp->dpagemap, pagemap, drm, &dp_dpagemap_ops);
	if (err)
		goto out_free;
	res = devm_request_free_mem_region(dev, &iomem_resource, size);
	if (IS_ERR(res)) {
		err = PTR_ERR(res);
		goto out_free;
	}
	pagemap->type = MEMORY_DEVICE_PRIVATE;
	pagemap->range.start = res->start;
	pagemap->range.end = res->end;
	pagemap->nr_range = 1;
	addr = devm_memremap_pages(dev, pagemap);
	if (IS_ERR(addr)) {
		err = PTR_ERR(addr);
		goto out_release;
	}
	xp->hpa_base = res->start;
	return xp;

out_release:
	devm_release_mem_region(dev, res->start, resource_size(res));
out_free:
	kfree(xp);
	return ERR_PTR(err);
}
