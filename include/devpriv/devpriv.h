/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libdevpriv: device-private memory without the physical address space tax
 *
 * DOC: overview
 *
 * A driver describes its device memory in a &struct devpriv_pagemap (ops,
 * owner, number of pages, chunk size) and registers it.  libdevpriv gives
 * the pagemap a range of *device-private offsets* -- page numbers in a space
 * of its own, independent of physical addresses -- and carves it into
 * chunks.  A chunk gets struct pages only when it is populated: at
 * registration (eager) or when the driver first asks for pages in it (lazy).
 *
 * Vocabulary:
 *
 * - *index*: a page number within one pagemap, 0 .. nr_pages - 1; what a
 *   driver uses to address its own memory.
 * - *offset*: a page number in the device-private space; index + base.
 * - *granule*: 2 MiB of offsets, the unit of the space's xarray and the
 *   smallest chunk.
 * - *chunk*: 1 << chunk_order pages of one pagemap that are populated
 *   together and share one struct page array.
 *
 * Translation takes no lock and has the shape of pfn_to_page(): offset ->
 * page is a load of the space's flat offset table, a load of the granule's
 * slot and an add; index -> page the same through the pagemap's chunk
 * table.  A slot holds a *biased* page pointer, the chunk's page array
 * minus its first offset (or index), so no chunk is read on the way.  page
 * -> index reads page->pgmap, which points into the chunk, and a bias
 * beside it in the same cache line.  On today's kernels (the phys
 * backend) every *populated* chunk still takes a window of physical
 * address space; what the library saves is the space of unpopulated
 * chunks, and windows above the CPU's width where iomem has none.
 */
#ifndef _DEVPRIV_DEVPRIV_H
#define _DEVPRIV_DEVPRIV_H

#include <linux/atomic.h>
#include <linux/cache.h>
#include <linux/compiler.h>
#include <linux/memremap.h>
#include <linux/migrate.h>
#include <linux/hmm.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/stddef.h>

#include <devpriv/compat.h>
#include <devpriv/encode.h>

struct device;
struct dentry;
struct folio;
struct vm_fault;
struct devpriv_backend;
struct devpriv_space;

/* 256 MiB chunks with 4 KiB pages, as test_hmm allocates its device memory. */
#define DEVPRIV_DEFAULT_CHUNK_ORDER	(28 - PAGE_SHIFT)
#define DEVPRIV_MIN_CHUNK_ORDER		DEVPRIV_GRANULE_ORDER
/* Returned by devpriv_page_to_index() for a page libdevpriv does not own. */
#define DEVPRIV_BAD_INDEX		(~0UL)

/**
 * enum devpriv_pagemap_flags - options of a &struct devpriv_pagemap
 * @DEVPRIV_EAGER: populate every chunk at registration, as drivers calling
 *	memremap_pages() on all of their memory do today.  Without it chunks
 *	are populated on demand by devpriv_pagemap_populate().
 * @DEVPRIV_SELF_EVICT: the driver migrates every resident page back to
 *	system memory itself before it unregisters (as nouveau, amdkfd and
 *	test_hmm do), so it gives no &devpriv_pagemap.copy_to_ram.  A page
 *	that unregistration still finds resident then loses its contents,
 *	with a warning: the driver's eviction missed it.
 * @DEVPRIV_ALLOCATOR: libdevpriv allocates the pagemap's pages
 *	(devpriv_alloc_folio()), populating chunks as it needs them, and
 *	takes them back when they are freed; the driver's free op becomes
 *	optional.  The driver then takes every page from the allocator.
 */
enum devpriv_pagemap_flags {
	DEVPRIV_EAGER = 1U << 0,
	DEVPRIV_SELF_EVICT = 1U << 1,
	DEVPRIV_ALLOCATOR = 1U << 2,
};

