// SPDX-License-Identifier: GPL-2.0
///
/// Large device folios (6.19 on) through the libdevpriv folio helpers:
///
///   a pagemap of a driver that migrates compound folios
///                        declares .folio_order = DEVPRIV_FOLIO_ORDER_MAX
///   zone_device_folio_init(folio, page_pgmap(page), order)
///                        devpriv_folio_init(devpriv_page_pagemap(page),
///                                           devpriv_folio_to_index(folio),
///                                           order), failing through the
///                        function's own failure exit
///   mpfn = devpriv_migrate_pfn(page);
///   if (folio_order(page_folio(page))) mpfn |= MIGRATE_PFN_COMPOUND;
///                        mpfn = devpriv_folio_migrate_pfn(page_folio(page));
///
/// Runs last, on the output of the other scripts: a file group is ported
/// when it registers with devpriv_memremap_pagemap().  The folio order
/// makes the library align windows and size its eviction batches for the
/// folios; devpriv_folio_init() checks the order and alignment against
/// it, and fails with -ENODEV once the pagemap is dying, so that a
/// migration racing with teardown stops instead of handing the core a
/// page of a dead pagemap.  Its failure takes the exit of the nearest
/// earlier failure of the same function (a "goto label" or a "return
/// NULL"); where there is none the site is reported.  In code shared with
/// MEMORY_DEVICE_COHERENT only a libdevpriv page takes the new path.
///
// Confidence: High
// Options: --no-includes --include-headers
// Keywords: devpriv, zone_device_folio_init, MIGRATE_PFN_COMPOUND
//

virtual patch
virtual context
virtual org
virtual report

@initialize:python@
@@
import os

done = set()
# initialisations that take a "goto" exit: not also a "return NULL"
took = set()
null_exit = set()

def site(p):
    return (p[0].file, p[0].line, p[0].column)

def log(p, msg):
    if os.environ.get("DEVPRIV_PORT_LOG"):
        print("%s:%s:%s: devpriv converted: %s" % (p[0].file, p[0].line, p[0].current_element, msg))

def note(p, kind, msg):
    coccilib.report.print_report(p[0], "devpriv %s: %s" % (kind, msg))

@ported@
expression X, N;
@@
devpriv_memremap_pagemap(X, N)

@compound@
@@
(
MIGRATE_VMA_SELECT_COMPOUND
|
MIGRATE_PFN_COMPOUND
)

@shared@
@@
MEMORY_DEVICE_COHERENT

@has_order@
expression X, E;
@@
X.folio_order = E

// The other scripts set the flags of every pagemap they register.
@order depends on patch && ported && compound && !has_order@
struct devpriv_pagemap X;
expression F;
position p;
@@
X.flags@p = F;
+X.folio_order = DEVPRIV_FOLIO_ORDER_MAX;

@script:python depends on order@
p << order.p;
@@
log(p, "large folios: the pagemap declares folio_order")

// Already converted shared code: the coherent branch keeps the core call.
@sdone@
expression P, P2, F, O;
statement S;
position p;
@@
if (devpriv_is_devpriv_page(P)) S else { zone_device_folio_init@p(F, page_pgmap(P2), O); }

@script:python@
p << sdone.p;
@@
done.add(site(p))

// The initialisation takes the exit of an earlier failure of the
// function, found on some path to it by match rules of their own (other
// paths need not pass it): a goto to a label, else a return of NULL.
// Both are matched before either transformation, on the original code;
// the goto is inherited, the return kept by site.  A label reached before
// an unlock would unlock again: such a goto is not taken.
@exit_goto depends on patch && ported && !shared exists@
expression F, P, O, C;
identifier L;
position p : script:python () { site(p) not in done };
@@
if (C) goto L;
... when != spin_unlock(...)
    when != spin_unlock_irq(...)
    when != spin_unlock_irqrestore(...)
    when != mutex_unlock(...)
    when != up_read(...)
    when != up_write(...)
zone_device_folio_init@p(F, page_pgmap(P), O);

@script:python@
p << exit_goto.p;
@@
took.add(site(p))

@exit_null depends on patch && ported && !shared exists@
expression F, P, O, C;
position p : script:python () { site(p) not in done and site(p) not in took };
@@
if (C) return NULL;
...
zone_device_folio_init@p(F, page_pgmap(P), O);

@script:python@
p << exit_null.p;
@@
null_exit.add(site(p))

