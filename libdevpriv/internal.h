/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libdevpriv internals shared by the core, the backends and the tests.
 * Nothing here is part of the driver-facing API.
 */
#ifndef _DEVPRIV_INTERNAL_H
#define _DEVPRIV_INTERNAL_H

#include <linux/mutex.h>
#include <linux/xarray.h>

struct seq_file;

#include <devpriv/devpriv.h>

#ifdef DEVPRIV_EMBED
/*
 * Embedded copies keep every symbol inside the driver module; the symbol
 * is still referenced, as an export would.
 */
#define EXPORT_SYMBOL_DEVPRIV(sym)	__ADDRESSABLE(sym)
#elif defined(DEVPRIV_HAVE_EXPORT_NS_IDENT)
#define EXPORT_SYMBOL_DEVPRIV(sym)	EXPORT_SYMBOL_NS_GPL(sym, DEVPRIV)
#else
#define EXPORT_SYMBOL_DEVPRIV(sym)	EXPORT_SYMBOL_NS_GPL(sym, "DEVPRIV")
#endif

/*
 * The library's warnings.  Each is printed once, as WARN_ONCE() does, but
 * counted every time its condition holds, so that the KUnit suites can pin
 * how many each test case provokes (dpt_expect_warnings()) and a warning
 * no case asked for -- a real double free, say -- fails the case.
 */
extern atomic_t devpriv_nr_warnings;

#define DEVPRIV_WARN_ONCE(condition, format...) ({			\
	bool __devpriv_warn = !!(condition);				\
									\
	if (unlikely(__devpriv_warn))					\
		atomic_inc(&devpriv_nr_warnings);			\
	WARN_ONCE(__devpriv_warn, format);				\
})