#define DEVPRIV_PAGEMAP_FLAGS_ALL	(DEVPRIV_EAGER | DEVPRIV_SELF_EVICT | \
					 DEVPRIV_ALLOCATOR)

/**
 * struct devpriv_pagemap_ops - a driver's callbacks, on any kernel
 * @page_free: the last reference to a page is gone.  Forwarded from
 *	dev_pagemap_ops.page_free, or from .folio_free (6.19+) for the
 *	order-0 folios libdevpriv hands out.
 * @folio_free: the last reference to a folio is gone.  Forwarded from
 *	dev_pagemap_ops.folio_free, or from .page_free (before 6.19, where
 *	every device-private folio is one page) as page_folio().
 * @migrate_to_ram: a CPU fault on a device-private page, as
 *	dev_pagemap_ops.migrate_to_ram.  Required.
 * @memory_failure: optional, as dev_pagemap_ops.memory_failure; @pgmap is
 *	the chunk's (see devpriv_page_pagemap()).  Without it core mm's
 *	generic handler runs.
 * @folio_split: optional, as dev_pagemap_ops.folio_split: the core splits
 *	the large folio @head; called for each new folio @tail after
 *	libdevpriv gave it @head's pagemap and mapping, then once with @tail
 *	NULL.  The driver moves its own per-folio state.  Only kernels with
 *	large device-private folios (6.19+) have it; registration fails with
 *	-EINVAL elsewhere rather than never calling it.
 *
 * Exactly one of @page_free and @folio_free must be set, or neither on a
 * pagemap with %DEVPRIV_ALLOCATOR.  Unlike &struct
 * dev_pagemap_ops, the members are the same on every kernel, so a driver
 * built for several kernels needs no #ifdef.
 */
struct devpriv_pagemap_ops {
	void (*page_free)(struct page *page);
	void (*folio_free)(struct folio *folio);
	vm_fault_t (*migrate_to_ram)(struct vm_fault *vmf);
	int (*memory_failure)(struct dev_pagemap *pgmap, unsigned long pfn,
			      unsigned long nr_pages, int mf_flags);
	void (*folio_split)(struct folio *head, struct folio *tail);
};

/*
 * The chunk fields a page -> index or page -> pagemap lookup needs sit right
 * after its dev_pagemap, whose tail (ops, owner, nr_range, range) the same
 * lookup reads: padding before the dev_pagemap puts pgmap.ops at the start
 * of a cache line, and chunks are allocated naturally aligned
 * (devpriv_chunk_alloc()), so one line holds both.
 */
#define DEVPRIV_CHUNK_HEAD_BYTES	(5 * sizeof(long))
#define DEVPRIV_CHUNK_PAD						\
	((L1_CACHE_BYTES - (DEVPRIV_CHUNK_HEAD_BYTES +			\
			    offsetof(struct dev_pagemap, ops)) %		\
	  L1_CACHE_BYTES) % L1_CACHE_BYTES)

/**
 * struct devpriv_chunk - a populated run of pages of one pagemap
 * @pages: struct pages of the chunk, @nr_pages of them, contiguous
 * @first_index: pagemap index of @pages[0]
 * @offset: device-private offset of @pages[0]
 * @nr_pages: number of pages in the chunk (the last chunk may be short)
 * @backend_data: owned by the backend that populated the chunk
 * @pad: puts pgmap.ops at the start of a cache line (see above)
 * @pgmap: the core mm pagemap of the chunk; page->pgmap of every page in
 *	the chunk points here.  Its ops are libdevpriv's, which forward to
 *	the driver's, so a page is recognised as libdevpriv's by one pointer
 *	comparison.
 * @dpgmap: the pagemap this chunk belongs to
 * @index_bias: address of @pages minus @first_index struct pages: a page's
 *	index is its distance from here
 * @offset_bias: the same for @offset
 *
 * Read-only for drivers.
 */
