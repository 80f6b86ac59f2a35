// SPDX-License-Identifier: GPL-2.0
/*
 * libdevpriv: the phys backend, for kernels whose core has no
 * device-private address space (Linux 6.1 and every release to date).
 *
 * DOC: phys backend
 *
 * Each populated chunk gets a *window* of physical address space and a
 * dev_pagemap of its own (chunk->pgmap) mapped by memremap_pages(), so core
 * mm sees an ordinary MEMORY_DEVICE_PRIVATE range: page_to_pfn() works,
 * swap entries carry real pfns, migrate_device_range() can evict it.  Only
 * populated chunks cost address space and struct pages, and the windows of
 * one pagemap need not be contiguous: its offsets are virtualised by the
 * space's xarray.
 *
 * Placement is libdevpriv's own policy, not request_free_mem_region():
 *
 * 1. *iomem*: the highest free range of iomem_resource that lies inside the
 *    range memory hotplug can map, mhp_get_pluggable_range(true).  That
 *    range is clamped to PHYSMEM_END (x86 6.1.192 bounds the direct map and
 *    vmemmap by it) and, on arm64, to the linear map, the only part of the
 *    physical space vmemmap covers there; request_free_mem_region() on
 *    arm64 6.1 searches up to 1 << MAX_PHYSMEM_BITS instead.
 * 2. *above-cpu-width*: when iomem has no room -- a VM whose small physical
 *    width is filled by a 64-bit PCI window -- the range from the CPU's
 *    physical width (iomem_resource.end + 1) up to the same bound.  No RAM
 *    or MMIO can appear there, and memremap_pages() accepts it for device
 *    private memory, which needs no linear mapping.  iomem_resource cannot
 *    hold these windows, so each libdevpriv instance keeps them in a root
 *    resource of its own, and before taking a granule checks the state all
 *    instances (and stock drivers) share: the sparse subsection map
 *    (pfn_valid()) and the pgmap registry (get_dev_pagemap()).
 */

#include <linux/delay.h>
#include <linux/highmem.h>
#include <linux/ioport.h>
#include <linux/memory_hotplug.h>
#include <linux/memremap.h>
#include <linux/kmod.h>
#include <linux/migrate.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>

#include <asm/processor.h>

#include "internal.h"

#define DEVPRIV_WINDOW_ALIGN	(DEVPRIV_GRANULE_PAGES << PAGE_SHIFT)
/* Attempts when a concurrent iomem user takes the range just found. */
#define DEVPRIV_IOMEM_RETRIES	4

static const char devpriv_window_name[] = "devpriv:" KBUILD_MODNAME;

enum devpriv_placement {
	DEVPRIV_PLACE_IOMEM,
	DEVPRIV_PLACE_ABOVE_CPU,
};

static const char * const devpriv_placement_names[] = {
	[DEVPRIV_PLACE_IOMEM] = "iomem",
	[DEVPRIV_PLACE_ABOVE_CPU] = "above-cpu-width",
};

/*
 * Which policies populate may use: "auto" tries iomem first; "iomem" and
 * "above" restrict to one, for tests of each path on any machine.
 */
enum devpriv_placement_mode {
	DEVPRIV_PLACEMENT_AUTO,
	DEVPRIV_PLACEMENT_IOMEM,
	DEVPRIV_PLACEMENT_ABOVE,
};

static const char * const devpriv_placement_modes[] = {
	[DEVPRIV_PLACEMENT_AUTO] = "auto",
	[DEVPRIV_PLACEMENT_IOMEM] = "iomem",
	[DEVPRIV_PLACEMENT_ABOVE] = "above",
};

static int devpriv_placement_mode;

/* sysfs writes end in a newline: match like sysfs_streq(), refuse others */
static int devpriv_placement_set(const char *val, const struct kernel_param *kp)
{
	int mode = sysfs_match_string(devpriv_placement_modes, val);

	if (mode < 0)
		return mode;
	WRITE_ONCE(devpriv_placement_mode, mode);
	return 0;
}

static int devpriv_placement_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%s\n",
			  devpriv_placement_modes[READ_ONCE(devpriv_placement_mode)]);
}

static const struct kernel_param_ops devpriv_placement_ops = {
	.set = devpriv_placement_set,
	.get = devpriv_placement_get,
};

