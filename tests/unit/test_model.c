// SPDX-License-Identifier: GPL-2.0
/*
 * Randomised model-based test of a space with pagemaps and raw regions.
 *
 * DOC: model
 *
 * A sequence of random steps -- register (lazy or eager), populate, look
 * up in every direction, unregister, raw allocation and free -- runs
 * against libdevpriv and against a reference model: an owner per granule
 * and a populated flag per chunk.  The model predicts each outcome
 * exactly: the buddy allocator succeeds if and only if some naturally
 * aligned run of 2^order granules is wholly free (free blocks are always
 * merged, so such a run is always a free block or inside one), every
 * lookup's answer, every warning.  After every step the space's own
 * invariant walker runs and the counts are compared.
 *
 * The seed is printed; DEVPRIV_SEED=<seed> replays a run.  The "faults"
 * variant also fails a random share of allocations: a failed step must
 * leave the model's state (populations may stop part way, each chunk all
 * or nothing).
 */
#include <errno.h>
#include <string.h>

#include <linux/mm.h>

#include "devpriv_test.h"

#define MODEL_MAPS	12
#define MODEL_RAWS	12
#define MODEL_MAX_ORDER	8
#define MODEL_GRANULES	BIT(MODEL_MAX_ORDER)
#define GRANULE		DEVPRIV_GRANULE_PAGES
#define MIN_CO		DEVPRIV_MIN_CHUNK_ORDER

struct model_map {
	struct devpriv_pagemap dpgmap;
	bool registered;
	bool populated[MODEL_GRANULES];
};

struct model_raw {
	bool live;
	unsigned long first;
	unsigned long nr;
};

struct model {
	struct devpriv_space space;
	unsigned int order;
	unsigned long long rng;
	/* 0: free; 1 + i: pagemap i; 1 + MODEL_MAPS + i: raw region i */
	unsigned char owner[MODEL_GRANULES];
	struct model_map maps[MODEL_MAPS];
	struct model_raw raws[MODEL_RAWS];
	unsigned int fault_rate;
	unsigned long step;
	unsigned long stats[8];
};

enum {
	ST_REGISTERED,
	ST_ENOSPC,
	ST_POPULATED,
	ST_LOOKUPS,
	ST_UNREGISTERED,
	ST_RAW,
	ST_ENOMEM,
	ST_BAD,
};

static struct model m;

static unsigned long rnd(unsigned long n)
{
	return unit_rand_below(&m.rng, n);
}

/* armed even at rate 0: devpriv_fault_seen() then counts the step's */
static void fault_arm(void)
{
	devpriv_fault_fail_random(m.fault_rate, unit_rand_next(&m.rng));
}

static bool fault_disarm(void)
{
	devpriv_fault_off();
	return m.fault_rate && devpriv_fault_injected();
}

#define MODEL_ASSERT(cond) do {						\
	if (!(cond))							\
		unit_fail(__FILE__, __LINE__, "step %lu: %s", m.step, #cond); \
} while (0)

static unsigned long model_space_granules(void)
{
	return 1UL << m.order;
}

/* Is there a wholly free, naturally aligned run of 2^order granules? */
static bool model_fits(unsigned int order)
{
	unsigned long pos, g;

	if (order > m.order)
		return false;
	for (pos = 0; pos < model_space_granules(); pos += 1UL << order) {
		for (g = pos; g < pos + (1UL << order); g++)
			if (m.owner[g])
				break;
		if (g == pos + (1UL << order))
			return true;
	}
	return false;
}

static void model_claim(unsigned long first, unsigned long nr,
			unsigned int order, unsigned char owner)
{
	unsigned long g;

	/* cut from one free block: aligned to the block's order */
	MODEL_ASSERT((first & ((1UL << order) - 1)) == 0);
	MODEL_ASSERT(first + nr <= model_space_granules());
	for (g = first; g < first + nr; g++) {
		MODEL_ASSERT(!m.owner[g]);
		m.owner[g] = owner;
	}
}