struct devpriv_chunk {
	struct page *pages;
	unsigned long first_index;
	unsigned long offset;
	unsigned long nr_pages;
	void *backend_data;
	u8 pad[DEVPRIV_CHUNK_PAD];
	/* ends in a one-element union with a flexible array; nr_range is 1 */
	struct dev_pagemap pgmap;
	struct devpriv_pagemap *dpgmap;
	unsigned long index_bias;
	unsigned long offset_bias;
};

/**
 * struct devpriv_offset_table - device-private offset -> page, flat
 * @nr_slots: granules covered, from offset 0
 * @retired: the table this one replaced.  Lookups read a table without a
 *	lock or RCU section, so a replaced table stays until its space goes;
 *	each table at least doubles the one before, so all retired tables
 *	together are smaller than the current one.
 * @slots: one per granule: a biased page pointer (the chunk's @pages minus
 *	its @offset struct pages) when the granule is wholly populated;
 *	otherwise its chunk, or NULL, tagged with %DEVPRIV_SLOT_INDIRECT, for
 *	the out-of-line lookup, which checks the chunk's bound under RCU.
 *
 * Internal to libdevpriv; drivers use devpriv_offset_to_page().
 */
struct devpriv_offset_table {
	unsigned long nr_slots;
	struct devpriv_offset_table *retired;
	unsigned long slots[];
};

#define DEVPRIV_SLOT_INDIRECT	1UL

/* this instance's table: read with READ_ONCE(), never NULL */
extern struct devpriv_offset_table *devpriv_offsets;

/**
 * struct devpriv_pagemap - device-private memory of one driver instance
 * @ops: the driver's callbacks, as in &struct dev_pagemap: the kernel's
 *	own &struct dev_pagemap_ops, whose members differ between kernels.
 *	The free op and migrate_to_ram are required.  Set @ops or
 *	@devpriv_ops, not both.
 * @owner: opaque owner cookie, as &dev_pagemap.owner; compared by
 *	hmm_range_fault() and migrate_vma_setup().  Required.
 * @copy_to_ram: copies @npages device pages to freshly allocated system
 *	pages when libdevpriv evicts resident pages at unregistration.  @src
 *	and @dst are arrays of pages, a NULL entry in @dst means "skip".
 *	Returns 0, or -errno if the device could not copy the batch (none of
 *	@dst is then trusted): libdevpriv leaves those pages on the device
 *	and retries them in its next eviction pass; on the last pass their
 *	contents are lost (zero-filled, reported), because unregistration
 *	must not wait for a device that cannot copy.  Required, unless
 *	@flags has %DEVPRIV_SELF_EVICT.
 * @nr_pages: size of the device memory in pages.  Required.
 * @chunk_order: log2 of the pages per chunk; 0 means
 *	%DEVPRIV_DEFAULT_CHUNK_ORDER, otherwise at least
 *	%DEVPRIV_MIN_CHUNK_ORDER (2 MiB).  Registration lowers it to the
 *	pagemap's size rounded up to a power of two (but not below
 *	%DEVPRIV_MIN_CHUNK_ORDER), so that a small pagemap does not reserve
 *	a whole default chunk of offsets.
 * @align_order: log2 of the alignment, in pages, of the pagemap's first
 *	offset; offsets of a chunk are always chunk aligned, so this only
 *	matters above @chunk_order.
 * @flags: &enum devpriv_pagemap_flags
 * @folio_order: log2 of the pages of the largest device folio the driver
 *	hands out (devpriv_folio_init()); 0, for single pages only, unless
 *	set.  At most @chunk_order and the PMD order.  Each chunk's backing
 *	is aligned to it, so that a naturally aligned run of indices that
 *	long is one run of contiguous struct pages, which the core can make
 *	one compound folio.  Takes effect only where the kernel migrates
 *	large device folios: see devpriv_pagemap_folio_order().  A pagemap
 *	with a @folio_order takes a folio_free op, not page_free (or no free
 *	op, with %DEVPRIV_ALLOCATOR).
 * @devpriv_ops: the driver's callbacks as a &struct devpriv_pagemap_ops,
 *	the same on every kernel; instead of @ops.
 * @base: output: device-private offset of index 0 (read-only)
 *
 * The driver fills the fields above @base, typically in a zeroed
 * allocation, and passes the structure to devpriv_memremap_pagemap().
 * Everything else is private to libdevpriv.
 */
