// SPDX-License-Identifier: GPL-2.0
/*
 * libdevpriv: pagemaps, chunks and translation
 *
 * DOC: pagemap
 *
 * Registering a &struct devpriv_pagemap reserves a region of device-private
 * offsets and a table of chunk pointers; nothing else.  A chunk is
 * *populated* -- given struct pages by the backend and made reachable by
 * offset -- at registration in eager mode, or by devpriv_pagemap_populate()
 * in lazy mode.  Host memory then follows the device memory in use.
 *
 * Conventions in this file:
 *
 * - *publish*: the release store of a chunk pointer into the pagemap's
 *   chunk table, after which index -> page translation sees the chunk.
 * - *dying*: set by devpriv_pagemap_kill(), the start of unregistration;
 *   population fails fast after it.
 *
 * Locking: @dpgmap->lock serialises population of one pagemap and the
 * start of its teardown (devpriv_pagemap_kill()); it is never held across
 * eviction, a callback into the driver or a wait for page references.
 * Translation takes no lock: the chunk table and its biased index slots
 * are read with acquire (or address-dependent) loads, and chunks are freed
 * only after an RCU grace period.
 */

#include <linux/delay.h>
#include <linux/device.h>
#include <linux/lockdep.h>
#include <linux/ktime.h>
#include <linux/log2.h>
#include <linux/memremap.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/overflow.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/topology.h>

#include "internal.h"

atomic_t devpriv_nr_warnings;

/* Core mm calls these with the page's pgmap pointing into one of our chunks. */
static struct devpriv_pagemap *devpriv_pgmap_owner(struct dev_pagemap *pgmap)
{
	return container_of(pgmap, struct devpriv_chunk, pgmap)->dpgmap;
}

/*
 * The trampolines call the driver's callbacks as registration normalised
 * them into dpgmap->fwd, whichever of @ops and @devpriv_ops it gave.
 */
#ifdef DEVPRIV_HAVE_PGMAP_FOLIO_FREE
static void devpriv_chunk_free(struct folio *folio)
{
	struct devpriv_pagemap *dpgmap =
		devpriv_pgmap_owner(devpriv_page_pgmap(&folio->page));

	if (dpgmap->fwd.folio_free) {
		dpgmap->fwd.folio_free(folio);
	} else if (dpgmap->fwd.page_free) {
		/* a page_free driver never makes a large folio of its pages */
		DEVPRIV_WARN_ON_ONCE(folio_test_large(folio));
		dpgmap->fwd.page_free(&folio->page);
	}
	/* after the driver: its state of the page goes before the page can */
	devpriv_alloc_free(dpgmap, folio);
}
#else
static void devpriv_chunk_free(struct page *page)
{
	struct devpriv_pagemap *dpgmap =
		devpriv_pgmap_owner(devpriv_page_pgmap(page));

	if (dpgmap->fwd.page_free)
		dpgmap->fwd.page_free(page);
	else if (dpgmap->fwd.folio_free)
		dpgmap->fwd.folio_free(page_folio(page));
	/* after the driver: its state of the page goes before the page can */
	devpriv_alloc_free(dpgmap, page_folio(page));
}
#endif

static vm_fault_t devpriv_chunk_migrate_to_ram(struct vm_fault *vmf)
{
	struct dev_pagemap *pgmap = devpriv_page_pgmap(vmf->page);

	return devpriv_pgmap_owner(pgmap)->fwd.migrate_to_ram(vmf);
}

static int devpriv_chunk_memory_failure(struct dev_pagemap *pgmap,
					unsigned long pfn,
					unsigned long nr_pages, int mf_flags)
{
	struct devpriv_pagemap *dpgmap = devpriv_pgmap_owner(pgmap);

	/* core mm falls back to its generic handler on -EOPNOTSUPP */
	if (!dpgmap->fwd.memory_failure)
		return -EOPNOTSUPP;
	return dpgmap->fwd.memory_failure(pgmap, pfn, nr_pages, mf_flags);
}

#ifdef DEVPRIV_HAVE_PGMAP_FOLIO_SPLIT
static void devpriv_chunk_folio_split(struct folio *head, struct folio *tail)
{
	struct devpriv_pagemap *dpgmap = devpriv_pgmap_owner(head->pgmap);

	/*
	 * Having the op means core mm leaves the new folio to us: give it
	 * the pagemap and mapping it gives folios of pagemaps without one,
	 * before the driver sees it (its pgmap is the chunk's: a folio never
	 * spans chunks).
	 */
	if (tail) {
		tail->pgmap = head->pgmap;
		tail->mapping = head->mapping;
	}
	if (dpgmap->fwd.folio_split)
		dpgmap->fwd.folio_split(head, tail);
}
#endif