module_param_cb(devpriv_placement, &devpriv_placement_ops, NULL, 0644);
MODULE_PARM_DESC(devpriv_placement,
		 "phys backend window placement: auto, iomem or above");

/**
 * struct devpriv_window - the physical window of one populated chunk
 * @res: the range: from request_mem_region() in iomem_resource, or @above
 * @above: storage for a window in devpriv_above_root
 * @placement: the policy that placed it
 */
struct devpriv_window {
	struct resource *res;
	struct resource above;
	enum devpriv_placement placement;
};

/* This instance's windows above the CPU's physical width, for debugfs. */
static atomic_t devpriv_nr_above = ATOMIC_INIT(0);

/* The lowest address a window may take: above boot RAM and 4 GiB. */
static int devpriv_ram_end_visit(struct resource *res, void *arg)
{
	u64 *ram_end = arg;

	*ram_end = max_t(u64, *ram_end, res->end);
	return 0;
}

/**
 * devpriv_phys_limits_now() - this machine's inputs to devpriv_phys_limit()
 * @l: filled in
 *
 * Context: process context.
 */
void devpriv_phys_limits_now(struct devpriv_phys_limits *l)
{
	struct range pluggable = mhp_get_pluggable_range(true);
	u64 ram_end = 0;

	walk_iomem_res_desc(IORES_DESC_NONE, IORESOURCE_SYSTEM_RAM |
			    IORESOURCE_BUSY, 0, U64_MAX, &ram_end,
			    devpriv_ram_end_visit);
	l->lowest = max_t(u64, max_t(u64, pluggable.start, SZ_4G),
			  ram_end ? ram_end + 1 : 0);
	l->cpu_end = iomem_resource.end;
	l->pluggable_end = pluggable.end;
#ifdef CONFIG_X86_64
	l->phys_mask = __PHYSICAL_MASK;
	l->l1tf_limit_pfn = boot_cpu_has_bug(X86_BUG_L1TF) ? l1tf_pfn_limit() : 0;
	l->above_allowed = true;
#else
	l->phys_mask = U64_MAX;
	l->l1tf_limit_pfn = 0;
	l->above_allowed = false;
#endif
}

/**
 * devpriv_phys_limit() - the last physical address a window may use
 * @l: the machine's limits (devpriv_phys_limits_now(), or a test's)
 * @why: set to what imposed the limit, for messages
 *
 * The bounds, lowest first: what memory hotplug can map (PHYSMEM_END on x86,
 * the linear map on arm64); the physical mask -- SME's C-bit and a TDX
 * guest's shared bit are clear in __PHYSICAL_MASK, and page attribute
 * tracking masks addresses with it, so a window with such a bit set would
 * be tracked as its low alias, which may be RAM; and on a CPU with
 * X86_BUG_L1TF, the L1TF pfn limit, above which a non-present page table
 * entry (a device-private swap entry) could point speculation at RAM.  A
 * pure function of @l, so that it can be tested with any CPU's numbers.
 *
 * Context: any context.
 * Return: the last usable address.
 */
u64 devpriv_phys_limit(const struct devpriv_phys_limits *l, const char **why)
{
	u64 end = l->pluggable_end, mask_end;

	*why = "memory hotplug's range";
	/* only addresses below the mask's lowest clear bit keep every bit */
	mask_end = ~l->phys_mask ? BIT_ULL(__ffs64(~l->phys_mask)) - 1 : U64_MAX;
	if (mask_end < end) {
		end = mask_end;
		*why = "the physical address mask";
	}
	if (l->l1tf_limit_pfn && PFN_PHYS(l->l1tf_limit_pfn) - 1 < end) {
		end = PFN_PHYS(l->l1tf_limit_pfn) - 1;
		*why = "the L1TF pfn limit";
	}
	return end;
}

/*
 * Where the iomem policy searches: from above boot RAM (and 4 GiB) up to
 * the CPU's width and devpriv_phys_limit().  Empty (start > end) if none.
 */
static struct range devpriv_iomem_bounds(void)
{
	struct devpriv_phys_limits l;
	const char *why;

	devpriv_phys_limits_now(&l);
	return (struct range) {
		.start = l.lowest,
		.end = min(l.cpu_end, devpriv_phys_limit(&l, &why)),
	};
}

struct devpriv_gap_search {
	u64 lo, hi, size, align;
	u64 cursor;
	u64 best;
	bool found;
};

