// SPDX-License-Identifier: GPL-2.0
/*
 * devpriv_bench: what allocating device-private address space costs
 *
 * A region is 128 MiB: one memory section, the smallest range
 * request_free_mem_region() hands out.  Contenders, each with SMALL and
 * with LARGE regions live:
 *
 * - *devpriv_seq*: devpriv_space_alloc() in a private space whose live
 *   regions were allocated one after the other and never freed, as drivers
 *   registering at probe leave it;
 * - *devpriv_holes*: the same, but every other region of 2 x LIVE was freed:
 *   LIVE regions live, LIVE holes that fit a region exactly;
 * - *stock*: request_free_mem_region() in iomem_resource, with the live
 *   regions where it puts them -- stacked downwards from the top of the
 *   physical address space -- claimed with request_mem_region() (what
 *   LIVE calls of request_free_mem_region() would leave, at a fraction of
 *   their cost).  Only at LARGE, and at SMALL in a first phase before the
 *   other regions are claimed.
 *
 * One operation is an allocation (timed) followed by the free of the same
 * region (timed apart), so every repetition starts from the same state and
 * costs the same but for what the host steals: REPS repetitions per round
 * (stock at LARGE: one), the fastest reported, in ns.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ioport.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/log2.h>
#include <linux/mmzone.h>
#include <linux/sched.h>
#include <linux/slab.h>

#include "internal.h"
#include "bench.h"

#define BENCH_REGION_BYTES	BIT(PA_SECTION_SHIFT)
#define BENCH_REGION_GRANULES	(BENCH_REGION_BYTES >> DEVPRIV_GRANULE_SHIFT)
#define BENCH_REGION_ALIGN	ilog2(BENCH_REGION_GRANULES)
#define BENCH_MAX_LIVE		16384
#define BENCH_MAX_REPS		256

static const char bench_region_name[] = "devpriv_bench region";

/**
 * struct bench_space - a private offset space with live regions
 * @space: the space
 * @live: first granule of every live region
 * @nr_live: number of live regions
 */
struct bench_space {
	struct devpriv_space space;
	unsigned long *live;
	unsigned long nr_live;
};

/**
 * struct bench_iomem - live regions of the stock contender
 * @res: the regions, in iomem_resource
 * @nr: how many
 */
struct bench_iomem {
	struct resource **res;
	unsigned long nr;
};

static struct bench_space *bench_space_create(unsigned long nr_live,
					      bool holes)
{
	struct bench_space *bs;
	unsigned long i, first;
	int err;

	bs = devpriv_kzalloc_obj(*bs, GFP_KERNEL);
	if (!bs)
		return NULL;
	bs->live = kvcalloc(nr_live * 2, sizeof(*bs->live), GFP_KERNEL);
	if (!bs->live) {
		kfree(bs);
		return NULL;
	}
	devpriv_space_init(&bs->space, devpriv_space_default_order());
	for (i = 0; i < nr_live * (holes ? 2 : 1); i++) {
		err = devpriv_space_alloc(&bs->space, BENCH_REGION_GRANULES,
					  BENCH_REGION_ALIGN, &first);
		if (err)
			goto err_free;
		bs->live[bs->nr_live++] = first;
	}
	if (holes) {
		/* free every other region, keep the rest */
		for (i = 0; i < nr_live; i++) {
			devpriv_space_free(&bs->space, bs->live[2 * i + 1],
					   BENCH_REGION_GRANULES);
			bs->live[i] = bs->live[2 * i];
		}
		bs->nr_live = nr_live;
	}
	return bs;

err_free:
	while (bs->nr_live)
		devpriv_space_free(&bs->space, bs->live[--bs->nr_live],
				   BENCH_REGION_GRANULES);
	devpriv_space_fini(&bs->space);
	kvfree(bs->live);
	kfree(bs);
	return NULL;
}

static void bench_space_destroy(struct bench_space *bs)
{
	if (!bs)
		return;
	while (bs->nr_live)
		devpriv_space_free(&bs->space, bs->live[--bs->nr_live],
				   BENCH_REGION_GRANULES);
	WARN_ON(!devpriv_space_check(&bs->space));
	devpriv_space_fini(&bs->space);
	kvfree(bs->live);
	kfree(bs);
}