/*
 * The ops of every chunk's dev_pagemap.  Their address identifies a page
 * as this libdevpriv instance's; they forward to the driver's ops.
 */
const struct dev_pagemap_ops devpriv_chunk_ops = {
	.devpriv_free_op = devpriv_chunk_free,
	.migrate_to_ram = devpriv_chunk_migrate_to_ram,
	.memory_failure = devpriv_chunk_memory_failure,
#ifdef DEVPRIV_HAVE_PGMAP_FOLIO_SPLIT
	.folio_split = devpriv_chunk_folio_split,
#endif
};
EXPORT_SYMBOL_DEVPRIV(devpriv_chunk_ops);

/**
 * devpriv_foreign_page() - report a page libdevpriv does not own
 * @page: the page
 *
 * Out-of-line slow path of the inline translation helpers.
 *
 * Context: any context.
 * Return: NULL.
 */
struct devpriv_chunk *devpriv_foreign_page(const struct page *page)
{
	DEVPRIV_WARN_ONCE(1, "devpriv: page %p is not a libdevpriv page\n", page);
	return NULL;
}
EXPORT_SYMBOL_DEVPRIV(devpriv_foreign_page);

/**
 * devpriv_bad_index() - report an index outside a pagemap
 * @dpgmap: the pagemap
 * @index: the index
 *
 * Out-of-line slow path of devpriv_index_to_page().
 *
 * Context: any context.
 * Return: NULL.
 */
struct page *devpriv_bad_index(const struct devpriv_pagemap *dpgmap,
			       unsigned long index)
{
	DEVPRIV_WARN_ONCE(1, "devpriv: index %lu outside pagemap of %lu pages%s\n",
			  index, dpgmap->nr_pages,
			  dpgmap->chunks ? "" : " (not registered)");
	return NULL;
}
EXPORT_SYMBOL_DEVPRIV(devpriv_bad_index);

/**
 * devpriv_migrate_device_range() - collect device pages of a pagemap for eviction
 * @dpgmap: a registered pagemap
 * @src_pfns: output: a migrate pfn per page, as migrate_device_range()
 * @index: pagemap index of the first page
 * @npages: number of pages
 *
 * migrate_device_range() for a range of pagemap indexes.  The physical
 * windows of a pagemap need not be contiguous, so each populated chunk of
 * the range is handed to migrate_device_range() on its own; indexes whose
 * chunk is not populated get a 0 entry.  Continue with
 * migrate_device_pages() and migrate_device_finalize(), as after
 * migrate_device_range().
 *
 * The chunks are read from @dpgmap's own table, which cannot lose a chunk
 * while @dpgmap is registered: no RCU section is needed around their use.
 *
 * Context: process context; sleeps.  @dpgmap stays registered throughout.
 * Return: 0; -EINVAL (and a one-time warning) if the range is not inside
 * @dpgmap, which is then left alone.
 */
int devpriv_migrate_device_range(struct devpriv_pagemap *dpgmap,
				 unsigned long *src_pfns, unsigned long index,
				 unsigned long npages)
{
	unsigned long i, n;

	if (DEVPRIV_WARN_ONCE(!dpgmap || !dpgmap->chunks ||
			      index > dpgmap->nr_pages ||
			      npages > dpgmap->nr_pages - index,
			      "devpriv: eviction range %lu+%lu outside its pagemap\n",
			      index, npages))
		return -EINVAL;
	for (i = 0; i < npages; i += n) {
		unsigned long pos = index + i;
		unsigned long c = pos >> dpgmap->chunk_order;
		struct devpriv_chunk *chunk;

		/* pairs with the release in devpriv_chunk_populate() */
		chunk = smp_load_acquire(&dpgmap->chunks[c]);
		n = min(npages - i, ((c + 1) << dpgmap->chunk_order) - pos);
		if (!chunk) {
			memset(src_pfns + i, 0, n * sizeof(*src_pfns));
			continue;
		}
		migrate_device_range(src_pfns + i,
				     page_to_pfn(chunk->pages +
						 (pos - chunk->first_index)),
				     n);
	}
	return 0;
}
EXPORT_SYMBOL_DEVPRIV(devpriv_migrate_device_range);

