/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What libdevpriv/conftest.sh finds on Linux 6.1, the kernel the shims
 * model.  The userspace build has no kernel to probe.
 */
#ifndef _DEVPRIV_CONFTEST_H
#define _DEVPRIV_CONFTEST_H

#define DEVPRIV_HAVE_EXPORT_NS_IDENT 1
#define DEVPRIV_ZONE_DEVICE_PAGE_INIT_1 1
#define DEVPRIV_HAVE_GET_DEV_PAGEMAP_2 1
#define DEVPRIV_HAVE_MIGRATE_DEVICE_RANGE 1
#define DEVPRIV_HAVE_MHP_GET_PLUGGABLE_RANGE 1

#endif /* _DEVPRIV_CONFTEST_H */