static void model_release(unsigned long first, unsigned long nr,
			  unsigned char owner)
{
	unsigned long g;

	for (g = first; g < first + nr; g++) {
		MODEL_ASSERT(m.owner[g] == owner);
		m.owner[g] = 0;
	}
}

static unsigned long map_granules(const struct devpriv_pagemap *dp)
{
	return dp->nr_chunks << (dp->chunk_order - MIN_CO);
}

static unsigned int alloc_order(unsigned long nr, unsigned int align)
{
	return max_t(unsigned int, order_base_2(nr), align);
}

/* What the model expects at @offset: NULL or a page with that offset. */
static bool model_expect_page(unsigned long offset, struct model_map **mapp,
			      unsigned long *index)
{
	unsigned long g = offset >> MIN_CO;
	unsigned int owner;
	struct model_map *mm;

	if (g >= model_space_granules())
		return false;
	owner = m.owner[g];
	if (!owner || owner > MODEL_MAPS)
		return false;
	mm = &m.maps[owner - 1];
	*mapp = mm;
	*index = offset - mm->dpgmap.base;
	return *index < mm->dpgmap.nr_pages &&
	       mm->populated[*index >> mm->dpgmap.chunk_order];
}

static void check_offset(unsigned long offset)
{
	struct page *page = devpriv_space_offset_to_page(&m.space, offset);
	struct model_map *mm = NULL;
	unsigned long index = 0;

	if (!model_expect_page(offset, &mm, &index)) {
		MODEL_ASSERT(!page);
		return;
	}
	MODEL_ASSERT(page);
	MODEL_ASSERT(devpriv_is_devpriv_page(page));
	MODEL_ASSERT(devpriv_page_to_offset(page) == offset);
	MODEL_ASSERT(devpriv_page_to_index(page) == index);
	MODEL_ASSERT(devpriv_page_pagemap(page) == &mm->dpgmap);
	MODEL_ASSERT(devpriv_index_to_page(&mm->dpgmap, index) == page);
}

static void check_index(struct model_map *mm, unsigned long index)
{
	struct devpriv_pagemap *dp = &mm->dpgmap;
	struct page *page = devpriv_index_to_page(dp, index);

	if (!mm->populated[index >> dp->chunk_order]) {
		MODEL_ASSERT(!page);
		MODEL_ASSERT(!devpriv_space_offset_to_page(&m.space,
							   dp->base + index));
		return;
	}
	MODEL_ASSERT(page);
	MODEL_ASSERT(devpriv_page_to_index(page) == index);
	MODEL_ASSERT(devpriv_page_to_offset(page) == dp->base + index);
	MODEL_ASSERT(devpriv_page_pagemap(page) == dp);
	MODEL_ASSERT(devpriv_space_offset_to_page(&m.space, dp->base + index) ==
		     page);
}

/*
 * Every slot of the offset table in use is a populated chunk of the model,
 * found through its biased page pointer or its tag; returns the chunks.
 */
static unsigned long check_chunk_entries(void)
{
	const struct devpriv_offset_table *table = *m.space.table;
	unsigned long g, nr = 0;

	for (g = 0; g < table->nr_slots; g++) {
		unsigned long slot = table->slots[g];
		struct devpriv_chunk *chunk;
		struct devpriv_pagemap *dp;
		struct model_map *mm;

		if (slot == DEVPRIV_SLOT_INDIRECT)
			continue;
		if (slot & DEVPRIV_SLOT_INDIRECT)
			chunk = (struct devpriv_chunk *)(slot & ~DEVPRIV_SLOT_INDIRECT);
		else
			chunk = devpriv_page_chunk((struct page *)slot +
						   (g << MIN_CO));
		MODEL_ASSERT(chunk);
		dp = chunk->dpgmap;
		mm = container_of(dp, struct model_map, dpgmap);
		if (mm < m.maps || mm >= m.maps + MODEL_MAPS || !mm->registered)
			unit_fail(__FILE__, __LINE__,
				  "step %lu: granule %lu: chunk %p of a pagemap not registered",
				  m.step, g, chunk);
		MODEL_ASSERT(g - (chunk->offset >> MIN_CO) <
			     1UL << (dp->chunk_order - MIN_CO));
		MODEL_ASSERT(dp->chunks[chunk->first_index >> dp->chunk_order] ==
			     chunk);
		nr += g == chunk->offset >> MIN_CO;
	}
	MODEL_ASSERT(m.space.nr_chunks == nr);
	return nr;
}

