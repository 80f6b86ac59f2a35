// SPDX-License-Identifier: GPL-2.0
/*
 * Eviction in code shared with coherent memory (test_hmm shape): the pfn
 * range comes from the range start and end; only a private chunk evicts
 * through libdevpriv, a coherent one keeps migrate_device_range().
 */
#include <linux/memremap.h>
#include <linux/migrate.h>
#include <linux/mm.h>

struct se_chunk {
	struct dev_pagemap pagemap;
};

static void se_setup(struct se_chunk *c, bool coherent)
{
	if (coherent)
		c->pagemap.type = MEMORY_DEVICE_COHERENT;
	else
		c->pagemap.type = MEMORY_DEVICE_PRIVATE;
}

static void se_evict(struct se_chunk *chunk, unsigned long *src_pfns)
{
	unsigned long start_pfn = chunk->pagemap.range.start >> PAGE_SHIFT;
	unsigned long end_pfn = chunk->pagemap.range.end >> PAGE_SHIFT;
	unsigned long npages = end_pfn - start_pfn + 1;

	migrate_device_range(src_pfns, start_pfn, npages);
}
