// SPDX-License-Identifier: GPL-2.0
/*
 * devpriv_bench: what registering device memory costs
 *
 * Contenders, for a device of SIZE bytes:
 *
 * - *upfront*: request_free_mem_region() of the whole size and
 *   memremap_pages() of it, as amdkfd and Xe register all of their VRAM;
 * - *lazy*: devpriv_memremap_pagemap() of a lazy pagemap of 256 chunks,
 *   then devpriv_pagemap_populate() of 16 chunks spread over the device:
 *   a driver that has used 1/16 of its memory;
 * - *chunks*: the stock path doing the work lazy population does: one
 *   request_free_mem_region() and memremap_pages() per chunk lazy
 *   populates, of the same size -- lazy / chunks is libdevpriv's own
 *   overhead over memremap_pages();
 * - *eager* (at FULL_MIB only): a %DEVPRIV_EAGER pagemap, every chunk
 *   populated at registration.
 *
 * Each is measured from its first call until it returns: time (ns), the
 * bytes of struct pages it made (the figure libdevpriv's debugfs reports as
 * struct_page_bytes), and the drop of MemAvailable, which also counts page
 * tables, windows and bookkeeping.  Teardown is not timed.  The order of the
 * contenders is reversed every other round.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ioport.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/log2.h>
#include <linux/memremap.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/slab.h>

#include "internal.h"
#include "bench.h"

/* A lazy device is 256 chunks; 16 of them are used. */
#define BENCH_LAZY_CHUNKS	256
#define BENCH_TOUCHED_CHUNKS	16
#define BENCH_MAX_SIZES		8

enum bench_reg_kind {
	BENCH_REG_LAZY,
	BENCH_REG_UPFRONT,
	BENCH_REG_CHUNKS,
	BENCH_REG_EAGER,
	BENCH_REG_NR,
};

static const char * const bench_reg_names[BENCH_REG_NR] = {
	[BENCH_REG_LAZY] = "lazy",
	[BENCH_REG_UPFRONT] = "upfront",
	[BENCH_REG_CHUNKS] = "chunks",
	[BENCH_REG_EAGER] = "eager",
};

/**
 * struct bench_stock - stock registrations of one measurement
 * @res: their physical ranges, from request_free_mem_region()
 * @pgmaps: their pagemaps
 * @nr: how many
 */
struct bench_stock {
	struct resource *res[BENCH_TOUCHED_CHUNKS];
	struct dev_pagemap *pgmaps[BENCH_TOUCHED_CHUNKS];
	unsigned int nr;
};

/**
 * struct bench_reg - one registration being measured or held
 * @kind: the contender
 * @size: device size in bytes
 * @dpgmap: lazy and eager: the pagemap
 * @stock: upfront and chunks: the stock registrations
 * @ns: time to register (and populate, for lazy)
 * @struct_page_bytes: struct pages created
 * @avail_drop: MemAvailable before minus after, in bytes (may be negative)
 */
struct bench_reg {
	enum bench_reg_kind kind;
	u64 size;
	struct devpriv_pagemap *dpgmap;
	struct bench_stock stock;
	u64 ns;
	u64 struct_page_bytes;
	s64 avail_drop;
};

/* The registration kept by "hold" until "release"; under bench_lock. */
static struct bench_reg *bench_held;

static s64 bench_avail_bytes(void)
{
	return (s64)si_mem_available() << PAGE_SHIFT;
}

/* Chunk order for a device of @pages pages cut into @nr_chunks chunks. */
static unsigned int bench_chunk_order(unsigned long pages,
				      unsigned long nr_chunks)
{
	unsigned long chunk = pages / nr_chunks;

	if (chunk < DEVPRIV_GRANULE_PAGES)
		return DEVPRIV_MIN_CHUNK_ORDER;
	return ilog2(chunk);
}

/* The struct pages of the populated chunks, as libdevpriv's debugfs counts. */
static u64 bench_dpgmap_bytes(struct devpriv_pagemap *dpgmap)
{
	u64 bytes = 0;
	unsigned long c;

	for (c = 0; c < dpgmap->nr_chunks; c++) {
		struct devpriv_chunk *chunk = dpgmap->chunks[c];

		if (chunk)
			bytes += ALIGN(chunk->nr_pages, DEVPRIV_GRANULE_PAGES) *
				 sizeof(struct page);
	}
	return bytes;
}