static void check_counts(void)
{
	unsigned long owned = 0, chunks = 0, g, c;
	unsigned int i;

	MODEL_ASSERT(devpriv_space_check(&m.space));
	for (g = 0; g < model_space_granules(); g++)
		owned += !!m.owner[g];
	MODEL_ASSERT(m.space.nr_allocated == owned);
	for (i = 0; i < MODEL_MAPS; i++) {
		struct model_map *mm = &m.maps[i];
		unsigned long here = 0;

		if (!mm->registered) {
			MODEL_ASSERT(!mm->dpgmap.space);
			continue;
		}
		for (c = 0; c < mm->dpgmap.nr_chunks; c++) {
			MODEL_ASSERT(!!mm->dpgmap.chunks[c] == mm->populated[c]);
			here += mm->populated[c];
		}
		MODEL_ASSERT(mm->dpgmap.nr_populated == here);
		chunks += here;
	}
	MODEL_ASSERT(devpriv_test_backend_live() == (long)chunks);
	MODEL_ASSERT(check_chunk_entries() == chunks);
	MODEL_ASSERT(devpriv_test_pending_warnings() == 0);
}

static void step_register(void)
{
	struct model_map *mm = NULL;
	struct devpriv_pagemap *dp;
	unsigned long max_pages = GRANULE << m.order, granules;
	unsigned int i, co, order, flags;
	bool fits, failed;
	int err;

	for (i = 0; i < MODEL_MAPS; i++)
		if (!m.maps[i].registered) {
			mm = &m.maps[i];
			break;
		}
	if (!mm)
		return;
	dp = &mm->dpgmap;
	co = MIN_CO + (rnd(4) ? rnd(3) : rnd(m.order + 1));
	flags = rnd(3) ? 0 : DEVPRIV_EAGER;
	devpriv_test_pagemap_init(dp, 1 + rnd(rnd(4) ? 8 * GRANULE : max_pages),
				  co, flags);
	dp->align_order = rnd(3) ? 0 : rnd(MIN_CO + m.order + 1);
	memset(mm->populated, 0, sizeof(mm->populated));

	/* now and then, a malformed request: refused, warned, no change */
	if (!rnd(40)) {
		dp->chunk_order = MIN_CO + m.order + 1 + rnd(4);
		MODEL_ASSERT(__devpriv_memremap_pagemap(dp, NUMA_NO_NODE,
							&m.space,
							&devpriv_test_backend) ==
			     -EINVAL);
		T_WARNS(1, "chunk order");
		m.stats[ST_BAD]++;
		return;
	}

	/* registration lowers the chunk order to the pagemap's size */
	while (co > MIN_CO && dp->nr_pages <= 1UL << (co - 1))
		co--;
	granules = ((dp->nr_pages + (1UL << co) - 1) >> co) << (co - MIN_CO);
	order = alloc_order(granules,
			    max(co, dp->align_order) - MIN_CO);
	fits = model_fits(order);
	fault_arm();
	err = __devpriv_memremap_pagemap(dp, NUMA_NO_NODE, &m.space,
					 &devpriv_test_backend);
	failed = fault_disarm();
	if (err) {
		MODEL_ASSERT(!dp->space && !dp->chunks);
		if (failed && err == -ENOMEM) {
			m.stats[ST_ENOMEM]++;
			return;
		}
		MODEL_ASSERT(!fits);
		MODEL_ASSERT(err == -ENOSPC);
		m.stats[ST_ENOSPC]++;
		return;
	}
	MODEL_ASSERT(!failed);
	MODEL_ASSERT(fits);
	MODEL_ASSERT(dp->chunk_order == co);
	MODEL_ASSERT(map_granules(dp) == granules);
	MODEL_ASSERT((dp->base & ((1UL << max(co, dp->align_order)) - 1)) == 0);
	model_claim(dp->base >> MIN_CO, granules, order, 1 + (mm - m.maps));
	mm->registered = true;
	if (flags & DEVPRIV_EAGER)
		memset(mm->populated, 1, dp->nr_chunks);
	m.stats[ST_REGISTERED]++;
}

