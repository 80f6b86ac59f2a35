// SPDX-License-Identifier: GPL-2.0
///
/// Register device-private memory with devpriv_memremap_pagemap() instead
/// of request_free_mem_region() + memremap_pages(), and tear it down with
/// devpriv_memunmap_pagemap() instead of memunmap_pages() +
/// release_mem_region().  devm_ variants map to the devm_devpriv_ ones.
///
/// The physical address window disappears: its size becomes nr_pages,
/// its start (where the driver still needs one) the pagemap's base
/// offset, and every release of it on error or teardown paths goes, so a
/// goto ladder loses the steps and labels that only released it.
/// DEVPRIV_EAGER keeps memremap_pages()' behaviour of creating every
/// struct page at registration; making a driver lazy is a manual step.
/// DEVPRIV_SELF_EVICT says that the driver still evicts its own pages
/// before it unregisters, as it did before the port; giving libdevpriv a
/// copy_to_ram instead is a manual step.
///
/// For a pagemap shared by MEMORY_DEVICE_PRIVATE and _COHERENT code only
/// the private branch moves, to the devpriv_<member> sibling that
/// devpriv_pagemap.cocci adds; coherent memory keeps memremap_pages().
///
/// Run after devpriv_pagemap.cocci (scripts/devpriv-port does).
///
// Confidence: High for private-only pagemaps; Moderate for shared ones.
// Options: --no-includes --include-headers
// Keywords: devpriv, memremap_pages, request_free_mem_region
//

virtual patch
virtual context
virtual org
virtual report

// ---------------------------------------------------------------------
// Pagemap registry.  This block is identical in every devpriv_*.cocci
// (scripts/check-cocci.sh compares each copy with
// coccinelle/prelude.cocci.in); edit it there and copy it over.
//
// The discovery rules below learn, from the code in front of them, which
// pagemaps are device-private.  A pagemap is named by the last member or
// variable of its lvalue (pagemap for chunk->pagemap, the variable
// itself for a global) and is
//   private  if it is assigned MEMORY_DEVICE_PRIVATE and never
//            MEMORY_DEVICE_COHERENT, or is a struct devpriv_pagemap;
//   shared   if it is assigned both (test_hmm, amdkfd), or has a
//            devpriv_<name> sibling: its private branch moves, its
//            coherent branch keeps memremap_pages().
// A pointer is an alias of the pagemaps whose address it is assigned.
// A pagemap handed to drm_pagemap_init() (Xe, 6.15 on) is neither: the
// drm_pagemap helpers keep its struct dev_pagemap pointer, compare
// page_pgmap() with it and pass it to zone_device_folio_init(), which
// the per-chunk pagemaps of libdevpriv cannot satisfy; devpriv_register.cocci
// reports it for a manual port of driver and helper together.
//
// Python state: priv, coh: names assigned MEMORY_DEVICE_PRIVATE or
// _COHERENT; dp: names already struct devpriv_pagemap; alias: pointer
// name to the lvalues it is assigned the address of; ptr_priv, ptr_coh:
// pointers whose target is assigned a type; dp_ptr: pointers declared
// struct devpriv_pagemap; devsite: sites proven to be about a device page
// or number; devnumfn: functions returning a device number; done: sites in code a script already converted (the coherent
// branch of a shared conversion); devfn: functions returning a device
// page; converted: files
// this script changed in patch mode (log() feeds scripts/devpriv-port).
// Python code here carries no comments: a hash sign inside a script
// confuses the SmPL parser of Coccinelle 1.1.1.
// ---------------------------------------------------------------------

@initialize:python@
@@
import os
import re

priv = set()
coh = set()
dp = set()
alias = {}
ptr_priv = set()
ptr_coh = set()
dp_ptr = set()
devsite = {}
done = set()
devfn = set()
freefn = set()
pgfn = set()
devvar = {}
basecopy = {}
devnumfn = {}
held_args = []
LV = r'[A-Za-z_]\w*(?:(?:\.|->)[A-Za-z_]\w*|\[[^\]]*\])*'
SIB = "devpriv_"

def norm(e):
    return re.sub(r'\s+', '', str(e))

def last_name(e):
    m = re.search(r'([A-Za-z_]\w*)$', norm(e))
    return m.group(1) if m else ""

def _names(base, ptrs):
    out = set(base)
    for p in ptrs:
        for t in alias.get(p, ()):
            out.add(last_name(t))
    return out

