// SPDX-License-Identifier: GPL-2.0
/*
 * devpriv_dmirror: the HMM test driver's uAPI, on libdevpriv
 *
 * DOC: dmirror example
 *
 * Four character devices, /dev/hmm_dmirror0..3, speak the uAPI of the
 * kernel's HMM test driver (lib/test_hmm_uapi.h), so that the kernel's own
 * selftest, tools/testing/selftests/vm/hmm-tests.c, runs against this
 * driver unmodified.  Each open file mirrors the address space of the
 * process that opened it into a small software "device page table"; the
 * ioctls make the device read, write, snapshot or atomically access that
 * address space, and migrate memory between the system and the device.
 *
 * Devices 0 and 1 have device-private memory, and it comes from libdevpriv
 * only: one &struct devpriv_pagemap per device, registered lazily.  The
 * device hands out memory by *index* (its own address, as VRAM offsets are
 * for a GPU); when no index is free the next chunk is populated with
 * devpriv_pagemap_populate(), so struct pages and physical address space
 * are spent only on memory in use.  libdevpriv translates between indices
 * and struct pages; nothing here computes with the pfn of a device-private
 * page.  The contents of the fake device memory are system pages kept in
 * an xarray indexed by device index: the "VRAM".
 *
 * Where the kernel migrates large device folios (6.19 on), a THP moves to
 * the device whole, into a 2 MiB device folio (devpriv_folio_init()), and
 * back whole; when no 2 MiB of device memory (or of system memory, on the
 * way back) can be had, the THP goes page by page and the core splits it.
 * The driver's state is per index (the allocator's bitmap, the VRAM), so a
 * device folio that the core splits -- a partial munmap -- needs nothing
 * of the driver: libdevpriv gives the new folios their pagemap, and each
 * is freed on its own.  On older kernels the same source moves single
 * pages only (devpriv_pagemap_folio_order() is 0 there).
 *
 * Devices 2 and 3 exist when spm_addr_dev0/1 name RAM reserved for them
 * (e.g. memmap=512M$0x80000000): device-coherent memory, which the CPU can
 * address, stays in the physical address space and is mapped with plain
 * memremap_pages().  Only the private branch moves to libdevpriv.
 *
 * Conventions in this file:
 *
 * - *mirror*: an open file, &struct mir_file; it mirrors one mm.
 * - *device page table*: &mir_file.pt, virtual page number -> struct page
 *   (system, coherent or device-private), tagged with the access the
 *   device has (&enum mir_pte).  It holds no page references: the mirror's
 *   interval notifier erases entries before the CPU page table changes.
 * - *index*: a page of device memory, 0 .. nr_pages - 1.
 * - *data page*: the CPU-addressable page holding a page's contents: the
 *   VRAM page of a device-private page, the page itself otherwise.
 *
 * Locking, outermost first: mmap_lock, &mir_device.mem_rwsem (read while
 * allocating device pages, write while releasing all of them),
 * &mir_device.grow_lock (population), &mir_file.lock (device page table;
 * also taken by the interval notifier, so nothing under it may sleep on
 * memory reclaim), &mir_device.alloc_lock (the allocator's bitmap; also
 * taken when the last reference to a device folio goes).
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cdev.h>
#include <linux/delay.h>
#include <linux/device.h>
#include <linux/fs.h>
#include <linux/highmem.h>
#include <linux/hmm.h>
#include <linux/bitmap.h>
#include <linux/jiffies.h>
#include <linux/memremap.h>
#include <linux/migrate.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/mmu_notifier.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/rmap.h>
#include <linux/rwsem.h>
#include <linux/sched/mm.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <linux/xarray.h>

#include <devpriv/devpriv.h>
/* The kernel's own uAPI header, from the kernel source tree (see Kbuild). */
#include <lib/test_hmm_uapi.h>

/* The uAPI has the command where the kernel has what it needs. */
#if defined(HMM_DMIRROR_READ_UNLOCKED) && \
	defined(DEVPRIV_HAVE_HMM_RANGE_FAULT_UNLOCKED)
#define MIR_HAVE_READ_UNLOCKED
#endif

#define MIR_NR_DEVICES		4
#define MIR_NR_PRIVATE		2
/*
 * Pages per hmm_range_fault(), migrate_vma_setup() or exclusive call; a
 * migration batch holds the largest folio too (mir_batch_pages()).
 */
#define MIR_BATCH		64
/* Pages a CPU fault migrates back at most (see mir_migrate_to_ram()). */
#define MIR_FAULT_PAGES		16
/* Largest request, in pages: bounds the kernel bounce buffer. */
#define MIR_MAX_REQUEST		(SZ_1G >> PAGE_SHIFT)

static unsigned long spm_addr_dev0;
module_param(spm_addr_dev0, ulong, 0444);
MODULE_PARM_DESC(spm_addr_dev0,
		 "Physical address of reserved RAM for device-coherent device 2 (with spm_addr_dev1)");

static unsigned long spm_addr_dev1;
module_param(spm_addr_dev1, ulong, 0444);
MODULE_PARM_DESC(spm_addr_dev1,
		 "Physical address of reserved RAM for device-coherent device 3 (with spm_addr_dev0)");

static unsigned int spm_mib = 256;
module_param(spm_mib, uint, 0444);
MODULE_PARM_DESC(spm_mib, "Size of each coherent device's memory in MiB (default 256)");

static unsigned int devmem_mib = 1024;
module_param(devmem_mib, uint, 0444);
MODULE_PARM_DESC(devmem_mib,
		 "Device-private memory per private device in MiB (default 1024); costs nothing until used");

static unsigned int chunk_mib = 64;
module_param(chunk_mib, uint, 0444);
MODULE_PARM_DESC(chunk_mib,
		 "Device-private memory populated at a time in MiB, a power of two >= 2 (default 64)");

static bool large_folios = true;
module_param(large_folios, bool, 0444);
MODULE_PARM_DESC(large_folios,
		 "Move THPs whole, into 2 MiB device folios, where the kernel can (default); reads N where it cannot");

/**
 * enum mir_pte - access of a device page table entry (an xarray pointer tag)
 * @MIR_PTE_READ: the device may read the page
 * @MIR_PTE_WRITE: the device may read and write the page
 * @MIR_PTE_ATOMIC: the device has exclusive access for atomics; the CPU
 *	page table holds a device-exclusive entry
 */
enum mir_pte {
	MIR_PTE_READ = 0,
	MIR_PTE_WRITE = 1,
	MIR_PTE_ATOMIC = 2,
};

/**
 * struct mir_device - one /dev/hmm_dmirrorN
 * @dev: the device; its release frees the structure
 * @cdev: the character device
 * @id: N
 * @type: %HMM_DMIRROR_MEMORY_DEVICE_PRIVATE or _COHERENT
 * @nr_pages: size of the device memory in pages
 * @mem_rwsem: held for reading by everything that allocates device pages
 *	and for writing by the release of all device memory
 * @grow_lock: serialises population of the next chunk
 * @alloc_lock: protects @used and @cursor
 * @used: bitmap of the indices handed out
 * @cursor: where the next search for free indices starts (next fit)
 * @usable: indices below this have struct pages (populated chunks are a
 *	prefix of the pagemap)
 * @registered: @dpgmap is registered
 * @dpgmap: device-private memory, from libdevpriv
 * @vram: index -> system page holding the contents of a private page
 * @nr_populated: chunks populated since registration
 * @nr_to_device: pages migrated to the device
 * @nr_to_ram: pages migrated back on CPU faults
 * @nr_to_system: pages migrated back by HMM_DMIRROR_MIGRATE_TO_SYS
 * @nr_evicted: pages evicted by the release of device memory
 * @coherent: device-coherent memory, a plain pagemap in the physical
 *	address space (last: it ends in a flexible array)
 */
struct mir_device {
	struct device dev;
	struct cdev cdev;
	unsigned int id;
	unsigned int type;
	unsigned long nr_pages;

	struct rw_semaphore mem_rwsem;
	struct mutex grow_lock;		/* population, see above */
	spinlock_t alloc_lock;		/* the allocator, see above */
	unsigned long *used;
	unsigned long cursor;
	unsigned long usable;

	bool registered;
	struct devpriv_pagemap dpgmap;
	struct xarray vram;
	unsigned long nr_populated;

	atomic_long_t nr_to_device;
	atomic_long_t nr_to_ram;
	atomic_long_t nr_to_system;
	atomic_long_t nr_evicted;

	struct dev_pagemap coherent;
};

