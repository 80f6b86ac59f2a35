// SPDX-License-Identifier: GPL-2.0
///
/// Move a driver's device-private pagemap from struct dev_pagemap to
/// struct devpriv_pagemap, and find the driver structure of a device page
/// through devpriv_page_pagemap() instead of page->pgmap.
///
/// A pagemap is device-private when the driver assigns
/// MEMORY_DEVICE_PRIVATE to its type.  With libdevpriv, page->pgmap of a
/// device page points into one of libdevpriv's chunks, never into the
/// driver's structure, so container_of(page->pgmap, T, member) must become
/// container_of(devpriv_page_pagemap(page), T, member).
///
/// A pagemap whose type is MEMORY_DEVICE_PRIVATE on one path and
/// MEMORY_DEVICE_COHERENT on another (test_hmm, amdkfd) is *shared*:
/// coherent memory is CPU addressable and keeps memremap_pages(), so the
/// struct dev_pagemap member stays and a struct devpriv_pagemap sibling
/// named devpriv_<member> is added for the private branch; container_of()
/// then asks the page which of the two it belongs to.
///
// Confidence: High for private-only pagemaps; Moderate for shared ones
// (the sibling doubles the structure's pagemap footprint).
// Options: --no-includes --include-headers
// Keywords: devpriv, dev_pagemap, container_of, page_pgmap
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

// ---------------------------------------------------------------------
// The member, variable and pointer types.
//
// Safe: a private-only pagemap is only ever handed to memremap_pages()
// and friends, which devpriv_register.cocci rewrites; any use of a
// dev_pagemap field that struct devpriv_pagemap lacks (range, type,
// nr_range) and that no script rewrites fails to compile instead of
// silently misbehaving.
// ---------------------------------------------------------------------

@member depends on patch@
identifier S;
identifier F : script:python () { is_private(F) };
position p;
@@
struct S {
  ...
- struct dev_pagemap F@p;
+ struct devpriv_pagemap F;
  ...
};

@script:python depends on member@
p << member.p;
f << member.F;
@@
log(p, "member %s: struct devpriv_pagemap" % f)

// The sibling of a shared pagemap.  Safe: it only adds storage; the
// struct dev_pagemap member keeps serving coherent memory.
@sibling depends on patch@
identifier S;
identifier F : script:python () { is_shared(F) and (SIB + F) not in dp };
fresh identifier DF = "devpriv_" ## F;
position p;
@@
struct S {
  ...
  struct dev_pagemap F@p;
+ struct devpriv_pagemap DF;
  ...
};

@script:python depends on sibling@
p << sibling.p;
f << sibling.F;
@@
log(p, "member %s: devpriv_%s sibling for the private branch" % (f, f))

@var depends on patch@
// Safe: the variable is only registered as device-private memory
identifier V : script:python () { is_private(V) };
position p;
@@
- struct dev_pagemap V@p;
+ struct devpriv_pagemap V;

@script:python depends on var@
p << var.p;
v << var.V;
@@
log(p, "variable %s: struct devpriv_pagemap" % v)

// A local pointer that only ever aliases a private pagemap takes its type.
@alias depends on patch exists@
identifier P;
expression PG : script:python () { is_private(PG) };
expression E;
position p;
@@
(
- struct dev_pagemap *P@p;
+ struct devpriv_pagemap *P;
  ... when != P = E
  P = &PG;
|
- struct dev_pagemap *P@p = &PG;
+ struct devpriv_pagemap *P = &PG;
)

@script:python depends on alias@
p << alias.p;
@@
log(p, "pointer: struct devpriv_pagemap *")

// ---------------------------------------------------------------------
// container_of().  Safe: devpriv_page_pagemap() returns the
// devpriv_pagemap the page was populated for, which is the member named
// in container_of() because only that member was registered.  For a
// shared member the page decides: devpriv_is_devpriv_page() is exact and
// does not warn, coherent pages keep page->pgmap.
// ---------------------------------------------------------------------

@cof depends on patch@
expression P;
type T;
identifier F : script:python () { is_private(F) };
position p;
@@
(
- container_of@p(P->pgmap, T, F)
+ container_of(devpriv_page_pagemap(P), T, F)
|
- container_of@p(page_pgmap(P), T, F)
+ container_of(devpriv_page_pagemap(P), T, F)
)

@script:python depends on cof@
p << cof.p;
@@
log(p, "container_of(devpriv_page_pagemap())")

@done_cof@
expression P, E;
type T;
identifier F;
position p;
@@
(
devpriv_is_devpriv_page(P) ? E : container_of@p(P->pgmap, T, F)
|
devpriv_is_devpriv_page(P) ? E : container_of@p(page_pgmap(P), T, F)
)

@script:python@
p << done_cof.p;
@@
done.add(site(p))

@cof_shared depends on patch@
// Safe: devpriv_is_devpriv_page() tells the two members apart exactly
expression P;
type T;
identifier F : script:python () { is_shared(F) };
fresh identifier DF = "devpriv_" ## F;
position p : script:python () { site(p) not in done };
@@
(
- container_of@p(P->pgmap, T, F)
+ (devpriv_is_devpriv_page(P) ?
+  container_of(devpriv_page_pagemap(P), T, DF) :
+  container_of(P->pgmap, T, F))
|
- container_of@p(page_pgmap(P), T, F)
+ (devpriv_is_devpriv_page(P) ?
+  container_of(devpriv_page_pagemap(P), T, DF) :
+  container_of(page_pgmap(P), T, F))
)

