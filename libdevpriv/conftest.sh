#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# [DEVPRIV_VERSION=X.Y.Z] conftest.sh CC KERNEL-CFLAGS... > devpriv-conftest.h
#
# One compile probe per kernel feature libdevpriv or its users touch.  Each
# probe compiles a few lines against the kernel being built for, with that
# kernel's own flags, and defines one capability macro; the code tests the
# macro, never a version number (distributions backport).  Probes run in
# parallel; the header lists them in a fixed order.  With DEVPRIV_VERSION
# (libdevpriv/devpriv.mk passes the VERSION file) the header also names
# the library's version, which drivers built against an installed copy test.

set -eu
cc=$1
shift
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The kernel's flags, word-split on purpose: none contains a space.
KFLAGS="$*"

# run NAME "COMMENT" <<'C' ... C: define NAME if the snippet compiles.
names=
run() {
	name=$1
	names="$names $name"
	cat > "$tmp/$name.c"
	(
		# shellcheck disable=SC2086
		if "$cc" $KFLAGS -Werror -c "$tmp/$name.c" -o "$tmp/$name.o" \
			> "$tmp/$name.log" 2>&1; then
			printf '/* %s */\n#define %s 1\n\n' "$2" "$name"
		else
			printf '/* %s: no */\n\n' "$2"
		fi > "$tmp/$name.h"
	) &
}

run DEVPRIV_HAVE_EXPORT_NS_IDENT \
	"EXPORT_SYMBOL_NS* take an identifier; a string literal since v6.13 (cdd30ebb1b9f, module: Convert symbol namespace to string literal)" <<'C'
#include <linux/export.h>
int devpriv_probe_export(void);
int devpriv_probe_export(void) { return 0; }
EXPORT_SYMBOL_NS_GPL(devpriv_probe_export, DEVPRIV_PROBE);
C

run DEVPRIV_HAVE_PGMAP_FOLIO_FREE \
	"dev_pagemap_ops.folio_free replaces .page_free (3a5a06554566, v6.19 cycle)" <<'C'
#include <linux/memremap.h>
static void f(struct folio *folio) { }
const struct dev_pagemap_ops devpriv_probe_ops = { .folio_free = f };
C

run DEVPRIV_HAVE_PAGE_PGMAP \
	"page_pgmap() accessor; page->pgmap moves into the folio (v6.14, fs/dax: Fix ZONE_DEVICE page reference counts series)" <<'C'
#include <linux/mm.h>
#include <linux/memremap.h>
struct dev_pagemap *devpriv_probe(const struct page *p);
struct dev_pagemap *devpriv_probe(const struct page *p) { return page_pgmap(p); }
C

run DEVPRIV_ZONE_DEVICE_PAGE_INIT_1 \
	"zone_device_page_init(page): v6.1 until large device-private folios added an order" <<'C'
#include <linux/memremap.h>
void devpriv_probe(struct page *p);
void devpriv_probe(struct page *p) { zone_device_page_init(p); }
C

run DEVPRIV_ZONE_DEVICE_PAGE_INIT_2 \
	"zone_device_page_init(page, order): large device-private folios (v6.19 cycle)" <<'C'
#include <linux/memremap.h>
void devpriv_probe(struct page *p);
void devpriv_probe(struct page *p) { zone_device_page_init(p, 0); }
C

run DEVPRIV_ZONE_DEVICE_PAGE_INIT_3 \
	"zone_device_page_init(page, pgmap, order): page no longer carries its pgmap before init" <<'C'
#include <linux/memremap.h>
void devpriv_probe(struct page *p, struct dev_pagemap *pgmap);
void devpriv_probe(struct page *p, struct dev_pagemap *pgmap) { zone_device_page_init(p, pgmap, 0); }
C

run DEVPRIV_HAVE_GET_DEV_PAGEMAP_2 \
	"get_dev_pagemap(pfn, pgmap) with a cache argument: v6.1 until v6.18 dropped it" <<'C'