struct devpriv_pagemap {
	const struct dev_pagemap_ops *ops;
	void *owner;
	int (*copy_to_ram)(struct devpriv_pagemap *dpgmap, struct page **src,
			   struct page **dst, unsigned long npages);
	unsigned long nr_pages;
	unsigned int chunk_order;
	unsigned int align_order;
	unsigned int flags;
	unsigned int folio_order;
	const struct devpriv_pagemap_ops *devpriv_ops;

	unsigned long base;

	/* private: */
	/* devpriv_index_to_page()'s three, in one cache line */
	unsigned long *index_slots;
	unsigned long lookup_pages;
	unsigned int index_shift;
	struct devpriv_pagemap_ops fwd;
	struct devpriv_chunk **chunks;
	unsigned long nr_chunks;
	struct devpriv_space *space;
	const struct devpriv_backend *backend;
	struct mutex lock;		/* population; the start of teardown */
	bool lock_ready;
	unsigned long nr_populated;
	int nid;
	bool dying;
	u64 init_ns;
	u64 populate_ns;
	struct dentry *debugfs;
	/* the allocator (alloc.c): a bit per allocated or unpopulated page */
	spinlock_t alloc_lock;
	unsigned long *alloc_used;
	unsigned long alloc_cursor;
	unsigned long nr_allocated;
	atomic_t alloc_inflight;
};

extern const struct dev_pagemap_ops devpriv_chunk_ops;

int devpriv_memremap_pagemap(struct devpriv_pagemap *dpgmap, int nid);
void devpriv_memunmap_pagemap(struct devpriv_pagemap *dpgmap);
void devpriv_pagemap_kill(struct devpriv_pagemap *dpgmap);
int devm_devpriv_memremap_pagemap(struct device *dev,
				  struct devpriv_pagemap *dpgmap, int nid);
void devm_devpriv_memunmap_pagemap(struct device *dev,
				   struct devpriv_pagemap *dpgmap);
int devpriv_pagemap_populate(struct devpriv_pagemap *dpgmap,
			     unsigned long first_index, unsigned long nr_pages);
struct page *devpriv_offset_to_page_slow(unsigned long offset);
struct folio *devpriv_folio_init(struct devpriv_pagemap *dpgmap,
				 unsigned long index, unsigned int order);
struct folio *devpriv_alloc_folio(struct devpriv_pagemap *dpgmap,
				  unsigned int order);
int devpriv_migrate_device_range(struct devpriv_pagemap *dpgmap,
				 unsigned long *src_pfns, unsigned long index,
				 unsigned long npages);
/* the helper above, by (pagemap, index); 1 took a bare offset */
#define DEVPRIV_API_MIGRATE_DEVICE_RANGE	2
struct devpriv_chunk *devpriv_foreign_page(const struct page *page);
struct page *devpriv_bad_index(const struct devpriv_pagemap *dpgmap,
			       unsigned long index);

/**
 * devpriv_pagemap_dying() - is the pagemap being torn down?
 * @dpgmap: a registered pagemap
 *
 * True from devpriv_pagemap_kill() (the first step of
 * devpriv_memunmap_pagemap()) on.  A driver's allocator tests it to stop
 * handing out device pages that unregistration would have to evict again.
 *
 * Context: any context.
 * Return: true once @dpgmap is dying.
 */
static inline bool devpriv_pagemap_dying(const struct devpriv_pagemap *dpgmap)
{
	return READ_ONCE(dpgmap->dying);
}