/**
 * struct mir_file - a mirror: an open file of a &struct mir_device
 * @md: the device
 * @notifier: interval notifier over the whole address space of the mm
 *	that opened the file; also gives the mm
 * @lock: protects @pt and orders it against @notifier's sequence
 * @pt: the device page table
 * @flags: HMM_DMIRROR_FLAG_* set by HMM_DMIRROR_FLAGS (test_hmm of 6.19
 *	on); each is consumed by the operation it affects
 */
struct mir_file {
	struct mir_device *md;
	struct mmu_interval_notifier notifier;
	struct mutex lock;		/* the device page table, see above */
	struct xarray pt;
	unsigned long flags;
};

static dev_t mir_devt;
static struct mir_device *mir_devices[MIR_NR_DEVICES];
static unsigned int mir_nr_devices;

static const struct devpriv_pagemap_ops mir_private_ops;
static const struct dev_pagemap_ops mir_coherent_ops;

static bool mir_is_private(const struct mir_device *md)
{
	return md->type == HMM_DMIRROR_MEMORY_DEVICE_PRIVATE;
}

/* The device owning a page of device-private memory, or NULL. */
static struct mir_device *mir_private_owner(const struct page *page)
{
	struct devpriv_pagemap *dpgmap;

	if (!devpriv_is_devpriv_page(page))
		return NULL;
	dpgmap = devpriv_page_pagemap(page);
	/* another libdevpriv user's page */
	if (dpgmap->devpriv_ops != &mir_private_ops)
		return NULL;
	return container_of(dpgmap, struct mir_device, dpgmap);
}

/* The device owning a page of device-coherent memory, or NULL. */
static struct mir_device *mir_coherent_owner(const struct page *page)
{
	if (!is_device_coherent_page(page) ||
	    devpriv_page_pgmap(page)->ops != &mir_coherent_ops)
		return NULL;
	return container_of(devpriv_page_pgmap(page), struct mir_device,
			    coherent);
}

/*
 * Index <-> page.  Device-private pages are libdevpriv's business;
 * coherent memory lives in the physical address space by definition, so
 * its index is its distance from the start of the reserved range.
 */
static struct page *mir_index_to_page(struct mir_device *md,
				      unsigned long index)
{
	if (mir_is_private(md))
		return devpriv_index_to_page(&md->dpgmap, index);
	return pfn_to_page(PHYS_PFN(md->coherent.range.start) + index);
}

static unsigned long mir_page_to_index(struct mir_device *md,
				       struct page *page)
{
	if (mir_is_private(md))
		return devpriv_page_to_index(page);
	return page_to_pfn(page) - PHYS_PFN(md->coherent.range.start);
}

/* migrate_vma destination entry for a freshly allocated device folio */
static unsigned long mir_device_mpfn(struct mir_device *md, struct folio *folio)
{
	if (mir_is_private(md))
		return devpriv_folio_migrate_pfn(folio);
	return migrate_pfn(folio_pfn(folio)) |
	       (folio_test_large(folio) ? DEVPRIV_MIGRATE_PFN_COMPOUND : 0);
}

/*
 * The largest device folio, as a log2 of pages: a PMD's worth where the
 * kernel migrates large device folios, 0 elsewhere.  Coherent memory is
 * the kernel's own pagemap, so the capability is the library's compat one.
 */
static unsigned int mir_folio_order(struct mir_device *md)
{
	if (mir_is_private(md))
		return devpriv_pagemap_folio_order(&md->dpgmap);
	if (!large_folios)
		return 0;
	/* a large folio's pfn must be as aligned as its index */
	if (!IS_ALIGNED(md->coherent.range.start,
			PAGE_SIZE << DEVPRIV_FOLIO_ORDER_MAX))
		return 0;
	return DEVPRIV_FOLIO_ORDER_MAX;
}

/* Pages of a migration batch: one largest folio at least. */
static unsigned long mir_batch_pages(struct mir_device *md)
{
	return max_t(unsigned long, MIR_BATCH, 1UL << mir_folio_order(md));
}

/**
 * mir_data_page() - the CPU-addressable page holding a page's contents
 * @page: a system, coherent or device-private page
 *
 * Context: the caller keeps @page allocated (page reference, page lock,
 * or a device page table entry under &mir_file.lock).
 * Return: the VRAM page of a device-private page of this driver, @page
 * itself for any other page; NULL if the device page has no VRAM page
 * (it is being freed).
 */
static struct page *mir_data_page(struct page *page)
{
	struct mir_device *md = mir_private_owner(page);

	if (!md)
		return page;
	return xa_load(&md->vram, devpriv_page_to_index(page));
}

/* ------------------------------------------------------------------------
 * Device memory
 */

static unsigned int mir_chunk_order(void)
{
	return ilog2(chunk_mib) + 20 - PAGE_SHIFT;
}

/*
 * Make more indices usable: populate the chunk after the last populated
 * one.  @seen is the value of @md->usable the caller found exhausted;
 * if another thread has grown the pool meanwhile there is nothing to do.
 */
static int mir_grow(struct mir_device *md, unsigned long seen)
{
	unsigned long first, n;
	int err = 0;

	if (!mir_is_private(md))
		return -ENOMEM;

	mutex_lock(&md->grow_lock);
	first = md->usable;
	if (first != seen)
		goto out;
	if (!md->registered || first >= md->nr_pages) {
		err = -ENOMEM;
		goto out;
	}
	n = min(1UL << md->dpgmap.chunk_order, md->nr_pages - first);
	err = devpriv_pagemap_populate(&md->dpgmap, first, n);
	if (err)
		goto out;
	md->nr_populated++;
	/* pairs with the acquire in mir_alloc_folio() */
	smp_store_release(&md->usable, first + n);
	pr_info("%s: populated %lu MiB of device memory at index %lu (%lu of %lu MiB usable)\n",
		dev_name(&md->dev), n >> (20 - PAGE_SHIFT), first,
		(first + n) >> (20 - PAGE_SHIFT),
		md->nr_pages >> (20 - PAGE_SHIFT));
out:
	mutex_unlock(&md->grow_lock);
	return err;
}

/*
 * Take a free, naturally aligned run of 1 << @order indices below @usable:
 * next fit from the cursor, then first fit from 0.  Return: 0 or -ENOSPC.
 */
static int mir_take_indices(struct mir_device *md, unsigned long usable,
			    unsigned int order, unsigned long *index)
{
	unsigned long nr = 1UL << order, i;

	spin_lock(&md->alloc_lock);
	i = bitmap_find_next_zero_area(md->used, usable,
				       ALIGN(md->cursor, nr), nr, nr - 1);
	if (i + nr > usable)
		i = bitmap_find_next_zero_area(md->used, usable, 0, nr, nr - 1);
	if (i + nr <= usable) {
		bitmap_set(md->used, i, nr);
		md->cursor = i + nr;
		*index = i;
	}
	spin_unlock(&md->alloc_lock);
	return i + nr <= usable ? 0 : -ENOSPC;
}

static void mir_put_indices(struct mir_device *md, unsigned long index,
			    unsigned long nr)
{
	spin_lock(&md->alloc_lock);
	bitmap_clear(md->used, index, nr);
	spin_unlock(&md->alloc_lock);
}

/* Free the VRAM pages of @nr indices from @index (those that have one). */
static void mir_vram_free(struct mir_device *md, unsigned long index,
			  unsigned long nr)
{
	unsigned long i;

	for (i = 0; i < nr; i++) {
		struct page *backing = xa_erase(&md->vram, index + i);

		if (backing)
			__free_page(backing);
	}
}

/* Give @nr device-private indices from @index their VRAM pages. */
static int mir_vram_alloc(struct mir_device *md, unsigned long index,
			  unsigned long nr)
{
	unsigned long i;

	for (i = 0; i < nr; i++) {
		struct page *backing = alloc_page(GFP_HIGHUSER);

		if (!backing)
			goto err;
		if (xa_insert(&md->vram, index + i, backing, GFP_KERNEL)) {
			__free_page(backing);
			goto err;
		}
	}
	return 0;
err:
	mir_vram_free(md, index, i);
	return -ENOMEM;
}

/**
 * mir_alloc_folio() - allocate a folio of device memory
 * @md: the device
 * @order: log2 of its pages, at most mir_folio_order()
 *
 * Takes free indices, populating a chunk first if no usable run is free,
 * and gives a device-private folio its VRAM pages.
 *
 * Context: process context, @md->mem_rwsem held for reading.
 * Return: the folio, locked and with one reference, as migrate_vma wants
 * its destination; NULL when no such run of device memory is free.
 */
