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
#include <linux/migrate.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>

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

/* This instance's windows above the CPU's physical width. */
static struct resource devpriv_above_root = {
	.name = "devpriv above CPU width",
	.flags = IORESOURCE_MEM,
};

static DEFINE_MUTEX(devpriv_above_lock);

static struct range devpriv_phys_bounds(void)
{
	/* [0, PHYSMEM_END] on x86, the linear map on arm64 */
	return mhp_get_pluggable_range(true);
}

struct devpriv_gap_search {
	u64 lo, hi, size;
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
	candidate = ALIGN_DOWN(end - s->size + 1, DEVPRIV_WINDOW_ALIGN);
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
static int devpriv_place_iomem(struct devpriv_window *win, u64 size)
{
	struct range bounds = devpriv_phys_bounds();
	int attempt;

	for (attempt = 0; attempt < DEVPRIV_IOMEM_RETRIES; attempt++) {
		struct devpriv_gap_search s = {
			.lo = bounds.start,
			.hi = min_t(u64, bounds.end, iomem_resource.end),
			.size = size,
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

static int devpriv_place_above_cpu(struct devpriv_window *win, u64 size)
{
	struct range bounds = devpriv_phys_bounds();
	int err;

	if (devpriv_fault(DEVPRIV_FAULT_PLACE))
		return -ENOSPC;
	mutex_lock(&devpriv_above_lock);
	if (!devpriv_above_root.end) {
		if (bounds.end <= iomem_resource.end) {
			mutex_unlock(&devpriv_above_lock);
			return -ENOSPC;
		}
		devpriv_above_root.start = iomem_resource.end + 1;
		devpriv_above_root.end = bounds.end;
	}
	win->above.name = devpriv_window_name;
	win->above.flags = IORESOURCE_MEM | IORESOURCE_BUSY;
	win->above.desc = IORES_DESC_DEVICE_PRIVATE_MEMORY;
	err = allocate_resource(&devpriv_above_root, &win->above, size,
				devpriv_above_root.start, devpriv_above_root.end,
				DEVPRIV_WINDOW_ALIGN, devpriv_above_alignf, NULL);
	mutex_unlock(&devpriv_above_lock);
	if (err)
		return -ENOSPC;
	win->res = &win->above;
	win->placement = DEVPRIV_PLACE_ABOVE_CPU;
	return 0;
}

static int devpriv_place(struct devpriv_window *win, u64 size)
{
	int mode = READ_ONCE(devpriv_placement_mode);
	bool iomem = mode != DEVPRIV_PLACEMENT_ABOVE;
	bool above = mode != DEVPRIV_PLACEMENT_IOMEM;
	int err = -ENOSPC;

	if (iomem) {
		err = devpriv_place_iomem(win, size);
		if (!err || !above)
			return err;
	}
	if (above)
		err = devpriv_place_above_cpu(win, size);
	return err;
}

static void devpriv_unplace(struct devpriv_window *win)
{
	if (win->placement == DEVPRIV_PLACE_IOMEM) {
		release_mem_region(win->res->start, resource_size(win->res));
	} else {
		mutex_lock(&devpriv_above_lock);
		release_resource(win->res);
		mutex_unlock(&devpriv_above_lock);
	}
}

static int devpriv_phys_populate(struct devpriv_chunk *chunk, int nid)
{
	u64 size = ALIGN(chunk->nr_pages, DEVPRIV_GRANULE_PAGES) << PAGE_SHIFT;
	struct devpriv_window *win;
	void *addr;
	int err;

	win = devpriv_kzalloc_obj(*win, GFP_KERNEL);
	if (!win || devpriv_fault(DEVPRIV_FAULT_WINDOW_ALLOC)) {
		err = -ENOMEM;
		goto err_free;
	}
	err = devpriv_place(win, size);
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

/* One page of bookkeeping per eviction batch. */
#define DEVPRIV_EVICT_BATCH	(PAGE_SIZE / (4 * sizeof(long)))

struct devpriv_evict_batch {
	unsigned long src[DEVPRIV_EVICT_BATCH];
	unsigned long dst[DEVPRIV_EVICT_BATCH];
	struct page *spages[DEVPRIV_EVICT_BATCH];
	struct page *dpages[DEVPRIV_EVICT_BATCH];
};

static void devpriv_phys_evict_batch(struct devpriv_chunk *chunk,
				     struct devpriv_evict_batch *b,
				     unsigned long first, unsigned long n)
{
	struct devpriv_pagemap *dpgmap = chunk->dpgmap;
	unsigned long i, nr_moving = 0;

	migrate_device_range(b->src, page_to_pfn(chunk->pages + first), n);
	for (i = 0; i < n; i++) {
		struct page *dpage = NULL;

		b->spages[i] = migrate_pfn_to_page(b->src[i]);
		b->dst[i] = 0;
		if (b->spages[i] && (b->src[i] & MIGRATE_PFN_MIGRATE)) {
			/* teardown cannot fail: wait for memory instead */
			dpage = alloc_page(GFP_HIGHUSER_MOVABLE | __GFP_NOFAIL);
			lock_page(dpage);
			b->dst[i] = migrate_pfn(page_to_pfn(dpage));
			nr_moving++;
		}
		b->dpages[i] = dpage;
	}
	if (nr_moving && dpgmap->copy_to_ram) {
		dpgmap->copy_to_ram(dpgmap, b->spages, b->dpages, n);
	} else if (nr_moving) {
		WARN_ONCE(1, "devpriv: %lu resident pages evicted without copy_to_ram: contents lost\n",
			  nr_moving);
		for (i = 0; i < n; i++)
			if (b->dpages[i])
				clear_highpage(b->dpages[i]);
	}
	migrate_device_pages(b->src, b->dst, n);
	migrate_device_finalize(b->src, b->dst, n);
}

/*
 * Eviction is retried because migrate_device_range() skips, without telling,
 * any page it cannot take right now: one whose lock is held (a CPU fault or
 * a driver migration in flight) or whose last reference is about to go.  A
 * page left mapped would make memunmap_pages() wait forever, so passes go
 * on, a little further apart each time, until no page of the chunk is in
 * use; after DEVPRIV_EVICT_PASSES (about 2 s) teardown warns and waits.
 */
#define DEVPRIV_EVICT_PASSES	20

/* A free device-private page has no reference (free_zone_device_page()). */
static unsigned long devpriv_pages_in_use(struct page *pages, unsigned long n)
{
	unsigned long i, in_use = 0;

	for (i = 0; i < n; i++)
		in_use += page_ref_count(pages + i) != 0;
	return in_use;
}

/* One pass over @chunk; returns the number of its pages still in use. */
static unsigned long devpriv_phys_evict_pass(struct devpriv_chunk *chunk,
					     struct devpriv_evict_batch *b)
{
	unsigned long first, n, in_use = 0;

	for (first = 0; first < chunk->nr_pages; first += n) {
		n = min(chunk->nr_pages - first, DEVPRIV_EVICT_BATCH);
		if (!devpriv_pages_in_use(chunk->pages + first, n))
			continue;
		/* a forced fault skips the batch, as if every page were busy */
		if (!devpriv_fault(DEVPRIV_FAULT_EVICT_BATCH))
			devpriv_phys_evict_batch(chunk, b, first, n);
		in_use += devpriv_pages_in_use(chunk->pages + first, n);
	}
	return in_use;
}

/*
 * Bring every page of @chunk that is still mapped somewhere back to system
 * memory, in batches so that the bookkeeping is one page whatever the
 * chunk size.
 */
static void devpriv_phys_evict(struct devpriv_chunk *chunk)
{
	struct devpriv_evict_batch *b;
	unsigned long in_use;
	unsigned int pass;

	b = devpriv_kmalloc_obj(*b, GFP_KERNEL | __GFP_NOFAIL);
	for (pass = 1; ; pass++) {
		in_use = devpriv_phys_evict_pass(chunk, b);
		if (!in_use)
			break;
		if (pass == DEVPRIV_EVICT_PASSES) {
			WARN_ONCE(1, "devpriv: %lu pages still in use after %u eviction passes: teardown waits for their references\n",
				  in_use, pass);
			break;
		}
		pr_info("devpriv: eviction pass %u left %lu pages in use, retrying\n",
			pass, in_use);
		msleep(pass * 10);
	}
	kfree(b);
}

/**
 * devpriv_phys_show_bounds() - describe where windows may go
 * @m: debugfs file
 *
 * Context: process context.
 */
void devpriv_phys_show_bounds(struct seq_file *m)
{
	struct range bounds = devpriv_phys_bounds();

	seq_printf(m, "placement: %s\n",
		   devpriv_placement_modes[READ_ONCE(devpriv_placement_mode)]);
	seq_printf(m, "cpu_phys_end: %#llx\n", (u64)iomem_resource.end);
	seq_printf(m, "mappable: %#llx-%#llx\n", bounds.start, bounds.end);
	mutex_lock(&devpriv_above_lock);
	if (devpriv_above_root.end)
		seq_printf(m, "above_root: %#llx-%#llx\n",
			   (u64)devpriv_above_root.start,
			   (u64)devpriv_above_root.end);
	mutex_unlock(&devpriv_above_lock);
}

const struct devpriv_backend devpriv_backend_default = {
	.name = "phys",
	.populate = devpriv_phys_populate,
	.evict = devpriv_phys_evict,
	.depopulate = devpriv_phys_depopulate,
	.show = devpriv_phys_show,
};