/**
 * devpriv_is_devpriv_page() - is this a page of a libdevpriv pagemap?
 * @page: any page
 *
 * Unlike the translation helpers this does not warn: it is the test to
 * use on pages that may legitimately be system or foreign device pages.
 *
 * Context: any context.
 * Return: true if @page belongs to a pagemap of this libdevpriv instance.
 */
static inline bool devpriv_is_devpriv_page(const struct page *page)
{
	return is_zone_device_page(page) &&
	       devpriv_page_pgmap(page)->ops == &devpriv_chunk_ops;
}

/**
 * devpriv_page_chunk() - the chunk a device-private page belongs to
 * @page: a page; need not be libdevpriv's
 *
 * Context: any context.
 * Return: the chunk, or NULL (with a one-time warning) when @page is not a
 * page populated by this instance of libdevpriv.
 */
static inline struct devpriv_chunk *devpriv_page_chunk(const struct page *page)
{
	if (unlikely(!devpriv_is_devpriv_page(page)))
		return devpriv_foreign_page(page);
	return container_of(devpriv_page_pgmap(page), struct devpriv_chunk,
			    pgmap);
}

/**
 * devpriv_page_pagemap() - the devpriv_pagemap of a page
 * @page: a page of a libdevpriv pagemap
 *
 * Replaces ``container_of(page->pgmap, ...)``: page->pgmap points to the
 * chunk's pagemap, not the driver's.
 *
 * Context: any context; the page must be referenced or otherwise pinned.
 * Return: the pagemap, or NULL (with a one-time warning) for a foreign page.
 */
static inline struct devpriv_pagemap *devpriv_page_pagemap(const struct page *page)
{
	struct devpriv_chunk *chunk = devpriv_page_chunk(page);

	return chunk ? chunk->dpgmap : NULL;
}

/**
 * devpriv_page_to_index() - pagemap index of a device-private page
 * @page: a page of a libdevpriv pagemap
 *
 * Context: any context; the page must be referenced or otherwise pinned.
 * Return: the index, or %DEVPRIV_BAD_INDEX (with a one-time warning) for a
 * foreign page.
 */
static inline unsigned long devpriv_page_to_index(const struct page *page)
{
	struct devpriv_chunk *chunk = devpriv_page_chunk(page);

	if (unlikely(!chunk))
		return DEVPRIV_BAD_INDEX;
	return ((unsigned long)page - chunk->index_bias) / sizeof(*page);
}

/**
 * devpriv_page_to_offset() - device-private offset of a page
 * @page: a page of a libdevpriv pagemap
 *
 * Context: any context; the page must be referenced or otherwise pinned.
 * Return: the offset, or %DEVPRIV_BAD_INDEX (with a one-time warning) for a
 * foreign page.
 */
static inline unsigned long devpriv_page_to_offset(const struct page *page)
{
	struct devpriv_chunk *chunk = devpriv_page_chunk(page);

	if (unlikely(!chunk))
		return DEVPRIV_BAD_INDEX;
	return ((unsigned long)page - chunk->offset_bias) / sizeof(*page);
}

/**
 * devpriv_index_to_page() - page of a pagemap index
 * @dpgmap: a registered pagemap
 * @index: page index within @dpgmap
 *
 * One load of the chunk's slot in @dpgmap's table and an add.
 *
 * Context: any context.  The result stays valid while @dpgmap is
 * registered.
 * Return: the page; NULL if its chunk is not populated yet, or (with a
 * one-time warning) if @index is out of range or @dpgmap not registered.
 */
static inline struct page *devpriv_index_to_page(const struct devpriv_pagemap *dpgmap,
						 unsigned long index)
{
	unsigned long slot;

	if (unlikely(index >= dpgmap->lookup_pages))
		return devpriv_bad_index(dpgmap, index);
	/*
	 * Address-dependent on the slot, as after rcu_dereference(): pairs
	 * with the release in devpriv_chunk_populate().
	 */
	slot = READ_ONCE(dpgmap->index_slots[index >> dpgmap->index_shift]);
	if (unlikely(!slot))
		return NULL;
	return (struct page *)slot + index;
}

