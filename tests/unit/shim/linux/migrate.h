/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Migrate pfns (linux/migrate.h, 6.1).  test_kabi checks these values
 * against the kernel source the tests are built with.
 */
#ifndef _DEVPRIV_SHIM_LINUX_MIGRATE_H
#define _DEVPRIV_SHIM_LINUX_MIGRATE_H

#include <linux/mm.h>

#define MIGRATE_PFN_VALID	BIT(0)
#define MIGRATE_PFN_MIGRATE	BIT(1)
#define MIGRATE_PFN_WRITE	BIT(3)
#define MIGRATE_PFN_SHIFT	6

static inline struct page *migrate_pfn_to_page(unsigned long mpfn)
{
	if (!(mpfn & MIGRATE_PFN_VALID))
		return NULL;
	return pfn_to_page(mpfn >> MIGRATE_PFN_SHIFT);
}

static inline unsigned long migrate_pfn(unsigned long pfn)
{
	return MIGRATE_PFN_VALID | (pfn << MIGRATE_PFN_SHIFT);
}

/*
 * Stand-in for mm/migrate_device.c: every page of the range is taken as
 * resident and locked.  Counts its calls so tests can see how a range was
 * split.
 */
extern unsigned int shim_migrate_device_range_calls;
int migrate_device_range(unsigned long *src_pfns, unsigned long start,
			 unsigned long npages);

#endif /* _DEVPRIV_SHIM_LINUX_MIGRATE_H */
