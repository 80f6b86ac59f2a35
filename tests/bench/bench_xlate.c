// SPDX-License-Identifier: GPL-2.0
/*
 * devpriv_bench: what translating between offsets, indices and pages costs
 *
 * One eager pagemap of NR_CHUNKS chunks of 2 MiB (the smallest chunk, so the
 * most chunks per byte of struct pages) in the instance's global space, and
 * the same random pages of it translated by each contender:
 *
 * =======================  ===============================================
 * contender                what one operation is
 * =======================  ===============================================
 * devpriv_offset_to_page   the library's public offset -> page
 * space_offset_to_page     its core, devpriv_space_offset_to_page()
 * maple_offset_to_page     the upstream design: mtree_load() of a maple
 *                          tree of offset ranges -> chunk, plus the index
 *                          into the chunk's pages
 * pfn_to_page              the stock pfn -> page of the same pages
 * devpriv_index_to_page    the library's pagemap index -> page
 * devpriv_page_to_index    the library's page -> pagemap index
 * page_to_pfn              the stock page -> pfn
 * pgmap_page_to_index      a stock driver's page -> device index:
 *                          page_to_pfn() minus the start of
 *                          page->pgmap's range (as nouveau does)
 * =======================  ===============================================
 *
 * space_offset_to_page also runs, with param 1, on a private space holding
 * a single chunk: how the lookup grows with the number of chunks.
 *
 * A timed batch is 4096 operations with preemption off; the result of
 * every operation is folded into an accumulator that is stored at the end,
 * so nothing can be optimised away.  The samples are 4096 random pages of
 * the pagemap; the *_hot variants use the first 16 of them over and over,
 * so that the struct pages and lookup nodes they touch stay cached.  The
 * *_nokasan variants run the same loops compiled without KASAN
 * instrumentation (bench_xlate_loops.c).  Each round runs 16 batches of
 * every variant of every contender, interleaved, and keeps each one's
 * fastest batch: the one least disturbed by the host.  Values are
 * picoseconds per operation.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/maple_tree.h>
#include <linux/memremap.h>
#include <linux/mm.h>
#include <linux/preempt.h>
#include <linux/random.h>
#include <linux/sched.h>
#include <linux/slab.h>

#include "bench_xlate.h"

#define BENCH_BATCHES		16
#define BENCH_MAX_CHUNKS	65536
/* variants of every contender: instrumented or not, cold or hot */
#define BENCH_NR_VARIANTS	4
#define BENCH_NR_XLATE		(BENCH_NR_VARIANTS * BENCH_NR_XLATE_FNS)

static const struct bench_xlate_fn *bench_xlate_variant(unsigned int v,
							unsigned int *mask,
							const char **suffix)
{
	static const char * const suffixes[BENCH_NR_VARIANTS] = {
		"", "_hot", "_nokasan", "_hot_nokasan",
	};

	*mask = v & 1 ? BENCH_HOT_SAMPLES - 1 : BENCH_SAMPLES - 1;
	*suffix = suffixes[v];
	return v & 2 ? bench_xlate_fns_nokasan : bench_xlate_fns;
}

static u64 bench_xlate_batch(unsigned int c, const struct bench_xlate *x)
{
	const struct bench_xlate_fn *fns;
	const char *suffix;
	unsigned int mask;
	unsigned long acc;
	u64 start, ns;

	fns = bench_xlate_variant(c / BENCH_NR_XLATE_FNS, &mask, &suffix);
	preempt_disable();
	start = ktime_get_ns();
	acc = fns[c % BENCH_NR_XLATE_FNS].fn(x, mask);
	ns = ktime_get_ns() - start;
	preempt_enable();
	WRITE_ONCE(bench_sink, READ_ONCE(bench_sink) ^ acc);
	return ns;
}

static void bench_xlate_report(unsigned int c, unsigned long nr_chunks,
			       unsigned int round, u64 best)
{
	const struct bench_xlate_fn *fns, *fn;
	const char *suffix;
	unsigned int mask;
	char name[48];

	fns = bench_xlate_variant(c / BENCH_NR_XLATE_FNS, &mask, &suffix);
	fn = &fns[c % BENCH_NR_XLATE_FNS];
	snprintf(name, sizeof(name), "%s%s", fn->name, suffix);
	bench_result("xlate", name, fn->single_chunk ? 1 : nr_chunks, round,
		     div_u64(best * 1000, BENCH_SAMPLES), "ps/op");
}

static int bench_xlate_register(struct devpriv_pagemap *dpgmap,
				unsigned long nr_chunks,
				struct devpriv_space *space)
{
	dpgmap->ops = &bench_pagemap_ops;
	dpgmap->owner = &bench_owner;
	dpgmap->nr_pages = nr_chunks << DEVPRIV_MIN_CHUNK_ORDER;
	dpgmap->chunk_order = DEVPRIV_MIN_CHUNK_ORDER;
	/* lookups only: no page is ever migrated to the device */
	dpgmap->flags = DEVPRIV_EAGER | DEVPRIV_SELF_EVICT;
	if (!space)
		return devpriv_memremap_pagemap(dpgmap, NUMA_NO_NODE);
	return __devpriv_memremap_pagemap(dpgmap, NUMA_NO_NODE, space,
					  &devpriv_backend_default);
}

