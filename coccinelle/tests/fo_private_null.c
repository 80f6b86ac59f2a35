// SPDX-License-Identifier: GPL-2.0
/*
 * Large device folios in a private-only driver (nouveau 7.3 shape): the
 * pagemap gains .folio_order because the driver migrates compound
 * folios; the allocator's zone_device_folio_init() becomes
 * devpriv_folio_init(), failing through the function's "return NULL";
 * the migrate pfn with MIGRATE_PFN_COMPOUND of a large folio becomes
 * devpriv_folio_migrate_pfn().
 */
#include <linux/memremap.h>
#include <linux/migrate.h>

#define FP_CHUNK_SIZE	(2UL << 20)
#define FP_CHUNK_NPAGES	(FP_CHUNK_SIZE >> PAGE_SHIFT)

struct fp_chunk {
	struct dev_pagemap pagemap;
	unsigned long used;
};

struct fp_dev {
	spinlock_t lock;
	struct folio *free_folios;
	struct page *free_pages;
};

static const struct dev_pagemap_ops fp_pagemap_ops;

static int fp_chunk_alloc(struct fp_dev *d, struct page **ppage)
{
	struct fp_chunk *chunk;
	struct resource *res;
	void *ptr;

	chunk = kzalloc(sizeof(*chunk), GFP_KERNEL);
	if (!chunk)
		return -ENOMEM;
	res = request_free_mem_region(&iomem_resource, FP_CHUNK_SIZE, "fp");
	if (IS_ERR(res)) {
		kfree(chunk);
		return PTR_ERR(res);
	}
	chunk->pagemap.type = MEMORY_DEVICE_PRIVATE;
	chunk->pagemap.range.start = res->start;
	chunk->pagemap.range.end = res->end;
	chunk->pagemap.nr_range = 1;
	chunk->pagemap.ops = &fp_pagemap_ops;
	ptr = memremap_pages(&chunk->pagemap, numa_node_id());
	if (IS_ERR(ptr)) {
		release_mem_region(chunk->pagemap.range.start,
				   range_len(&chunk->pagemap.range));
		kfree(chunk);
		return PTR_ERR(ptr);
	}
	*ppage = pfn_to_page(chunk->pagemap.range.start >> PAGE_SHIFT);
	return 0;
}

static struct page *fp_alloc_page(struct fp_dev *d, bool is_large)
{
	struct folio *folio;
	struct page *page;
	unsigned int order = 0;
	int ret;

	spin_lock(&d->lock);
	if (is_large && d->free_folios) {
		folio = d->free_folios;
		d->free_folios = folio->page.zone_device_data;
		spin_unlock(&d->lock);
		page = &folio->page;
		order = ilog2(FP_CHUNK_NPAGES);
	} else {
		spin_unlock(&d->lock);
		ret = fp_chunk_alloc(d, &page);
		if (ret)
			return NULL;
		folio = page_folio(page);
	}

	zone_device_folio_init(folio, page_pgmap(folio_page(folio, 0)), order);
	return page;
}

static unsigned long fp_copy_to_dev(struct fp_dev *d, unsigned long src)
{
	struct page *dpage;
	unsigned long mpfn;

	dpage = fp_alloc_page(d, src & MIGRATE_PFN_COMPOUND);
	if (!dpage)
		return 0;
	mpfn = migrate_pfn(page_to_pfn(dpage));
	if (folio_order(page_folio(dpage)))
		mpfn |= MIGRATE_PFN_COMPOUND;
	return mpfn;
}

static void fp_migrate(struct fp_dev *d, struct vm_area_struct *vma)
{
	struct migrate_vma args = {
		.vma = vma,
		.flags = MIGRATE_VMA_SELECT_SYSTEM | MIGRATE_VMA_SELECT_COMPOUND,
	};

	migrate_vma_setup(&args);
	args.dst[0] = fp_copy_to_dev(d, args.src[0]);
}
