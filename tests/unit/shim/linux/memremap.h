/* SPDX-License-Identifier: GPL-2.0 */
/* struct dev_pagemap as libdevpriv uses it (linux/memremap.h, 6.1). */
#ifndef _DEVPRIV_SHIM_LINUX_MEMREMAP_H
#define _DEVPRIV_SHIM_LINUX_MEMREMAP_H

#include <linux/mm.h>

struct range {
	u64 start;
	u64 end;
};

enum memory_type {
	MEMORY_DEVICE_PRIVATE = 1,
	MEMORY_DEVICE_COHERENT,
	MEMORY_DEVICE_FS_DAX,
	MEMORY_DEVICE_GENERIC,
	MEMORY_DEVICE_PCI_P2PDMA,
};

struct dev_pagemap_ops {
	void (*page_free)(struct page *page);
	vm_fault_t (*migrate_to_ram)(struct vm_fault *vmf);
	int (*memory_failure)(struct dev_pagemap *pgmap, unsigned long pfn,
			      unsigned long nr_pages, int mf_flags);
};

struct dev_pagemap {
	enum memory_type type;
	unsigned int flags;
	unsigned long vmemmap_shift;
	const struct dev_pagemap_ops *ops;
	void *owner;
	int nr_range;
	union {
		struct range range;
		struct {
			struct { } __empty_ranges;
			struct range ranges[];
		};
	};
};

/* Not provided: libdevpriv's pure parts only name it in an inline helper. */
struct dev_pagemap *get_dev_pagemap(unsigned long pfn,
				    struct dev_pagemap *pgmap);

static inline bool is_device_private_page(const struct page *page)
{
	return is_zone_device_page(page) &&
	       page->pgmap->type == MEMORY_DEVICE_PRIVATE;
}

/* The driver's page allocator hands out a page: first reference. */
static inline void zone_device_page_init(struct page *page)
{
	page->_refcount = 1;
}

#endif /* _DEVPRIV_SHIM_LINUX_MEMREMAP_H */