def held_names():
    out = set()
    for a in held_args:
        if a.startswith("&"):
            out.add(last_name(a[1:]))
        else:
            for t in alias.get(a, ()):
                out.add(last_name(t))
    return out

def name_kind(n):
    if n in held_names():
        return None
    pv = _names(priv, ptr_priv)
    ch = _names(coh, ptr_coh)
    if (n in pv and n in ch) or (SIB + n) in dp:
        return "shared"
    if n in pv or n in dp:
        return "private"
    return None

def ptr_kind(p):
    if p in dp_ptr:
        return "private"
    kinds = set(name_kind(last_name(t)) for t in alias.get(p, ()))
    if "shared" in kinds:
        return "shared"
    if "private" in kinds:
        return "private"
    return None


def addr_kind(a):
    a = norm(a)
    if a.startswith("&"):
        return name_kind(last_name(a[1:]))
    if re.match(r'^[A-Za-z_]\w*$', a):
        return ptr_kind(a)
    return None


def split(e, path):
    s = norm(e)
    for sep in (".", "->"):
        if s.endswith(sep + path) and len(s) > len(sep + path):
            b = s[:-len(sep + path)]
            if re.match('^' + LV + '$', b):
                return b, sep
    return None, None

def ref_kind(b, sep):
    if b is None:
        return None
    if sep == ".":
        return name_kind(last_name(b))
    if re.match(r'^[A-Za-z_]\w*$', b):
        return ptr_kind(b)
    return None

def member_kind(e, paths):
    for path in paths:
        b, sep = split(e, path)
        if b is not None:
            return ref_kind(b, sep)
    return None

def member(b, sep, field):
    return b + sep + field



def target(b, sep):
    if sep == ".":
        return b
    ts = sorted(alias.get(b, ()))
    return ts[0] if len(ts) == 1 else None

def sibling(lv):
    return re.sub(r'([A-Za-z_]\w*)$', SIB + last_name(lv), lv)

def addr_ref(a):
    a = norm(a)
    if a.startswith("&"):
        return a[1:], "."
    return a, "->"

def is_private(e):
    return name_kind(last_name(e)) == "private"

def is_shared(e):
    return name_kind(last_name(e)) == "shared"

def refs_in(s, path):
    out = []
    for m in re.finditer(r'(\.|->)' + re.escape(path) + r'(?![\w])', s):
        mm = re.search('(' + LV + ')$', s[:m.start()])
        if mm:
            k = ref_kind(mm.group(1), m.group(1))
            if k:
                out.append((k, mm.group(1), m.group(1)))
    return out

def devnum(e, fn):
    s = norm(e)
    found = refs_in(s, "base") + refs_in(s, "range.start") + refs_in(s, "range.end")
    for tok in re.findall(r'(?<![\w.>])[A-Za-z_]\w*', s):
        if (fn, tok) in devvar:
            found.append(devvar[(fn, tok)])
    for m in re.finditer(r'(?:\.|->)([A-Za-z_]\w*)', s):
        if m.group(1) in basecopy:
            found.append(basecopy[m.group(1)])
    for m in re.finditer(r'(?<![\w.>])([A-Za-z_]\w*)\(([^()]*)\)', s):
        k = devnumfn.get(m.group(1))
        if k:
            root = re.match(r'[A-Za-z_]\w*', k[1]).group(0)
            if k[0] == "private" or root in m.group(2).split(","):
                found.append(k)
    for k in ("private", "shared"):
        for f in found:
            if f[0] == k:
                return f
    return None

def typeof_ref(b, sep):
    t = target(b, sep)
    return member(b, sep, "type") if t else None

def site(p):
    return (p[0].file, p[0].line, p[0].column)

converted = []

def log(p, msg):
    converted.append(p[0].file)

    if os.environ.get("DEVPRIV_PORT_LOG"):
        print("%s:%s:%s: devpriv converted: %s" % (p[0].file, p[0].line, p[0].current_element, msg))

def note(p, kind, msg):
    coccilib.report.print_report(p[0], "devpriv %s: %s" % (kind, msg))

// Per file group (scripts/devpriv-port runs many drivers, or test cases,
// in one spatch with --file-groups): start every group with an empty
// registry.
@script:python devpriv_reset@
@@
for st in (priv, coh, dp, ptr_priv, ptr_coh, dp_ptr, devfn, freefn, pgfn, done):
    st.clear()
