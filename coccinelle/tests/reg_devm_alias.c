// SPDX-License-Identifier: GPL-2.0
/*
 * Newest Xe shape (xe_pagemap_create): the pagemap is reached through a
 * local pointer, the devm pair sits in the create function, and the
 * destroy work undoes both with devm calls sized as end - start + 1.
 */
#include <linux/memremap.h>
#include <linux/slab.h>

struct dev_pagemap_obj {
	struct dev_pagemap pagemap;
	struct device *dev;
	u64 hpa_base;
};

static const struct dev_pagemap_ops *pagemap_ops_get(void);

static void obj_destroy(struct dev_pagemap_obj *obj)
{
	struct dev_pagemap *pagemap = &obj->pagemap;

	devm_memunmap_pages(obj->dev, pagemap);
	devm_release_mem_region(obj->dev, pagemap->range.start,
				pagemap->range.end - pagemap->range.start + 1);
	kfree(obj);
}

static struct dev_pagemap_obj *obj_create(struct device *dev, u64 size,
					  void *owner)
{
	struct dev_pagemap_obj *obj;
	struct dev_pagemap *pagemap;
	struct resource *res;
	void *addr;
	int err;

	obj = kzalloc(sizeof(*obj), GFP_KERNEL);
	if (!obj)
		return ERR_PTR(-ENOMEM);
	obj->dev = dev;

	res = devm_request_free_mem_region(dev, &iomem_resource, size);
	if (IS_ERR(res)) {
		err = PTR_ERR(res);
		goto out_free;
	}

	pagemap = &obj->pagemap;
	pagemap->type = MEMORY_DEVICE_PRIVATE;
	pagemap->range.start = res->start;
	pagemap->range.end = res->end;
	pagemap->nr_range = 1;
	pagemap->owner = owner;
	pagemap->ops = pagemap_ops_get();
	addr = devm_memremap_pages(dev, pagemap);
	if (IS_ERR(addr)) {
		err = PTR_ERR(addr);
		devm_release_mem_region(dev, res->start,
					res->end - res->start + 1);
		goto out_free;
	}
	obj->hpa_base = res->start;
	return obj;

out_free:
	kfree(obj);
	return ERR_PTR(err);
}
