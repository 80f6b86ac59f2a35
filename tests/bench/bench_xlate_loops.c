// SPDX-License-Identifier: GPL-2.0
/*
 * devpriv_bench: the timed translation loops
 *
 * Built twice: as is, instrumented by KASAN like any module of the test
 * kernel, and as bench_xlate_loops_nokasan.c without instrumentation, so
 * that the results tell the cost of the inline helpers' memory accesses
 * apart from the cost KASAN adds to each of them.  The library's out of
 * line functions and the kernel's xarray and maple tree are instrumented
 * either way.
 *
 * Every loop runs BENCH_SAMPLES operations on the samples index & @mask
 * and folds each result into an accumulator it returns.
 */

#include <linux/maple_tree.h>
#include <linux/memremap.h>
#include <linux/mm.h>

#include "bench_xlate.h"

#ifdef BENCH_NOKASAN
#define BENCH_FN(name)		name##_nokasan
#else
#define BENCH_FN(name)		name
#endif

static noinline unsigned long
BENCH_FN(bench_devpriv_offset_to_page)(const struct bench_xlate *x,
				       unsigned int mask)
{
	unsigned long acc = 0;
	unsigned int i;

	for (i = 0; i < BENCH_SAMPLES; i++)
		acc ^= (unsigned long)devpriv_offset_to_page(x->offsets[i & mask]);
	return acc;
}

static noinline unsigned long
BENCH_FN(bench_space_offset_to_page)(const struct bench_xlate *x,
				     unsigned int mask)
{
	struct devpriv_space *space = x->many.space;
	unsigned long acc = 0;
	unsigned int i;

	for (i = 0; i < BENCH_SAMPLES; i++)
		acc ^= (unsigned long)devpriv_space_offset_to_page(space,
								  x->offsets[i & mask]);
	return acc;
}

static noinline unsigned long
BENCH_FN(bench_space1_offset_to_page)(const struct bench_xlate *x,
				      unsigned int mask)
{
	struct devpriv_space *space = x->one.space;
	unsigned long acc = 0;
	unsigned int i;

	for (i = 0; i < BENCH_SAMPLES; i++)
		acc ^= (unsigned long)devpriv_space_offset_to_page(space,
								  x->one_offsets[i & mask]);
	return acc;
}

static noinline unsigned long
BENCH_FN(bench_maple_offset_to_page)(const struct bench_xlate *x,
				     unsigned int mask)
{
	struct maple_tree *mt = (struct maple_tree *)&x->mt;
	unsigned long acc = 0;
	unsigned int i;

	for (i = 0; i < BENCH_SAMPLES; i++) {
		unsigned long offset = x->offsets[i & mask];
		struct devpriv_chunk *chunk = mtree_load(mt, offset);

		acc ^= (unsigned long)(chunk->pages + (offset - chunk->offset));
	}
	return acc;
}

static noinline unsigned long
BENCH_FN(bench_pfn_to_page)(const struct bench_xlate *x, unsigned int mask)
{
	unsigned long acc = 0;
	unsigned int i;

	for (i = 0; i < BENCH_SAMPLES; i++)
		acc ^= (unsigned long)pfn_to_page(x->pfns[i & mask]);
	return acc;
}

static noinline unsigned long
BENCH_FN(bench_index_to_page)(const struct bench_xlate *x, unsigned int mask)
{
	unsigned long acc = 0;
	unsigned int i;

	for (i = 0; i < BENCH_SAMPLES; i++)
		acc ^= (unsigned long)devpriv_index_to_page(&x->many,
							    x->indices[i & mask]);
	return acc;
}

static noinline unsigned long
BENCH_FN(bench_page_to_index)(const struct bench_xlate *x, unsigned int mask)
{
	unsigned long acc = 0;
	unsigned int i;

	for (i = 0; i < BENCH_SAMPLES; i++)
		acc ^= devpriv_page_to_index(x->pages[i & mask]);
	return acc;
}

static noinline unsigned long
BENCH_FN(bench_page_to_pfn)(const struct bench_xlate *x, unsigned int mask)
{
	unsigned long acc = 0;
	unsigned int i;

	for (i = 0; i < BENCH_SAMPLES; i++)
		acc ^= page_to_pfn(x->pages[i & mask]);
	return acc;
}

/*
 * What a stock driver does for page -> device index: its chunk from
 * page->pgmap, the pfn's distance from the start of the chunk's range
 * (nouveau_dmem_page_addr(), test_hmm's BACKING_PAGE() reads the struct
 * page likewise).  Unlike page_to_pfn() alone, it reads the struct page.
 */
static noinline unsigned long
BENCH_FN(bench_pgmap_page_to_index)(const struct bench_xlate *x,
				    unsigned int mask)
{
	unsigned long acc = 0;
	unsigned int i;

	for (i = 0; i < BENCH_SAMPLES; i++) {
		struct page *page = x->pages[i & mask];

		acc ^= page_to_pfn(page) -
		       PHYS_PFN(devpriv_page_pgmap(page)->range.start);
	}
	return acc;
}

const struct bench_xlate_fn BENCH_FN(bench_xlate_fns)[BENCH_NR_XLATE_FNS] = {
	{ "devpriv_offset_to_page", BENCH_FN(bench_devpriv_offset_to_page) },
	{ "space_offset_to_page", BENCH_FN(bench_space_offset_to_page) },
	{ "space_offset_to_page", BENCH_FN(bench_space1_offset_to_page), true },
	{ "maple_offset_to_page", BENCH_FN(bench_maple_offset_to_page) },
	{ "pfn_to_page", BENCH_FN(bench_pfn_to_page) },
	{ "devpriv_index_to_page", BENCH_FN(bench_index_to_page) },
	{ "devpriv_page_to_index", BENCH_FN(bench_page_to_index) },
	{ "page_to_pfn", BENCH_FN(bench_page_to_pfn) },
	{ "pgmap_page_to_index", BENCH_FN(bench_pgmap_page_to_index) },
};