/* Samples, the maple tree, and a check that every contender agrees. */
static int bench_xlate_prepare(struct bench_xlate *x, unsigned long nr_chunks)
{
	unsigned long c, i;
	int err;

	for (c = 0; c < nr_chunks; c++) {
		struct devpriv_chunk *chunk = x->many.chunks[c];

		err = mtree_store_range(&x->mt, chunk->offset,
					chunk->offset + chunk->nr_pages - 1,
					chunk, GFP_KERNEL);
		if (err)
			return err;
		cond_resched();
	}
	for (i = 0; i < BENCH_SAMPLES; i++) {
		unsigned long index = get_random_u32() % x->many.nr_pages;
		struct page *page = devpriv_index_to_page(&x->many, index);
		unsigned long one = get_random_u32() % x->one.nr_pages;
		struct devpriv_chunk *chunk;

		x->indices[i] = index;
		x->pages[i] = page;
		x->offsets[i] = x->many.base + index;
		x->pfns[i] = page_to_pfn(page);
		x->one_offsets[i] = x->one.base + one;
		chunk = mtree_load(&x->mt, x->offsets[i]);
		if (!page || devpriv_offset_to_page(x->offsets[i]) != page ||
		    pfn_to_page(x->pfns[i]) != page ||
		    devpriv_page_to_index(page) != index || !chunk ||
		    chunk->pages + (x->offsets[i] - chunk->offset) != page ||
		    devpriv_space_offset_to_page(x->one.space, x->one_offsets[i]) !=
		    devpriv_index_to_page(&x->one, one)) {
			pr_err("sample %lu (index %lu) does not translate\n",
			       i, index);
			return -EINVAL;
		}
	}
	return 0;
}

/* Every contender of every variant must compute the same as the first. */
static int bench_xlate_agree(const struct bench_xlate *x)
{
	static const unsigned int same[] = { 0, 1, 3, 4, 5 };	/* -> page */
	const struct bench_xlate_fn *fns;
	unsigned int v, i, mask;
	const char *suffix;
	unsigned long want;

	for (v = 0; v < BENCH_NR_VARIANTS; v++) {
		fns = bench_xlate_variant(v, &mask, &suffix);
		want = fns[same[0]].fn(x, mask);
		for (i = 1; i < ARRAY_SIZE(same); i++)
			if (fns[same[i]].fn(x, mask) != want)
				return -EINVAL;
		if (fns[6].fn(x, mask) != bench_xlate_fns[6].fn(x, mask) ||
		    fns[7].fn(x, mask) != bench_xlate_fns[7].fn(x, mask))
			return -EINVAL;
	}
	return 0;
}

/**
 * bench_xlate() - the translation benchmark
 * @rounds: number of rounds
 * @nr_chunks: chunks of the large pagemap
 *
 * Context: process context, bench_lock held.
 * Return: 0 or -errno.
 */
int bench_xlate(unsigned int rounds, unsigned long nr_chunks)
{
	u64 best[BENCH_NR_XLATE];
	struct bench_xlate *x;
	unsigned int round, b, i;
	u64 start;
	int err;

	if (!rounds || !nr_chunks || nr_chunks > BENCH_MAX_CHUNKS)
		return -EINVAL;
	x = devpriv_kvzalloc_obj(*x, GFP_KERNEL);
	if (!x)
		return -ENOMEM;
	mt_init(&x->mt);
	devpriv_space_init(&x->one_space, devpriv_space_default_order());

	start = ktime_get_ns();
	err = bench_xlate_register(&x->many, nr_chunks, NULL);
	if (err)
		goto out_space;
	bench_printf("# %lu chunks of 2 MiB registered in %llu ms\n", nr_chunks,
		     div_u64(ktime_get_ns() - start, NSEC_PER_MSEC));
	err = bench_xlate_register(&x->one, 1, &x->one_space);
	if (err)
		goto out_many;
	err = bench_xlate_prepare(x, nr_chunks);
	if (!err)
		err = bench_xlate_agree(x);
	if (err)
		goto out_one;

	for (round = 0; round < rounds; round++) {
		for (i = 0; i < BENCH_NR_XLATE; i++)
			best[i] = U64_MAX;
		for (b = 0; b < BENCH_BATCHES; b++) {
			for (i = 0; i < BENCH_NR_XLATE; i++) {
				/* rotate who goes first */
				unsigned int c = (i + b + round) % BENCH_NR_XLATE;

				best[c] = min(best[c], bench_xlate_batch(c, x));
			}
			cond_resched();
		}
		for (i = 0; i < BENCH_NR_XLATE; i++)
			bench_xlate_report(i, nr_chunks, round, best[i]);
	}

out_one:
	devpriv_memunmap_pagemap(&x->one);
out_many:
	start = ktime_get_ns();
	devpriv_memunmap_pagemap(&x->many);
	bench_printf("# %lu chunks unregistered in %llu ms\n", nr_chunks,
		     div_u64(ktime_get_ns() - start, NSEC_PER_MSEC));
out_space:
	mtree_destroy(&x->mt);
	devpriv_space_fini(&x->one_space);
	kvfree(x);
	return err;
}