static int bench_reg_devpriv(struct bench_reg *r)
{
	unsigned long pages = r->size >> PAGE_SHIFT;
	struct devpriv_pagemap *dpgmap;
	unsigned long nr_chunks, touched, k;
	s64 avail;
	u64 start;
	int err;

	dpgmap = devpriv_kzalloc_obj(*dpgmap, GFP_KERNEL);
	if (!dpgmap)
		return -ENOMEM;
	dpgmap->ops = &bench_pagemap_ops;
	dpgmap->owner = &bench_owner;
	dpgmap->nr_pages = pages;
	/* registration only: no page is ever migrated to the device */
	dpgmap->flags = DEVPRIV_SELF_EVICT;
	if (r->kind == BENCH_REG_LAZY) {
		dpgmap->chunk_order = bench_chunk_order(pages, BENCH_LAZY_CHUNKS);
	} else {
		/* as drivers would: default chunks, 16 at least */
		dpgmap->chunk_order = min_t(unsigned int,
					    DEVPRIV_DEFAULT_CHUNK_ORDER,
					    bench_chunk_order(pages, 16));
		dpgmap->flags |= DEVPRIV_EAGER;
	}

	avail = bench_avail_bytes();
	start = ktime_get_ns();
	err = devpriv_memremap_pagemap(dpgmap, NUMA_NO_NODE);
	if (!err && r->kind == BENCH_REG_LAZY) {
		nr_chunks = dpgmap->nr_chunks;
		touched = min_t(unsigned long, nr_chunks, BENCH_TOUCHED_CHUNKS);
		for (k = 0; k < touched && !err; k++) {
			unsigned long c = k * nr_chunks / touched;

			err = devpriv_pagemap_populate(dpgmap,
						       c << dpgmap->chunk_order, 1);
		}
	}
	r->ns = ktime_get_ns() - start;
	r->avail_drop = avail - bench_avail_bytes();
	if (err) {
		if (dpgmap->chunks)
			devpriv_memunmap_pagemap(dpgmap);
		kfree(dpgmap);
		return err;
	}
	r->struct_page_bytes = bench_dpgmap_bytes(dpgmap);
	r->dpgmap = dpgmap;
	return 0;
}

/* One stock registration of @bytes: what test_hmm does per chunk. */
static int bench_stock_map(struct bench_stock *st, u64 bytes)
{
	struct dev_pagemap *pgmap;
	struct resource *res;
	void *addr;

	pgmap = devpriv_kzalloc_obj(*pgmap, GFP_KERNEL);
	if (!pgmap)
		return -ENOMEM;
	res = request_free_mem_region(&iomem_resource, bytes,
				      "devpriv_bench upfront");
	if (IS_ERR(res)) {
		kfree(pgmap);
		return PTR_ERR(res);
	}
	pgmap->type = MEMORY_DEVICE_PRIVATE;
	pgmap->range.start = res->start;
	pgmap->range.end = res->start + bytes - 1;
	pgmap->nr_range = 1;
	pgmap->ops = &bench_pagemap_ops;
	pgmap->owner = &bench_owner;
	addr = memremap_pages(pgmap, NUMA_NO_NODE);
	if (IS_ERR(addr)) {
		release_mem_region(res->start, resource_size(res));
		kfree(pgmap);
		return PTR_ERR(addr);
	}
	st->res[st->nr] = res;
	st->pgmaps[st->nr++] = pgmap;
	return 0;
}

static void bench_stock_unmap(struct bench_stock *st)
{
	while (st->nr) {
		struct resource *res = st->res[--st->nr];

		memunmap_pages(st->pgmaps[st->nr]);
		release_mem_region(res->start, resource_size(res));
		kfree(st->pgmaps[st->nr]);
	}
}

/*
 * upfront: the whole device in one registration.  chunks: one stock
 * registration per chunk the lazy contender populates, of the same size:
 * what memremap_pages() alone costs for the work lazy population does.
 */
static int bench_reg_stock(struct bench_reg *r)
{
	unsigned long pages = r->size >> PAGE_SHIFT;
	unsigned int order, k, nr = 1;
	u64 bytes = r->size;
	s64 avail;
	u64 start;
	int err = 0;

	if (r->kind == BENCH_REG_CHUNKS) {
		order = bench_chunk_order(pages, BENCH_LAZY_CHUNKS);
		nr = min_t(unsigned long, DIV_ROUND_UP(pages, 1UL << order),
			   BENCH_TOUCHED_CHUNKS);
		bytes = (u64)PAGE_SIZE << order;
	}
	avail = bench_avail_bytes();
	start = ktime_get_ns();
	for (k = 0; k < nr && !err; k++)
		err = bench_stock_map(&r->stock, bytes);
	r->ns = ktime_get_ns() - start;
	r->avail_drop = avail - bench_avail_bytes();
	if (err) {
		bench_stock_unmap(&r->stock);
		return err;
	}
	r->struct_page_bytes = (u64)nr * (bytes >> PAGE_SHIFT) *
			       sizeof(struct page);
	return 0;
}