/* One region allocated and freed; the two times in @alloc_ns, @free_ns. */
static int bench_space_op(struct bench_space *bs, u64 *alloc_ns, u64 *free_ns)
{
	unsigned long first;
	u64 t0, t1, t2;
	int err;

	t0 = ktime_get_ns();
	err = devpriv_space_alloc(&bs->space, BENCH_REGION_GRANULES,
				  BENCH_REGION_ALIGN, &first);
	t1 = ktime_get_ns();
	if (err)
		return err;
	devpriv_space_free(&bs->space, first, BENCH_REGION_GRANULES);
	t2 = ktime_get_ns();
	*alloc_ns = t1 - t0;
	*free_ns = t2 - t1;
	return 0;
}

static int bench_iomem_op(u64 *alloc_ns, u64 *free_ns)
{
	struct resource *res;
	resource_size_t start;
	u64 t0, t1, t2;

	t0 = ktime_get_ns();
	res = request_free_mem_region(&iomem_resource, BENCH_REGION_BYTES,
				      bench_region_name);
	t1 = ktime_get_ns();
	if (IS_ERR(res))
		return PTR_ERR(res);
	start = res->start;
	release_mem_region(start, BENCH_REGION_BYTES);
	t2 = ktime_get_ns();
	*alloc_ns = t1 - t0;
	*free_ns = t2 - t1;
	return 0;
}

/*
 * Claim regions until @nr are live, where request_free_mem_region() would
 * put them: the first by itself, the next ones below it, one region size
 * apart, skipping whatever is taken.
 */
static int bench_iomem_grow(struct bench_iomem *bi, unsigned long nr)
{
	resource_size_t addr;
	struct resource *res;

	if (!bi->nr) {
		res = request_free_mem_region(&iomem_resource,
					      BENCH_REGION_BYTES,
					      bench_region_name);
		if (IS_ERR(res))
			return PTR_ERR(res);
		bi->res[bi->nr++] = res;
	}
	addr = bi->res[bi->nr - 1]->start;
	while (bi->nr < nr) {
		if (addr < 2 * BENCH_REGION_BYTES)
			return -ENOSPC;
		addr -= BENCH_REGION_BYTES;
		res = request_mem_region(addr, BENCH_REGION_BYTES,
					 bench_region_name);
		if (!res)
			continue;
		res->desc = IORES_DESC_DEVICE_PRIVATE_MEMORY;
		bi->res[bi->nr++] = res;
		if (!(bi->nr % 256))
			cond_resched();
	}
	return 0;
}

static void bench_iomem_release(struct bench_iomem *bi)
{
	while (bi->nr) {
		struct resource *res = bi->res[--bi->nr];

		release_mem_region(res->start, resource_size(res));
		if (!(bi->nr % 256))
			cond_resched();
	}
}

enum bench_alloc_kind {
	BENCH_SEQ_SMALL,
	BENCH_SEQ_LARGE,
	BENCH_HOLES_SMALL,
	BENCH_HOLES_LARGE,
	BENCH_STOCK_LARGE,
	BENCH_ALLOC_NR,
};

struct bench_alloc_ctx {
	struct bench_space *spaces[BENCH_STOCK_LARGE];
	unsigned long small, large;
	unsigned int reps;
	u64 alloc_ns[BENCH_MAX_REPS];
	u64 free_ns[BENCH_MAX_REPS];
};

/* REPS operations of one contender; reports the fastest. */
static int bench_alloc_measure(struct bench_alloc_ctx *ctx,
			       enum bench_alloc_kind kind, unsigned int round)
{
	static const char * const names[BENCH_ALLOC_NR] = {
		[BENCH_SEQ_SMALL] = "devpriv_seq",
		[BENCH_SEQ_LARGE] = "devpriv_seq",
		[BENCH_HOLES_SMALL] = "devpriv_holes",
		[BENCH_HOLES_LARGE] = "devpriv_holes",
		[BENCH_STOCK_LARGE] = "stock",
	};
	bool large = kind == BENCH_SEQ_LARGE || kind == BENCH_HOLES_LARGE ||
		     kind == BENCH_STOCK_LARGE;
	unsigned int reps = kind == BENCH_STOCK_LARGE ? 1 : ctx->reps;
	unsigned int r;
	int err = 0;