/* Remember the highest aligned fit in the free gap [start, end]. */
static void devpriv_gap_consider(struct devpriv_gap_search *s, u64 start,
				 u64 end)
{
	u64 candidate;

	start = max(start, s->lo);
	end = min(end, s->hi);
	if (end < start || end - start + 1 < s->size)
		return;
	candidate = ALIGN_DOWN(end - s->size + 1, s->align);
	if (candidate < start)
		return;
	s->best = candidate;
	s->found = true;
}

static int devpriv_gap_visit(struct resource *res, void *arg)
{
	struct devpriv_gap_search *s = arg;

	if (res->start > s->cursor)
		devpriv_gap_consider(s, s->cursor, res->start - 1);
	s->cursor = max_t(u64, s->cursor, res->end + 1);
	return 0;
}

/*
 * Walk the top-level iomem resources in address order (flags 0 matches
 * every resource, and the walk resumes after each one's end, so children
 * are skipped) and take the highest gap that fits.
 */
static int devpriv_place_iomem(struct devpriv_window *win, u64 size, u64 align)
{
	struct range bounds = devpriv_iomem_bounds();
	int attempt;

	for (attempt = 0; attempt < DEVPRIV_IOMEM_RETRIES; attempt++) {
		struct devpriv_gap_search s = {
			.lo = bounds.start,
			.hi = bounds.end,
			.size = size,
			.align = align,
			.cursor = bounds.start,
		};
		struct resource *res;

		if (s.hi <= s.lo)
			return -ENOSPC;
		walk_iomem_res_desc(IORES_DESC_NONE, 0, s.lo, s.hi, &s,
				    devpriv_gap_visit);
		if (s.cursor <= s.hi)
			devpriv_gap_consider(&s, s.cursor, s.hi);
		if (!s.found)
			return -ENOSPC;
		if (devpriv_fault(DEVPRIV_FAULT_PLACE))
			return -ENOSPC;
		res = request_mem_region(s.best, size, devpriv_window_name);
		if (!res)
			continue;	/* someone took it meanwhile */
		res->desc = IORES_DESC_DEVICE_PRIVATE_MEMORY;
		win->res = res;
		win->placement = DEVPRIV_PLACE_IOMEM;
		return 0;
	}
	return -EBUSY;
}

/*
 * Is there room above the CPU's physical width at all?  Checked by every
 * instance before it asks the arbiter, so that a machine without such room
 * (arm64; L1TF; a physical mask at the CPU's width) never loads devpriv.ko
 * for nothing.
 */
static bool devpriv_above_possible(struct devpriv_phys_limits *l, u64 *limit)
{
	const char *why;

	devpriv_phys_limits_now(l);
	*limit = devpriv_phys_limit(l, &why);
	if (!l->above_allowed) {
		pr_warn_once("devpriv: no window above the CPU's physical width: that policy is x86_64 only\n");
		return false;
	}
	if (*limit <= l->cpu_end) {
		pr_warn_once("devpriv: no window above the CPU's physical width (end %#llx): %s ends at %#llx\n",
			     l->cpu_end, why, *limit);
		return false;
	}
	return true;
}

#ifndef DEVPRIV_EMBED
/*
 * The arbiter of the range above the CPU's physical width.  iomem_resource
 * ends at that width, so nothing in the kernel arbitrates above it, and two
 * instances that each checked "free" (pfn_valid(), get_dev_pagemap()) could
 * map the same granule -- the loser's memremap_pages() unwind would then
 * erase the winner's registration.  So of all libdevpriv instances only
 * devpriv.ko keeps the tree of that range; embedded copies claim their
 * windows from it through symbol_get().  A window stays claimed from
 * placement until its memunmap_pages() has returned.
 */
static struct resource devpriv_above_root = {
	.name = "devpriv above CPU width",
	.flags = IORESOURCE_MEM,
};

static DEFINE_MUTEX(devpriv_above_lock);

/* Is any granule of [start, start + size) in use by anyone on the system? */
static bool devpriv_range_busy(u64 start, u64 size, u64 *busy_end)
{
	u64 addr;

	for (addr = start; addr - start < size; addr += DEVPRIV_WINDOW_ALIGN) {
		unsigned long pfn = PHYS_PFN(addr);
		struct dev_pagemap *pgmap = NULL;

		if (!pfn_valid(pfn))
			pgmap = devpriv_get_dev_pagemap(pfn);
		if (pfn_valid(pfn) || pgmap) {
			if (pgmap)
				put_dev_pagemap(pgmap);
			*busy_end = addr + DEVPRIV_WINDOW_ALIGN - 1;
			return true;
		}
	}
	return false;
}