/*
 * The page of @offset when @table's slot for it is a biased page pointer;
 * NULL when the out-of-line lookup must decide.
 */
static __always_inline struct page *
__devpriv_table_offset_to_page(const struct devpriv_offset_table *table,
			       unsigned long offset)
{
	unsigned long granule = devpriv_offset_granule(offset), slot;

	if (unlikely(granule >= table->nr_slots))
		return NULL;
	/* address-dependent loads, as rcu_dereference(): see the table */
	slot = READ_ONCE(table->slots[granule]);
	if (unlikely(slot & DEVPRIV_SLOT_INDIRECT))
		return NULL;
	return (struct page *)slot + offset;
}

/**
 * devpriv_offset_to_page() - page of a device-private offset
 * @offset: a device-private offset of this libdevpriv instance
 *
 * The shape of pfn_to_page(): a load of the offset table, a load of the
 * granule's slot and an add.  Offsets in a granule that its chunk fills
 * only in part, or that no chunk holds, go out of line.
 *
 * Context: any context.  The result stays valid while its pagemap is
 * registered.
 * Return: the page; NULL if no populated chunk holds @offset, with a
 * one-time warning if @offset lies outside the space altogether.
 */
static inline struct page *devpriv_offset_to_page(unsigned long offset)
{
	const struct devpriv_offset_table *table = READ_ONCE(devpriv_offsets);
	unsigned long granule = devpriv_offset_granule(offset), slot;

	/* __devpriv_table_offset_to_page(), without a second test of its result */
	if (likely(granule < table->nr_slots)) {
		slot = READ_ONCE(table->slots[granule]);
		if (likely(!(slot & DEVPRIV_SLOT_INDIRECT)))
			return (struct page *)slot + offset;
	}
	return devpriv_offset_to_page_slow(offset);
}

/**
 * devpriv_migrate_pfn() - migrate pfn of a device-private page
 * @page: a page of a libdevpriv pagemap
 *
 * Replaces ``migrate_pfn(page_to_pfn(page))`` for device pages only; the
 * name follows migrate_pfn_from_page() of kernels with a device-private
 * address space, where page_to_pfn() is invalid for such pages.
 *
 * Context: any context.
 * Return: the migrate pfn, with %MIGRATE_PFN_VALID set.
 */
static inline unsigned long devpriv_migrate_pfn(struct page *page)
{
	return migrate_pfn(page_to_pfn(page));
}

/**
 * devpriv_pagemap_folio_order() - the largest device folio a pagemap has
 * @dpgmap: a pagemap
 *
 * @dpgmap->folio_order where the kernel migrates large device folios
 * (%DEVPRIV_HAVE_LARGE_FOLIOS, 6.19 on); 0 elsewhere, so that one driver
 * source sizes its folios by this and takes its order-0 path there.
 *
 * Context: any context.
 * Return: log2 of the pages of the largest folio devpriv_folio_init()
 * accepts for @dpgmap.
 */
static inline unsigned int devpriv_pagemap_folio_order(const struct devpriv_pagemap *dpgmap)
{
	return DEVPRIV_FOLIO_ORDER_MAX ? dpgmap->folio_order : 0;
}

/**
 * devpriv_index_to_folio() - folio of a pagemap index
 * @dpgmap: a registered pagemap
 * @index: page index within @dpgmap
 *
 * Context: any context; the folio must be referenced (or free and owned by
 * the driver's allocator), so that it cannot be split meanwhile.
 * Return: the folio holding @index; NULL as devpriv_index_to_page().
 */
static inline struct folio *devpriv_index_to_folio(const struct devpriv_pagemap *dpgmap,
						   unsigned long index)
{
	struct page *page = devpriv_index_to_page(dpgmap, index);

	return page ? page_folio(page) : NULL;
}