/**
 * devpriv_folio_init() - hand out a device folio of a pagemap
 * @dpgmap: a registered pagemap
 * @index: pagemap index of the folio's first page, a multiple of
 *	1 << @order
 * @order: log2 of the folio's pages, at most
 *	devpriv_pagemap_folio_order(@dpgmap)
 *
 * Initialises the free pages @index .. @index + (1 << @order) - 1, chosen
 * by the driver's allocator, as one device folio for the core
 * (zone_device_folio_init(); a large folio is compound): the first step of
 * a migration to the device.  The chunk is @index's own, so the folio's
 * struct pages are contiguous and, as the chunk's backing is aligned to
 * @dpgmap->folio_order, so is its pfn.  When its last reference goes, the
 * driver's folio_free gets the whole folio.
 *
 * Context: any context.  The pages must be free and the driver's.
 * Return: the folio, locked and with one reference, as migrate_vma wants
 * a destination; ERR_PTR(-EINVAL) (with a one-time warning) for an order
 * the pagemap does not have, a misaligned or out-of-range @index, or an
 * unregistered pagemap; ERR_PTR(-ENXIO) if @index's chunk is not populated;
 * ERR_PTR(-ENODEV) once the pagemap is dying.
 */
struct folio *devpriv_folio_init(struct devpriv_pagemap *dpgmap,
				 unsigned long index, unsigned int order)
{
	struct devpriv_chunk *chunk;
	struct folio *folio;

	if (DEVPRIV_WARN_ONCE(!dpgmap || !dpgmap->chunks ||
			      order > devpriv_pagemap_folio_order(dpgmap) ||
			      !IS_ALIGNED(index, 1UL << order) ||
			      index >= dpgmap->nr_pages ||
			      (1UL << order) > dpgmap->nr_pages - index,
			      "devpriv: no folio of order %u at index %lu\n",
			      order, index))
		return ERR_PTR(-EINVAL);
	if (devpriv_pagemap_dying(dpgmap))
		return ERR_PTR(-ENODEV);
	/* pairs with the release in devpriv_chunk_populate() */
	chunk = smp_load_acquire(&dpgmap->chunks[index >> dpgmap->chunk_order]);
	if (!chunk)
		return ERR_PTR(-ENXIO);
	folio = (struct folio *)(chunk->pages + (index - chunk->first_index));
	devpriv_zone_device_folio_init(folio, &chunk->pgmap, order);
	return folio;
}
EXPORT_SYMBOL_DEVPRIV(devpriv_folio_init);

static unsigned long devpriv_chunk_pages(struct devpriv_pagemap *dpgmap)
{
	return 1UL << dpgmap->chunk_order;
}

/* The address @pages would have if its first page were number 0. */
static unsigned long devpriv_page_bias(struct page *pages, unsigned long first)
{
	return (unsigned long)pages - first * sizeof(struct page);
}

/*
 * A chunk, zeroed and naturally aligned: kmalloc() aligns power-of-two
 * sizes to themselves, so that the lookup fields after pgmap share
 * pgmap.ops's cache line (see struct devpriv_chunk).
 */
static struct devpriv_chunk *devpriv_chunk_alloc(void)
{
	static_assert(offsetof(struct devpriv_chunk, pgmap.ops) % L1_CACHE_BYTES == 0);

	return kzalloc(roundup_pow_of_two(sizeof(struct devpriv_chunk)),
		       GFP_KERNEL);
}

/*
 * Copy the driver's callbacks into dpgmap->fwd, from whichever form it
 * gave, and refuse any this kernel cannot forward.
 */
static int devpriv_pagemap_take_ops(struct devpriv_pagemap *dpgmap)
{
	const struct dev_pagemap_ops *ops = dpgmap->ops;
	struct devpriv_pagemap_ops *fwd = &dpgmap->fwd;

	memset(fwd, 0, sizeof(*fwd));
	if (DEVPRIV_WARN_ONCE(ops && dpgmap->devpriv_ops,
			      "devpriv: set ops or devpriv_ops, not both\n"))
		return -EINVAL;
	if (dpgmap->devpriv_ops) {
		*fwd = *dpgmap->devpriv_ops;
	} else if (ops) {
#ifdef DEVPRIV_HAVE_PGMAP_FOLIO_FREE
		fwd->folio_free = ops->folio_free;
#else
		fwd->page_free = ops->page_free;
#endif
		fwd->migrate_to_ram = ops->migrate_to_ram;
		fwd->memory_failure = ops->memory_failure;
#ifdef DEVPRIV_HAVE_PGMAP_FOLIO_SPLIT
		fwd->folio_split = ops->folio_split;
#endif
	}
	if (DEVPRIV_WARN_ONCE((fwd->page_free && fwd->folio_free) ||
			      (!fwd->page_free && !fwd->folio_free &&
			       !(dpgmap->flags & DEVPRIV_ALLOCATOR)) ||
			      !fwd->migrate_to_ram,
			      "devpriv: migrate_to_ram and one free op are required\n"))
		return -EINVAL;
#ifndef DEVPRIV_HAVE_PGMAP_FOLIO_SPLIT
	if (fwd->folio_split) {
		/* never calling it would leave the driver's state wrong */
		pr_err("devpriv: folio_split set, but this kernel has no dev_pagemap_ops.folio_split to forward\n");
		return -EINVAL;
	}
#endif
	return 0;
}