/*
 * allocate_resource() hands each free gap of devpriv_above_root to this
 * callback (under the resource lock, so no sleeping); skip granules that
 * another instance or a stock driver has mapped.
 */
static resource_size_t devpriv_above_alignf(void *data,
					    const struct resource *avail,
#ifdef DEVPRIV_HAVE_RESOURCE_ALIGNF_EMPTY_RES
					    const struct resource *empty,
#endif
					    resource_size_t size,
					    resource_size_t align)
{
	resource_size_t start = ALIGN(avail->start, align);
	u64 busy_end;

	while (start + size - 1 <= avail->end && start + size > start) {
		if (!devpriv_range_busy(start, size, &busy_end))
			return start;
		start = ALIGN(busy_end + 1, align);
	}
	return start;	/* does not fit: allocate_resource() moves on */
}

/**
 * devpriv_above_claim_aligned() - claim a window above the CPU's physical width
 * @res: the window: name, flags and desc filled in by the caller, which
 *	owns its storage until devpriv_above_release()
 * @size: bytes, a multiple of the window alignment (2 MiB)
 * @align: alignment of the window's start, a power of two of at least
 *	2 MiB (the largest device folio of its pagemap)
 *
 * For the library's own instances only (embedded copies reach it with
 * symbol_get()); drivers have no use for it.
 *
 * Context: process context; sleeps.
 * Return: 0 with @res placed; -ENOSPC if the range has no room.
 */
int devpriv_above_claim_aligned(struct resource *res, u64 size, u64 align)
{
	struct devpriv_phys_limits l;
	u64 limit;
	int err;

	if (!devpriv_above_possible(&l, &limit))
		return -ENOSPC;
	mutex_lock(&devpriv_above_lock);
	if (!devpriv_above_root.end) {
		devpriv_above_root.start = l.cpu_end + 1;
		devpriv_above_root.end = limit;
	}
	err = allocate_resource(&devpriv_above_root, res, size,
				devpriv_above_root.start, devpriv_above_root.end,
				align, devpriv_above_alignf, NULL);
	mutex_unlock(&devpriv_above_lock);
	return err ? -ENOSPC : 0;
}
EXPORT_SYMBOL_DEVPRIV(devpriv_above_claim_aligned);

/**
 * devpriv_above_release() - give back a window of devpriv_above_claim_aligned()
 * @res: the window, no longer mapped (memunmap_pages() has returned)
 *
 * Context: process context; sleeps.
 */
void devpriv_above_release(struct resource *res)
{
	mutex_lock(&devpriv_above_lock);
	release_resource(res);
	mutex_unlock(&devpriv_above_lock);
}
EXPORT_SYMBOL_DEVPRIV(devpriv_above_release);

static int devpriv_above_get(struct resource *res, u64 size, u64 align)
{
	return devpriv_above_claim_aligned(res, size, align);
}

static void devpriv_above_put(struct resource *res)
{
	devpriv_above_release(res);
}
#else
/*
 * An embedded copy claims through devpriv.ko, loading it if it can, and
 * keeps a reference to the module for as long as it holds the window.
 */
static int devpriv_above_get(struct resource *res, u64 size, u64 align)
{
	int (*claim)(struct resource *res, u64 size, u64 align);
	int err;

	/* a devpriv.ko without the aligned claim is too old: not found */
	claim = symbol_get(devpriv_above_claim_aligned);

	if (!claim) {
		request_module("devpriv");
		claim = symbol_get(devpriv_above_claim_aligned);
	}
	if (!claim) {
		pr_warn_once("devpriv: windows above the CPU's physical width are arbitrated by devpriv.ko, which is not loaded\n");
		return -ENOSPC;
	}
	err = claim(res, size, align);
	if (err)
		symbol_put(devpriv_above_claim_aligned);
	return err;
}

static void devpriv_above_put(struct resource *res)
{
	void (*release)(struct resource *res);

	/* the reference of devpriv_above_get() keeps devpriv.ko loaded */
	release = symbol_get(devpriv_above_release);
	if (!DEVPRIV_WARN_ON_ONCE(!release)) {
		release(res);
		symbol_put(devpriv_above_release);
	}
	symbol_put(devpriv_above_claim_aligned);
}
#endif