for st in (alias, devsite, devvar, basecopy, devnumfn):
    st.clear()
del converted[:]
del held_args[:]

@dp_held@
expression D, PG;
expression list ES;
@@
drm_pagemap_init(D, PG, ES)

@script:python@
pg << dp_held.PG;
@@
held_args.append(norm(pg))

@dp_alias@
identifier P;
expression X;
@@
P = &X

@script:python@
p << dp_alias.P;
x << dp_alias.X;
@@
alias.setdefault(p, set()).add(norm(x))

@dp_alias_decl@
identifier P;
expression X;
type T;
@@
T *P = &X;

@script:python@
p << dp_alias_decl.P;
x << dp_alias_decl.X;
@@
alias.setdefault(p, set()).add(norm(x))

@dp_priv@
expression PG;
identifier P;
@@
(
P->type = MEMORY_DEVICE_PRIVATE
|
PG.type = MEMORY_DEVICE_PRIVATE
)

@script:python@
pg << dp_priv.PG = "";
p << dp_priv.P = "";
@@
if pg:
    priv.add(last_name(pg))
if p:
    ptr_priv.add(p)

@dp_coh@
expression PG;
identifier P;
@@
(
P->type = MEMORY_DEVICE_COHERENT
|
PG.type = MEMORY_DEVICE_COHERENT
)

@script:python@
pg << dp_coh.PG = "";
p << dp_coh.P = "";
@@
if pg:
    coh.add(last_name(pg))
if p:
    ptr_coh.add(p)

@dp_member@
identifier S, F;
@@
struct S { ... struct devpriv_pagemap F; ... };

@script:python@
f << dp_member.F;
@@
dp.add(f)

@dp_var@
identifier V;
@@
struct devpriv_pagemap V;

@script:python@
v << dp_var.V;
@@
dp.add(v)

@dp_ptr_decl@
identifier P;
@@
struct devpriv_pagemap *P;

@script:python@
p << dp_ptr_decl.P;
@@
dp_ptr.add(p)

@dp_ptr_param@
identifier P, fn;
type T;
@@
T fn(..., struct devpriv_pagemap *P, ...) { ... }

@script:python@
p << dp_ptr_param.P;
@@
dp_ptr.add(p)

@dp_call@
expression PG, N, D;
@@
(
devpriv_memremap_pagemap(&PG, N)
|
devm_devpriv_memremap_pagemap(D, &PG, N)
)

@script:python@
pg << dp_call.PG;
@@
dp.add(last_name(pg))

// Device-page evidence: the page_free callbacks and the folio_free ones
// that replaced them (their page, or the page of their folio, is always a
// device page of the driver), functions returning a page they passed to
// zone_device_page_init() (any arity) or whose folio they passed to
// zone_device_folio_init(), or that they got from libdevpriv, and
// functions that look up the pagemap of their page argument.

@dp_ops@
identifier I, F;
@@
struct dev_pagemap_ops I = { ..., .page_free = F, ... };

@script:python@
f << dp_ops.F;
@@
freefn.add(f)

@dp_ops_folio@
identifier I, F;
@@
struct dev_pagemap_ops I = { ..., .folio_free = F, ... };

@script:python@
f << dp_ops_folio.F;
@@
freefn.add(f)

@dp_devfn exists@
identifier fn, Q;
type T;
@@
T *fn(...) { ... zone_device_page_init(Q, ...); ... return Q; }

@script:python@
fn << dp_devfn.fn;
@@
devfn.add(fn)

// zone_device_folio_init() takes the folio, often a local set from the
// page on one branch and the page from the folio on another: a function
// that initialises a folio and returns a page returns the page of that folio.
@dp_devfn3 exists@
identifier fn, Q;
expression FO, PG, O;
@@
struct page *fn(...) { ... zone_device_folio_init(FO, PG, O); ... return Q; }

@script:python@
fn << dp_devfn3.fn;
@@
devfn.add(fn)

@dp_devfn2@
identifier fn, H =~ "^devpriv_(index|offset)_to_page$";
type T;
@@
T *fn(...) { <... return H(...); ...> }

@script:python@
fn << dp_devfn2.fn;
@@
devfn.add(fn)

@dp_pgfn@
identifier fn, P;
type T;
@@
T fn(..., struct page *P, ...) { <... devpriv_page_pagemap(P) ...> }

@script:python@
fn << dp_pgfn.fn;
@@
pgfn.add(fn)

