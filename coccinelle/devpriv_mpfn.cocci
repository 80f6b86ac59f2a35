// SPDX-License-Identifier: GPL-2.0
///
/// Encode and decode device pages in migrate pfns and hmm pfns with the
/// libdevpriv helpers:
///
///   migrate_pfn(page_to_pfn(device page))  devpriv_migrate_pfn(page)
///   migrate_pfn_to_page(mpfn)              devpriv_migrate_pfn_to_page(mpfn)
///   hmm_pfn_to_page(hmm_pfn)               devpriv_hmm_pfn_to_page(hmm_pfn)
///
/// The decoders take any page and always convert.  The encoder converts
/// only where the page is proven to be a device page (see the rules), so
/// the same function encoding system pages keeps migrate_pfn() for them;
/// in code shared with MEMORY_DEVICE_COHERENT the page decides at run
/// time.  Raw pfns taken out of an hmm pfn and drm_pagemap pfn arrays are
/// reported for a manual step.
///
// Confidence: High
// Options: --no-includes --include-headers
// Keywords: devpriv, migrate_pfn, hmm_pfn_to_page, migrate_pfn_to_page
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
seen = set()
sysvar = set()

def first(tag, p):
    key = (tag,) + site(p)
    if key in seen:
        return False
    seen.add(key)
    return True

def page_kind():
    for n in _names(priv, ptr_priv):
        if name_kind(n) == "shared":
            return "shared"
    return "private"

@script:python local_reset@
@@
seen.clear()
sysvar.clear()

// =====================================================================
// 1. Decoding: the page of a migrate pfn or of an hmm pfn.
//
// Safe everywhere: devpriv_migrate_pfn_to_page() and
// devpriv_hmm_pfn_to_page() return the page of any valid entry, system or
// device; they differ from the core helpers only where a device page is
// not named by a pfn (kernels with a device-private address space).
// =====================================================================

@dec depends on patch@
expression E;
position q;
@@
(
- migrate_pfn_to_page@q(E)
+ devpriv_migrate_pfn_to_page(E)
|
- hmm_pfn_to_page@q(E)
+ devpriv_hmm_pfn_to_page(E)
)

@script:python depends on dec@
q << dec.q;
@@
log(q, "decoding helper: devpriv_*_pfn_to_page()")

// =====================================================================
// 2. Encoding a device page as a migrate pfn.
//
// Only pages proven to be device pages move: the result of a function
// that zone_device_page_init()s the page it returns (the allocator of
// the driver), of a libdevpriv lookup, a page the same function passes
// to zone_device_page_init() (or whose folio it passes to
// zone_device_folio_init()), or the page of a page_free callback (or of
// the folio of a folio_free callback).  A
// page from alloc_page() and friends has none of these and keeps
// migrate_pfn(page_to_pfn()).
// =====================================================================

@ev_fn exists@
identifier P;
identifier F : script:python () { F in devfn };
expression list ES;
type T;
position p;
@@
(
P = F(ES);
|
T P = F(ES);
)
...
migrate_pfn@p(page_to_pfn(P))

@script:python@
p << ev_fn.p;
@@
devsite[site(p)] = page_kind()

@ev_lookup exists@
identifier P;
identifier H =~ "^devpriv_(index|offset)_to_page$";
expression list ES;
type T;
position p;
@@
(
P = H(ES);
|
T P = H(ES);
)
...
migrate_pfn@p(page_to_pfn(P))

@script:python@
p << ev_lookup.p;
@@
devsite[site(p)] = "private" if page_kind() == "private" else "shared"

@ev_init exists@
expression P;
position p;
@@
\(zone_device_page_init(P, ...);\|zone_device_folio_init(page_folio(P), ...);\)
...
migrate_pfn@p(page_to_pfn(P))

@script:python@
p << ev_init.p;
@@
devsite[site(p)] = page_kind()

@ev_free@
identifier fn : script:python () { fn in freefn };
identifier P;
type T;
position p;
@@
T fn(struct page *P) { <... migrate_pfn@p(page_to_pfn(P)) ...> }