/* Check what the driver filled in; warn once and refuse on nonsense. */
static int devpriv_pagemap_validate(struct devpriv_pagemap *dpgmap,
				    struct devpriv_space *space)
{
	unsigned int chunk_order = dpgmap->chunk_order ?: DEVPRIV_DEFAULT_CHUNK_ORDER;
	unsigned int space_pages_order = space->order + DEVPRIV_GRANULE_ORDER;
	int err;

	if (DEVPRIV_WARN_ONCE(dpgmap->space, "devpriv: pagemap registered twice\n"))
		return -EBUSY;
	err = devpriv_pagemap_take_ops(dpgmap);
	if (err)
		return err;
	if (DEVPRIV_WARN_ONCE(!dpgmap->owner, "devpriv: owner is required\n"))
		return -EINVAL;
	if (DEVPRIV_WARN_ONCE(!dpgmap->nr_pages, "devpriv: empty pagemap\n"))
		return -EINVAL;
	if (DEVPRIV_WARN_ONCE(dpgmap->flags & ~DEVPRIV_PAGEMAP_FLAGS_ALL,
			      "devpriv: unknown flags %#x\n", dpgmap->flags))
		return -EINVAL;
	/* every device-private page can hold user data */
	if (DEVPRIV_WARN_ONCE(!dpgmap->copy_to_ram &&
			      !(dpgmap->flags & DEVPRIV_SELF_EVICT),
			      "devpriv: copy_to_ram is required (or DEVPRIV_SELF_EVICT)\n"))
		return -EINVAL;
	if (DEVPRIV_WARN_ONCE(chunk_order < DEVPRIV_MIN_CHUNK_ORDER ||
			      chunk_order > space_pages_order,
			      "devpriv: chunk order %u outside %u..%u\n", chunk_order,
			      DEVPRIV_MIN_CHUNK_ORDER, space_pages_order))
		return -EINVAL;
	if (DEVPRIV_WARN_ONCE(dpgmap->align_order > space_pages_order,
			      "devpriv: alignment order %u above %u\n",
			      dpgmap->align_order, space_pages_order))
		return -EINVAL;
	if (DEVPRIV_WARN_ONCE(dpgmap->nr_pages > (1UL << space_pages_order),
			      "devpriv: %lu pages exceed the device-private space\n",
			      dpgmap->nr_pages))
		return -EOVERFLOW;
	if (DEVPRIV_WARN_ONCE(dpgmap->folio_order > chunk_order ||
			      dpgmap->folio_order > PMD_SHIFT - PAGE_SHIFT,
			      "devpriv: folio order %u needs a chunk order of at least %u (have %u) and at most the PMD order %u\n",
			      dpgmap->folio_order, dpgmap->folio_order,
			      chunk_order, PMD_SHIFT - PAGE_SHIFT))
		return -EINVAL;
	if (DEVPRIV_WARN_ONCE(dpgmap->folio_order && dpgmap->fwd.page_free,
			      "devpriv: large folios (folio order %u) need a folio_free op, not page_free\n",
			      dpgmap->folio_order))
		return -EINVAL;
	/* a pagemap smaller than a chunk reserves only the offsets it can use */
	dpgmap->chunk_order = min_t(unsigned int, chunk_order,
				    max_t(unsigned int, dpgmap->folio_order,
					  max_t(unsigned int, DEVPRIV_MIN_CHUNK_ORDER,
						order_base_2(dpgmap->nr_pages))));
	return 0;
}