// ------------------------- end of the registry -------------------------

@initialize:python@
@@
reqvars = set()
regvars = set()
gotos_before = set()
gotos_after = set()

@script:python local_reset@
@@
reqvars.clear()
regvars.clear()
gotos_before.clear()
gotos_after.clear()

@goto_before@
identifier L;
position p;
@@
goto L@p;

@script:python@
l << goto_before.L;
p << goto_before.p;
@@
gotos_before.add((p[0].current_element, l))

// =====================================================================
// Private-only pagemaps.
// =====================================================================

// The physical window: a request_free_mem_region() whose start becomes
// the range of a private pagemap.
@req exists@
identifier res;
expression SIZE, NAME, D;
expression R : script:python () { member_kind(R, ("range.start",)) == "private" };
position p;
@@
(
res = request_free_mem_region@p(&iomem_resource, SIZE, NAME);
|
res = devm_request_free_mem_region@p(D, &iomem_resource, SIZE);
)
...
R = res->start;

@script:python req_mk@
r << req.R;
nr;
fl;
base;
@@
b, sep = split(r, "range.start")
coccinelle.nr = cocci.make_expr(member(b, sep, "nr_pages"))
coccinelle.fl = cocci.make_expr(member(b, sep, "flags"))
coccinelle.base = cocci.make_expr(member(b, sep, "base"))

// Releasing the window on an error or teardown path of the same function.
// Safe: the window is never requested once the request is gone.
@rel depends on patch exists@
identifier req.res;
identifier RQ =~ "^(devm_)?request_free_mem_region$";
expression A, D;
position q;
@@
res = RQ(...);
...
(
- release_mem_region@q(res->start, A);
|
- devm_release_mem_region@q(D, res->start, A);
)

@script:python depends on rel@
q << rel.q;
@@
log(q, "release of the physical window removed")

// The start and size of the window after registration are the base
// offset and the size of the pagemap: the same arithmetic then runs on
// device-private offsets instead of pfns, and every pfn_to_page() or
// page_to_pfn() of such a number moves to an offset helper (devpriv_index.cocci).
@resuse depends on patch exists@
identifier req.res;
identifier RQ =~ "^(devm_)?request_free_mem_region$";
expression req.R;
expression req_mk.base, req_mk.nr;
position q;
@@
res = RQ(...);
<...
(
R = res->start
|
- res->start@q >> PAGE_SHIFT
+ base
|
- PHYS_PFN(res->start@q)
+ base
|
- res->start@q
+ (base << PAGE_SHIFT)
|
- resource_size(res)@q >> PAGE_SHIFT
+ nr
|
- resource_size(res)@q
+ (nr << PAGE_SHIFT)
)
...>

@script:python depends on resuse@
q << resuse.q;
@@
log(q, "window start/size: pagemap base/nr_pages")

// Fields struct devpriv_pagemap does not have: its type is implied, its
// range is allocated by libdevpriv, flags of dev_pagemap mean nothing.
@fields depends on patch@
expression L : script:python () { member_kind(L, ("range.end", "type", "nr_range", "range")) == "private" };
expression E;
position q;
@@
- L@q = E;

@script:python depends on fields@
q << fields.q;
@@
log(q, "dev_pagemap-only field assignment removed")

@flags0 depends on patch@
// Safe: dev_pagemap flags have no meaning for a devpriv_pagemap; 0 is the
//   default
expression L : script:python () { member_kind(L, ("flags",)) == "private" };
position q;
@@
- L@q = 0;

// The request itself, its error check, and the range start: the size
// becomes nr_pages; DEVPRIV_EAGER populates all struct pages at
// registration, as memremap_pages() did, and DEVPRIV_SELF_EVICT keeps the
// eviction the driver does itself.
@req_rm depends on patch exists@
position q;
identifier req.res;
expression req.SIZE, req.NAME, req.D, req.R;
expression req_mk.nr, req_mk.fl;
statement S;
@@
(
- res = request_free_mem_region@q(&iomem_resource, SIZE, NAME);
|
- res = devm_request_free_mem_region@q(D, &iomem_resource, SIZE);
)
(
- if (IS_ERR(res)) S
|
- if (IS_ERR_OR_NULL(res)) S
|
- if (!res) S
)
...
- R = res->start;
+ nr = DIV_ROUND_UP(SIZE, PAGE_SIZE);
+ fl = DEVPRIV_EAGER | DEVPRIV_SELF_EVICT;