// Safe: the exit is the one the function takes for an allocation that failed
//   before the folio was handed out; devpriv_folio_init() fails only for
//   a dying pagemap or a driver bug (with a warning)
@init_goto depends on patch && ported && !shared@
expression F, P, O;
identifier exit_goto.L;
position exit_goto.p;
@@
- zone_device_folio_init@p(F, page_pgmap(P), O);
+ if (IS_ERR(devpriv_folio_init(devpriv_page_pagemap(P),
+				devpriv_folio_to_index(F), O)))
+	goto L;

@script:python depends on init_goto@
p << exit_goto.p;
@@
log(p, "device folio: devpriv_folio_init()")

@init_null depends on patch && ported && !shared@
expression F, P, O;
position p : script:python () { site(p) in null_exit };
@@
- zone_device_folio_init@p(F, page_pgmap(P), O);
+ if (IS_ERR(devpriv_folio_init(devpriv_page_pagemap(P),
+				devpriv_folio_to_index(F), O)))
+	return NULL;

@script:python depends on init_null@
p << init_null.p;
@@
log(p, "device folio: devpriv_folio_init()")

@exit_goto_sh depends on patch && ported && shared exists@
expression F, P, O, C;
identifier L;
position p : script:python () { site(p) not in done };
@@
if (C) goto L;
... when != spin_unlock(...)
    when != spin_unlock_irq(...)
    when != spin_unlock_irqrestore(...)
    when != mutex_unlock(...)
    when != up_read(...)
    when != up_write(...)
zone_device_folio_init@p(F, page_pgmap(P), O);

@script:python@
p << exit_goto_sh.p;
@@
took.add(site(p))

@exit_null_sh depends on patch && ported && shared exists@
expression F, P, O, C;
position p : script:python () { site(p) not in done and site(p) not in took };
@@
if (C) return NULL;
...
zone_device_folio_init@p(F, page_pgmap(P), O);

@script:python@
p << exit_null_sh.p;
@@
null_exit.add(site(p))

// Safe: devpriv_is_devpriv_page() is exact; coherent pages keep the
//   initialisation of the core
@sinit_goto depends on patch && ported && shared@
expression F, P, O;
identifier exit_goto_sh.L;
position exit_goto_sh.p;
@@
- zone_device_folio_init@p(F, page_pgmap(P), O);
+ if (devpriv_is_devpriv_page(P)) {
+	if (IS_ERR(devpriv_folio_init(devpriv_page_pagemap(P),
+				      devpriv_folio_to_index(F), O)))
+		goto L;
+ } else {
+	zone_device_folio_init(F, page_pgmap(P), O);
+ }

@script:python depends on sinit_goto@
p << exit_goto_sh.p;
@@
log(p, "device folio: private branch devpriv_folio_init()")

@sinit_null depends on patch && ported && shared@
expression F, P, O;
position p : script:python () { site(p) in null_exit };
@@
- zone_device_folio_init@p(F, page_pgmap(P), O);
+ if (devpriv_is_devpriv_page(P)) {
+	if (IS_ERR(devpriv_folio_init(devpriv_page_pagemap(P),
+				      devpriv_folio_to_index(F), O)))
+		return NULL;
+ } else {
+	zone_device_folio_init(F, page_pgmap(P), O);
+ }

@script:python depends on sinit_null@
p << sinit_null.p;
@@
log(p, "device folio: private branch devpriv_folio_init()")

@mpfn depends on patch@
// Safe: devpriv_folio_migrate_pfn() adds MIGRATE_PFN_COMPOUND exactly
//   when the folio is large
expression V, P;
position p;
@@
- V = devpriv_migrate_pfn@p(P);
+ V = devpriv_folio_migrate_pfn(page_folio(P));
(
- if (folio_order(page_folio(P)))
-	V |= MIGRATE_PFN_COMPOUND;
|
- if (folio_test_large(page_folio(P)))
-	V |= MIGRATE_PFN_COMPOUND;
)

@script:python depends on mpfn@
p << mpfn.p;
@@
log(p, "migrate pfn of a device folio: devpriv_folio_migrate_pfn()")

@r_init depends on report && ported@
expression F, P, O;
position p : script:python () { site(p) not in done };
@@
* zone_device_folio_init@p(F, page_pgmap(P), O)

@script:python depends on report@
p << r_init.p;
@@
note(p, "manual", "zone_device_folio_init() of a device folio: use devpriv_folio_init(), which fails once the pagemap is dying; the function has no earlier failure exit that can be taken here")