/* Populate chunk @c of @dpgmap.  Called with dpgmap->lock held. */
static int devpriv_chunk_populate(struct devpriv_pagemap *dpgmap,
				  unsigned long c)
{
	struct devpriv_chunk *chunk;
	int err;

	lockdep_assert_held(&dpgmap->lock);
	if (devpriv_fault(DEVPRIV_FAULT_CHUNK_ALLOC))
		return -ENOMEM;
	chunk = devpriv_chunk_alloc();
	if (!chunk)
		return -ENOMEM;
	chunk->dpgmap = dpgmap;
	chunk->first_index = c << dpgmap->chunk_order;
	chunk->offset = dpgmap->base + chunk->first_index;
	chunk->nr_pages = min(devpriv_chunk_pages(dpgmap),
			      dpgmap->nr_pages - chunk->first_index);
	chunk->pgmap.type = MEMORY_DEVICE_PRIVATE;
	chunk->pgmap.ops = &devpriv_chunk_ops;
	chunk->pgmap.owner = dpgmap->owner;
	chunk->pgmap.nr_range = 1;

	err = dpgmap->backend->populate(chunk, dpgmap->nid);
	if (err)
		goto err_free;
	chunk->index_bias = devpriv_page_bias(chunk->pages, chunk->first_index);
	chunk->offset_bias = devpriv_page_bias(chunk->pages, chunk->offset);
	err = devpriv_space_insert(dpgmap->space, chunk, dpgmap->chunk_order);
	if (err)
		goto err_depopulate;

	/*
	 * publish: pairs with the acquire in devpriv_migrate_device_range()
	 * and the address-dependent load in devpriv_index_to_page()
	 */
	smp_store_release(&dpgmap->chunks[c], chunk);
	/* publish, for devpriv_index_to_page(), as above */
	smp_store_release(&dpgmap->index_slots[c], chunk->index_bias);
	/* lockless readers: devpriv_alloc_folio() */
	WRITE_ONCE(dpgmap->nr_populated, dpgmap->nr_populated + 1);
	devpriv_alloc_chunk_ready(dpgmap, chunk->first_index, chunk->nr_pages);
	return 0;

err_depopulate:
	dpgmap->backend->depopulate(chunk);
err_free:
	kfree(chunk);
	return err;
}

static int devpriv_populate_locked(struct devpriv_pagemap *dpgmap,
				   unsigned long first_chunk,
				   unsigned long last_chunk)
{
	u64 start = ktime_get_ns();
	unsigned long c;
	int err = 0;

	for (c = first_chunk; c <= last_chunk && !err; c++)
		if (!dpgmap->chunks[c])
			err = devpriv_chunk_populate(dpgmap, c);
	dpgmap->populate_ns += ktime_get_ns() - start;
	return err;
}

/*
 * Bring every resident page of @dpgmap back to system memory.  A pass
 * walks all chunks; passes repeat, a little further apart each time, until
 * no page of the pagemap is referenced, because a pass cannot take a page
 * that is locked or busy (a fault or a migration in flight) and a page
 * handed out after its chunk was scanned must still go.  No lock of the
 * pagemap is held: the driver's copy_to_ram and the mmu notifiers run
 * here, and the fault path and population must be able to make progress.
 * A batch the driver's copy_to_ram could not copy stays on the device for
 * the next pass; in the last one it loses its contents instead.  After
 * DEVPRIV_EVICT_PASSES (about 2 s of sleeping) the pages left are
 * reported; teardown then waits for their last reference.
 */
#define DEVPRIV_EVICT_PASSES	20

static void devpriv_evict_all(struct devpriv_pagemap *dpgmap)
{
	const struct devpriv_backend *backend = dpgmap->backend;
	unsigned long c, in_use;
	unsigned int pass;

	lockdep_assert_not_held(&dpgmap->lock);
	if (!backend->evict)
		return;
	for (pass = 1; ; pass++) {
		in_use = 0;
		for (c = dpgmap->nr_chunks; c-- > 0;)
			if (dpgmap->chunks[c])
				in_use += backend->evict(dpgmap->chunks[c],
							 pass == DEVPRIV_EVICT_PASSES);
		if (!in_use)
			return;
		if (pass == DEVPRIV_EVICT_PASSES)
			break;
		pr_info("devpriv: pagemap at offset %#lx: eviction pass %u left %lu pages referenced, retrying\n",
			dpgmap->base, pass, in_use);
		msleep(pass * 10);
	}
	pr_warn("devpriv: pagemap at offset %#lx: %lu pages still referenced after %u eviction passes; unregistration waits for their last reference\n",
		dpgmap->base, in_use, pass);
}

/*
 * Tear down every populated chunk, last first: make the chunks unreachable,
 * wait for lookups in flight, then release their struct pages (waiting for
 * the last reference to each page).  Called at unregistration after
 * eviction, without the pagemap lock; or with it, when an eager
 * registration fails before any page was handed out.
 */
static void devpriv_depopulate_all(struct devpriv_pagemap *dpgmap)
{
	const struct devpriv_backend *backend = dpgmap->backend;
	unsigned long c;

	for (c = dpgmap->nr_chunks; c-- > 0;)
		if (dpgmap->chunks[c])
			devpriv_space_erase(dpgmap->space, dpgmap->chunks[c],
					    dpgmap->chunk_order);
	synchronize_rcu();
	for (c = dpgmap->nr_chunks; c-- > 0;) {
		struct devpriv_chunk *chunk = dpgmap->chunks[c];

		if (!chunk)
			continue;
		WRITE_ONCE(dpgmap->index_slots[c], 0);
		WRITE_ONCE(dpgmap->chunks[c], NULL);
		backend->depopulate(chunk);
		kfree(chunk);
		WRITE_ONCE(dpgmap->nr_populated, dpgmap->nr_populated - 1);
	}
}