@script:python@
p << ev_free.p;
@@
devsite[site(p)] = page_kind()

@ev_free_folio@
identifier fn : script:python () { fn in freefn };
identifier FO, P;
type T;
position p;
@@
T fn(struct folio *FO) {
  ...
  struct page *P = \(&FO->page\|folio_page(FO, 0)\);
  <... migrate_pfn@p(page_to_pfn(P)) ...>
}

@script:python@
p << ev_free_folio.p;
@@
devsite[site(p)] = page_kind()

@done_enc@
expression P, E;
position p;
@@
devpriv_is_devpriv_page(P) ? E : migrate_pfn@p(page_to_pfn(P))

@script:python@
p << done_enc.p;
@@
done.add(site(p))

@enc depends on patch@
// Safe: the page is proven to be a device page of the driver;
//   devpriv_migrate_pfn() encodes it with MIGRATE_PFN_VALID as
//   migrate_pfn(page_to_pfn()) did
expression P;
position p : script:python () { devsite.get(site(p)) == "private" };
@@
- migrate_pfn@p(page_to_pfn(P))
+ devpriv_migrate_pfn(P)

@script:python depends on enc@
p << enc.p;
@@
log(p, "migrate pfn of a device page: devpriv_migrate_pfn()")

@enc_shared depends on patch@
// Safe: devpriv_is_devpriv_page() is exact; other pages keep
//   migrate_pfn(page_to_pfn())
expression P;
position p : script:python () { devsite.get(site(p)) == "shared" and site(p) not in done };
@@
- migrate_pfn@p(page_to_pfn(P))
+ (devpriv_is_devpriv_page(P) ? devpriv_migrate_pfn(P) : migrate_pfn(page_to_pfn(P)))

@script:python depends on enc_shared@
p << enc_shared.p;
@@
log(p, "migrate pfn of a device page: private branch devpriv_migrate_pfn()")

// devpriv_index.cocci may have turned the pfn of a device page into its
// offset before it reaches migrate_pfn(): encode the page again.
@enc_off depends on patch@
expression P;
position q;
@@
- migrate_pfn@q(devpriv_page_to_offset(P))
+ devpriv_migrate_pfn(P)

@script:python depends on enc_off@
q << enc_off.q;
@@
log(q, "migrate pfn of a device page: devpriv_migrate_pfn()")

@enc_offvar depends on patch exists@
// Safe: V holds an offset, not a pfn, since devpriv_index.cocci ran; encode
//   the page of that offset
identifier V;
expression P, E;
position q;
@@
V = devpriv_page_to_offset(P);
... when != V = E
- migrate_pfn@q(V)
+ devpriv_migrate_pfn(devpriv_offset_to_page(V))

@script:python depends on enc_offvar@
q << enc_offvar.q;
@@
log(q, "migrate pfn of a device offset: devpriv_migrate_pfn()")

// =====================================================================
// 3. A raw hmm pfn used as a pfn (amdkfd: hmm_pfns[i] << PAGE_SHIFT)
// inside a branch that knows the page is a device page.  The shift drops
// the flag and order bits; the number it leaves is a pfn, which for a
// libdevpriv page becomes its offset.
// =====================================================================

@hraw_id exists@
identifier P;
expression H;
identifier D =~ "^(devpriv_)?hmm_pfn_to_page$";
identifier G =~ "^is_zone_device_page$|^is_device_private_page$|^devpriv_is_devpriv_page$";
position p;
@@
P = D(H);
...
if (G(P)) {
  <+... H@p << PAGE_SHIFT ...+>
}

@script:python hraw_mk@
pv << hraw_id.P;
p << hraw_id.p;
out;
@@
if not first("hraw", p):
    cocci.include_match(False)
elif page_kind() == "shared":
    coccinelle.out = cocci.make_expr("((devpriv_is_devpriv_page(%s) ? devpriv_page_to_offset(%s) : page_to_pfn(%s)) << PAGE_SHIFT)" % (pv, pv, pv))