@script:python depends on req_rm@
p << req_rm.q;
res << req.res;
@@
reqvars.add(res)
log(p, "physical window request removed: nr_pages, DEVPRIV_EAGER | DEVPRIV_SELF_EVICT")

// memremap_pages() -> devpriv_memremap_pagemap().  The result is an int;
// the error variable the driver filled from PTR_ERR() takes it directly.
@rc0 depends on patch@
expression A : script:python () { addr_kind(A) == "private" };
expression N, E, D;
identifier X;
statement S;
position q;
@@
(
- X = memremap_pages@q(A, N);
+ E = devpriv_memremap_pagemap(A, N);
|
- X = devm_memremap_pages@q(D, A);
+ E = devm_devpriv_memremap_pagemap(D, A, dev_to_node(D));
)
  ... when != E
- if (IS_ERR(X)) {
-   E = PTR_ERR(X);
-   S
- }
+ if (E)
+	S

@script:python depends on rc0@
q << rc0.q;
x << rc0.X;
@@
regvars.add(x)
log(q, "registration: devpriv_memremap_pagemap()")

@rc1 depends on patch@
// Safe: the error variable gets the same error code PTR_ERR() would have
//   given it, before any use
expression A : script:python () { addr_kind(A) == "private" };
expression N, E, D;
identifier X;
position q;
@@
(
- X = memremap_pages@q(A, N);
+ E = devpriv_memremap_pagemap(A, N);
|
- X = devm_memremap_pages@q(D, A);
+ E = devm_devpriv_memremap_pagemap(D, A, dev_to_node(D));
)
  ... when != E
  if (
- IS_ERR(X)
+ E
  ) {
    ...
-   E = PTR_ERR(X);
    ...
  }

@script:python depends on rc1@
q << rc1.q;
x << rc1.X;
@@
regvars.add(x)
log(q, "registration: devpriv_memremap_pagemap()")

@rc2 depends on patch@
// Safe: as rc1; memremap_pages() never returned NULL, so the -EFAULT branch
//   was dead
expression A : script:python () { addr_kind(A) == "private" };
expression N, E, C, D;
identifier X;
position q;
@@
(
- X = memremap_pages@q(A, N);
+ E = devpriv_memremap_pagemap(A, N);
|
- X = devm_memremap_pages@q(D, A);
+ E = devm_devpriv_memremap_pagemap(D, A, dev_to_node(D));
)
  ... when != E
  if (
- IS_ERR_OR_NULL(X)
+ E
  ) {
-   if (X) E = PTR_ERR(X); else E = C;
    ...
  }

@script:python depends on rc2@
q << rc2.q;
x << rc2.X;
@@
regvars.add(x)
log(q, "registration: devpriv_memremap_pagemap()")

// Any other shape: keep the pointer the driver tests with IS_ERR().
// Safe because ERR_PTR(0) is NULL, which IS_ERR() accepts as success,
// and nothing but the error test ever uses what memremap_pages()
// returns for device-private memory.
@rc3 depends on patch@
expression A : script:python () { addr_kind(A) == "private" };
expression N, D, X;
position q;
@@
(
- X = memremap_pages@q(A, N)
+ X = ERR_PTR(devpriv_memremap_pagemap(A, N))
|
- X = devm_memremap_pages@q(D, A)
+ X = ERR_PTR(devm_devpriv_memremap_pagemap(D, A, dev_to_node(D)))
)
  ... when != IS_ERR_OR_NULL(X)

@script:python depends on rc3@
q << rc3.q;
@@
log(q, "registration: devpriv_memremap_pagemap() behind ERR_PTR()")

// Teardown.  Safe: devpriv_memunmap_pagemap() evicts, waits for the
// last reference and frees what registration allocated, as
// memunmap_pages() did; the range it releases belongs to libdevpriv.
@td depends on patch@
expression A : script:python () { addr_kind(A) == "private" };
expression D;
position q;
@@
(
- memunmap_pages@q(A)
+ devpriv_memunmap_pagemap(A)
|
- devm_memunmap_pages@q(D, A)
+ devm_devpriv_memunmap_pagemap(D, A)
)

@script:python depends on td@
q << td.q;
@@
log(q, "teardown: devpriv_memunmap_pagemap()")