/*
 * Forget the registration.  The lock stays initialised and dying stays
 * set, so that a populate racing with unregistration finds -ENODEV.
 */
static void devpriv_pagemap_clear(struct devpriv_pagemap *dpgmap)
{
	devpriv_alloc_fini(dpgmap);
	WRITE_ONCE(dpgmap->lookup_pages, 0);
	dpgmap->index_slots = NULL;
	/* one allocation: the chunk pointers, then the index slots */
	kvfree(dpgmap->chunks);
	dpgmap->chunks = NULL;
	dpgmap->nr_chunks = 0;
	dpgmap->space = NULL;
	dpgmap->backend = NULL;
}

/**
 * __devpriv_memremap_pagemap() - register a pagemap in a given space
 * @dpgmap: the pagemap, filled in by the driver
 * @nid: NUMA node for the struct pages, or NUMA_NO_NODE
 * @space: the offset space
 * @backend: the struct-page provider
 *
 * The body of devpriv_memremap_pagemap(); tests pass their own space and
 * backend.
 *
 * Context: process context; sleeps.
 * Return: see devpriv_memremap_pagemap().
 */
int __devpriv_memremap_pagemap(struct devpriv_pagemap *dpgmap, int nid,
			       struct devpriv_space *space,
			       const struct devpriv_backend *backend)
{
	unsigned long granules_per_chunk, first_granule;
	u64 start = ktime_get_ns();
	int err;

	if (DEVPRIV_WARN_ONCE(!dpgmap, "devpriv: NULL pagemap\n"))
		return -EINVAL;
	err = devpriv_pagemap_validate(dpgmap, space);
	if (err)
		return err;

	dpgmap->nr_chunks = (dpgmap->nr_pages >> dpgmap->chunk_order) +
			    !!(dpgmap->nr_pages & (devpriv_chunk_pages(dpgmap) - 1));
	granules_per_chunk = 1UL << (dpgmap->chunk_order - DEVPRIV_GRANULE_ORDER);
	/*
	 * Once per pagemap, not per registration: a populate racing with the
	 * previous unregistration may still be on the lock.
	 */
	if (!dpgmap->lock_ready) {
		mutex_init(&dpgmap->lock);
		dpgmap->lock_ready = true;
	}
	dpgmap->chunks = devpriv_fault(DEVPRIV_FAULT_CHUNK_TABLE) ? NULL :
			 kvcalloc(dpgmap->nr_chunks, sizeof(*dpgmap->chunks) +
				  sizeof(*dpgmap->index_slots),
				  GFP_KERNEL | __GFP_NOWARN);
	if (!dpgmap->chunks) {
		err = -ENOMEM;
		goto err_chunks;
	}
	dpgmap->index_slots = (unsigned long *)(dpgmap->chunks + dpgmap->nr_chunks);
	dpgmap->index_shift = dpgmap->chunk_order;

	if (devpriv_fault(DEVPRIV_FAULT_SPACE))
		err = -ENOMEM;
	else
		err = devpriv_space_alloc(space,
					  dpgmap->nr_chunks * granules_per_chunk,
					  max(dpgmap->chunk_order,
					      dpgmap->align_order) -
					  DEVPRIV_GRANULE_ORDER, &first_granule);
	if (err)
		goto err_chunks;

	dpgmap->base = devpriv_granule_offset(first_granule);
	dpgmap->space = space;
	dpgmap->backend = backend;
	/* once: per populate it would follow the CPU and scatter the chunks */
	dpgmap->nid = nid == NUMA_NO_NODE ? numa_mem_id() : nid;
	dpgmap->nr_populated = 0;
	dpgmap->populate_ns = 0;
	dpgmap->dying = false;
	err = devpriv_alloc_init(dpgmap);
	if (err)
		goto err_space;

	if (dpgmap->flags & DEVPRIV_EAGER) {
		mutex_lock(&dpgmap->lock);
		err = devpriv_populate_locked(dpgmap, 0, dpgmap->nr_chunks - 1);
		if (err)
			devpriv_depopulate_all(dpgmap);
		mutex_unlock(&dpgmap->lock);
		if (err)
			goto err_space;
	}
	/* index lookups from here: the slots are all set or zero */
	WRITE_ONCE(dpgmap->lookup_pages, dpgmap->nr_pages);
	dpgmap->init_ns = ktime_get_ns() - start;
	devpriv_debugfs_add(dpgmap);
	return 0;

err_space:
	devpriv_space_free(space, first_granule,
			   dpgmap->nr_chunks * granules_per_chunk);
err_chunks:
	devpriv_pagemap_clear(dpgmap);
	return err;
}