#include <linux/memremap.h>
struct dev_pagemap *devpriv_probe(unsigned long pfn);
struct dev_pagemap *devpriv_probe(unsigned long pfn) { return get_dev_pagemap(pfn, NULL); }
C

run DEVPRIV_HAVE_MIGRATE_DEVICE_RANGE \
	"migrate_device_range(): evict device-private pfns without a VMA (v6.1, mm/migrate_device.c: add migrate_device_range())" <<'C'
#include <linux/migrate.h>
int devpriv_probe(unsigned long *src, unsigned long pfn);
int devpriv_probe(unsigned long *src, unsigned long pfn) { return migrate_device_range(src, pfn, 1); }
C

run DEVPRIV_HAVE_MHP_GET_PLUGGABLE_RANGE \
	"mhp_get_pluggable_range(): the hotpluggable physical range (v5.11, mm/memory_hotplug: prevalidate the address range being added with platform)" <<'C'
#include <linux/memory_hotplug.h>
struct range devpriv_probe(void);
struct range devpriv_probe(void) { return mhp_get_pluggable_range(true); }
C

run DEVPRIV_HAVE_HMM_RANGE_FAULT_UNLOCKED \
	"hmm_range_fault_unlocked_timeout(): hmm_range_fault() that takes the mmap lock itself and lets a fault handler drop it, e.g. userfaultfd (v7.3 or earlier; test_hmm's HMM_DMIRROR_READ_UNLOCKED)" <<'C'
#include <linux/hmm.h>
int devpriv_probe(struct hmm_range *range);
int devpriv_probe(struct hmm_range *range) { return hmm_range_fault_unlocked_timeout(range, 0); }
C

run DEVPRIV_HAVE_KMALLOC_OBJ \
	"kmalloc_obj(), kzalloc_obj(), kvzalloc_obj(): allocation sized and typed by the object (slab: Introduce kmalloc_obj() and family; by 7.3, and present in 6.12.118 as well)" <<'C'
#include <linux/slab.h>
struct devpriv_probe_s { int a; };
struct devpriv_probe_s *devpriv_probe(void);
struct devpriv_probe_s *devpriv_probe(void)
{
	struct devpriv_probe_s *p = kzalloc_obj(*p, GFP_KERNEL);

	return p;
}
C

run DEVPRIV_HAVE_DEVICE_PRIVATE_PAGEMAP \
	"memremap_device_private_pagemap(): core device-private address space (Remove device private pages from the physical address space, v6 2026-02, not merged)" <<'C'
#include <linux/memremap.h>
int devpriv_probe(struct dev_pagemap *pgmap);
int devpriv_probe(struct dev_pagemap *pgmap) { return memremap_device_private_pagemap(pgmap, 0); }
C

run DEVPRIV_HAVE_PGMAP_FOLIO_SPLIT \
	"dev_pagemap_ops.folio_split: a large device-private folio is split (device-private THP series, v6.19 cycle)" <<'C'
#include <linux/memremap.h>
static void f(struct folio *head, struct folio *tail) { }
const struct dev_pagemap_ops devpriv_probe_ops = { .folio_split = f };
C

run DEVPRIV_HAVE_HMM_PFN_DMA_MAPPED \
	"HMM_PFN_DMA_MAPPED, HMM_PFN_P2PDMA{,_BUS}; HMM_PFN_ORDER_SHIFT moves to BITS_PER_LONG - 11 (mm/hmm: provide generic DMA managing logic, v6.15)" <<'C'
#include <linux/hmm.h>
static_assert(HMM_PFN_ORDER_SHIFT == BITS_PER_LONG - 11);
unsigned long devpriv_probe(void);
unsigned long devpriv_probe(void)
{
	return HMM_PFN_DMA_MAPPED | HMM_PFN_P2PDMA | HMM_PFN_P2PDMA_BUS;
}
C

run DEVPRIV_HAVE_MIGRATE_PFN_COMPOUND \
	"MIGRATE_PFN_COMPOUND: migrate_vma moves large folios (device-private THP series, v6.19 cycle)" <<'C'