static int devpriv_place_above_cpu(struct devpriv_window *win, u64 size,
				   u64 align)
{
	struct devpriv_phys_limits l;
	u64 limit;
	int err;

	if (devpriv_fault(DEVPRIV_FAULT_PLACE))
		return -ENOSPC;
	if (!devpriv_above_possible(&l, &limit))
		return -ENOSPC;
	win->above.name = devpriv_window_name;
	win->above.flags = IORESOURCE_MEM | IORESOURCE_BUSY;
	win->above.desc = IORES_DESC_DEVICE_PRIVATE_MEMORY;
	err = devpriv_above_get(&win->above, size, align);
	if (err)
		return err;
	atomic_inc(&devpriv_nr_above);
	win->res = &win->above;
	win->placement = DEVPRIV_PLACE_ABOVE_CPU;
	return 0;
}

static int devpriv_place(struct devpriv_window *win, u64 size, u64 align)
{
	int mode = READ_ONCE(devpriv_placement_mode);
	bool iomem = mode != DEVPRIV_PLACEMENT_ABOVE;
	bool above = mode != DEVPRIV_PLACEMENT_IOMEM;
	int err = -ENOSPC;

	if (iomem) {
		err = devpriv_place_iomem(win, size, align);
		if (!err || !above)
			return err;
	}
	if (above)
		err = devpriv_place_above_cpu(win, size, align);
	return err;
}

static void devpriv_unplace(struct devpriv_window *win)
{
	if (win->placement == DEVPRIV_PLACE_IOMEM) {
		release_mem_region(win->res->start, resource_size(win->res));
	} else {
		devpriv_above_put(win->res);
		atomic_dec(&devpriv_nr_above);
	}
}

static int devpriv_phys_populate(struct devpriv_chunk *chunk, int nid)
{
	u64 size = ALIGN(chunk->nr_pages, DEVPRIV_GRANULE_PAGES) << PAGE_SHIFT;
	/* a large device folio's pfn is as aligned as its index */
	u64 align = max_t(u64, DEVPRIV_WINDOW_ALIGN,
			  (u64)PAGE_SIZE << chunk->dpgmap->folio_order);
	struct devpriv_window *win;
	void *addr;
	int err;

	win = devpriv_kzalloc_obj(*win, GFP_KERNEL);
	if (!win || devpriv_fault(DEVPRIV_FAULT_WINDOW_ALLOC)) {
		err = -ENOMEM;
		goto err_free;
	}
	err = devpriv_place(win, size, align);
	if (err)
		goto err_free;

	chunk->pgmap.range.start = win->res->start;
	chunk->pgmap.range.end = win->res->end;
	if (devpriv_fault(DEVPRIV_FAULT_MEMREMAP))
		addr = ERR_PTR(-ENOMEM);
	else
		addr = memremap_pages(&chunk->pgmap, nid);
	if (IS_ERR(addr)) {
		err = PTR_ERR(addr);
		goto err_unplace;
	}
	chunk->pages = pfn_to_page(PHYS_PFN(win->res->start));
	chunk->backend_data = win;
	return 0;

err_unplace:
	devpriv_unplace(win);
err_free:
	kfree(win);
	return err;
}

static void devpriv_phys_depopulate(struct devpriv_chunk *chunk)
{
	struct devpriv_window *win = chunk->backend_data;

	memunmap_pages(&chunk->pgmap);
	devpriv_unplace(win);
	kfree(win);
	chunk->pages = NULL;
	chunk->backend_data = NULL;
}

static void devpriv_phys_show(struct seq_file *m, struct devpriv_chunk *chunk)
{
	struct devpriv_window *win = chunk->backend_data;

	seq_printf(m, "%#llx-%#llx %s", (u64)win->res->start,
		   (u64)win->res->end, devpriv_placement_names[win->placement]);
}

/*
 * Pages per eviction batch: one page of bookkeeping, or the pagemap's
 * largest folio, which migrate_device_range() skips unless the batch holds
 * it whole.  Chunks and batches are folio aligned, so every batch does.
 */
#define DEVPRIV_EVICT_BATCH	(PAGE_SIZE / (4 * sizeof(long)))

struct devpriv_evict_batch {
	unsigned long *src;
	unsigned long *dst;
	struct page **spages;
	struct page **dpages;
};