/**
 * devpriv_memremap_pagemap() - register device-private memory
 * @dpgmap: the pagemap: ops, owner, nr_pages and options filled in, the
 *	rest zeroed
 * @nid: NUMA node for the struct pages of every chunk, or NUMA_NO_NODE
 *	for the node of the registering CPU
 *
 * Reserves @dpgmap->nr_pages device-private offsets (no physical address
 * space) and sets @dpgmap->base.  With %DEVPRIV_EAGER every chunk is
 * populated before returning; otherwise none is.  The counterpart of
 * memremap_device_private_pagemap() of the upstream device-private address
 * space series.
 *
 * Context: process context; sleeps.
 * Return: 0; -EINVAL (with a warning) for a malformed pagemap; -EBUSY if it
 * is registered already; -EOVERFLOW if it is larger than the whole space;
 * -ENOSPC if the space is full; -ENOMEM; or the backend's error.
 */
int devpriv_memremap_pagemap(struct devpriv_pagemap *dpgmap, int nid)
{
	return __devpriv_memremap_pagemap(dpgmap, nid, devpriv_global_space(),
					  &devpriv_backend_default);
}
EXPORT_SYMBOL_DEVPRIV(devpriv_memremap_pagemap);

/**
 * devpriv_pagemap_kill() - stop a pagemap from growing: first step of teardown
 * @dpgmap: a registered pagemap
 *
 * Marks @dpgmap dying.  From then on devpriv_pagemap_populate() fails with
 * -ENODEV without waiting for anything, and devpriv_pagemap_dying() is
 * true, so a driver's allocator can stop handing out device pages before
 * it evicts them.  Waits only for a population already in progress, which
 * does not wait for page references.  devpriv_memunmap_pagemap() calls it
 * first; calling it before is allowed, and calling it twice is harmless.
 *
 * Context: process context; sleeps.  Must not be called with the pagemap
 * lock held, as none of the library's callbacks into the driver are.
 */
void devpriv_pagemap_kill(struct devpriv_pagemap *dpgmap)
{
	if (DEVPRIV_WARN_ONCE(!dpgmap || !dpgmap->space,
			      "devpriv: killing a pagemap that is not registered\n"))
		return;
	mutex_lock(&dpgmap->lock);
	/* pairs with the lockless test in devpriv_pagemap_populate() */
	WRITE_ONCE(dpgmap->dying, true);
	mutex_unlock(&dpgmap->lock);
}
EXPORT_SYMBOL_DEVPRIV(devpriv_pagemap_kill);

/**
 * devpriv_memunmap_pagemap() - unregister device-private memory
 * @dpgmap: a registered pagemap
 *
 * Kills @dpgmap (devpriv_pagemap_kill()), evicts resident pages to system
 * memory (through @dpgmap->copy_to_ram), waits for the last reference to
 * every page, frees struct pages and offsets.  No lock that population or
 * the fault path takes is held while it evicts or waits.  @dpgmap may be
 * registered again afterwards.
 *
 * Context: process context; sleeps, until every page of @dpgmap is free.
 * Lock order: driver locks, then the pagemap lock, then memory hotplug's;
 * the caller must not hold a lock that its own page frees or
 * @dpgmap->copy_to_ram take.
 */
void devpriv_memunmap_pagemap(struct devpriv_pagemap *dpgmap)
{
	unsigned long granules;

	if (DEVPRIV_WARN_ONCE(!dpgmap || !dpgmap->space,
			      "devpriv: unregistering a pagemap that is not registered\n"))
		return;

	/* waits for readers, which take dpgmap->lock */
	devpriv_debugfs_remove(dpgmap);
	devpriv_pagemap_kill(dpgmap);
	devpriv_alloc_quiesce(dpgmap);
	/* the chunk table is stable from here: nothing populates a dying pagemap */
	devpriv_evict_all(dpgmap);
	devpriv_depopulate_all(dpgmap);

	granules = dpgmap->nr_chunks <<
		   (dpgmap->chunk_order - DEVPRIV_GRANULE_ORDER);
	devpriv_space_free(dpgmap->space, devpriv_offset_granule(dpgmap->base),
			   granules);
	devpriv_pagemap_clear(dpgmap);
}
EXPORT_SYMBOL_DEVPRIV(devpriv_memunmap_pagemap);

