// SPDX-License-Identifier: GPL-2.0
///
/// Include <devpriv/devpriv.h> in a file that uses libdevpriv and import
/// the DEVPRIV symbol namespace in its module.
///
/// The conversion scripts run on all files of a driver at once, so they
/// leave includes to this script, which scripts/devpriv-port runs on each
/// file alone.  The header goes after <linux/memremap.h>, else after the
/// first of <linux/hmm.h>, <linux/migrate.h>, <linux/mm.h>, else after
/// the first <linux/...> include.
///
// Confidence: High
// Options: --no-includes --include-headers
// Keywords: devpriv, include
//

virtual patch
virtual context
virtual org
virtual report

@uses@
identifier f =~ "^devpriv_|^devm_devpriv_";
@@
f(...)

@uses_type@
@@
struct devpriv_pagemap

@uses_flag@
@@
DEVPRIV_EAGER

@has_inc@
@@
#include <devpriv/devpriv.h>

@inc1 depends on patch && !has_inc && (uses || uses_type || uses_flag)@
// Safe: only adds the header that declares what the file already uses
@@
#include <linux/memremap.h>
+#include <devpriv/devpriv.h>

@inc2 depends on patch && !has_inc && !inc1 && (uses || uses_type || uses_flag)@
// Safe: as inc1, where <linux/memremap.h> is not included
@@
#include <linux/hmm.h>
+#include <devpriv/devpriv.h>

@inc3 depends on patch && !has_inc && !inc1 && !inc2 && (uses || uses_type || uses_flag)@
// Safe: as inc1
@@
#include <linux/migrate.h>
+#include <devpriv/devpriv.h>

@inc4 depends on patch && !has_inc && !inc1 && !inc2 && !inc3 && (uses || uses_type || uses_flag)@
// Safe: as inc1
@@
#include <linux/mm.h>
+#include <devpriv/devpriv.h>

@inc5 depends on patch && !has_inc && !inc1 && !inc2 && !inc3 && !inc4 && (uses || uses_type || uses_flag)@
// Safe: as inc1, after the first <linux/...> include
@@
#include <linux/...>
+#include <devpriv/devpriv.h>

// A module that uses devpriv.ko imports its symbol namespace; the file
// with MODULE_LICENSE() is the one that declares the module.  A driver
// that embeds the library instead (embed.mk) may drop the line.
@has_ns@
declarer name MODULE_IMPORT_NS;
@@
MODULE_IMPORT_NS(...);

@ns depends on patch && !has_ns && (uses || uses_type || uses_flag)@
declarer name MODULE_LICENSE;
declarer name MODULE_IMPORT_NS;
@@
MODULE_LICENSE(...);
+MODULE_IMPORT_NS(DEVPRIV);

@r_inc depends on !patch && !has_inc && (uses || uses_type || uses_flag)@
position p;
identifier f =~ "^devpriv_";
@@
* f@p(...)

@script:python depends on report@
p << r_inc.p;
@@
coccilib.report.print_report(p[0], "devpriv convert: uses libdevpriv without #include <devpriv/devpriv.h>")
