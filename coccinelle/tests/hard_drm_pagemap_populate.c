// SPDX-License-Identifier: GPL-2.0
/*
 * drm_pagemap shape: the driver fills an array of pfns of its device
 * memory (populate_devmem_pfn, computed from a copy of the range start),
 * and the helper turns them into pages and migrate pfns.  Converting one
 * side alone breaks the other: reported, both sides, for a manual step.
 */
#include <linux/memremap.h>
#include <linux/migrate.h>

struct pd_devmem;

struct pd_devmem_ops {
	int (*populate_devmem_pfn)(struct pd_devmem *devmem,
				   unsigned long npages, unsigned long *pfn);
};

struct pd_devmem {
	const struct pd_devmem_ops *ops;
};

struct pd_region {
	struct dev_pagemap pagemap;
	u64 hpa_base;
};

static void pd_setup(struct pd_region *vr)
{
	vr->pagemap.type = MEMORY_DEVICE_PRIVATE;
	vr->hpa_base = vr->pagemap.range.start;
}

static int pd_populate(struct pd_devmem *devmem, unsigned long npages,
		       unsigned long *pfn)
{
	struct pd_region *vr = pd_region_of(devmem);
	unsigned long i;

	for (i = 0; i < npages; i++)
		pfn[i] = PHYS_PFN(vr->hpa_base) + i;
	return 0;
}

static const struct pd_devmem_ops pd_ops = {
	.populate_devmem_pfn = pd_populate,
};

/* the helper side */
static int pd_migrate_to_devmem(struct pd_devmem *devmem, unsigned long npages,
				unsigned long *dst, struct page **pages)
{
	unsigned long i;
	int err;

	err = devmem->ops->populate_devmem_pfn(devmem, npages, dst);
	if (err)
		return err;
	for (i = 0; i < npages; i++) {
		pages[i] = pfn_to_page(dst[i]);
		dst[i] = migrate_pfn(dst[i]);
	}
	return 0;
}
