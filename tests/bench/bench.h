/* SPDX-License-Identifier: GPL-2.0 */
/*
 * devpriv_bench: declarations shared by the benchmark groups
 *
 * Every group measures libdevpriv and the stock path it replaces in the
 * same module, round after round, and reports each measurement as one
 * line of the result buffer:
 *
 *   BENCH <metric> <contender> <param> <round> <value> <unit>
 *
 * The host (tests/bench/results.py) divides contenders round by round.
 */
#ifndef _DEVPRIV_BENCH_H
#define _DEVPRIV_BENCH_H

#include <linux/compiler.h>
#include <linux/types.h>

struct dev_pagemap_ops;

/* Ops and owner of every pagemap the module registers; no page is used. */
extern const struct dev_pagemap_ops bench_pagemap_ops;
extern int bench_owner;

/* Keeps the results of timed loops alive. */
extern unsigned long bench_sink;

__printf(1, 2) void bench_printf(const char *fmt, ...);
void bench_result(const char *metric, const char *contender,
		  unsigned long param, unsigned int round, u64 value,
		  const char *unit);
void bench_sort_u64(u64 *v, unsigned int n);

int bench_register(unsigned int rounds, unsigned long full_mib,
		   const unsigned long *sizes_mib, unsigned int nr_sizes);
int bench_hold(bool lazy, unsigned long size_mib);
void bench_release(void);
int bench_xlate(unsigned int rounds, unsigned long nr_chunks);

/* Translation samples per timed batch (a power of two). */
#define BENCH_SAMPLES		4096
/* Samples of the "hot" variants: a few pages, over and over. */
#define BENCH_HOT_SAMPLES	16

struct bench_xlate;

/**
 * struct bench_xlate_fn - one translation contender
 * @name: the contender's name in the results
 * @fn: one timed batch: BENCH_SAMPLES translations of the samples
 *	selected by @mask (index & @mask), results folded into the return
 * @single_chunk: translates the samples of the single-chunk space
 */
struct bench_xlate_fn {
	const char *name;
	unsigned long (*fn)(const struct bench_xlate *x, unsigned int mask);
	bool single_chunk;
};

#define BENCH_NR_XLATE_FNS	9
/* bench_xlate_loops.c, built with and without KASAN instrumentation */
extern const struct bench_xlate_fn bench_xlate_fns[BENCH_NR_XLATE_FNS];
extern const struct bench_xlate_fn bench_xlate_fns_nokasan[BENCH_NR_XLATE_FNS];
int bench_alloc(unsigned int rounds, unsigned long small,
		unsigned long large, unsigned int reps);

#endif /* _DEVPRIV_BENCH_H */