@script:python depends on cof_shared@
p << cof_shared.p;
@@
log(p, "container_of(): private branch through devpriv_page_pagemap()")

// ---------------------------------------------------------------------
// The pagemap argument of zone_device_page_init(page, pgmap, order) and
// zone_device_folio_init(folio, pgmap, order) (6.18 on).  Safe: the page
// of a libdevpriv pagemap already belongs to the dev_pagemap of its chunk,
// which is the pagemap these helpers must be given; the struct
// devpriv_pagemap of the driver is no struct dev_pagemap.
// devpriv_page_pgmap() reads it on every kernel (page->pgmap or
// page_pgmap()).
// ---------------------------------------------------------------------

@zd_init depends on patch@
expression P, O;
expression PG : script:python () { is_private(PG) };
position p;
@@
(
- zone_device_page_init@p(P, &PG, O)
+ zone_device_page_init(P, devpriv_page_pgmap(P), O)
|
- zone_device_folio_init@p(P, &PG, O)
+ zone_device_folio_init(P, devpriv_page_pgmap(folio_page(P, 0)), O)
)

@script:python depends on zd_init@
p << zd_init.p;
@@
log(p, "zone_device_*_init(): the page's own pagemap")

// ---------------------------------------------------------------------
// context, org, report: what patch mode would change, and what it leaves.
// ---------------------------------------------------------------------

@r_member depends on !patch@
identifier S;
identifier F : script:python () { is_private(F) or (is_shared(F) and (SIB + F) not in dp) };
position p;
@@
struct S {
  ...
* struct dev_pagemap F@p;
  ...
};

@r_var depends on !patch@
identifier V : script:python () { is_private(V) };
position p;
@@
* struct dev_pagemap V@p;

@r_cof depends on !patch@
expression P, E;
type T;
identifier F : script:python () { is_private(F) or is_shared(F) };
position p;
@@
(
devpriv_is_devpriv_page(P) ? E : container_of(P->pgmap, T, F)
|
devpriv_is_devpriv_page(P) ? E : container_of(page_pgmap(P), T, F)
|
* container_of@p(P->pgmap, T, F)
|
* container_of@p(page_pgmap(P), T, F)
)

@r_zd_init depends on !patch@
expression P, O;
expression PG : script:python () { is_private(PG) };
position p;
@@
(
* zone_device_page_init@p(P, &PG, O)
|
* zone_device_folio_init@p(P, &PG, O)
)

// page->pgmap used for anything else: it is the dev_pagemap of a chunk,
// never one of the driver, so the intent must be read by a human.  As the
// pagemap argument of zone_device_page_init() and zone_device_folio_init()
// the pagemap of the chunk is the right one.
@r_pgmap depends on !patch@
struct page *P;
expression E, E2;
type T;
identifier F;
position p;
@@
(
container_of(P->pgmap, T, F)
|
container_of(page_pgmap(P), T, F)
|
zone_device_page_init(E2, page_pgmap(P), ...)
|
zone_device_folio_init(E2, page_pgmap(P), ...)
|
zone_device_page_init(E2, P->pgmap, ...)
|
devpriv_is_devpriv_page(P) ? E : container_of(P->pgmap, T, F)
|
* P->pgmap@p
|
* page_pgmap@p(P)
)

@script:python depends on report@
p << r_member.p;
f << r_member.F;
@@
note(p, "convert", "struct dev_pagemap %s is device-private: struct devpriv_pagemap" % f)

@script:python depends on report@
p << r_var.p;
v << r_var.V;
@@
note(p, "convert", "struct dev_pagemap %s is device-private: struct devpriv_pagemap" % v)

@script:python depends on report@
p << r_cof.p;
@@
note(p, "convert", "container_of(page->pgmap, ...): use devpriv_page_pagemap(page)")

@script:python depends on report@
p << r_zd_init.p;
@@
note(p, "convert", "zone_device_*_init() of the driver pagemap: the page's own, devpriv_page_pgmap()")

@script:python depends on report@
p << r_pgmap.p;
@@
note(p, "manual", "page->pgmap of a libdevpriv page is a chunk's pagemap, not the driver's: use devpriv_page_pagemap() or devpriv_is_devpriv_page()")

@script:python depends on org@
p << r_member.p;
@@
coccilib.org.print_todo(p[0], "struct dev_pagemap member: struct devpriv_pagemap")

@script:python depends on org@
p << r_var.p;
@@
coccilib.org.print_todo(p[0], "struct dev_pagemap variable: struct devpriv_pagemap")

@script:python depends on org@
p << r_cof.p;
@@
coccilib.org.print_todo(p[0], "container_of(page->pgmap): devpriv_page_pagemap()")

@script:python depends on org@
p << r_pgmap.p;
@@
coccilib.org.print_todo(p[0], "page->pgmap: manual")