static struct model_map *pick_map(void)
{
	unsigned int i, start = rnd(MODEL_MAPS);

	for (i = 0; i < MODEL_MAPS; i++) {
		struct model_map *mm = &m.maps[(start + i) % MODEL_MAPS];

		if (mm->registered)
			return mm;
	}
	return NULL;
}

static void step_populate(void)
{
	struct model_map *mm = pick_map();
	struct devpriv_pagemap *dp;
	unsigned long first, nr, c;
	bool failed;
	int err;

	if (!mm)
		return;
	dp = &mm->dpgmap;
	first = rnd(dp->nr_pages);
	nr = 1 + rnd(rnd(2) ? dp->nr_pages - first : GRANULE);
	if (!rnd(30)) {
		/* past the end: refused with a warning */
		MODEL_ASSERT(devpriv_pagemap_populate(dp, first,
						      dp->nr_pages - first + 1 +
						      rnd(9)) == -EINVAL);
		T_WARNS(1, "outside");
		m.stats[ST_BAD]++;
		return;
	}
	nr = min(nr, dp->nr_pages - first);
	fault_arm();
	err = devpriv_pagemap_populate(dp, first, nr);
	failed = fault_disarm();
	if (err) {
		MODEL_ASSERT(failed && err == -ENOMEM);
		m.stats[ST_ENOMEM]++;
	} else {
		MODEL_ASSERT(!failed);
		m.stats[ST_POPULATED]++;
	}
	/* each chunk all or nothing; only the range's chunks can change */
	for (c = 0; c < dp->nr_chunks; c++) {
		bool now = dp->chunks[c];
		bool in = c >= first >> dp->chunk_order &&
			  c <= (first + nr - 1) >> dp->chunk_order;

		if (!err)
			MODEL_ASSERT(now == (mm->populated[c] || in));
		else
			MODEL_ASSERT(now == mm->populated[c] ||
				     (in && now && !mm->populated[c]));
		mm->populated[c] = now;
		if (now)
			devpriv_test_check_chunk(dp->chunks[c]);
	}
}

static void step_lookups(void)
{
	struct model_map *mm;
	int i;

	for (i = 0; i < 16; i++)
		check_offset(rnd(GRANULE << m.order));
	for (i = 0; i < 16; i++) {
		mm = pick_map();
		if (!mm)
			break;
		check_index(mm, rnd(mm->dpgmap.nr_pages));
		/* the last page and the first one past the end */
		check_index(mm, mm->dpgmap.nr_pages - 1);
		check_offset(mm->dpgmap.base + mm->dpgmap.nr_pages);
	}
	m.stats[ST_LOOKUPS]++;
}

static void step_unregister(void)
{
	struct model_map *mm = pick_map();
	struct devpriv_pagemap *dp;
	unsigned long first, granules;

	if (!mm)
		return;
	dp = &mm->dpgmap;
	first = dp->base >> MIN_CO;
	granules = map_granules(dp);
	/* teardown needs no memory that can be refused */
	fault_arm();
	devpriv_memunmap_pagemap(dp);
	fault_disarm();
	MODEL_ASSERT(devpriv_fault_seen() == 0);
	MODEL_ASSERT(!dp->space);
	model_release(first, granules, 1 + (mm - m.maps));
	mm->registered = false;
	check_offset(devpriv_granule_offset(first));
	m.stats[ST_UNREGISTERED]++;
}