else:
    coccinelle.out = cocci.make_expr("(devpriv_page_to_offset(%s) << PAGE_SHIFT)" % pv)

@hraw depends on patch@
// Safe: inside the branch the page is a device page; the shift of its hmm
//   pfn was its pfn, now its offset
expression hraw_id.H;
position hraw_id.p;
expression hraw_mk.out;
@@
(
- (H@p << PAGE_SHIFT)
+ out
|
- H@p << PAGE_SHIFT
+ out
)

@script:python depends on hraw@
p << hraw_id.p;
@@
log(p, "raw hmm pfn of a device page: its offset")

// =====================================================================
// context, org, report
// =====================================================================

@r_dec depends on !patch@
expression E;
position p;
@@
(
* migrate_pfn_to_page@p(E)
|
* hmm_pfn_to_page@p(E)
)

@script:python depends on report@
p << r_dec.p;
@@
note(p, "convert", "decode with devpriv_migrate_pfn_to_page() / devpriv_hmm_pfn_to_page()")

@r_enc depends on !patch@
expression P;
position p : script:python () { site(p) in devsite and site(p) not in done };
@@
* migrate_pfn@p(page_to_pfn(P))

@script:python depends on report@
p << r_enc.p;
@@
note(p, "convert", "migrate pfn of a device page: devpriv_migrate_pfn()")

// A migrate pfn made from a number, not a page: if the number is a
// device number it must become devpriv_migrate_pfn(page of the number).
@done_raw@
expression C, E1, X;
position p;
@@
C ? E1 : migrate_pfn@p(X)

@script:python@
p << done_raw.p;
@@
done.add(site(p))

@r_raw depends on !patch@
expression X;
position p : script:python () { site(p) not in done };
@@
(
 migrate_pfn(page_to_pfn(...))
|
* migrate_pfn@p(X)
)

@sys_pfnvar@
identifier V;
expression P;
position p;
@@
V = page_to_pfn(P)@p

@script:python@
v << sys_pfnvar.V;
p << sys_pfnvar.p;
@@
sysvar.add((p[0].current_element, v))

@script:python depends on report@
p << r_raw.p;
x << r_raw.X;
@@
if (p[0].current_element, norm(x)) not in sysvar:
  note(p, "manual", "migrate_pfn(%s) of a raw number: if it can name a device page, encode the page with devpriv_migrate_pfn()" % x)

@r_hraw depends on !patch@
identifier P;
expression H;
identifier D =~ "^(devpriv_)?hmm_pfn_to_page$";
position p;
@@
P = D(H);
...
* H@p << PAGE_SHIFT

@script:python depends on report@
p << r_hraw.p;
@@
note(p, "manual", "raw hmm pfn shifted into an address: for a device page use devpriv_page_to_offset() of its page")

// drm_pagemap: the driver fills pfns that the helper turns into pages
// (pfn_to_page) and migrate pfns (migrate_pfn).  Both sides must move to
// offsets together: devpriv_offset_to_page() in drm_pagemap, offsets from
// the driver.
@r_populate depends on !patch@
identifier I, FN;
type T;
position p;
@@
T I = { ..., .populate_devmem_pfn = FN@p, ... };

@script:python depends on report@
p << r_populate.p;
fname << r_populate.FN;
@@
note(p, "manual", "%s fills pfns that drm_pagemap turns into pages (pfn_to_page) and migrate pfns (migrate_pfn): after the port they are device-private offsets; convert the helper with the driver (devpriv_offset_to_page(), devpriv_migrate_pfn())" % fname)

@r_populate_use depends on !patch exists@
expression E, D, N, A, I;
position p;
@@
E->populate_devmem_pfn(D, N, A)
...
* pfn_to_page@p(A[I])

@script:python depends on report@
p << r_populate_use.p;
@@
note(p, "manual", "pfn_to_page() of a pfn from populate_devmem_pfn: a device-private offset once the driver is ported (devpriv_offset_to_page())")