static struct folio *mir_alloc_folio(struct mir_device *md, unsigned int order)
{
	unsigned long usable, index, nr = 1UL << order;
	struct folio *folio;

	lockdep_assert_held_read(&md->mem_rwsem);
	for (;;) {
		/* pairs with the release in mir_grow() */
		usable = smp_load_acquire(&md->usable);
		if (!mir_take_indices(md, usable, order, &index))
			break;
		if (mir_grow(md, usable))
			return NULL;
	}

	if (!mir_is_private(md)) {
		/* not page_folio(): it may still be the tail of a freed folio */
		folio = (struct folio *)mir_index_to_page(md, index);
		devpriv_zone_device_folio_init(folio, &md->coherent, order);
		return folio;
	}
	if (mir_vram_alloc(md, index, nr))
		goto err_indices;
	folio = devpriv_folio_init(&md->dpgmap, index, order);
	if (WARN_ON_ONCE(IS_ERR(folio)))
		goto err_vram;
	return folio;

err_vram:
	mir_vram_free(md, index, nr);
err_indices:
	mir_put_indices(md, index, nr);
	return NULL;
}

/*
 * devpriv_pagemap_ops.folio_free: the last reference is gone, to a whole
 * folio or to one piece of a folio the core split.
 */
static void mir_private_folio_free(struct folio *folio)
{
	struct mir_device *md = mir_private_owner(&folio->page);
	unsigned long index = devpriv_folio_to_index(folio);
	unsigned long nr = folio_nr_pages(folio);

	mir_vram_free(md, index, nr);
	mir_put_indices(md, index, nr);
}

/*
 * Coherent memory is the kernel's own dev_pagemap, whose free op takes a
 * folio from 6.19, which may be large there.
 */