static void step_raw(void)
{
	struct model_raw *raw = &m.raws[rnd(MODEL_RAWS)];
	unsigned long nr, first = ~0UL;
	unsigned int align, order;
	bool fits, failed;
	int err;

	if (raw->live) {
		fault_arm();
		devpriv_space_free(&m.space, raw->first, raw->nr);
		fault_disarm();
		MODEL_ASSERT(devpriv_fault_seen() == 0);
		model_release(raw->first, raw->nr, 1 + MODEL_MAPS + (raw - m.raws));
		raw->live = false;
		m.stats[ST_RAW]++;
		return;
	}
	nr = 1 + rnd(rnd(4) ? 4 : model_space_granules());
	align = rnd(3) ? 0 : rnd(m.order + 2);
	order = alloc_order(nr, align);
	fits = model_fits(order);
	fault_arm();
	err = devpriv_space_alloc(&m.space, nr, align, &first);
	failed = fault_disarm();
	if (err) {
		if (failed && err == -ENOMEM) {
			m.stats[ST_ENOMEM]++;
			return;
		}
		MODEL_ASSERT(err == -ENOSPC && !fits);
		m.stats[ST_ENOSPC]++;
		return;
	}
	MODEL_ASSERT(fits && !failed);
	model_claim(first, nr, order, 1 + MODEL_MAPS + (raw - m.raws));
	raw->live = true;
	raw->first = first;
	raw->nr = nr;
	m.stats[ST_RAW]++;
}

static void full_sweep(void)
{
	unsigned long g;
	unsigned int i;

	for (g = 0; g < model_space_granules(); g++) {
		check_offset(devpriv_granule_offset(g));
		check_offset(devpriv_granule_offset(g) + GRANULE - 1);
	}
	for (i = 0; i < MODEL_MAPS; i++)
		if (m.maps[i].registered)
			devpriv_test_check_pagemap(&m.maps[i].dpgmap);
}

static void model_run(unsigned int order, unsigned long steps,
		      unsigned int fault_rate)
{
	unsigned int i;

	memset(&m, 0, sizeof(m));
	m.rng = unit_seed();
	m.order = order;
	m.fault_rate = fault_rate;
	devpriv_space_init(&m.space, order);
	for (m.step = 0; m.step < steps; m.step++) {
		unsigned long what = rnd(100);

		if (what < 22)
			step_register();
		else if (what < 42)
			step_populate();
		else if (what < 70)
			step_lookups();
		else if (what < 82)
			step_unregister();
		else
			step_raw();
		check_counts();
		if (m.step % 256 == 255)
			full_sweep();
	}
	full_sweep();
	for (i = 0; i < MODEL_MAPS; i++)
		if (m.maps[i].registered)
			devpriv_memunmap_pagemap(&m.maps[i].dpgmap);
	for (i = 0; i < MODEL_RAWS; i++)
		if (m.raws[i].live)
			devpriv_space_free(&m.space, m.raws[i].first,
					   m.raws[i].nr);
	T_ASSERT(devpriv_space_check(&m.space));
	T_EQ(m.space.nr_allocated, 0);
	devpriv_test_space_fini(&m.space);
	unit_note("%lu steps: %lu registered, %lu unregistered, %lu -ENOSPC, %lu populated,",
		  steps, m.stats[ST_REGISTERED], m.stats[ST_UNREGISTERED],
		  m.stats[ST_ENOSPC], m.stats[ST_POPULATED]);
	unit_note("  %lu lookup rounds, %lu raw, %lu -ENOMEM, %lu refused",
		  m.stats[ST_LOOKUPS], m.stats[ST_RAW], m.stats[ST_ENOMEM],
		  m.stats[ST_BAD]);
	/* the run must have explored both success and exhaustion */
	T_ASSERT(m.stats[ST_REGISTERED] > steps / 50);
	T_ASSERT(m.stats[ST_ENOSPC] > 0);
	T_ASSERT(!fault_rate || m.stats[ST_ENOMEM] > 0);
}

static void model_random(void)
{
	model_run(7, 10000, 0);
}

static void model_small_space(void)
{
	model_run(3, 6000, 0);
}

static void model_random_faults(void)
{
	model_run(MODEL_MAX_ORDER, 6000, 40);
}

static const struct unit_test model_tests[] = {
	UNIT_TEST_TIMEOUT(model_random, 120),
	UNIT_TEST_TIMEOUT(model_small_space, 120),
	UNIT_TEST_TIMEOUT(model_random_faults, 120),
};

UNIT_SUITE(suite_model, "model", model_tests, true);