@tdrel depends on patch@
// Safe: the window of a devpriv pagemap is never requested by the driver
expression S : script:python () { member_kind(S, ("range.start",)) == "private" };
expression L, D;
position q;
@@
(
- release_mem_region@q(S, L);
|
- devm_release_mem_region@q(D, S, L);
)

@script:python depends on tdrel@
q << tdrel.q;
@@
log(q, "release of the physical window removed")

// =====================================================================
// Shared pagemaps: the MEMORY_DEVICE_PRIVATE branch registers the
// devpriv_<member> sibling; the coherent branch is left alone.  After a
// successful private registration the range of the dev_pagemap is set to the
// device-private byte range, as the upstream device-private address
// space series does, so range-relative arithmetic shared by both
// branches stays valid; devpriv_index.cocci rewrites the places where
// such a number turns into a page.
// =====================================================================

@sreq exists@
identifier res;
expression SIZE, NAME, D;
expression R : script:python () { member_kind(R, ("range.start",)) == "shared" };
position p;
@@
(
res = request_free_mem_region@p(&iomem_resource, SIZE, NAME);
|
res = devm_request_free_mem_region@p(D, &iomem_resource, SIZE);
)
...
R = res->start;

@script:python sreq_mk@
r << sreq.R;
nr;
rend;
@@
b, sep = split(r, "range.start")
t = target(b, sep)
if t is None:
    cocci.include_match(False)
else:
    coccinelle.nr = cocci.make_expr(sibling(t) + ".nr_pages")
    coccinelle.rend = cocci.make_expr(member(b, sep, "range.end"))

// In shared code the release also sits on paths the coherent branch
// takes, so it is matched by the variable that held the window, not by a
// path from the request.
@srel depends on patch@
identifier sreq.res;
expression A, D, C;
position q;
@@
(
- if (C) release_mem_region@q(res->start, A);
|
- if (C) devm_release_mem_region@q(D, res->start, A);
)

@script:python depends on srel@
q << srel.q;
@@
log(q, "release of the physical window removed")

@srel_b depends on patch@
// Safe: as srel, for a release without condition
identifier sreq.res;
expression A, D;
position q;
@@
(
- release_mem_region@q(res->start, A);
|
- devm_release_mem_region@q(D, res->start, A);
)

@script:python depends on srel_b@
q << srel_b.q;
@@
log(q, "release of the physical window removed")

@sreq_rm depends on patch exists@
// Safe: the private branch no longer needs a window; the sibling gets its
//   size
position q;
identifier sreq.res;
expression sreq.SIZE, sreq.NAME, sreq.D, sreq.R;
expression sreq_mk.nr, sreq_mk.rend;
statement S;
@@
(
- res = request_free_mem_region@q(&iomem_resource, SIZE, NAME);
|
- res = devm_request_free_mem_region@q(D, &iomem_resource, SIZE);
)
(
- if (IS_ERR(res)) S
|
- if (IS_ERR_OR_NULL(res)) S
|
- if (!res) S
)
...
- R = res->start;
+ nr = DIV_ROUND_UP(SIZE, PAGE_SIZE);
...
- rend = res->end;

@script:python depends on sreq_rm@
p << sreq_rm.q;
res << sreq.res;
@@
reqvars.add(res)
log(p, "private branch: physical window request removed, nr_pages of the sibling")

// Releases of the range of a shared pagemap only ever concerned the private
// branch (coherent memory is not requested): drop them.
@srel2 depends on patch@
expression S : script:python () { member_kind(S, ("range.start",)) == "shared" };
expression L, D, C;
position q;
@@
(
- if (C) release_mem_region@q(S, L);
|
- if (C) devm_release_mem_region@q(D, S, L);
)

@script:python depends on srel2@
q << srel2.q;
@@
log(q, "release of the physical window removed")

@srel3 depends on patch@
// Safe: as srel2, for a release without condition
expression S : script:python () { member_kind(S, ("range.start",)) == "shared" };
expression L, D;
position q;
@@
(
- release_mem_region@q(S, L);
|
- devm_release_mem_region@q(D, S, L);
)

@script:python depends on srel3@
q << srel3.q;
@@
log(q, "release of the physical window removed")

@done_reg@
expression C, A, N;
statement S1;
position p;
@@
if (C) S1 else { <+... memremap_pages@p(A, N) ...+> }

@script:python@
p << done_reg.p;
@@
done.add(site(p))

@done_reg_devm@
expression C, A, D;
statement S1;
position p;
@@
if (C) S1 else { <+... devm_memremap_pages@p(D, A) ...+> }

