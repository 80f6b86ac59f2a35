/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libdevpriv: the kernel API churn device-private drivers meet, behind one
 * name each.  The capability macros come from libdevpriv/conftest.sh,
 * generated for the kernel being built for (see libdevpriv/devpriv.mk).
 */
#ifndef _DEVPRIV_COMPAT_H
#define _DEVPRIV_COMPAT_H

#include <linux/memremap.h>
#include <linux/mm.h>

#include <devpriv-conftest.h>

#if !defined(DEVPRIV_ZONE_DEVICE_PAGE_INIT_1) && \
	!defined(DEVPRIV_ZONE_DEVICE_PAGE_INIT_2)
#error "libdevpriv: unsupported zone_device_page_init() (see conftest.sh)"
#endif

/**
 * devpriv_page_pgmap() - the dev_pagemap of a ZONE_DEVICE page
 * @page: a ZONE_DEVICE page
 *
 * Context: any context.
 * Return: page->pgmap, or page_pgmap() where the field moved.
 */
static inline struct dev_pagemap *devpriv_page_pgmap(const struct page *page)
{
#ifdef DEVPRIV_HAVE_PAGE_PGMAP
	return page_pgmap(page);
#else
	return page->pgmap;
#endif
}

/**
 * devpriv_zone_device_page_init() - hand out a free device-private page
 * @page: a free page of a libdevpriv pagemap
 *
 * Takes the first reference, as the driver's page allocator must before
 * the page is used; zone_device_page_init() gained an order argument when
 * device-private folios could be large.
 *
 * Context: any context.
 */
static inline void devpriv_zone_device_page_init(struct page *page)
{
#ifdef DEVPRIV_ZONE_DEVICE_PAGE_INIT_2
	zone_device_page_init(page, 0);
#else
	zone_device_page_init(page);
#endif
}

#endif /* _DEVPRIV_COMPAT_H */
