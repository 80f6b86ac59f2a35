// SPDX-License-Identifier: GPL-2.0
/*
 * The amdkfd driver rule (coccinelle/drivers/amdkfd.cocci): the VRAM page
 * of a device number is looked up in a helper that has no pagemap at
 * hand; its only caller has the device, which is passed down.
 */
#include <linux/memremap.h>
#include <linux/migrate.h>

struct kfd_dev {
	struct dev_pagemap pgmap;
};

struct amdgpu_device {
	struct { struct kfd_dev *dev; } kfd;
};

static void amdkfd_setup(struct kfd_dev *kfddev, bool coherent)
{
	struct dev_pagemap *pgmap = &kfddev->pgmap;

	if (coherent)
		pgmap->type = MEMORY_DEVICE_COHERENT;
	else
		pgmap->type = MEMORY_DEVICE_PRIVATE;
}

unsigned long
svm_migrate_addr_to_pfn(struct amdgpu_device *adev, unsigned long addr)
{
	return (addr + adev->kfd.dev->pgmap.range.start) >> PAGE_SHIFT;
}

static void
svm_migrate_get_vram_page(struct svm_range *prange, unsigned long pfn)
{
	struct page *page;

	page = pfn_to_page(pfn);
	page->zone_device_data = prange->svm_bo;
	zone_device_page_init(page);
}

static int
svm_migrate_copy_to_vram(struct amdgpu_device *adev, struct svm_range *prange,
			 struct migrate_vma *migrate, u64 *dst)
{
	u64 i;

	for (i = 0; i < migrate->npages; i++) {
		migrate->dst[i] = svm_migrate_addr_to_pfn(adev, dst[i]);
		svm_migrate_get_vram_page(prange, migrate->dst[i]);
		migrate->dst[i] = migrate_pfn(migrate->dst[i]);
	}
	return 0;
}
