/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libdevpriv port compat: helpers the Coccinelle ports call that the
 * library does not provide (yet).  scripts/devpriv-port includes this
 * header only in files that use one of them; build such files with
 * -I coccinelle/compat.  Each helper is written against the public API of
 * <devpriv/devpriv.h> only and steps aside when the library defines the
 * matching DEVPRIV_API_* macro (DEVPRIV_HAVE_* are kernel capabilities).
 */
#ifndef _DEVPRIV_PORT_COMPAT_H
#define _DEVPRIV_PORT_COMPAT_H

#include <linux/migrate.h>
#include <linux/minmax.h>
#include <linux/string.h>

#include <devpriv/devpriv.h>

#ifndef DEVPRIV_API_MIGRATE_DEVICE_RANGE
/**
 * devpriv_migrate_device_range() - migrate_device_range() by offsets
 * @src_pfns: @npages migrate pfns, filled in as migrate_device_range() does
 * @offset: device-private offset of the first page
 * @npages: number of pages
 *
 * Linux 6.1's migrate_device_range() takes a range of pfns.  A libdevpriv
 * pagemap is numbered by device-private offsets, and its chunks need not
 * be contiguous in pfn space, so the range is walked chunk by chunk;
 * offsets of chunks that are not populated hold no page and get an empty
 * entry.  Valid with the phys backend, where a populated chunk is a pfn
 * range (page_to_pfn() of its pages is defined).
 *
 * Context: process context, as migrate_device_range().
 */
static inline void devpriv_migrate_device_range(unsigned long *src_pfns,
						unsigned long offset,
						unsigned long npages)
{
	unsigned long i = 0;

	while (i < npages) {
		struct page *page = devpriv_offset_to_page(offset + i);
		struct devpriv_chunk *chunk;
		unsigned long n;

		if (!page) {
			/* nothing populated up to the next granule */
			n = DEVPRIV_GRANULE_PAGES -
			    ((offset + i) & (DEVPRIV_GRANULE_PAGES - 1));
			n = min(n, npages - i);
			memset(src_pfns + i, 0, n * sizeof(*src_pfns));
			i += n;
			continue;
		}
		chunk = devpriv_page_chunk(page);
		n = min(npages - i, chunk->offset + chunk->nr_pages - (offset + i));
		migrate_device_range(src_pfns + i, page_to_pfn(page), n);
		i += n;
	}
}
#endif

#endif /* _DEVPRIV_PORT_COMPAT_H */