#ifdef DEVPRIV_HAVE_PGMAP_FOLIO_FREE
static void mir_coherent_page_free(struct folio *folio)
{
#else
static void mir_coherent_page_free(struct page *page)
{
	struct folio *folio = page_folio(page);
#endif
	struct mir_device *md = mir_coherent_owner(&folio->page);

	mir_put_indices(md, mir_page_to_index(md, &folio->page),
			folio_nr_pages(folio));
}

/* Take one HMM_DMIRROR_FLAG_FAIL_ALLOC the test set, if it set one. */
static bool mir_fail_alloc(struct mir_file *mf)
{
#ifdef HMM_DMIRROR_FLAG_FAIL_ALLOC
	return mf && test_and_clear_bit(ilog2(HMM_DMIRROR_FLAG_FAIL_ALLOC),
					&mf->flags);
#else
	return false;
#endif
}

/*
 * Copy the @nr device pages from @src (of one folio, so their struct pages
 * are contiguous) into the system folio @dst: a private page's VRAM, a
 * coherent page itself (mir_data_page()).
 */
static void mir_copy_out(struct page *src, struct folio *dst, unsigned long nr)
{
	unsigned long j;

	for (j = 0; j < nr; j++) {
		struct page *data = mir_data_page(src + j);

		/* a device page without VRAM: its contents are lost */
		if (WARN_ON_ONCE(!data))
			clear_highpage(folio_page(dst, j));
		else
			copy_highpage(folio_page(dst, j), data);
	}
}

/**
 * mir_copy_to_system() - fill system pages for device pages leaving
 * @mf: the mirror that asked, or NULL for a CPU fault
 * @args: a migrate_vma after migrate_vma_setup() selected device pages
 *
 * Allocates system memory for every device folio that can migrate and
 * copies its contents: a large device folio goes to a system folio of its
 * size, or, when none can be had, page by page (the core then splits the
 * device folio).  A page left without destination stays on the device.
 *
 * Context: process context, mmap_lock held.
 * Return: the number of pages that got a destination.
 */
static unsigned long mir_copy_to_system(struct mir_file *mf,
					struct migrate_vma *args)
{
	unsigned long i, j, nr, n = 0;

	for (i = 0; i < args->npages; i += nr) {
		unsigned long src = args->src[i];
		struct page *spage = devpriv_migrate_pfn_to_page(src);
		unsigned long write = src & MIGRATE_PFN_WRITE;
		struct folio *dst = NULL;
		bool fail;

		nr = 1;
		if (!spage || !(src & MIGRATE_PFN_MIGRATE))
			continue;
		fail = mir_fail_alloc(mf);
		if (src & DEVPRIV_MIGRATE_PFN_COMPOUND) {
			nr = min(args->npages - i,
				 folio_nr_pages(page_folio(spage)));
			if (!fail)
				dst = folio_alloc(GFP_HIGHUSER_MOVABLE | __GFP_NOWARN,
						  ilog2(nr));
			if (dst) {
				folio_lock(dst);
				mir_copy_out(spage, dst, nr);
				args->dst[i] = migrate_pfn(folio_pfn(dst)) | write |
					       DEVPRIV_MIGRATE_PFN_COMPOUND;
				n += nr;
				continue;
			}
			fail = false;	/* it failed the large allocation only */
		}
		if (fail)
			continue;
		for (j = 0; j < nr; j++) {
			struct page *dpage;

			dpage = alloc_page_vma(GFP_HIGHUSER_MOVABLE, args->vma,
					       args->start + ((i + j) << PAGE_SHIFT));
			if (!dpage)
				return n;	/* the rest stays on the device */
			lock_page(dpage);
			mir_copy_out(spage + j, page_folio(dpage), 1);
			args->dst[i + j] = migrate_pfn(page_to_pfn(dpage)) | write;
			n++;
		}
	}
	return n;
}

/*
 * The range a CPU fault migrates back: a device folio the CPU maps with a
 * PMD goes whole; a page of a folio the CPU maps by PTEs (a partial
 * munmap split the mapping, the core splits the folio) goes alone;
 * otherwise the faulting page and its neighbours on the device within an
 * aligned window of %MIR_FAULT_PAGES.
 */
static unsigned long mir_fault_window(struct vm_fault *vmf,
				      unsigned long *start, bool *compound)
{
	struct folio *folio = page_folio(vmf->page);
	unsigned long nr = MIR_FAULT_PAGES, window;

	*compound = false;
	if (folio_test_large(folio)) {
		*compound = !vmf->pte;
		nr = *compound ? folio_nr_pages(folio) : 1;
	}
	window = ALIGN_DOWN(vmf->address, nr << PAGE_SHIFT);
	*start = max(window, vmf->vma->vm_start);
	return (min(window + (nr << PAGE_SHIFT), vmf->vma->vm_end) - *start) >>
	       PAGE_SHIFT;
}

/**
 * mir_migrate_to_ram() - devpriv_pagemap_ops.migrate_to_ram
 * @vmf: the CPU fault on a device-private page of this driver
 *
 * Brings back the faulting page and its neighbours (mir_fault_window()): a
 * CPU touching one page of a buffer is about to touch the next ones, and
 * one migration costs far less than sixteen faults.  No mirror is
 * involved: a device page table mapping these pages is cleared by its
 * interval notifier when the CPU page table changes.
 *
 * Context: page fault, mmap_lock held for reading.
 * Return: 0 (the fault is retried if the page moved meanwhile),
 * VM_FAULT_SIGBUS or VM_FAULT_OOM.
 */
static vm_fault_t mir_migrate_to_ram(struct vm_fault *vmf)
{
	struct mir_device *md = mir_private_owner(vmf->page);
	unsigned long small_src[MIR_FAULT_PAGES], small_dst[MIR_FAULT_PAGES];
	struct migrate_vma args = {
		.vma = vmf->vma,
		.src = small_src,
		.dst = small_dst,
		.pgmap_owner = md,
		.flags = MIGRATE_VMA_SELECT_DEVICE_PRIVATE,
		.fault_page = vmf->page,
	};
	unsigned long nr, i;
	vm_fault_t ret = 0;
	bool compound;

	nr = mir_fault_window(vmf, &args.start, &compound);
	args.end = args.start + (nr << PAGE_SHIFT);
	if (compound) {
		args.flags |= DEVPRIV_MIGRATE_VMA_SELECT_COMPOUND;
		args.src = kcalloc(nr, sizeof(*args.src), GFP_KERNEL);
		args.dst = kcalloc(nr, sizeof(*args.dst), GFP_KERNEL);
		if (!args.src || !args.dst) {
			ret = VM_FAULT_OOM;
			goto out;
		}
	}
	i = (vmf->address - args.start) >> PAGE_SHIFT;
	if (migrate_vma_setup(&args)) {
		ret = VM_FAULT_SIGBUS;
		goto out;
	}
	atomic_long_add(mir_copy_to_system(NULL, &args), &md->nr_to_ram);
	/*
	 * Not collected: someone else migrated it meanwhile, and the fault
	 * retries.  Collected without a destination: no memory.
	 */
	if (compound)
		i = 0;
	if ((args.src[i] & MIGRATE_PFN_MIGRATE) && !args.dst[i])
		ret = VM_FAULT_OOM;
	migrate_vma_pages(&args);
	migrate_vma_finalize(&args);
out:
	if (compound) {
		kfree(args.src);
		kfree(args.dst);
	}
	return ret;
}

static const struct devpriv_pagemap_ops mir_private_ops = {
	.folio_free = mir_private_folio_free,
	.migrate_to_ram = mir_migrate_to_ram,
};

static const struct dev_pagemap_ops mir_coherent_ops = {
	.devpriv_free_op = mir_coherent_page_free,
};

/*
 * devpriv_pagemap.copy_to_ram: libdevpriv evicts resident pages at
 * unregistration (module unload, HMM_DMIRROR_RELEASE) and asks for their
 * contents.
 */
static int mir_copy_to_ram(struct devpriv_pagemap *dpgmap, struct page **src,
			   struct page **dst, unsigned long npages)
{
	struct mir_device *md = container_of(dpgmap, struct mir_device, dpgmap);
	unsigned long i, copied = 0;

	for (i = 0; i < npages; i++) {
		struct page *data;

		if (!dst[i])
			continue;
		data = xa_load(&md->vram, devpriv_page_to_index(src[i]));
		/* a resident page without backing: the device lost it */
		if (WARN_ON_ONCE(!data))
			return -EIO;
		copy_highpage(dst[i], data);
		copied++;
	}
	atomic_long_add(copied, &md->nr_evicted);
	return 0;
}

static int mir_private_register(struct mir_device *md)
{
	int err;

	memset(&md->dpgmap, 0, sizeof(md->dpgmap));
	md->dpgmap.devpriv_ops = &mir_private_ops;
	md->dpgmap.owner = md;
	md->dpgmap.copy_to_ram = mir_copy_to_ram;
	md->dpgmap.nr_pages = md->nr_pages;
	md->dpgmap.chunk_order = mir_chunk_order();
	/* THPs move whole where the kernel can (mir_folio_order()) */
	md->dpgmap.folio_order = large_folios ? PMD_SHIFT - PAGE_SHIFT : 0;
	/* lazy: mir_grow() populates chunk after chunk */
	err = devpriv_memremap_pagemap(&md->dpgmap, NUMA_NO_NODE);
	if (err)
		return err;
	md->nr_populated = 0;
	md->usable = 0;
	md->cursor = 0;
	md->registered = true;
	return 0;
}

static void mir_private_unregister(struct mir_device *md)
{
	long evicted = atomic_long_read(&md->nr_evicted);

	if (!md->registered)
		return;
	/* evicts resident pages through mir_copy_to_ram() */
	devpriv_memunmap_pagemap(&md->dpgmap);
	md->registered = false;
	md->usable = 0;
	pr_info("%s: unregistered device memory (%lu chunks populated): %ld resident pages evicted\n",
		dev_name(&md->dev), md->nr_populated,
		atomic_long_read(&md->nr_evicted) - evicted);
	WARN_ON(!bitmap_empty(md->used, md->nr_pages));
	WARN_ON(!xa_empty(&md->vram));
}

static int mir_coherent_map(struct mir_device *md, unsigned long base)
{
	void *addr;

	md->coherent.type = MEMORY_DEVICE_COHERENT;
	md->coherent.range.start = base;
	md->coherent.range.end = base + ((u64)md->nr_pages << PAGE_SHIFT) - 1;
	md->coherent.nr_range = 1;
	md->coherent.ops = &mir_coherent_ops;
	md->coherent.owner = md;
	addr = memremap_pages(&md->coherent, numa_node_id());
	if (IS_ERR(addr))
		return PTR_ERR(addr);
	md->usable = md->nr_pages;
	return 0;
}

/*
 * Migrate every used coherent folio to system memory.  libdevpriv does this
 * for private memory; coherent memory is the stock path.  A large folio
 * needs a large destination (without a vma the core cannot split it), and
 * unbinding must not leave it behind: wait for one.
 */
static void mir_coherent_evict(struct mir_device *md)
{
	unsigned long first = PHYS_PFN(md->coherent.range.start);
	unsigned long batch = mir_batch_pages(md);
	unsigned long *src, *dst, done, n, i, nr;

	src = kvcalloc(2 * batch, sizeof(*src), GFP_KERNEL | __GFP_NOFAIL);
	dst = src + batch;
	for (done = 0; done < md->nr_pages; done += n) {
		n = min(batch, md->nr_pages - done);
		migrate_device_range(src, first + done, n);
		memset(dst, 0, n * sizeof(*dst));
		for (i = 0; i < n; i += nr) {
			struct page *spage = migrate_pfn_to_page(src[i]);
			struct folio *dfolio;

			nr = 1;
			if (!spage || !(src[i] & MIGRATE_PFN_MIGRATE))
				continue;
			nr = folio_nr_pages(page_folio(spage));
			while (!(dfolio = folio_alloc(GFP_HIGHUSER_MOVABLE |
						      __GFP_RETRY_MAYFAIL,
						      ilog2(nr))))
				msleep(20);
			folio_lock(dfolio);
			mir_copy_out(spage, dfolio, nr);
			dst[i] = migrate_pfn(folio_pfn(dfolio)) |
				 (src[i] & MIGRATE_PFN_WRITE) |
				 (nr > 1 ? DEVPRIV_MIGRATE_PFN_COMPOUND : 0);
			atomic_long_add(nr, &md->nr_evicted);
		}
		migrate_device_pages(src, dst, n);
		migrate_device_finalize(src, dst, n);
	}
	kvfree(src);
}

static void mir_memory_fini(struct mir_device *md)
{
	if (mir_is_private(md)) {
		mir_private_unregister(md);
	} else {
		mir_coherent_evict(md);
		memunmap_pages(&md->coherent);
	}
}

/* HMM_DMIRROR_RELEASE: give back all device memory, then start afresh. */
static int mir_release_memory(struct mir_device *md)
{
	int err = 0;

	down_write(&md->mem_rwsem);
	if (mir_is_private(md)) {
		mir_private_unregister(md);
		err = mir_private_register(md);
	} else {
		mir_coherent_evict(md);
	}
	up_write(&md->mem_rwsem);
	return err;
}

/* ------------------------------------------------------------------------
 * The device page table
 */

static bool mir_invalidate(struct mmu_interval_notifier *mni,
			   const struct mmu_notifier_range *range,
			   unsigned long cur_seq)
{
	struct mir_file *mf = container_of(mni, struct mir_file, notifier);
	unsigned long index;
	void *entry;

	/*
	 * make_device_exclusive() on behalf of this mirror: the pages
	 * stay where they are and mir_exclusive() maps them itself, checking
	 * the sequence; counting its own call would make it retry forever.
	 */
	if (range->event == MMU_NOTIFY_EXCLUSIVE && range->owner == mf)
		return true;

	if (mmu_notifier_range_blockable(range))
		mutex_lock(&mf->lock);
	else if (!mutex_trylock(&mf->lock))
		return false;
	mmu_interval_set_seq(mni, cur_seq);
	xa_for_each_range(&mf->pt, index, entry, range->start >> PAGE_SHIFT,
			  (range->end - 1) >> PAGE_SHIFT)
		xa_erase(&mf->pt, index);
	mutex_unlock(&mf->lock);
	return true;
}

static const struct mmu_interval_notifier_ops mir_notifier_ops = {
	.invalidate = mir_invalidate,
};

/* Under mf->lock, which the notifier takes: no reclaim, hence GFP_ATOMIC. */
static int mir_pt_set(struct mir_file *mf, unsigned long addr,
		      struct page *page, enum mir_pte access)
{
	lockdep_assert_held(&mf->lock);
	return xa_err(xa_store(&mf->pt, addr >> PAGE_SHIFT,
			       xa_tag_pointer(page, access), GFP_ATOMIC));
}

/*
 * hmm_range_fault() that takes the mmap lock itself, so that a fault
 * handler may drop it (userfaultfd); it retries invalidations itself,
 * until the timeout.
 */
static int mir_range_fault_unlocked(struct hmm_range *range)
{
#ifdef DEVPRIV_HAVE_HMM_RANGE_FAULT_UNLOCKED
	unsigned long timeout = msecs_to_jiffies(HMM_RANGE_DEFAULT_TIMEOUT);

	return hmm_range_fault_unlocked_timeout(range, timeout);
#else
	return -EOPNOTSUPP;
#endif
}

/**
 * mir_hmm_walk() - hmm_range_fault() a range, consistently with the mirror
 * @mf: the mirror
 * @range: start, end, hmm_pfns, flags and owner filled in
 * @unlocked: let a fault handler drop the mmap lock (userfaultfd needs it),
 *	where the kernel has hmm_range_fault_unlocked_timeout()
 *
 * Retries while the mm changes under the walk, for at most
 * %HMM_RANGE_DEFAULT_TIMEOUT milliseconds.
 *
 * Context: process context, mmap_lock not held; the caller holds a
 * reference on the mm.
 * Return: 0 with @mf->lock held: @range->hmm_pfns is valid until the
 * caller unlocks.  -EBUSY on timeout, or hmm_range_fault()'s error,
 * without the lock.
 */
static int mir_hmm_walk(struct mir_file *mf, struct hmm_range *range,
			bool unlocked)
{
	struct mm_struct *mm = mf->notifier.mm;
	unsigned long timeout = jiffies +
				msecs_to_jiffies(HMM_RANGE_DEFAULT_TIMEOUT);
	int ret;

	range->notifier = &mf->notifier;
	for (;;) {
		if (time_after(jiffies, timeout))
			return -EBUSY;
		if (unlocked) {
			ret = mir_range_fault_unlocked(range);
		} else {
			range->notifier_seq =
				mmu_interval_read_begin(&mf->notifier);
			mmap_read_lock(mm);
			ret = hmm_range_fault(range);
			mmap_read_unlock(mm);
		}
		if (ret == -EBUSY)
			continue;
		if (ret)
			return ret;
		mutex_lock(&mf->lock);
		if (!mmu_interval_read_retry(&mf->notifier, range->notifier_seq))
			return 0;
		mutex_unlock(&mf->lock);
	}
}

static int mir_unshare(struct mir_file *mf, unsigned long addr);

/*
 * Fault [start, end) into the device page table, for writing if @write;
 * @unlocked: without holding the mmap lock across the fault (see
 * mir_hmm_walk()).
 */
static int mir_fault(struct mir_file *mf, unsigned long start,
		     unsigned long end, bool write, bool unlocked)
{
	unsigned long pfns[MIR_BATCH];
	struct hmm_range range = {
		.hmm_pfns = pfns,
		.default_flags = HMM_PFN_REQ_FAULT |
				 (write ? HMM_PFN_REQ_WRITE : 0),
		/* the device reaches its own memory without migrating it */
		.dev_private_owner = mf->md,
	};
	unsigned long addr, i, shared = 0;
	int ret = 0;

	if (!mmget_not_zero(mf->notifier.mm))
		return -EFAULT;
	for (addr = start; addr < end && !ret && !shared; addr = range.end) {
		range.start = addr;
		range.end = min(end, addr + (MIR_BATCH << PAGE_SHIFT));
		ret = mir_hmm_walk(mf, &range, unlocked);
		if (ret)
			break;
		for (i = 0; addr + (i << PAGE_SHIFT) < range.end && !ret; i++) {
			/* a fault was requested: every entry is valid */
			if (WARN_ON_ONCE(!(pfns[i] & HMM_PFN_VALID))) {
				ret = -EFAULT;
				break;
			}
			/*
			 * hmm_range_fault() hands back this device's own pages
			 * as they are, without breaking copy-on-write: one
			 * shared read-only since a fork stays read-only however
			 * often the write fault is retried.
			 */
			if (write && !(pfns[i] & HMM_PFN_WRITE)) {
				shared = addr + (i << PAGE_SHIFT);
				break;
			}
			ret = mir_pt_set(mf, addr + (i << PAGE_SHIFT),
					 devpriv_hmm_pfn_to_page_at(pfns[i],
								    addr + (i << PAGE_SHIFT)),
					 pfns[i] & HMM_PFN_WRITE ?
					 MIR_PTE_WRITE : MIR_PTE_READ);
		}
		mutex_unlock(&mf->lock);
	}
	mmput(mf->notifier.mm);
	if (shared && !ret)
		ret = mir_unshare(mf, shared);
	return ret;
}

/*
 * Map into the device page table the pages of [start, end) that are in
 * this device's memory, after a migration to the device.  The mapping is
 * read back from the CPU page table, not taken from the migration's
 * destination array, so that an invalidation racing with the migration
 * cannot leave a stale entry behind.
 */
static int mir_map_device_pages(struct mir_file *mf, unsigned long start,
				unsigned long end)
{
	struct mir_device *md = mf->md;
	unsigned long pfns[MIR_BATCH];
	struct hmm_range range = {
		.hmm_pfns = pfns,
		.dev_private_owner = md,
	};
	unsigned long addr, i;
	int ret = 0;

	for (addr = start; addr < end && !ret; addr = range.end) {
		range.start = addr;
		range.end = min(end, addr + (MIR_BATCH << PAGE_SHIFT));
		ret = mir_hmm_walk(mf, &range, false);
		if (ret)
			break;
		for (i = 0; addr + (i << PAGE_SHIFT) < range.end && !ret; i++) {
			struct page *page;

			if (!(pfns[i] & HMM_PFN_VALID))
				continue;
			page = devpriv_hmm_pfn_to_page_at(pfns[i],
							  addr + (i << PAGE_SHIFT));
			if (mir_private_owner(page) != md &&
			    mir_coherent_owner(page) != md)
				continue;
			ret = mir_pt_set(mf, addr + (i << PAGE_SHIFT), page,
					 pfns[i] & HMM_PFN_WRITE ?
					 MIR_PTE_WRITE : MIR_PTE_READ);
		}
		mutex_unlock(&mf->lock);
	}
	return ret;
}

/**
 * mir_pt_copy() - the device accesses memory through its page table
 * @mf: the mirror
 * @addr: in: first address; out: first address not copied
 * @end: end of the range
 * @buf: bounce buffer for @addr
 * @write: copy @buf to memory instead of memory to @buf
 *
 * Context: @mf->lock held.
 * Return: 0, or -ENOENT at the first page not mapped (writable, for
 * @write) in the device page table.
 */
static int mir_pt_copy(struct mir_file *mf, unsigned long *addr,
		       unsigned long end, void *buf, bool write)
{
	lockdep_assert_held(&mf->lock);
	for (; *addr < end; *addr += PAGE_SIZE, buf += PAGE_SIZE) {
		void *entry = xa_load(&mf->pt, *addr >> PAGE_SHIFT);
		struct page *data;

		if (!entry ||
		    (write && xa_pointer_tag(entry) != MIR_PTE_WRITE))
			return -ENOENT;
		data = mir_data_page(xa_untag_pointer(entry));
		if (!data)
			return -ENOENT;
		if (write)
			memcpy_to_page(data, 0, buf, PAGE_SIZE);
		else
			memcpy_from_page(buf, data, 0, PAGE_SIZE);
	}
	return 0;
}

/* Read [cmd->addr, +npages) as mapped now, without faulting anything in. */
static int mir_read_mapped(struct mir_file *mf, struct hmm_dmirror_cmd *cmd,
			   void *buf)
{
	unsigned long addr = cmd->addr;
	int ret;

	mutex_lock(&mf->lock);
	ret = mir_pt_copy(mf, &addr, cmd->addr + (cmd->npages << PAGE_SHIFT),
			  buf, false);
	mutex_unlock(&mf->lock);
	cmd->cpages = (addr - cmd->addr) >> PAGE_SHIFT;
	return ret;
}

/*
 * HMM_DMIRROR_READ and _WRITE: access, faulting in what is missing
 * (_READ_UNLOCKED: without the mmap lock held across the fault).
 */
static int mir_access(struct mir_file *mf, struct hmm_dmirror_cmd *cmd,
		      void *buf, bool write, bool unlocked)
{
	unsigned long start = cmd->addr;
	unsigned long end = start + (cmd->npages << PAGE_SHIFT);
	unsigned long addr = start;
	int ret;

	for (;;) {
		mutex_lock(&mf->lock);
		ret = mir_pt_copy(mf, &addr, end, buf + (addr - start), write);
		mutex_unlock(&mf->lock);
		if (ret != -ENOENT)
			break;
		ret = mir_fault(mf, addr, end, write, unlocked);
		if (ret)
			break;
		cmd->faults++;
	}
	cmd->cpages = (addr - start) >> PAGE_SHIFT;
	return ret;
}

/* ------------------------------------------------------------------------
 * Migration
 */

/*
 * Copy @nr pages from @src (of one folio; NULL: pte_none or the zero page)
 * into the device folio @dst.
 */
static void mir_copy_in(struct folio *dst, struct page *src, unsigned long nr)
{
	unsigned long j;

	for (j = 0; j < nr; j++) {
		struct page *data = mir_data_page(folio_page(dst, j));

		if (src)
			copy_highpage(data, src + j);
		else
			clear_highpage(data);
	}
}

/**
 * mir_copy_to_device() - fill device folios for system pages arriving
 * @mf: the mirror that asked
 * @md: its device
 * @args: a migrate_vma after migrate_vma_setup() selected system pages
 *
 * A THP (or a PMD's worth of pte_none or the huge zero page) goes whole
 * into a large device folio, or, when none can be had, page by page (the
 * core then splits the THP).  A failed allocation the test asks for fails
 * one page, or one large folio, as test_hmm's does; device memory that
 * runs out leaves the rest of the batch in system memory.
 *
 * Context: process context, mmap_lock and @md->mem_rwsem held for reading.
 */
static void mir_copy_to_device(struct mir_file *mf, struct mir_device *md,
			       struct migrate_vma *args)
{
	unsigned long i, j, nr;

	for (i = 0; i < args->npages; i += nr) {
		unsigned long src = args->src[i];
		struct page *spage = migrate_pfn_to_page(src);
		unsigned long write = 0;
		struct folio *dst = NULL;
		bool fail;

		nr = 1;
		if (!(src & MIGRATE_PFN_MIGRATE))
			continue;
		/* no page: pte_none or the zero page, the device page is zeroed */
		if (spage && is_zone_device_page(spage)) {
			/*
			 * Since large device folios (6.19) the core selects a
			 * PMD-mapped coherent folio as system memory; it is
			 * device memory already, so it stays.  A device-private
			 * page here would be a core bug.
			 */
			WARN_ON_ONCE(is_device_private_page(spage));
			continue;
		}
		if ((src & MIGRATE_PFN_WRITE) ||
		    (!spage && (args->vma->vm_flags & VM_WRITE)))
			write = MIGRATE_PFN_WRITE;
		fail = mir_fail_alloc(mf);
		if (src & DEVPRIV_MIGRATE_PFN_COMPOUND) {
			nr = min(args->npages - i, spage ?
				 folio_nr_pages(page_folio(spage)) :
				 1UL << DEVPRIV_FOLIO_ORDER_MAX);
			if (!fail && ilog2(nr) <= mir_folio_order(md))
				dst = mir_alloc_folio(md, ilog2(nr));
			if (dst) {
				mir_copy_in(dst, spage, nr);
				args->dst[i] = mir_device_mpfn(md, dst) | write;
				continue;
			}
			fail = false;	/* it failed the large allocation only */
		}
		if (fail)
			continue;
		for (j = 0; j < nr; j++) {
			dst = mir_alloc_folio(md, 0);
			if (!dst)
				return;		/* device memory full: the rest stays */
			mir_copy_in(dst, spage ? spage + j : NULL, 1);
			args->dst[i + j] = mir_device_mpfn(md, dst) | write;
		}
	}
}

/* Pages that moved: a large destination folio counts all of its pages. */
static unsigned long mir_count_migrated(const struct migrate_vma *args)
{
	unsigned long i, n = 0;

	for (i = 0; i < args->npages; i++) {
		struct page *dpage = migrate_pfn_to_page(args->dst[i]);

		if ((args->src[i] & MIGRATE_PFN_MIGRATE) && dpage)
			n += args->dst[i] & DEVPRIV_MIGRATE_PFN_COMPOUND ?
			     folio_nr_pages(page_folio(dpage)) : 1;
	}
	return n;
}

/*
 * Migrate [start, end) of @mf's mm in batches within one vma each.
 * @to_device: system -> device memory, otherwise device -> system memory.
 */
static int mir_migrate(struct mir_file *mf, unsigned long start,
		       unsigned long end, bool to_device, unsigned long *moved)
{
	struct mir_device *md = mf->md;
	struct mm_struct *mm = mf->notifier.mm;
	unsigned long batch = mir_batch_pages(md) << PAGE_SHIFT;
	unsigned long *src, *dst, addr, next;
	int ret = 0;

	/* one allocation: src, then dst */
	src = kvmalloc_array(2 * (batch >> PAGE_SHIFT), sizeof(*src), GFP_KERNEL);
	if (!src)
		return -ENOMEM;
	dst = src + (batch >> PAGE_SHIFT);
	if (!mmget_not_zero(mm)) {
		kvfree(src);
		return -EINVAL;
	}
	mmap_read_lock(mm);
	for (addr = start; addr < end; addr = next) {
		struct vm_area_struct *vma = vma_lookup(mm, addr);
		struct migrate_vma args = {
			.src = src,
			.dst = dst,
			.pgmap_owner = md,
		};

		if (!vma || !(vma->vm_flags & VM_READ)) {
			ret = -EINVAL;
			break;
		}
		/* aligned batches: a THP is in one batch or none */
		next = min3(end, ALIGN_DOWN(addr, batch) + batch, vma->vm_end);
		args.vma = vma;
		args.start = addr;
		args.end = next;

		if (to_device) {
			args.flags = MIGRATE_VMA_SELECT_SYSTEM;
			if (mir_folio_order(md))
				args.flags |= DEVPRIV_MIGRATE_VMA_SELECT_COMPOUND;
			/* RELEASE must not evict pages between alloc and map */
			down_read(&md->mem_rwsem);
			ret = migrate_vma_setup(&args);
			if (!ret) {
				mir_copy_to_device(mf, md, &args);
				migrate_vma_pages(&args);
				*moved += mir_count_migrated(&args);
				migrate_vma_finalize(&args);
			}
			up_read(&md->mem_rwsem);
		} else {
			args.flags = (mir_is_private(md) ?
				      MIGRATE_VMA_SELECT_DEVICE_PRIVATE :
				      MIGRATE_VMA_SELECT_DEVICE_COHERENT) |
				     DEVPRIV_MIGRATE_VMA_SELECT_COMPOUND;
			ret = migrate_vma_setup(&args);
			if (!ret) {
				mir_copy_to_system(mf, &args);
				migrate_vma_pages(&args);
				*moved += mir_count_migrated(&args);
				migrate_vma_finalize(&args);
			}
		}
		if (ret)
			break;
	}
	mmap_read_unlock(mm);
	if (!ret && to_device)
		ret = mir_map_device_pages(mf, start, end);
	mmput(mm);
	kvfree(src);
	return ret;
}

/* HMM_DMIRROR_MIGRATE_TO_DEV: migrate, then read back what is now on the device. */
static int mir_migrate_to_device(struct mir_file *mf,
				 struct hmm_dmirror_cmd *cmd, void *buf)
{
	unsigned long moved = 0;
	int ret;

	ret = mir_migrate(mf, cmd->addr, cmd->addr + (cmd->npages << PAGE_SHIFT),
			  true, &moved);
	atomic_long_add(moved, &mf->md->nr_to_device);
	if (ret)
		return ret;
	return mir_read_mapped(mf, cmd, buf);
}

static int mir_migrate_to_system(struct mir_file *mf,
				 struct hmm_dmirror_cmd *cmd)
{
	unsigned long moved = 0;
	int ret;

	ret = mir_migrate(mf, cmd->addr, cmd->addr + (cmd->npages << PAGE_SHIFT),
			  false, &moved);
	atomic_long_add(moved, &mf->md->nr_to_system);
	cmd->cpages = moved;
	return ret;
}

/*
 * A page of this device that the CPU maps read-only (copy-on-write since a
 * fork) goes back to system memory, where the next write fault breaks the
 * sharing as for any anonymous page.  Without progress the caller would
 * fault for ever: then -EBUSY.
 */
static int mir_unshare(struct mir_file *mf, unsigned long addr)
{
	unsigned long moved = 0;
	int ret;

	ret = mir_migrate(mf, addr, addr + PAGE_SIZE, false, &moved);
	atomic_long_add(moved, &mf->md->nr_to_system);
	if (!ret && !moved)
		ret = -EBUSY;
	return ret;
}

/* ------------------------------------------------------------------------
 * Snapshot and exclusive access
 */

static u8 mir_snapshot_entry(struct mir_device *md, unsigned long hmm_pfn)
{
	unsigned int order;
	struct page *page;
	u8 prot;

	if (hmm_pfn & HMM_PFN_ERROR)
		return HMM_DMIRROR_PROT_ERROR;
	if (!(hmm_pfn & HMM_PFN_VALID))
		return HMM_DMIRROR_PROT_NONE;

	page = devpriv_hmm_pfn_to_page(hmm_pfn);
	if (is_device_private_page(page))
		prot = mir_private_owner(page) == md ?
		       HMM_DMIRROR_PROT_DEV_PRIVATE_LOCAL :
		       HMM_DMIRROR_PROT_DEV_PRIVATE_REMOTE;
	else if (is_device_coherent_page(page))
		prot = mir_coherent_owner(page) == md ?
		       HMM_DMIRROR_PROT_DEV_COHERENT_LOCAL :
		       HMM_DMIRROR_PROT_DEV_COHERENT_REMOTE;
	else if (is_zero_page(page))
		prot = HMM_DMIRROR_PROT_ZERO;
	else
		prot = HMM_DMIRROR_PROT_NONE;

	prot |= hmm_pfn & HMM_PFN_WRITE ? HMM_DMIRROR_PROT_WRITE :
					   HMM_DMIRROR_PROT_READ;
	order = hmm_pfn_to_map_order(hmm_pfn);
	if (order + PAGE_SHIFT == PMD_SHIFT)
		prot |= HMM_DMIRROR_PROT_PMD;
	else if (order + PAGE_SHIFT == PUD_SHIFT)
		prot |= HMM_DMIRROR_PROT_PUD;
	return prot;
}

/* HMM_DMIRROR_SNAPSHOT: what the device would see, faulting nothing in. */
static int mir_snapshot(struct mir_file *mf, struct hmm_dmirror_cmd *cmd)
{
	unsigned long end = cmd->addr + (cmd->npages << PAGE_SHIFT);
	u8 __user *uptr = u64_to_user_ptr(cmd->ptr);
	unsigned long pfns[MIR_BATCH];
	u8 prot[MIR_BATCH];
	struct hmm_range range = {
		.hmm_pfns = pfns,
		.dev_private_owner = mf->md,
	};
	unsigned long addr, i, n;
	int ret = 0;

	if (!mmget_not_zero(mf->notifier.mm))
		return -EINVAL;
	for (addr = cmd->addr; addr < end; addr = range.end) {
		range.start = addr;
		range.end = min(end, addr + (MIR_BATCH << PAGE_SHIFT));
		ret = mir_hmm_walk(mf, &range, false);
		if (ret)
			break;
		n = (range.end - range.start) >> PAGE_SHIFT;
		for (i = 0; i < n; i++)
			prot[i] = mir_snapshot_entry(mf->md, pfns[i]);
		mutex_unlock(&mf->lock);

		if (copy_to_user(uptr, prot, n)) {
			ret = -EFAULT;
			break;
		}
		uptr += n;
		cmd->cpages += n;
	}
	mmput(mf->notifier.mm);
	return ret;
}

/*
 * HMM_DMIRROR_EXCLUSIVE: take the pages for device atomics; the CPU page
 * table gets device-exclusive entries that fault back on CPU access.
 */
static int mir_exclusive(struct mir_file *mf, struct hmm_dmirror_cmd *cmd,
			 void *buf)
{
	struct mm_struct *mm = mf->notifier.mm;
	unsigned long end = cmd->addr + (cmd->npages << PAGE_SHIFT);
	unsigned long addr, seq;
	int ret = 0;

	if (!mmget_not_zero(mm))
		return -EINVAL;
	mmap_read_lock(mm);
	/* one page at a time: make_device_exclusive() of 6.15 takes one */
	for (addr = cmd->addr; addr < end && !ret; addr += PAGE_SIZE) {
		struct folio *folio;
		struct page *page;

		seq = mmu_interval_read_begin(&mf->notifier);
		/* returns the page locked, its folio referenced */
		page = devpriv_make_device_exclusive(mm, addr, mf, &folio);
		if (IS_ERR(page)) {
			ret = PTR_ERR(page);
			break;
		}
		mutex_lock(&mf->lock);
		if (mmu_interval_read_retry(&mf->notifier, seq) ||
		    mir_pt_set(mf, addr, page, MIR_PTE_ATOMIC))
			ret = -EBUSY;
		mutex_unlock(&mf->lock);
		folio_unlock(folio);
		folio_put(folio);
	}
	mmap_read_unlock(mm);
	mmput(mm);
	if (ret)
		return ret;
	/* hand back the contents, for the caller to check */
	return mir_read_mapped(mf, cmd, buf);
}

static int mir_check_exclusive(struct mir_file *mf, struct hmm_dmirror_cmd *cmd)
{
	unsigned long first = cmd->addr >> PAGE_SHIFT;
	unsigned long index;
	void *entry;
	int ret = 0;

	mutex_lock(&mf->lock);
	xa_for_each_range(&mf->pt, index, entry, first, first + cmd->npages - 1) {
		if (xa_pointer_tag(entry) == MIR_PTE_ATOMIC) {
			ret = -EPERM;
			break;
		}
	}
	mutex_unlock(&mf->lock);
	return ret;
}

/* ------------------------------------------------------------------------
 * File operations
 */

static int mir_open(struct inode *inode, struct file *file)
{
	struct mir_file *mf;
	int ret;

	mf = devpriv_kzalloc_obj(*mf, GFP_KERNEL);
	if (!mf)
		return -ENOMEM;
	mf->md = container_of(inode->i_cdev, struct mir_device, cdev);
	mutex_init(&mf->lock);
	xa_init(&mf->pt);
	ret = mmu_interval_notifier_insert(&mf->notifier, current->mm, 0,
					   ULONG_MAX & PAGE_MASK,
					   &mir_notifier_ops);
	if (ret) {
		mutex_destroy(&mf->lock);
		kfree(mf);
		return ret;
	}
	file->private_data = mf;
	return 0;
}

/*
 * Pages the mirror migrated to the device stay there: they belong to the
 * device, not to the file, and come back on CPU faults or when the
 * device memory is released.
 */
static int mir_release(struct inode *inode, struct file *file)
{
	struct mir_file *mf = file->private_data;

	mmu_interval_notifier_remove(&mf->notifier);
	xa_destroy(&mf->pt);
	mutex_destroy(&mf->lock);
	kfree(mf);
	return 0;
}

static long mir_ioctl(struct file *file, unsigned int command,
		      unsigned long arg)
{
	struct mir_file *mf = file->private_data;
	void __user *uarg = (void __user *)arg;
	struct hmm_dmirror_cmd cmd;
	void *buf = NULL;
	size_t size;
	int ret;

	if (copy_from_user(&cmd, uarg, sizeof(cmd)))
		return -EFAULT;
	if (cmd.addr & ~PAGE_MASK || !cmd.npages ||
	    cmd.npages > MIR_MAX_REQUEST ||
	    cmd.addr + (cmd.npages << PAGE_SHIFT) <= cmd.addr)
		return -EINVAL;
	size = cmd.npages << PAGE_SHIFT;
	cmd.cpages = 0;
	cmd.faults = 0;

	switch (command) {
	case HMM_DMIRROR_READ:
#ifdef MIR_HAVE_READ_UNLOCKED
	case HMM_DMIRROR_READ_UNLOCKED:
#endif
	case HMM_DMIRROR_WRITE:
	case HMM_DMIRROR_MIGRATE_TO_DEV:
	case HMM_DMIRROR_EXCLUSIVE:
		/*
		 * vmalloc(), as test_hmm: kvmalloc() may map a large buffer
		 * with 2 MiB pages, and copy_to_user() from such a mapping
		 * ran 7 to 15 times slower under QEMU TCG (make bench), which
		 * the migration benchmark then charged to libdevpriv.
		 */
		buf = vmalloc(size);
		if (!buf)
			return -ENOMEM;
		break;
	}

	switch (command) {
	case HMM_DMIRROR_READ:
		ret = mir_access(mf, &cmd, buf, false, false);
		if (!ret && copy_to_user(u64_to_user_ptr(cmd.ptr), buf, size))
			ret = -EFAULT;
		break;
#ifdef MIR_HAVE_READ_UNLOCKED
	case HMM_DMIRROR_READ_UNLOCKED:
		ret = mir_access(mf, &cmd, buf, false, true);
		if (!ret && copy_to_user(u64_to_user_ptr(cmd.ptr), buf, size))
			ret = -EFAULT;
		break;
#endif
	case HMM_DMIRROR_WRITE:
		if (copy_from_user(buf, u64_to_user_ptr(cmd.ptr), size))
			ret = -EFAULT;
		else
			ret = mir_access(mf, &cmd, buf, true, false);
		break;
	case HMM_DMIRROR_MIGRATE_TO_DEV:
		ret = mir_migrate_to_device(mf, &cmd, buf);
		if (!ret && copy_to_user(u64_to_user_ptr(cmd.ptr), buf, size))
			ret = -EFAULT;
		break;
	case HMM_DMIRROR_MIGRATE_TO_SYS:
		ret = mir_migrate_to_system(mf, &cmd);
		break;
	case HMM_DMIRROR_SNAPSHOT:
		ret = mir_snapshot(mf, &cmd);
		break;
	case HMM_DMIRROR_EXCLUSIVE:
		ret = mir_exclusive(mf, &cmd, buf);
		if (!ret && copy_to_user(u64_to_user_ptr(cmd.ptr), buf, size))
			ret = -EFAULT;
		break;
	case HMM_DMIRROR_CHECK_EXCLUSIVE:
		ret = mir_check_exclusive(mf, &cmd);
		break;
	case HMM_DMIRROR_RELEASE:
		ret = mir_release_memory(mf->md);
		break;
#ifdef HMM_DMIRROR_FLAGS
	case HMM_DMIRROR_FLAGS:
		/* test_hmm passes the flags in npages */
		WRITE_ONCE(mf->flags, cmd.npages);
		break;
#endif
	default:
		ret = -EINVAL;
		break;
	}
	vfree(buf);
	if (ret)
		return ret;
	if (copy_to_user(uarg, &cmd, sizeof(cmd)))
		return -EFAULT;
	return 0;
}

/* Mapping the device file gives zeroed system pages (hmm-tests' mixedmap). */
static int mir_mmap(struct file *file, struct vm_area_struct *vma)
{
	unsigned long addr;
	int ret;

	for (addr = vma->vm_start; addr < vma->vm_end; addr += PAGE_SIZE) {
		struct page *page = alloc_page(GFP_KERNEL | __GFP_ZERO);

		if (!page)
			return -ENOMEM;
		ret = vm_insert_page(vma, addr, page);
		/* the mapping holds its own reference */
		put_page(page);
		if (ret)
			return ret;
	}
	return 0;
}

static const struct file_operations mir_fops = {
	.owner = THIS_MODULE,
	.open = mir_open,
	.release = mir_release,
	.unlocked_ioctl = mir_ioctl,
	.mmap = mir_mmap,
	.llseek = default_llseek,
};

/* ------------------------------------------------------------------------
 * Devices and module
 */

static void mir_device_release(struct device *dev)
{
	struct mir_device *md = container_of(dev, struct mir_device, dev);

	bitmap_free(md->used);
	xa_destroy(&md->vram);
	mutex_destroy(&md->grow_lock);
	kfree(md);
}

static struct mir_device *mir_device_create(unsigned int id, unsigned int type,
					    unsigned long spm_addr)
{
	struct mir_device *md;
	int err;

	md = devpriv_kzalloc_obj(*md, GFP_KERNEL);
	if (!md)
		return ERR_PTR(-ENOMEM);
	md->id = id;
	md->type = type;
	init_rwsem(&md->mem_rwsem);
	mutex_init(&md->grow_lock);
	spin_lock_init(&md->alloc_lock);
	xa_init(&md->vram);
	device_initialize(&md->dev);
	md->dev.release = mir_device_release;
	md->dev.devt = MKDEV(MAJOR(mir_devt), id);
	/* from here on put_device() frees md */
	err = dev_set_name(&md->dev, "hmm_dmirror%u", id);
	if (err)
		goto err_put;

	if (mir_is_private(md))
		md->nr_pages = (unsigned long)devmem_mib << (20 - PAGE_SHIFT);
	else
		md->nr_pages = (unsigned long)spm_mib << (20 - PAGE_SHIFT);
	md->used = bitmap_zalloc(md->nr_pages, GFP_KERNEL);
	if (!md->used) {
		err = -ENOMEM;
		goto err_put;
	}
	if (mir_is_private(md))
		err = mir_private_register(md);
	else
		err = mir_coherent_map(md, spm_addr);
	if (err)
		goto err_put;

	cdev_init(&md->cdev, &mir_fops);
	md->cdev.owner = THIS_MODULE;
	err = cdev_device_add(&md->cdev, &md->dev);
	if (err)
		goto err_memory;
	return md;

err_memory:
	mir_memory_fini(md);
err_put:
	pr_err("hmm_dmirror%u: cannot create device: %d\n", id, err);
	put_device(&md->dev);
	return ERR_PTR(err);
}

static void mir_device_destroy(struct mir_device *md)
{
	cdev_device_del(&md->cdev, &md->dev);
	mir_memory_fini(md);
	pr_info("%s: %ld pages migrated to the device, %ld back on CPU faults, %ld by request, %ld evicted\n",
		dev_name(&md->dev), atomic_long_read(&md->nr_to_device),
		atomic_long_read(&md->nr_to_ram),
		atomic_long_read(&md->nr_to_system),
		atomic_long_read(&md->nr_evicted));
	put_device(&md->dev);
}

static int __init mir_check_params(void)
{
	if (!chunk_mib || !is_power_of_2(chunk_mib) ||
	    mir_chunk_order() < DEVPRIV_MIN_CHUNK_ORDER) {
		pr_err("chunk_mib=%u: need a power of two of at least %lu\n",
		       chunk_mib, DEVPRIV_GRANULE_PAGES >> (20 - PAGE_SHIFT));
		return -EINVAL;
	}
	/* indices are bits of one bitmap */
	if (!devmem_mib ||
	    (unsigned long)devmem_mib << (20 - PAGE_SHIFT) > INT_MAX) {
		pr_err("devmem_mib=%u: out of range\n", devmem_mib);
		return -EINVAL;
	}
	if (!spm_addr_dev0 != !spm_addr_dev1) {
		pr_err("spm_addr_dev0 and spm_addr_dev1 go together\n");
		return -EINVAL;
	}
	if (spm_addr_dev0 && (!spm_mib ||
			      !PAGE_ALIGNED(spm_addr_dev0) ||
			      !PAGE_ALIGNED(spm_addr_dev1))) {
		pr_err("coherent memory: bad spm_addr_dev0/1 or spm_mib\n");
		return -EINVAL;
	}
	return 0;
}

static int __init mir_init(void)
{
	unsigned long spm[MIR_NR_DEVICES] = {
		0, 0, spm_addr_dev0, spm_addr_dev1,
	};
	unsigned int id, count;
	int err;

	err = mir_check_params();
	if (err)
		return err;
	/* what the scenarios read: the capability, not the request */
	large_folios &= DEVPRIV_FOLIO_ORDER_MAX > 0;
	count = spm_addr_dev0 ? MIR_NR_DEVICES : MIR_NR_PRIVATE;

	err = alloc_chrdev_region(&mir_devt, 0, MIR_NR_DEVICES, "hmm_dmirror");
	if (err)
		return err;
	for (id = 0; id < count; id++) {
		struct mir_device *md;

		md = mir_device_create(id, id < MIR_NR_PRIVATE ?
				       HMM_DMIRROR_MEMORY_DEVICE_PRIVATE :
				       HMM_DMIRROR_MEMORY_DEVICE_COHERENT,
				       spm[id]);
		if (IS_ERR(md)) {
			err = PTR_ERR(md);
			goto err_devices;
		}
		mir_devices[id] = md;
		mir_nr_devices = id + 1;
	}
	pr_info("%u devices: %u private (%u MiB each, %u MiB chunks, from libdevpriv), %u coherent\n",
		count, MIR_NR_PRIVATE, devmem_mib, chunk_mib,
		count - MIR_NR_PRIVATE);
	return 0;

err_devices:
	/* a failed init must leave nothing behind: it may be retried */
	while (mir_nr_devices)
		mir_device_destroy(mir_devices[--mir_nr_devices]);
	unregister_chrdev_region(mir_devt, MIR_NR_DEVICES);
	return err;
}

static void __exit mir_exit(void)
{
	/* no file is open (each holds the module): devices go, pages are evicted */
	while (mir_nr_devices)
		mir_device_destroy(mir_devices[--mir_nr_devices]);
	unregister_chrdev_region(mir_devt, MIR_NR_DEVICES);
}

module_init(mir_init);
module_exit(mir_exit);
MODULE_DESCRIPTION("HMM test driver uAPI on libdevpriv device-private memory");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(DEVPRIV);