@script:python@
p << done_reg_devm.p;
@@
done.add(site(p))

@done_unreg@
expression C, A, A2;
position p;
@@
if (C) devpriv_memunmap_pagemap(A2); else memunmap_pages@p(A);

@script:python@
p << done_unreg.p;
@@
done.add(site(p))

@done_unreg_devm@
expression C, A, A2, D, D2;
position p;
@@
if (C) devm_devpriv_memunmap_pagemap(D2, A2); else devm_memunmap_pages@p(D, A);

@script:python@
p << done_unreg_devm.p;
@@
done.add(site(p))

@sreg_id@
expression A : script:python () { addr_kind(A) == "shared" };
expression N, D;
identifier X;
position q : script:python () { site(q) not in done };
@@
(
X = memremap_pages@q(A, N)
|
X = devm_memremap_pages@q(D, A)
)

@script:python sreg_mk@
a << sreg_id.A;
pgtype;
pgops;
pgowner;
dpg;
rgstart;
rgend;
@@
b, sep = addr_ref(a)
t = target(b, sep)
if t is None:
    cocci.include_match(False)
else:
    d = sibling(t)
    coccinelle.pgtype = cocci.make_expr(member(b, sep, "type"))
    coccinelle.pgops = cocci.make_expr(member(b, sep, "ops"))
    coccinelle.pgowner = cocci.make_expr(member(b, sep, "owner"))
    coccinelle.dpg = cocci.make_expr(d)
    coccinelle.rgstart = cocci.make_expr(member(b, sep, "range.start"))
    coccinelle.rgend = cocci.make_expr(member(b, sep, "range.end"))

@sreg1 depends on patch@
// Safe: the coherent branch runs the original code; the private branch
//   registers the sibling with the ops and owner of the dev_pagemap and
//   reports errors through the same variable and path
expression sreg_id.A, sreg_id.N;
identifier sreg_id.X;
position sreg_id.q;
expression sreg_mk.pgtype, sreg_mk.pgops, sreg_mk.pgowner, sreg_mk.dpg;
expression sreg_mk.rgstart, sreg_mk.rgend;
expression E, C;
statement S;
@@
- X = memremap_pages@q(A, N);
- if (IS_ERR_OR_NULL(X)) {
-   if (X) E = PTR_ERR(X); else E = C;
-   S
- }
+ if (pgtype == MEMORY_DEVICE_PRIVATE) {
+	dpg.ops = pgops;
+	dpg.owner = pgowner;
+	dpg.flags = DEVPRIV_EAGER | DEVPRIV_SELF_EVICT;
+	E = devpriv_memremap_pagemap(&dpg, N);
+	if (E)
+		S
+	rgstart = dpg.base << PAGE_SHIFT;
+	rgend = rgstart + (dpg.nr_pages << PAGE_SHIFT) - 1;
+ } else {
+	X = memremap_pages(A, N);
+	if (IS_ERR_OR_NULL(X)) {
+		if (X)
+			E = PTR_ERR(X);
+		else
+			E = C;
+		S
+	}
+ }

@script:python depends on sreg1@
q << sreg_id.q;
@@
log(q, "registration: private branch through devpriv_memremap_pagemap()")

@sreg2 depends on patch && !sreg1@
// Safe: as sreg1; ERR_PTR(0) is NULL, which IS_ERR() accepts
expression sreg_id.A, sreg_id.N, sreg_id.D;
identifier sreg_id.X;
position q;
expression sreg_mk.pgtype, sreg_mk.pgops, sreg_mk.pgowner, sreg_mk.dpg;
expression sreg_mk.rgstart, sreg_mk.rgend;
@@
(
- X = memremap_pages@q(A, N);
+ if (pgtype == MEMORY_DEVICE_PRIVATE) {
+	dpg.ops = pgops;
+	dpg.owner = pgowner;
+	dpg.flags = DEVPRIV_EAGER | DEVPRIV_SELF_EVICT;
+	X = ERR_PTR(devpriv_memremap_pagemap(&dpg, N));
+	if (!IS_ERR(X)) {
+		rgstart = dpg.base << PAGE_SHIFT;
+		rgend = rgstart + (dpg.nr_pages << PAGE_SHIFT) - 1;
+	}
+ } else {
+	X = memremap_pages(A, N);
+ }
|
- X = devm_memremap_pages@q(D, A);
+ if (pgtype == MEMORY_DEVICE_PRIVATE) {
+	dpg.ops = pgops;
+	dpg.owner = pgowner;
+	dpg.flags = DEVPRIV_EAGER | DEVPRIV_SELF_EVICT;
+	X = ERR_PTR(devm_devpriv_memremap_pagemap(D, &dpg, dev_to_node(D)));
+	if (!IS_ERR(X)) {
+		rgstart = dpg.base << PAGE_SHIFT;
+		rgend = rgstart + (dpg.nr_pages << PAGE_SHIFT) - 1;
+	}
+ } else {
+	X = devm_memremap_pages(D, A);
+ }
)
  ... when != IS_ERR_OR_NULL(X)