#include <linux/migrate.h>
unsigned long devpriv_probe = MIGRATE_PFN_COMPOUND;
C

run DEVPRIV_HAVE_ZONE_DEVICE_FOLIO_INIT \
	"zone_device_folio_init(folio, pgmap, order): a device-private folio of any order, made compound by the core (device-private THP series, v6.19 cycle)" <<'C'
#include <linux/memremap.h>
void devpriv_probe(struct folio *f, struct dev_pagemap *pgmap);
void devpriv_probe(struct folio *f, struct dev_pagemap *pgmap) { zone_device_folio_init(f, pgmap, 9); }
C

run DEVPRIV_HAVE_MAKE_DEVICE_EXCLUSIVE \
	"make_device_exclusive(mm, addr, owner, &folio) replaces make_device_exclusive_range() (mm/rmap: implement make_device_exclusive() using folio_walk instead of rmap walk, v6.15)" <<'C'
#include <linux/mm_types.h>
#include <linux/rmap.h>
struct page *devpriv_probe(struct mm_struct *mm, struct folio **folio);
struct page *devpriv_probe(struct mm_struct *mm, struct folio **folio)
{
	return make_device_exclusive(mm, 0, NULL, folio);
}
C

run DEVPRIV_HAVE_SWP_DEVICE_EXCLUSIVE \
	"one SWP_DEVICE_EXCLUSIVE swap type instead of _READ and _WRITE (mm: use single SWP_DEVICE_EXCLUSIVE entry type, v6.15)" <<'C'
#include <linux/swap.h>
int devpriv_probe = SWP_DEVICE_EXCLUSIVE;
C

run DEVPRIV_HAVE_SOFTLEAF \
	"softleaf_t and linux/leafops.h replace the swapops pfn-entry helpers (mm: introduce leaf entry type and use to simplify leaf entry logic, v6.19 cycle)" <<'C'
#include <linux/leafops.h>
unsigned long devpriv_probe(softleaf_t entry);
unsigned long devpriv_probe(softleaf_t entry) { return softleaf_to_pfn(entry); }
C

run DEVPRIV_HAVE_RESOURCE_ALIGNF_EMPTY_RES \
	"resource_alignf callbacks also get the unaligned empty range (resource: Pass full extent of empty space to resource_alignf callback, after v6.12)" <<'C'
#include <linux/ioport.h>
static resource_size_t f(void *data, const struct resource *res,
			 const struct resource *empty_res,
			 resource_size_t size, resource_size_t align)
{
	return res->start;
}
resource_alignf devpriv_probe = f;
C

run DEVPRIV_HAVE_KUNIT_SUITES_INIT_RUN \
	"__kunit_test_suites_init() gains a run_tests argument (between v6.12 and v7.3; commit not pinned down)" <<'C'
#include <kunit/test.h>
int devpriv_probe(struct kunit_suite * const *suites);
int devpriv_probe(struct kunit_suite * const *suites) { return __kunit_test_suites_init(suites, 0, true); }
C

wait
{
	echo "/* SPDX-License-Identifier: GPL-2.0 */"
	echo "/* Generated by libdevpriv/conftest.sh: do not edit. */"
	echo "#ifndef _DEVPRIV_CONFTEST_H"
	echo "#define _DEVPRIV_CONFTEST_H"
	echo
	if [ -n "${DEVPRIV_VERSION:-}" ]; then
		# X.Y.Z, and as one number like LINUX_VERSION_CODE
		major=${DEVPRIV_VERSION%%.*}
		rest=${DEVPRIV_VERSION#*.}
		minor=${rest%%.*}
		patch=${rest#*.}
		echo "/* libdevpriv $DEVPRIV_VERSION, built with these probe results */"
		echo "#define DEVPRIV_VERSION \"$DEVPRIV_VERSION\""
		echo "#define DEVPRIV_VERSION_CODE $(((major << 16) + (minor << 8) + patch))"
		echo
	fi
	for name in $names; do
		cat "$tmp/$name.h"
	done
	echo "#endif /* _DEVPRIV_CONFTEST_H */"
}