/**
 * devpriv_folio_to_index() - pagemap index of a device folio's first page
 * @folio: a folio of a libdevpriv pagemap
 *
 * Context: any context; the folio must be referenced or otherwise pinned.
 * Return: the index, or %DEVPRIV_BAD_INDEX (with a one-time warning) for a
 * foreign folio.
 */
static inline unsigned long devpriv_folio_to_index(const struct folio *folio)
{
	return devpriv_page_to_index(&folio->page);
}

/**
 * devpriv_folio_migrate_pfn() - migrate pfn of a device folio
 * @folio: a folio of a libdevpriv pagemap, from devpriv_folio_init()
 *
 * devpriv_migrate_pfn() of its first page, with %MIGRATE_PFN_COMPOUND for
 * a large folio, as the dst entry of a migration that moves a large folio
 * whole wants it.
 *
 * Context: any context.
 * Return: the migrate pfn, with %MIGRATE_PFN_VALID set.
 */
static inline unsigned long devpriv_folio_migrate_pfn(struct folio *folio)
{
	unsigned long mpfn = devpriv_migrate_pfn(&folio->page);

	if (folio_test_large(folio))
		mpfn |= DEVPRIV_MIGRATE_PFN_COMPOUND;
	return mpfn;
}

/**
 * devpriv_migrate_pfn_to_page() - page of a migrate pfn
 * @mpfn: an entry of a migrate_vma src or dst array
 *
 * Context: any context.
 * Return: the page (system or device), or NULL if @mpfn is not valid.
 */
static inline struct page *devpriv_migrate_pfn_to_page(unsigned long mpfn)
{
	return migrate_pfn_to_page(mpfn);
}

/**
 * devpriv_hmm_pfn_to_page() - page of an hmm pfn
 * @hmm_pfn: an entry of &hmm_range.hmm_pfns with %HMM_PFN_VALID set
 *
 * Context: any context, inside the mmu_interval_read_begin() window.
 * Return: the page (system or device).
 */
static inline struct page *devpriv_hmm_pfn_to_page(unsigned long hmm_pfn)
{
	return hmm_pfn_to_page(hmm_pfn);
}

/**
 * devpriv_hmm_pfn_to_page_at() - page of an hmm pfn at its virtual address
 * @hmm_pfn: the entry of &hmm_range.hmm_pfns for @addr, %HMM_PFN_VALID set
 * @addr: the virtual address of that entry
 *
 * devpriv_hmm_pfn_to_page(), right for the pages of a device-private folio
 * mapped by a PMD too.  7.3's hmm_range_fault() fills the entries of such a
 * PMD from the folio's first pfn on, wherever the range starts in the PMD,
 * so an entry names the page @addr maps only when the range starts on the
 * PMD's boundary.  The page of a folio mapped by one entry of order N is
 * the folio's page at @addr's offset in the 1 << N pages the entry maps,
 * which this takes whatever the kernel wrote.
 *
 * Context: any context, inside the mmu_interval_read_begin() window.
 * Return: the page (system or device).
 */
static inline struct page *devpriv_hmm_pfn_to_page_at(unsigned long hmm_pfn,
						      unsigned long addr)
{
	struct page *page = hmm_pfn_to_page(hmm_pfn);
	unsigned int order = hmm_pfn_to_map_order(hmm_pfn);
	struct folio *folio;

	if (!order || !is_device_private_page(page))
		return page;
	folio = page_folio(page);
	if (folio_order(folio) != order)
		return page;
	return folio_page(folio, (addr >> PAGE_SHIFT) & ((1UL << order) - 1));
}

/*
 * Modules using the standalone devpriv.ko import its namespace with
 * MODULE_IMPORT_NS(DEVPRIV); drivers that embed the library do not.
 */

#endif /* _DEVPRIV_DEVPRIV_H */
