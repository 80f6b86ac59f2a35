/* SPDX-License-Identifier: GPL-2.0 */
/*
 * devpriv_bench: the state of the translation benchmark, shared by
 * bench_xlate.c and the timed loops (bench_xlate_loops.c).
 */
#ifndef _DEVPRIV_BENCH_XLATE_H
#define _DEVPRIV_BENCH_XLATE_H

#include <linux/maple_tree.h>

#include "internal.h"
#include "bench.h"

/**
 * struct bench_xlate - the pagemaps, lookup structures and samples
 * @many: NR_CHUNKS chunks, in the global space of this instance
 * @one_space: a private space with a single chunk
 * @one: that chunk's pagemap
 * @mt: the maple tree baseline: offset range -> chunk of @many
 * @offsets: offsets of the samples in @many
 * @indices: their pagemap indices
 * @pfns: their pfns
 * @pages: their pages
 * @one_offsets: offsets of samples in @one
 */
struct bench_xlate {
	struct devpriv_pagemap many;
	struct devpriv_space one_space;
	struct devpriv_pagemap one;
	struct maple_tree mt;
	unsigned long offsets[BENCH_SAMPLES];
	unsigned long indices[BENCH_SAMPLES];
	unsigned long pfns[BENCH_SAMPLES];
	struct page *pages[BENCH_SAMPLES];
	unsigned long one_offsets[BENCH_SAMPLES];
};

#endif /* _DEVPRIV_BENCH_XLATE_H */