#define DEVPRIV_WARN_ON_ONCE(condition)					\
	DEVPRIV_WARN_ONCE(condition, "devpriv: %s\n", #condition)

static inline struct dev_pagemap *devpriv_get_dev_pagemap(unsigned long pfn)
{
#ifdef DEVPRIV_HAVE_GET_DEV_PAGEMAP_2
	return get_dev_pagemap(pfn, NULL);
#else
	return get_dev_pagemap(pfn);
#endif
}

/*
 * A space can hold at most 1 << DEVPRIV_SPACE_MAX_ORDER granules: 32 TiB of
 * device memory per libdevpriv instance.  The ceiling of the flat offset
 * table, which would take 128 MiB there; a table grows only as far as
 * allocation reaches, and allocation takes the lowest offsets first.
 */
#define DEVPRIV_SPACE_MAX_ORDER	24

/**
 * struct devpriv_space - a device-private offset space
 * @table: where the space's current &struct devpriv_offset_table is
 *	published: &devpriv_offsets for the global space, @own_table for
 *	others.  Replaced under @lock, read with READ_ONCE().
 * @own_table: the table of a space other than the global one
 * @free: buddy free lists: @free[k] maps (first granule >> k) of each free,
 *	naturally aligned block of 1 << k granules to a value entry.
 * @lock: serialises allocation and freeing of granules and every write to
 *	the offset table
 * @order: the space has 1 << @order granules; 0 until set up
 * @nr_allocated: granules currently allocated
 * @nr_chunks: chunks in the offset table
 * @high_water: one past the highest granule ever allocated
 * @table_bytes: memory of the current and the retired offset tables
 */
struct devpriv_space {
	struct devpriv_offset_table **table;
	struct devpriv_offset_table *own_table;
	struct xarray free[DEVPRIV_SPACE_MAX_ORDER + 1];
	struct mutex lock;		/* the allocator and the table */
	unsigned int order;
	unsigned long nr_allocated;
	unsigned long nr_chunks;
	unsigned long high_water;
	unsigned long table_bytes;
};

void devpriv_space_init(struct devpriv_space *space, unsigned int order);
void devpriv_space_fini(struct devpriv_space *space);
int devpriv_space_alloc(struct devpriv_space *space, unsigned long nr,
			unsigned int align_order, unsigned long *first);
void devpriv_space_free(struct devpriv_space *space, unsigned long first,
			unsigned long nr);
int devpriv_space_insert(struct devpriv_space *space,
			 struct devpriv_chunk *chunk, unsigned int chunk_order);
void devpriv_space_erase(struct devpriv_space *space,
			 struct devpriv_chunk *chunk, unsigned int chunk_order);
struct page *devpriv_space_offset_to_page(struct devpriv_space *space,
					  unsigned long offset);
bool devpriv_space_check(struct devpriv_space *space);
unsigned int devpriv_space_default_order(void);
struct devpriv_space *devpriv_global_space(void);
void devpriv_global_space_fini(void);
void devpriv_space_show(struct seq_file *m, struct devpriv_space *space);
bool devpriv_encode_check(void);

/**
 * struct devpriv_backend - how a chunk gets its struct pages
 * @name: shown in debugfs
 * @populate: give @chunk its struct pages: set chunk->pages and whatever
 *	core mm needs in chunk->pgmap.  Sleeps.  Returns 0 or -errno and
 *	leaves nothing behind on error.
 * @evict: optional; one pass migrating the resident pages of @chunk back
 *	to system memory.  Returns how many pages of @chunk are still
 *	referenced; the pagemap repeats passes over all its chunks until none
 *	is.  In the @last_pass a page whose copy fails is migrated with lost
 *	contents rather than left behind.  Called before @depopulate,
 *	without the pagemap lock.
 * @depopulate: undo @populate; waits for the last page reference.
 * @show: optional; describe the chunk's backing in one line of debugfs
 */
struct devpriv_backend {
	const char *name;
	int (*populate)(struct devpriv_chunk *chunk, int nid);
	unsigned long (*evict)(struct devpriv_chunk *chunk, bool last_pass);
	void (*depopulate)(struct devpriv_chunk *chunk);
	void (*show)(struct seq_file *m, struct devpriv_chunk *chunk);
};

/**
 * struct devpriv_phys_limits - what bounds the phys backend's windows
 * @lowest: lowest address a window may take: above boot RAM and 4 GiB
 * @cpu_end: last address of the CPU's reported physical width
 *	(iomem_resource.end; SME, TME-MK and TDX already reduce it)
 * @pluggable_end: last address memory hotplug can map
 * @phys_mask: __PHYSICAL_MASK on x86, all ones elsewhere
 * @l1tf_limit_pfn: l1tf_pfn_limit() on a CPU with X86_BUG_L1TF, else 0
 * @above_allowed: the above-CPU-width policy applies (x86_64 only)
 */
struct devpriv_phys_limits {
	u64 lowest;
	u64 cpu_end;
	u64 pluggable_end;
	u64 phys_mask;
	unsigned long l1tf_limit_pfn;
	bool above_allowed;
};

void devpriv_phys_limits_now(struct devpriv_phys_limits *l);

struct resource;
/* devpriv.ko's arbiter; embedded copies reach it with symbol_get() */
int devpriv_above_claim_aligned(struct resource *res, u64 size, u64 align);
void devpriv_above_release(struct resource *res);
u64 devpriv_phys_limit(const struct devpriv_phys_limits *l, const char **why);

extern const struct devpriv_backend devpriv_backend_default;
void devpriv_phys_show_bounds(struct seq_file *m);

/**
 * enum devpriv_fault_site - places where a failure can be forced
 * @DEVPRIV_FAULT_CHUNK_TABLE: allocation of a pagemap's chunk table
 * @DEVPRIV_FAULT_SPACE: allocation of a pagemap's offsets (and of the
 *	larger offset table they may need)
 * @DEVPRIV_FAULT_CHUNK_ALLOC: allocation of a chunk
 * @DEVPRIV_FAULT_WINDOW_ALLOC: phys: allocation of a window
 * @DEVPRIV_FAULT_PLACE: phys: placement of a window
 * @DEVPRIV_FAULT_MEMREMAP: phys: memremap_pages()
 * @DEVPRIV_FAULT_EVICT_BATCH: phys: one eviction batch at teardown is
 *	skipped, as if migrate_device_range() had found every page busy
 * @DEVPRIV_FAULT_COPY_TO_RAM: phys: one eviction batch fails with -EIO
 *	in place of the driver's copy_to_ram, as from a wedged copy engine
 * @DEVPRIV_FAULT_NR: number of sites
 */
enum devpriv_fault_site {
	DEVPRIV_FAULT_CHUNK_TABLE,
	DEVPRIV_FAULT_SPACE,
	DEVPRIV_FAULT_CHUNK_ALLOC,
	DEVPRIV_FAULT_WINDOW_ALLOC,
	DEVPRIV_FAULT_PLACE,
	DEVPRIV_FAULT_MEMREMAP,
	DEVPRIV_FAULT_EVICT_BATCH,
	DEVPRIV_FAULT_COPY_TO_RAM,
	DEVPRIV_FAULT_NR,
};

bool devpriv_fault(enum devpriv_fault_site site);
void devpriv_debugfs_add(struct devpriv_pagemap *dpgmap);
void devpriv_debugfs_remove(struct devpriv_pagemap *dpgmap);

int __devpriv_memremap_pagemap(struct devpriv_pagemap *dpgmap, int nid,
			       struct devpriv_space *space,
			       const struct devpriv_backend *backend);
int devpriv_populate_next(struct devpriv_pagemap *dpgmap,
			  unsigned long seen);

/* alloc.c: the device page allocator of a DEVPRIV_ALLOCATOR pagemap */
int devpriv_alloc_init(struct devpriv_pagemap *dpgmap);
void devpriv_alloc_fini(struct devpriv_pagemap *dpgmap);
void devpriv_alloc_quiesce(struct devpriv_pagemap *dpgmap);
void devpriv_alloc_chunk_ready(struct devpriv_pagemap *dpgmap,
			       unsigned long first_index,
			       unsigned long nr_pages);
void devpriv_alloc_free(struct devpriv_pagemap *dpgmap, struct folio *folio);

#endif /* _DEVPRIV_INTERNAL_H */