	for (r = 0; r < reps && !err; r++) {
		if (kind == BENCH_STOCK_LARGE)
			err = bench_iomem_op(&ctx->alloc_ns[r], &ctx->free_ns[r]);
		else
			err = bench_space_op(ctx->spaces[kind], &ctx->alloc_ns[r],
					     &ctx->free_ns[r]);
	}
	if (err)
		return err;
	bench_sort_u64(ctx->alloc_ns, reps);
	bench_sort_u64(ctx->free_ns, reps);
	bench_result("alloc", names[kind], large ? ctx->large : ctx->small,
		     round, ctx->alloc_ns[0], "ns");
	bench_result("free", names[kind], large ? ctx->large : ctx->small,
		     round, ctx->free_ns[0], "ns");
	cond_resched();
	return 0;
}

/* First phase: the stock contender with only SMALL regions live. */
static int bench_alloc_stock_small(struct bench_alloc_ctx *ctx,
				   unsigned int rounds)
{
	unsigned int round, r;
	int err;

	for (round = 0; round < rounds; round++) {
		for (r = 0; r < ctx->reps; r++) {
			err = bench_iomem_op(&ctx->alloc_ns[r], &ctx->free_ns[r]);
			if (err)
				return err;
		}
		bench_sort_u64(ctx->alloc_ns, ctx->reps);
		bench_sort_u64(ctx->free_ns, ctx->reps);
		bench_result("alloc", "stock", ctx->small, round,
			     ctx->alloc_ns[0], "ns");
		bench_result("free", "stock", ctx->small, round,
			     ctx->free_ns[0], "ns");
	}
	return 0;
}

/**
 * bench_alloc() - the allocation benchmark
 * @rounds: number of rounds
 * @small: live regions of the small case
 * @large: live regions of the large case
 * @reps: operations per contender and round
 *
 * Context: process context, bench_lock held.
 * Return: 0 or -errno.
 */
int bench_alloc(unsigned int rounds, unsigned long small, unsigned long large,
		unsigned int reps)
{
	struct bench_iomem bi = {};
	struct bench_alloc_ctx *ctx;
	unsigned int round, i;
	u64 start;
	int err = -ENOMEM;

	if (!rounds || !small || small >= large || large > BENCH_MAX_LIVE ||
	    !reps || reps > BENCH_MAX_REPS)
		return -EINVAL;
	ctx = devpriv_kzalloc_obj(*ctx, GFP_KERNEL);
	if (!ctx)
		return -ENOMEM;
	ctx->small = small;
	ctx->large = large;
	ctx->reps = reps;
	bi.res = kvcalloc(large, sizeof(*bi.res), GFP_KERNEL);
	if (!bi.res)
		goto out;
	for (i = 0; i < BENCH_STOCK_LARGE; i++) {
		bool is_large = i == BENCH_SEQ_LARGE || i == BENCH_HOLES_LARGE;
		bool holes = i == BENCH_HOLES_SMALL || i == BENCH_HOLES_LARGE;

		ctx->spaces[i] = bench_space_create(is_large ? large : small,
						    holes);
		if (!ctx->spaces[i])
			goto out;
	}

	err = bench_iomem_grow(&bi, small);
	if (err)
		goto out;
	err = bench_alloc_stock_small(ctx, rounds);
	if (err)
		goto out;
	start = ktime_get_ns();
	err = bench_iomem_grow(&bi, large);
	if (err)
		goto out;
	bench_printf("# %lu regions of %lu MiB claimed in iomem in %llu ms, from %pa down\n",
		     large, BENCH_REGION_BYTES >> 20,
		     div_u64(ktime_get_ns() - start, NSEC_PER_MSEC),
		     &bi.res[0]->start);

	for (round = 0; round < rounds && !err; round++) {
		for (i = 0; i < BENCH_ALLOC_NR && !err; i++) {
			unsigned int j = round & 1 ? BENCH_ALLOC_NR - 1 - i : i;

			err = bench_alloc_measure(ctx, j, round);
		}
	}

out:
	bench_iomem_release(&bi);
	kvfree(bi.res);
	for (i = 0; i < BENCH_STOCK_LARGE; i++)
		bench_space_destroy(ctx->spaces[i]);
	kfree(ctx);
	return err;
}
