// SPDX-License-Identifier: GPL-2.0
/*
 * PRIVATE or COHERENT chosen at init, amdkfd svm_migrate_init() shape: a
 * pointer alias of the pagemap, devm window and remap, an IS_ERR() block
 * that releases the window for the private type and clears the type,
 * which elsewhere doubles as "memory registered".
 */
#include <linux/memremap.h>

struct acc_kdev {
	struct dev_pagemap pgmap;
	bool cpu_coherent;
	u64 aper_base;
	u64 vram_size;
};

#define ACC_MEM_SUPPORTED(k) ((k)->pgmap.type != 0)

static const struct dev_pagemap_ops acc_pgmap_ops;

int acc_mem_init(struct device *dev, struct acc_kdev *kdev)
{
	struct dev_pagemap *pgmap;
	struct resource *res = NULL;
	unsigned long size;
	void *r;

	pgmap = &kdev->pgmap;
	memset(pgmap, 0, sizeof(*pgmap));

	size = ALIGN(kdev->vram_size, 2ULL << 20);
	if (kdev->cpu_coherent) {
		pgmap->range.start = kdev->aper_base;
		pgmap->range.end = kdev->aper_base + size - 1;
		pgmap->type = MEMORY_DEVICE_COHERENT;
	} else {
		res = devm_request_free_mem_region(dev, &iomem_resource, size);
		if (IS_ERR(res))
			return PTR_ERR(res);
		pgmap->range.start = res->start;
		pgmap->range.end = res->end;
		pgmap->type = MEMORY_DEVICE_PRIVATE;
	}

	pgmap->nr_range = 1;
	pgmap->ops = &acc_pgmap_ops;
	pgmap->owner = kdev;
	pgmap->flags = 0;
	r = devm_memremap_pages(dev, pgmap);
	if (IS_ERR(r)) {
		if (pgmap->type == MEMORY_DEVICE_PRIVATE)
			devm_release_mem_region(dev, res->start, resource_size(res));
		pgmap->type = 0;
		return PTR_ERR(r);
	}
	return 0;
}