/**
 * devpriv_pagemap_populate() - make a range of a pagemap usable
 * @dpgmap: a registered pagemap
 * @first_index: first page index of the range
 * @nr_pages: pages in the range
 *
 * Populates every chunk that overlaps the range and is not populated yet.
 * Chunks populated before a failure stay populated: each chunk is
 * all-or-nothing, the range is not.  Must not be called once
 * devpriv_memunmap_pagemap() has returned; once devpriv_pagemap_kill() has
 * begun it fails with -ENODEV without waiting, so an allocator may call it
 * while it holds device pages that unregistration waits for.
 *
 * Context: process context; sleeps.
 * Return: 0; -EINVAL (with a warning) for an empty or out-of-range range or
 * an unregistered pagemap; -ENODEV while the pagemap is being
 * unregistered; -ENOMEM or the backend's error.
 */
int devpriv_pagemap_populate(struct devpriv_pagemap *dpgmap,
			     unsigned long first_index, unsigned long nr_pages)
{
	unsigned long last;
	int err;

	might_sleep();
	if (DEVPRIV_WARN_ONCE(!dpgmap || !dpgmap->space,
			      "devpriv: populating a pagemap that is not registered\n"))
		return -EINVAL;
	if (DEVPRIV_WARN_ONCE(!nr_pages ||
			      check_add_overflow(first_index, nr_pages - 1, &last) ||
			      last >= dpgmap->nr_pages,
			      "devpriv: populate %lu+%lu outside %lu pages\n",
			      first_index, nr_pages, dpgmap->nr_pages))
		return -EINVAL;

	/* fail fast: a dying pagemap's lock may be held for a while */
	might_lock(&dpgmap->lock);
	if (READ_ONCE(dpgmap->dying))
		return -ENODEV;
	mutex_lock(&dpgmap->lock);
	if (dpgmap->dying || !dpgmap->chunks)
		err = -ENODEV;
	else
		err = devpriv_populate_locked(dpgmap,
					      first_index >> dpgmap->chunk_order,
					      last >> dpgmap->chunk_order);
	mutex_unlock(&dpgmap->lock);
	return err;
}
EXPORT_SYMBOL_DEVPRIV(devpriv_pagemap_populate);

/**
 * devpriv_populate_next() - populate the first unpopulated chunk
 * @dpgmap: a registered pagemap
 * @seen: @dpgmap->nr_populated as the caller saw it before it found no
 *	free page: if another thread populated a chunk since, this one
 *	populates none and the caller looks again
 *
 * Context: process context; sleeps.  Takes the pagemap lock.
 * Return: 0; -ENOSPC if every chunk is populated; -ENODEV once the
 * pagemap is dying; -ENOMEM or the backend's error.
 */
int devpriv_populate_next(struct devpriv_pagemap *dpgmap, unsigned long seen)
{
	unsigned long c;
	int err = -ENOSPC;

	mutex_lock(&dpgmap->lock);
	if (dpgmap->dying || !dpgmap->chunks) {
		err = -ENODEV;
	} else if (dpgmap->nr_populated != seen) {
		err = 0;
	} else {
		for (c = 0; c < dpgmap->nr_chunks; c++) {
			if (!dpgmap->chunks[c]) {
				err = devpriv_populate_locked(dpgmap, c, c);
				break;
			}
		}
	}
	mutex_unlock(&dpgmap->lock);
	return err;
}

static void devpriv_devm_unmap(void *data)
{
	devpriv_memunmap_pagemap(data);
}

/**
 * devm_devpriv_memremap_pagemap() - managed devpriv_memremap_pagemap()
 * @dev: the device whose lifetime bounds the registration
 * @dpgmap: the pagemap
 * @nid: NUMA node for the struct pages, or NUMA_NO_NODE for @dev's node
 *
 * Context: process context; sleeps.
 * Return: as devpriv_memremap_pagemap(); on error nothing stays registered.
 */
int devm_devpriv_memremap_pagemap(struct device *dev,
				  struct devpriv_pagemap *dpgmap, int nid)
{
	int err;

	if (nid == NUMA_NO_NODE)
		nid = dev_to_node(dev);
	err = devpriv_memremap_pagemap(dpgmap, nid);

	if (err)
		return err;
	return devm_add_action_or_reset(dev, devpriv_devm_unmap, dpgmap);
}
EXPORT_SYMBOL_DEVPRIV(devm_devpriv_memremap_pagemap);

/**
 * devm_devpriv_memunmap_pagemap() - unregister a managed pagemap early
 * @dev: the device passed to devm_devpriv_memremap_pagemap()
 * @dpgmap: the pagemap
 *
 * Context: process context; sleeps.
 */
void devm_devpriv_memunmap_pagemap(struct device *dev,
				   struct devpriv_pagemap *dpgmap)
{
	devm_release_action(dev, devpriv_devm_unmap, dpgmap);
}
EXPORT_SYMBOL_DEVPRIV(devm_devpriv_memunmap_pagemap);