@script:python depends on sreg2@
q << sreg2.q;
@@
log(q, "registration: private branch through devpriv_memremap_pagemap()")

@std_id@
expression A : script:python () { addr_kind(A) == "shared" };
expression D;
position q : script:python () { site(q) not in done };
@@
(
memunmap_pages@q(A);
|
devm_memunmap_pages@q(D, A);
)

@script:python std_mk@
a << std_id.A;
pgtype;
dpg;
@@
b, sep = addr_ref(a)
t = target(b, sep)
if t is None:
    cocci.include_match(False)
else:
    coccinelle.pgtype = cocci.make_expr(member(b, sep, "type"))
    coccinelle.dpg = cocci.make_expr(sibling(t))

@std_rw depends on patch@
// Safe: each branch undoes its own registration
expression std_id.A, std_id.D;
position std_id.q;
expression std_mk.pgtype, std_mk.dpg;
@@
(
- memunmap_pages@q(A);
+ if (pgtype == MEMORY_DEVICE_PRIVATE)
+	devpriv_memunmap_pagemap(&dpg);
+ else
+	memunmap_pages(A);
|
- devm_memunmap_pages@q(D, A);
+ if (pgtype == MEMORY_DEVICE_PRIVATE)
+	devm_devpriv_memunmap_pagemap(D, &dpg);
+ else
+	devm_memunmap_pages(D, A);
)

@script:python depends on std_rw@
q << std_id.q;
@@
log(q, "teardown: private branch through devpriv_memunmap_pagemap()")

// =====================================================================
// Locals and labels the conversion left without a use.
// =====================================================================

@unused_res depends on patch@
identifier res : script:python () { res in reqvars };
@@
(
- struct resource *res;
|
- struct resource *res = NULL;
)
  ... when != res

@unused_ptr depends on patch@
identifier X : script:python () { X in regvars };
type T;
@@
- T *X;
  ... when != X

@goto_after@
identifier L;
position p;
@@
goto L@p;

@script:python@
l << goto_after.L;
p << goto_after.p;
@@
gotos_after.add((p[0].current_element, l))

// A label whose every goto went with the error check of the window.
@unused_label depends on patch@
identifier L;
position p : script:python (L) { (p[0].current_element, L) in gotos_before and (p[0].current_element, L) not in gotos_after };
@@
- L@p:


// ---------------------------------------------------------------------
// report: a device-private pagemap handed to drm_pagemap_init() stays
// (the registry leaves it alone, see above).  The drm_pagemap helpers
// hold its struct dev_pagemap pointer: they compare page_pgmap() with it,
// pass it to zone_device_folio_init() and drm_gpusvm_scan_mm(), read its
// owner.  With libdevpriv every chunk has a dev_pagemap of its own, so the
// helper must hold the struct devpriv_pagemap (devpriv_page_pagemap(),
// devpriv_page_pgmap()) in the same change as the driver.
// ---------------------------------------------------------------------

@r_held depends on !patch@
expression D, PG;
expression list ES;
position p;
@@
* drm_pagemap_init@p(D, PG, ES)

@script:python depends on report@
p << r_held.p;
pg << r_held.PG;
@@
a = norm(pg)
if a.startswith("&"):
    ns = set([last_name(a[1:])])
else:
    ns = set(last_name(t) for t in alias.get(a, ()))
if ns & _names(priv, ptr_priv):
    note(p, "manual", "device-private pagemap handed to drm_pagemap_init(): left as it is; drm_pagemap compares page_pgmap() with it and gives it to zone_device_folio_init(), and libdevpriv chunks have dev_pagemaps of their own: port drm_pagemap (struct devpriv_pagemap) with the driver")