static int bench_reg_start(struct bench_reg *r)
{
	if (r->kind == BENCH_REG_UPFRONT || r->kind == BENCH_REG_CHUNKS)
		return bench_reg_stock(r);
	return bench_reg_devpriv(r);
}

static void bench_reg_stop(struct bench_reg *r)
{
	if (r->dpgmap) {
		devpriv_memunmap_pagemap(r->dpgmap);
		kfree(r->dpgmap);
		r->dpgmap = NULL;
	}
	bench_stock_unmap(&r->stock);
}

static int bench_reg_measure(enum bench_reg_kind kind, unsigned long size_mib,
			     unsigned int round)
{
	struct bench_reg r = {
		.kind = kind,
		.size = (u64)size_mib << 20,
	};
	const char *name = bench_reg_names[kind];
	int err;

	err = bench_reg_start(&r);
	if (err) {
		bench_printf("# %s %lu MiB failed: %d\n", name, size_mib, err);
		return err;
	}
	bench_reg_stop(&r);
	bench_result("reg_time", name, size_mib, round, r.ns, "ns");
	bench_result("reg_bytes", name, size_mib, round, r.struct_page_bytes,
		     "bytes");
	/* a drop below zero is noise around nothing: report it as 0 */
	bench_result("reg_memavail", name, size_mib, round,
		     max_t(s64, r.avail_drop, 0), "bytes");
	cond_resched();
	return 0;
}

/**
 * bench_register() - the registration benchmark
 * @rounds: number of rounds
 * @full_mib: the size at which the eager contender runs too
 * @sizes_mib: device sizes in MiB
 * @nr_sizes: number of sizes
 *
 * Context: process context, bench_lock held.
 * Return: 0 or the first error.
 */
int bench_register(unsigned int rounds, unsigned long full_mib,
		   const unsigned long *sizes_mib, unsigned int nr_sizes)
{
	enum bench_reg_kind order[BENCH_REG_NR];
	unsigned int round, s, i, n;
	int err;

	if (!rounds || nr_sizes > BENCH_MAX_SIZES)
		return -EINVAL;
	for (s = 0; s < nr_sizes; s++)
		if (sizes_mib[s] < (DEVPRIV_GRANULE_PAGES << PAGE_SHIFT >> 20))
			return -EINVAL;

	bench_printf("# struct page: %zu bytes; lazy: %u chunks, %u used\n",
		     sizeof(struct page), BENCH_LAZY_CHUNKS,
		     BENCH_TOUCHED_CHUNKS);
	for (round = 0; round < rounds; round++) {
		for (s = 0; s < nr_sizes; s++) {
			n = 0;
			order[n++] = BENCH_REG_LAZY;
			order[n++] = BENCH_REG_UPFRONT;
			order[n++] = BENCH_REG_CHUNKS;
			if (sizes_mib[s] == full_mib)
				order[n++] = BENCH_REG_EAGER;
			for (i = 0; i < n; i++) {
				/* reverse the order every other round */
				unsigned int j = round & 1 ? n - 1 - i : i;

				err = bench_reg_measure(order[j], sizes_mib[s],
							round);
				if (err)
					return err;
			}
		}
	}
	return 0;
}

/**
 * bench_hold() - register once and keep it, for the guest to inspect
 * @lazy: the lazy contender (else upfront)
 * @size_mib: device size in MiB
 *
 * Reports the same figures as one round of bench_register().
 *
 * Context: process context, bench_lock held.
 * Return: 0 or -errno.
 */
int bench_hold(bool lazy, unsigned long size_mib)
{
	struct bench_reg *r;
	int err;

	if (bench_held)
		return -EBUSY;
	r = devpriv_kzalloc_obj(*r, GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	r->kind = lazy ? BENCH_REG_LAZY : BENCH_REG_UPFRONT;
	r->size = (u64)size_mib << 20;
	err = bench_reg_start(r);
	if (err) {
		kfree(r);
		return err;
	}
	bench_printf("HOLD %s size_mib %lu ns %llu struct_page_bytes %llu memavail_drop %lld\n",
		     bench_reg_names[r->kind], size_mib, r->ns,
		     r->struct_page_bytes, r->avail_drop);
	bench_held = r;
	return 0;
}

/**
 * bench_release() - undo bench_hold(), if anything is held
 *
 * Context: process context, bench_lock held.
 */
void bench_release(void)
{
	if (!bench_held)
		return;
	bench_reg_stop(bench_held);
	kfree(bench_held);
	bench_held = NULL;
}