static unsigned long devpriv_evict_batch_pages(struct devpriv_chunk *chunk)
{
	return max(DEVPRIV_EVICT_BATCH, 1UL << chunk->dpgmap->folio_order);
}

static struct devpriv_evict_batch *devpriv_evict_batch_alloc(unsigned long n)
{
	struct devpriv_evict_batch *b;
	unsigned long *words;

	/* teardown cannot fail: wait for memory instead */
	b = devpriv_kmalloc_obj(*b, GFP_KERNEL | __GFP_NOFAIL);
	words = kvmalloc_array(4 * n, sizeof(long), GFP_KERNEL | __GFP_NOFAIL);
	b->src = words;
	b->dst = words + n;
	b->spages = (struct page **)(words + 2 * n);
	b->dpages = (struct page **)(words + 3 * n);
	return b;
}

static void devpriv_evict_batch_free(struct devpriv_evict_batch *b)
{
	kvfree(b->src);
	kfree(b);
}

/*
 * Drop the destination folios of a batch that could not be copied: its
 * pages stay on the device for the next pass.
 */
static void devpriv_phys_evict_abandon(struct devpriv_evict_batch *b,
				       unsigned long n)
{
	unsigned long i;

	for (i = 0; i < n; i++) {
		struct page *dpage = migrate_pfn_to_page(b->dst[i]);

		b->dpages[i] = NULL;
		b->dst[i] = 0;
		if (!dpage)
			continue;
		folio_unlock(page_folio(dpage));
		folio_put(page_folio(dpage));
	}
}

/*
 * A system folio for the device folio of @spage, locked, as the migrate
 * dst of its first page; NULL if none of its size can be had now.  A large
 * device folio needs a large destination: without a vma the core cannot
 * split it, and a failed allocation leaves it for the next pass.
 */
static struct folio *devpriv_phys_evict_dst(struct page *spage, bool compound)
{
	unsigned int order = compound ? folio_order(page_folio(spage)) : 0;
	struct folio *dst;

	if (!order)
		dst = page_folio(alloc_page(GFP_HIGHUSER_MOVABLE | __GFP_NOFAIL));
	else
		dst = folio_alloc(GFP_HIGHUSER_MOVABLE | __GFP_RETRY_MAYFAIL |
				  __GFP_NOWARN, order);
	if (dst)
		folio_lock(dst);
	return dst;
}

static void devpriv_phys_evict_batch(struct devpriv_chunk *chunk,
				     struct devpriv_evict_batch *b,
				     unsigned long first, unsigned long n,
				     bool last_pass)
{
	struct devpriv_pagemap *dpgmap = chunk->dpgmap;
	unsigned long i, j, nr, nr_moving = 0;
	int err = 0;

	migrate_device_range(b->src, page_to_pfn(chunk->pages + first), n);
	memset(b->dst, 0, n * sizeof(*b->dst));
	memset(b->spages, 0, n * sizeof(*b->spages));
	memset(b->dpages, 0, n * sizeof(*b->dpages));
	for (i = 0; i < n; i += nr) {
		struct page *spage = migrate_pfn_to_page(b->src[i]);
		bool compound = b->src[i] & DEVPRIV_MIGRATE_PFN_COMPOUND;
		struct folio *dst;

		nr = 1;
		if (!spage || !(b->src[i] & MIGRATE_PFN_MIGRATE))
			continue;
		dst = devpriv_phys_evict_dst(spage, compound);
		if (!dst)
			continue;
		nr = folio_nr_pages(dst);
		b->dst[i] = migrate_pfn(folio_pfn(dst)) |
			    (nr > 1 ? DEVPRIV_MIGRATE_PFN_COMPOUND : 0);
		/* the driver copies page by page, large folio or not */
		for (j = 0; j < nr; j++) {
			b->spages[i + j] = spage + j;
			b->dpages[i + j] = folio_page(dst, j);
		}
		nr_moving += nr;
	}
	if (nr_moving && dpgmap->copy_to_ram) {
		/* a forced fault is a device that cannot copy this batch */
		if (devpriv_fault(DEVPRIV_FAULT_COPY_TO_RAM))
			err = -EIO;
		else
			err = dpgmap->copy_to_ram(dpgmap, b->spages, b->dpages, n);
		if (err && !last_pass) {
			pr_warn_ratelimited("devpriv: pagemap at offset %#lx: copy_to_ram of %lu pages failed (%d); they stay for the next pass\n",
					    dpgmap->base, nr_moving, err);
			devpriv_phys_evict_abandon(b, n);
		} else if (err) {
			pr_err("devpriv: pagemap at offset %#lx: copy_to_ram of %lu pages failed (%d) in the last eviction pass: their contents are lost\n",
			       dpgmap->base, nr_moving, err);
		}
	} else if (nr_moving) {
		/* DEVPRIV_SELF_EVICT, yet the driver left these behind */
		DEVPRIV_WARN_ONCE(1,
				  "devpriv: pagemap at offset %#lx: %lu resident pages evicted without copy_to_ram: contents lost\n",
				  dpgmap->base, nr_moving);
		err = -EOPNOTSUPP;
	}
	if (err)
		for (i = 0; i < n; i++)
			if (b->dpages[i])
				clear_highpage(b->dpages[i]);
	migrate_device_pages(b->src, b->dst, n);
	migrate_device_finalize(b->src, b->dst, n);
}

