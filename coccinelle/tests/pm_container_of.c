// SPDX-License-Identifier: GPL-2.0
/*
 * The driver structure of a device page: container_of(page->pgmap, ...)
 * and the newest page_pgmap() spelling, on a private pagemap member.
 */
#include <linux/memremap.h>

struct dmem_chunk {
	struct gpu_dev *gdev;
	unsigned long allocated;
	struct dev_pagemap pagemap;
};

struct vr_region {
	struct dev_pagemap pagemap;
	u64 dpa_base;
};

static struct dmem_chunk *page_to_chunk(struct page *page)
{
	return container_of(page->pgmap, struct dmem_chunk, pagemap);
}

static struct vr_region *page_to_vr(struct page *page)
{
	return container_of(page_pgmap(page), struct vr_region, pagemap);
}

static void chunk_page_free(struct page *page)
{
	struct dmem_chunk *chunk = page_to_chunk(page);

	chunk->allocated--;
}

static int chunk_setup(struct dmem_chunk *c)
{
	c->pagemap.type = MEMORY_DEVICE_PRIVATE;
	return 0;
}

static int vr_setup(struct vr_region *vr)
{
	vr->pagemap.type = MEMORY_DEVICE_PRIVATE;
	return 0;
}
