// SPDX-License-Identifier: GPL-2.0
/*
 * Large device folios in code shared with MEMORY_DEVICE_COHERENT
 * (test_hmm 7.3 shape): a private page's folio is initialised by
 * devpriv_folio_init(), failing through the function's "goto error"
 * (which frees what the function allocated); a coherent page keeps
 * zone_device_folio_init().  The private pagemap declares .folio_order.
 */
#include <linux/memremap.h>
#include <linux/migrate.h>

struct fs_chunk {
	struct dev_pagemap pagemap;
};

struct fs_dev {
	spinlock_t lock;
	bool coherent;
	struct page *free_pages;
	struct folio *free_folios;
};

static const struct dev_pagemap_ops fs_pagemap_ops;

static int fs_chunk_alloc(struct fs_dev *d, struct page **ppage)
{
	struct fs_chunk *chunk;
	struct resource *res = NULL;
	void *ptr;
	int ret;

	chunk = kzalloc(sizeof(*chunk), GFP_KERNEL);
	if (!chunk)
		return -ENOMEM;
	if (d->coherent) {
		chunk->pagemap.range.start = 0x100000000ULL;
		chunk->pagemap.range.end = 0x10fffffffULL;
		chunk->pagemap.type = MEMORY_DEVICE_COHERENT;
	} else {
		res = request_free_mem_region(&iomem_resource, SZ_256M, "fs");
		if (IS_ERR_OR_NULL(res)) {
			ret = -ENOMEM;
			goto err_free;
		}
		chunk->pagemap.range.start = res->start;
		chunk->pagemap.range.end = res->end;
		chunk->pagemap.type = MEMORY_DEVICE_PRIVATE;
	}
	chunk->pagemap.nr_range = 1;
	chunk->pagemap.ops = &fs_pagemap_ops;
	ptr = memremap_pages(&chunk->pagemap, numa_node_id());
	if (IS_ERR_OR_NULL(ptr)) {
		if (ptr)
			ret = PTR_ERR(ptr);
		else
			ret = -EFAULT;
		goto err_release;
	}
	*ppage = pfn_to_page(chunk->pagemap.range.start >> PAGE_SHIFT);
	return 0;

err_release:
	if (res && chunk->pagemap.type == MEMORY_DEVICE_PRIVATE)
		release_mem_region(chunk->pagemap.range.start,
				   range_len(&chunk->pagemap.range));
err_free:
	kfree(chunk);
	return ret;
}

static struct page *fs_alloc_page(struct fs_dev *d, bool is_large)
{
	struct page *dpage = NULL;
	struct page *rpage;
	unsigned int order = is_large ? HPAGE_PMD_ORDER : 0;

	rpage = folio_page(folio_alloc(GFP_HIGHUSER, order), 0);
	if (!rpage)
		return NULL;
	spin_lock(&d->lock);
	if (is_large && d->free_folios) {
		dpage = folio_page(d->free_folios, 0);
		d->free_folios = dpage->zone_device_data;
		spin_unlock(&d->lock);
	} else {
		spin_unlock(&d->lock);
		if (fs_chunk_alloc(d, &dpage))
			goto error;
	}

	zone_device_folio_init(page_folio(dpage),
			       page_pgmap(folio_page(page_folio(dpage), 0)),
			       order);
	dpage->zone_device_data = rpage;
	return dpage;

error:
	__free_pages(rpage, order);
	return NULL;
}

static void fs_migrate(struct fs_dev *d, struct migrate_vma *args)
{
	struct page *dpage;

	args->flags |= MIGRATE_VMA_SELECT_COMPOUND;
	dpage = fs_alloc_page(d, args->src[0] & MIGRATE_PFN_COMPOUND);
	if (dpage)
		args->dst[0] = migrate_pfn(page_to_pfn(dpage)) |
			       MIGRATE_PFN_COMPOUND;
}