/* A free device-private page has no reference (free_zone_device_page()). */
static unsigned long devpriv_pages_in_use(struct page *pages, unsigned long n)
{
	unsigned long i, in_use = 0;

	for (i = 0; i < n; i++)
		in_use += page_ref_count(pages + i) != 0;
	return in_use;
}

/*
 * One eviction pass over @chunk, in batches so that the bookkeeping is one
 * page (or one largest folio) whatever the chunk size.  A large folio goes
 * whole, to a system folio of its size.  migrate_device_range() skips, without
 * telling, any page it cannot take right now (locked by a fault or a
 * migration in flight, or about to lose its last reference), so the pass
 * reports how many pages are still referenced and the pagemap repeats it
 * (devpriv_evict_all()).
 */
static unsigned long devpriv_phys_evict(struct devpriv_chunk *chunk,
					bool last_pass)
{
	unsigned long first, n, in_use = 0;
	unsigned long batch = devpriv_evict_batch_pages(chunk);
	struct devpriv_evict_batch *b = devpriv_evict_batch_alloc(batch);

	for (first = 0; first < chunk->nr_pages; first += n) {
		n = min(chunk->nr_pages - first, batch);
		if (!devpriv_pages_in_use(chunk->pages + first, n))
			continue;
		/* a forced fault skips the batch, as if every page were busy */
		if (!devpriv_fault(DEVPRIV_FAULT_EVICT_BATCH))
			devpriv_phys_evict_batch(chunk, b, first, n, last_pass);
		in_use += devpriv_pages_in_use(chunk->pages + first, n);
		cond_resched();
	}
	devpriv_evict_batch_free(b);
	return in_use;
}

/**
 * devpriv_phys_show_bounds() - describe where windows may go
 * @m: debugfs file
 *
 * Context: process context.
 */
void devpriv_phys_show_bounds(struct seq_file *m)
{
	struct range bounds = devpriv_iomem_bounds();
	struct devpriv_phys_limits l;
	const char *why;
	u64 limit;

	devpriv_phys_limits_now(&l);
	limit = devpriv_phys_limit(&l, &why);
	seq_printf(m, "placement: %s\n",
		   devpriv_placement_modes[READ_ONCE(devpriv_placement_mode)]);
	seq_printf(m, "cpu_phys_end: %#llx\n", l.cpu_end);
	seq_printf(m, "iomem_search: %#llx-%#llx\n", bounds.start, bounds.end);
	seq_printf(m, "limit: %#llx (%s)\n", limit, why);
	seq_printf(m, "above_windows: %d\n", atomic_read(&devpriv_nr_above));
#ifndef DEVPRIV_EMBED
	mutex_lock(&devpriv_above_lock);
	if (devpriv_above_root.end)
		seq_printf(m, "above_root: %#llx-%#llx\n",
			   (u64)devpriv_above_root.start,
			   (u64)devpriv_above_root.end);
	mutex_unlock(&devpriv_above_lock);
#else
	seq_puts(m, "above_root: arbitrated by devpriv.ko\n");
#endif
}

const struct devpriv_backend devpriv_backend_default = {
	.name = "phys",
	.populate = devpriv_phys_populate,
	.evict = devpriv_phys_evict,
	.depopulate = devpriv_phys_depopulate,
	.show = devpriv_phys_show,
};
