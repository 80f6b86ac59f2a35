// SPDX-License-Identifier: GPL-2.0
///
/// amdkfd: svm_migrate_get_vram_page() turns a device number into a page
/// with pfn_to_page(), but its pagemap is shared by MEMORY_DEVICE_PRIVATE
/// and MEMORY_DEVICE_COHERENT VRAM and the function has nothing to tell
/// which one it serves: the number is a device-private offset for private
/// VRAM and a pfn for coherent VRAM.  The generic scripts report the site;
/// this rule passes the amdgpu device down from the one caller, which has
/// it (a parameter on 6.1, a local taken from the kfd_node from 6.12 on),
/// so the private branch can use devpriv_offset_to_page().  The pagemap
/// whose type decides is the one svm_migrate_addr_to_pfn() made the number
/// from (adev->kfd.dev->pgmap on 6.1, adev->kfd.pgmap from 6.12 on).
///
/// Safe: the added argument is the device the caller already used to make
/// the number (svm_migrate_addr_to_pfn(adev, ...)), so the pagemap type it
/// reads is the type of the pagemap the number belongs to.  Nothing
/// happens unless every call site has an adev of its own.
///
/// A generic rule cannot do this: which object carries the type, and that
/// every caller can pass it, is knowledge about the driver.
///
// Confidence: High (amdkfd of Linux 6.1, 6.12 and 7.3)
// Options: --no-includes --include-headers
// Keywords: devpriv, amdkfd, svm_migrate_get_vram_page
//

virtual patch
virtual context
virtual org
virtual report

@initialize:python@
@@
with_adev = set()
callers = set()

@script:python local_reset@
@@
with_adev.clear()
callers.clear()

@caller@
identifier fn, adev;
expression P, N;
type T;
@@
T fn(..., struct amdgpu_device *adev, ...)
{
<+...
svm_migrate_get_vram_page(P, N)
...+>
}

@caller_local@
identifier fn, adev;
expression P, N, E;
type T;
@@
T fn(...)
{
...
struct amdgpu_device *adev = E;
<+...
svm_migrate_get_vram_page(P, N)
...+>
}

@nocaller@
identifier fn;
expression P, N;
type T;
@@
T fn(...)
{
<+...
svm_migrate_get_vram_page(P, N)
...+>
}

@script:python@
fn << caller.fn;
@@
with_adev.add(fn)

@script:python@
fn << caller_local.fn;
@@
with_adev.add(fn)

@script:python@
fn << nocaller.fn;
@@
callers.add(fn)

@script:python every_caller@
x;
@@
if callers and callers <= with_adev:
    coccinelle.x = cocci.make_ident("x")
else:
    cocci.include_match(False)

// The pagemap the numbers are made from.
@pgm@
type T;
identifier addr;
expression PGM;
@@
T svm_migrate_addr_to_pfn(struct amdgpu_device *adev, unsigned long addr)
{
	return (addr + PGM.range.start) >> PAGE_SHIFT;
}

@calls depends on patch && every_caller && pgm@
position q;
// Safe: every caller has the adev the number was made from (every_caller)
identifier caller.fn, caller.adev;
expression P, N;
type T;
@@
T fn(...)
{
<...
- svm_migrate_get_vram_page@q(P, N)
+ svm_migrate_get_vram_page(adev, P, N)
...>
}

@script:python depends on calls@
q << calls.q;
@@
import os
if os.environ.get("DEVPRIV_PORT_LOG"):
    print("%s:%s:%s: devpriv converted: amdkfd: adev passed to svm_migrate_get_vram_page()" % (q[0].file, q[0].line, q[0].current_element))

@calls_local depends on patch && every_caller && pgm@
position q;
// Safe: as calls, adev being a local of the caller
identifier caller_local.fn, caller_local.adev;
expression P, N;
type T;
@@
T fn(...)
{
<...
- svm_migrate_get_vram_page@q(P, N)
+ svm_migrate_get_vram_page(adev, P, N)
...>
}

@script:python depends on calls_local@
q << calls_local.q;
@@
import os
if os.environ.get("DEVPRIV_PORT_LOG"):
    print("%s:%s:%s: devpriv converted: amdkfd: adev passed to svm_migrate_get_vram_page()" % (q[0].file, q[0].line, q[0].current_element))

@def depends on patch && (calls || calls_local)@
// Safe: the type of the pagemap of adev is the type of the pagemap the
//   number belongs to
identifier prange, pfn, page;
expression pgm.PGM;
type T;
@@
 T svm_migrate_get_vram_page(
+	struct amdgpu_device *adev,
 	struct svm_range *prange, unsigned long pfn)
 {
 	...
-	page = pfn_to_page(pfn);
+	page = PGM.type == MEMORY_DEVICE_PRIVATE ?
+	       devpriv_offset_to_page(pfn) : pfn_to_page(pfn);
 	...
 }

@r depends on !patch@
identifier prange, pfn, page;
type T;
position p;
@@
 T svm_migrate_get_vram_page(struct svm_range *prange, unsigned long pfn)
 {
 	...
*	page = pfn_to_page@p(pfn);
 	...
 }

@script:python depends on report@
p << r.p;
@@
coccilib.report.print_report(p[0], "devpriv convert: amdkfd device number of a shared pagemap: pass adev down (coccinelle/drivers/amdkfd.cocci)")
