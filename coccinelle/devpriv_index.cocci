// SPDX-License-Identifier: GPL-2.0
///
/// Convert between device pages and their numbers with libdevpriv
/// helpers instead of pfn arithmetic on the pagemap range:
///
///   page_to_pfn(page) - (range.start >> PAGE_SHIFT)  devpriv_page_to_index(page)
///   pfn_to_page((range.start >> PAGE_SHIFT) + i)     devpriv_index_to_page(pgmap, i)
///   page_to_pfn(device page)                         devpriv_page_to_offset(page)
///   pfn_to_page(device number)                       devpriv_offset_to_page(n)
///   migrate_device_range(src, device number, n)      devpriv_migrate_device_range()
///
/// The physical range of a private pagemap maps onto its device-private
/// offsets (range.start >> PAGE_SHIFT is the base, range_len() is
/// nr_pages << PAGE_SHIFT), including copies of the base kept elsewhere
/// (Xe hpa_base, ppc pfn_first).  Numbers derived from the base stay
/// consistent because every place where one turns into a page, or a page
/// into one, is rewritten; a page_to_pfn() is only touched where the page
/// is proven to be a device page, so system pages keep their pfns.
///
/// For a pagemap shared with MEMORY_DEVICE_COHERENT code the range stays
/// (devpriv_register.cocci points it at the device-private range of the
/// private branch) and each conversion asks at run time which branch it
/// is on: devpriv_is_devpriv_page() for pages, the pagemap type for
/// numbers.  Where the type is not at hand the site is reported.
///
/// Run after devpriv_pagemap.cocci and devpriv_register.cocci.
///
// Confidence: High for private-only pagemaps; Moderate for shared ones.
// Options: --no-includes --include-headers
// Keywords: devpriv, page_to_pfn, pfn_to_page, migrate_device_range
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
devvar_bad = set()
assigns = []
mpfnsite = set()
pfnsite = {}
devpage_walk = set()
seen = set()

def first(tag, p):
    key = (tag,) + site(p)
    if key in seen:
        return False
    seen.add(key)
    return True

def ref_addr(b, sep):
    return ("&" + b) if sep == "." else b

def cond_type(k):
    return k and k[0] == "shared" and typeof_ref(k[1], k[2])

# The private pagemap a device number of kind k belongs to, and the index
# of number x in it: (address of the pagemap, index), or None.
def pagemap_index(x, k):
    if k[0] == "private":
        pm, base = ref_addr(k[1], k[2]), member(k[1], k[2], "base")
    else:
        t = target(k[1], k[2])
        if not t:
            return None
        pm, base = "&" + sibling(t), sibling(t) + ".base"
    x, b = norm(x), norm(base)
    if x == b:
        return pm, "0"
    # base + i, or i + base: the index is i
    m = (re.match(re.escape(b) + r'\s*\+\s*(.+)$', x) or
         re.match(r'(.+?)\s*\+\s*' + re.escape(b) + r'$', x))
    if m and not re.search(r'[<>&|?=,]', m.group(1).replace("->", "")):
        return pm, m.group(1)
    if not re.match(r'^[\w.>\[\]-]+$', x) or "-" in x.replace("->", ""):
        x = "(" + x + ")"
    return pm, x + " - " + base

def page_kind():
    for n in _names(priv, ptr_priv):
        if name_kind(n) == "shared":
            return "shared"
    return "private"

@script:python local_reset@
@@
devvar_bad.clear()
del assigns[:]
mpfnsite.clear()
pfnsite.clear()
devpage_walk.clear()
seen.clear()

// =====================================================================
// 1. The range of a private pagemap is the pagemap base and size.
//
// Safe: struct devpriv_pagemap has no range; its pages are numbered by
// device-private offsets base .. base + nr_pages - 1.  Rewriting the
// physical range to that offset range keeps every relation the driver
// computes between range-derived numbers (differences, bounds, bitmap
// sizes); the places where such a number becomes a page or leaves the
// driver are rewritten below.
// =====================================================================

@h_start@
expression R : script:python () { member_kind(R, ("range.start",)) == "private" };
position q;
@@
R@q

@script:python h_start_mk@
r << h_start.R;
q << h_start.q;
base;
@@
if not first('h_start_mk', q):
    cocci.include_match(False)
else:
    b, sep = split(r, "range.start")
    coccinelle.base = cocci.make_expr(member(b, sep, "base"))

@h_start_rw depends on patch@
// Safe: base is the offset of range.start: range.start >> PAGE_SHIFT of the
//   old pagemap and base of the new one name the same first page
expression h_start.R;
expression h_start_mk.base;
position h_start.q;
@@
(
- R@q >> PAGE_SHIFT
+ base
|
- PHYS_PFN(R@q)
+ base
|
- R@q
+ (base << PAGE_SHIFT)
)

@script:python depends on h_start_rw@
q << h_start.q;
@@
log(q, "range start: pagemap base")

@h_end@
expression R : script:python () { member_kind(R, ("range.end",)) == "private" };
position q;
@@
R@q

@script:python h_end_mk@
r << h_end.R;
q << h_end.q;
base;
nr;
@@
if not first('h_end_mk', q):
    cocci.include_match(False)
else:
    b, sep = split(r, "range.end")
    coccinelle.base = cocci.make_expr(member(b, sep, "base"))
    coccinelle.nr = cocci.make_expr(member(b, sep, "nr_pages"))

@h_end_rw depends on patch@
// Safe: the last page of a devpriv pagemap is base + nr_pages - 1, as
//   range.end named the last byte of the window
expression h_end.R;
expression h_end_mk.base, h_end_mk.nr;
position h_end.q;
@@
(
- R@q >> PAGE_SHIFT
+ (base + nr - 1)
|
- PHYS_PFN(R@q)
+ (base + nr - 1)
|
- R@q
+ (((base + nr) << PAGE_SHIFT) - 1)
)

@script:python depends on h_end_rw@
q << h_end.q;
@@
log(q, "range end: pagemap base + nr_pages")

@h_len@
expression R : script:python () { member_kind(R, ("range",)) == "private" };
position q;
@@
range_len@q(&R)

@script:python h_len_mk@
r << h_len.R;
q << h_len.q;
nr;
@@
if not first('h_len_mk', q):
    cocci.include_match(False)
else:
    b, sep = split(r, "range")
    coccinelle.nr = cocci.make_expr(member(b, sep, "nr_pages"))

@h_len_rw depends on patch@
// Safe: the window was exactly nr_pages pages long
expression h_len.R;
expression h_len_mk.nr;
position h_len.q;
@@
(
- range_len@q(&R) >> PAGE_SHIFT
+ nr
|
- range_len@q(&R)
+ (nr << PAGE_SHIFT)
)

@script:python depends on h_len_rw@
q << h_len.q;
@@
log(q, "range length: nr_pages")

// The rewrites above leave parentheses the driver had around the whole
// range expression: (base) reads better as base.
@h_paren depends on patch@
expression B : script:python () { member_kind(B, ("base", "nr_pages")) == "private" };
@@
- (B)
+ B

// =====================================================================
// 2. Device numbers: locals assigned a number derived from a pagemap base
// (or, for a shared pagemap, from its range), in two hops, and members
// that keep a copy of a base (Xe hpa_base, ppc pfn_first).  A local also
// assigned anything else is left alone.
// =====================================================================

@dv_a@
identifier V;
expression E;
position p;
@@
V = E@p

@script:python@
v << dv_a.V;
e << dv_a.E;
p << dv_a.p;
@@
assigns.append((p[0].current_element, v, str(e)))

@dv_d@
identifier V;
expression E;
type T;
position p;
@@
T V = E@p;

@script:python@
v << dv_d.V;
e << dv_d.E;
p << dv_d.p;
@@
assigns.append((p[0].current_element, v, str(e)))

@script:python dv_fix@
@@
grow = True
while grow:
    grow = False
    for fn, v, e in assigns:
        if (fn, v) not in devvar:
            k = devnum(e, fn)
            if k:
                devvar[(fn, v)] = k
                grow = True
for fn, v, e in assigns:
    if (fn, v) in devvar and not devnum(e, fn):
        devvar_bad.add((fn, v))
for key in devvar_bad:
    devvar.pop(key, None)

@bc@
expression E1, E;
identifier F;
position p;
@@
(
E1->F = E@p
|
E1.F = E@p
)

@script:python@
f << bc.F;
e << bc.E;
p << bc.p;
@@
k = devnum(e, p[0].current_element)
if k and f not in ("base", "nr_pages", "start", "end"):
    basecopy[f] = k

// Functions that return a device number make their calls device numbers
// (amdkfd svm_migrate_addr_to_pfn()).  For a shared pagemap the call site
// can test its type only if it passes the object the type hangs off.
@dnf@
identifier fn;
expression E;
type T;
position p;
@@
T fn(...) { ... return E@p; }

@script:python@
fn << dnf.fn;
e << dnf.E;
p << dnf.p;
@@
k = devnum(e, fn)
if k:
    devnumfn[fn] = k

// =====================================================================
// 3. Device pages whose number the driver takes with page_to_pfn().
//
// Evidence that a page is a device page: its number is combined with a
// device number (a base, a range, a base copy), it is the page of a
// page_free callback, or the driver asserts is_device_private_page() on
// it.  System pages never meet these, so their page_to_pfn() stays.
// =====================================================================

@done_pfn@
expression C, X, X2;
position p;
@@
C ? devpriv_offset_to_page(X) : pfn_to_page@p(X2)

@script:python@
p << done_pfn.p;
@@
done.add(site(p))

@done_mdr@
expression C, PM, S, X, N, S2, X2, N2;
position p;
@@
if (C) devpriv_migrate_device_range(PM, S, X, N); else migrate_device_range@p(S2, X2, N2);

@script:python@
p << done_mdr.p;
@@
done.add(site(p))

@done_p2p@
expression P, E;
position p;
@@
devpriv_is_devpriv_page(P) ? E : page_to_pfn@p(P)

@script:python@
p << done_p2p.p;
@@
done.add(site(p))

@ev_arith@
expression P, B;
position p;
@@
(
page_to_pfn@p(P) - B
|
 (page_to_pfn@p(P) << PAGE_SHIFT) - B
|
PFN_PHYS(page_to_pfn@p(P)) - B
)

@script:python@
p << ev_arith.p;
bb << ev_arith.B;
@@
k = devnum(bb, p[0].current_element)
if k:
    devsite[site(p)] = k[0]

@ev_var exists@
identifier V;
expression P, B;
type T;
position p;
@@
(
V = page_to_pfn@p(P);
|
V = page_to_pfn@p(P) << PAGE_SHIFT;
|
T V = page_to_pfn@p(P);
|
T V = page_to_pfn@p(P) << PAGE_SHIFT;
)
...
\(V - B\|(V << PAGE_SHIFT) - B\)

@script:python@
p << ev_var.p;
bb << ev_var.B;
@@
k = devnum(bb, p[0].current_element)
if k:
    devsite[site(p)] = k[0]

@ev_free@
identifier fn : script:python () { fn in freefn };
identifier P;
type T;
position p;
@@
T fn(struct page *P) { <... page_to_pfn@p(P) ...> }

@script:python@
p << ev_free.p;
@@
devsite[site(p)] = page_kind()

// A folio_free callback: the page of its folio.
@ev_free_folio@
identifier fn : script:python () { fn in freefn };
identifier FO, P;
type T;
position p;
@@
T fn(struct folio *FO) {
  ...
  struct page *P = \(&FO->page\|folio_page(FO, 0)\);
  <... page_to_pfn@p(P) ...>
}

@script:python@
p << ev_free_folio.p;
@@
devsite[site(p)] = page_kind()

@ev_assert exists@
expression P;
identifier A =~ "(?i)assert|^WARN_ON|^BUG_ON|^VM_BUG_ON|^VM_WARN_ON";
position p;
@@
(
A(..., !is_device_private_page(P), ...)
|
A(..., is_device_private_page(P), ...)
)
...
page_to_pfn@p(P)

@script:python@
p << ev_assert.p;
@@
devsite[site(p)] = page_kind()

@ev_devfn exists@
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
page_to_pfn@p(P)

@script:python@
p << ev_devfn.p;
@@
devsite[site(p)] = page_kind()

@in_mpfn@
expression P;
position p;
@@
migrate_pfn(page_to_pfn@p(P))

@script:python@
p << in_mpfn.p;
@@
mpfnsite.add(site(p))

@tp depends on patch@
// Safe: the site is proven to take the number of a device page (see the
//   evidence rules above); its number is now an offset
expression P;
position p : script:python () { devsite.get(site(p)) == "private" and site(p) not in mpfnsite };
@@
- page_to_pfn@p(P)
+ devpriv_page_to_offset(P)

@script:python depends on tp@
p << tp.p;
@@
log(p, "page_to_pfn() of a device page: devpriv_page_to_offset()")

@tp_shared depends on patch@
// Safe: devpriv_is_devpriv_page() is exact and does not warn; coherent and
//   foreign pages keep page_to_pfn()
expression P;
position p : script:python () { devsite.get(site(p)) == "shared" and site(p) not in mpfnsite and site(p) not in done };
@@
- page_to_pfn@p(P)
+ (devpriv_is_devpriv_page(P) ? devpriv_page_to_offset(P) : page_to_pfn(P))

@script:python depends on tp_shared@
p << tp_shared.p;
@@
log(p, "page_to_pfn() of a device page: private branch devpriv_page_to_offset()")

// =====================================================================
// 4. Device numbers that become pages: pfn_to_page() of a device number,
// or of a number whose page the driver treats as a device page (reads
// zone_device_data, initialises it with zone_device_page_init() or its
// folio with zone_device_folio_init()).
// =====================================================================

@pr_ev exists@
identifier P;
expression X;
position p;
@@
P = pfn_to_page@p(X);
...
\(P->zone_device_data\|zone_device_page_init(P, ...)\|zone_device_folio_init(page_folio(P), ...)\)

@script:python@
p << pr_ev.p;
@@
pfnsite[site(p)] = True

@pp_id@
expression X;
position p : script:python () { site(p) not in done };
@@
pfn_to_page@p(X)

@script:python pp_mk@
x << pp_id.X;
p << pp_id.p;
out;
@@
k = devnum(x, p[0].current_element)
xs = str(x)
r = None
if k and k[0] == "private":
    r = "devpriv_offset_to_page(%s)" % xs
elif k and cond_type(k):
    r = "(%s == MEMORY_DEVICE_PRIVATE ? devpriv_offset_to_page(%s) : pfn_to_page(%s))" % (cond_type(k), xs, xs)
elif not k and site(p) in pfnsite and page_kind() == "private":
    r = "devpriv_offset_to_page(%s)" % xs
if r is None or not first("pp", p):
    cocci.include_match(False)
else:
    coccinelle.out = cocci.make_expr(r)

@pp depends on patch@
// Safe: the number is derived from a pagemap base (or its page is used as a
//   device page), so it is an offset; in shared code the pagemap type picks
//   the branch
expression pp_id.X;
position pp_id.p;
expression pp_mk.out;
@@
- pfn_to_page@p(X)
+ out

@script:python depends on pp@
p << pp_id.p;
@@
log(p, "pfn_to_page() of a device number: devpriv_offset_to_page()")

// A device number turned into a migrate pfn with migrate_pfn(): the
// migrate pfn must name the page, which devpriv_migrate_pfn() of the
// page of the offset does (amdkfd: dst[i] = addr_to_pfn(); ...;
// dst[i] = migrate_pfn(dst[i])).
@done_mn@
expression C, E1, X;
position p;
@@
C ? E1 : migrate_pfn@p(X)

@script:python@
p << done_mn.p;
@@
done.add(site(p))

@mn_id exists@
expression X, E, E2;
position p : script:python () { site(p) not in done };
@@
X = E;
... when != X = E2
migrate_pfn@p(X)

@script:python mn_mk@
x << mn_id.X;
e << mn_id.E;
p << mn_id.p;
out;
@@
k = devnum(e, p[0].current_element)
xs = str(x)
r = None
if k and k[0] == "private":
    r = "devpriv_migrate_pfn(devpriv_offset_to_page(%s))" % xs
elif k and cond_type(k):
    r = "(%s == MEMORY_DEVICE_PRIVATE ? devpriv_migrate_pfn(devpriv_offset_to_page(%s)) : migrate_pfn(%s))" % (cond_type(k), xs, xs)
if r is None or not first("mn", p):
    cocci.include_match(False)
else:
    coccinelle.out = cocci.make_expr(r)

@mn depends on patch@
// Safe: a migrate pfn must name the page; devpriv_migrate_pfn() encodes the
//   page of the offset
expression mn_id.X;
position mn_id.p;
expression mn_mk.out;
@@
- migrate_pfn@p(X)
+ out

@script:python depends on mn@
p << mn_id.p;
@@
log(p, "migrate pfn of a device number: devpriv_migrate_pfn() of its page")

// =====================================================================
// 5. Eviction of a range of device numbers.  migrate_device_range() of
// Linux 6.1 takes pfns; devpriv_migrate_device_range() takes the pagemap
// and the index of the first page in it, and walks its chunks.
// =====================================================================

@mdr_id@
expression S, X, N;
position p;
@@
migrate_device_range@p(S, X, N);

@script:python mdr_mk@
x << mdr_id.X;
p << mdr_id.p;
pm;
ix;
@@
k = devnum(x, p[0].current_element)
a = k and k[0] == "private" and pagemap_index(x, k)
if a and first("mdr", p):
    coccinelle.pm = cocci.make_expr(a[0])
    coccinelle.ix = cocci.make_expr(a[1])
else:
    cocci.include_match(False)

@mdr depends on patch@
// Safe: the numbers are offsets of a private pagemap, whose base makes
//   them indexes; devpriv_migrate_device_range() walks its chunks with
//   the same src_pfns contract
expression mdr_id.S, mdr_id.X, mdr_id.N;
position mdr_id.p;
expression mdr_mk.pm, mdr_mk.ix;
@@
- migrate_device_range@p(S, X, N);
+ devpriv_migrate_device_range(pm, S, ix, N);

@script:python depends on mdr@
p << mdr_id.p;
@@
log(p, "eviction: devpriv_migrate_device_range()")

@mdr_sid@
expression S, X, N;
position p : script:python () { site(p) not in done };
@@
migrate_device_range@p(S, X, N);

@script:python mdr_smk@
x << mdr_sid.X;
p << mdr_sid.p;
ty;
pm;
ix;
@@
k = devnum(x, p[0].current_element)
a = k and cond_type(k) and pagemap_index(x, k)
if a and first("mdrs", p):
    coccinelle.ty = cocci.make_expr(cond_type(k))
    coccinelle.pm = cocci.make_expr(a[0])
    coccinelle.ix = cocci.make_expr(a[1])
else:
    cocci.include_match(False)

@mdr_s depends on patch@
// Safe: as mdr for the private type; the coherent branch keeps
//   migrate_device_range() on pfns
expression mdr_sid.S, mdr_sid.X, mdr_sid.N;
position mdr_sid.p;
expression mdr_smk.ty, mdr_smk.pm, mdr_smk.ix;
@@
- migrate_device_range@p(S, X, N);
+ if (ty == MEMORY_DEVICE_PRIVATE)
+	devpriv_migrate_device_range(pm, S, ix, N);
+ else
+	migrate_device_range(S, X, N);

@script:python depends on mdr_s@
p << mdr_sid.p;
@@
log(p, "eviction: private branch through devpriv_migrate_device_range()")

// =====================================================================
// 6. Offsets relative to the base of their own pagemap are indexes.
// =====================================================================

@ix_id@
expression B : script:python () { member_kind(B, ("base",)) == "private" };
position q;
@@
B@q

@script:python ix_mk@
bb << ix_id.B;
q << ix_id.q;
addr;
@@
if not first('ix_mk', q):
    cocci.include_match(False)
else:
    b, sep = split(bb, "base")
    coccinelle.addr = cocci.make_expr(ref_addr(b, sep))

@ix depends on patch@
// Safe: an offset minus the base of its own pagemap is its index, base plus
//   an index is the offset of that index
expression ix_id.B;
expression ix_mk.addr;
expression P, I;
position ix_id.q;
@@
(
- devpriv_page_to_offset(P) - B@q
+ devpriv_page_to_index(P)
|
- devpriv_page_to_offset(P) - (B@q)
+ devpriv_page_to_index(P)
|
- (devpriv_page_to_offset(P) << PAGE_SHIFT) - (B@q << PAGE_SHIFT)
+ (devpriv_page_to_index(P) << PAGE_SHIFT)
|
- devpriv_offset_to_page(B@q + I)
+ devpriv_index_to_page(addr, I)
|
- devpriv_offset_to_page(I + B@q)
+ devpriv_index_to_page(addr, I)
|
- devpriv_offset_to_page(B@q)
+ devpriv_index_to_page(addr, 0)
)

@script:python depends on ix@
q << ix_id.q;
@@
log(q, "offset relative to its pagemap base: index")

// =====================================================================
// context, org, report: what is left for a human.
// =====================================================================

@r_range depends on !patch@
expression R : script:python () { member_kind(R, ("range.start", "range.end", "range")) == "private" };
position p;
@@
* R@p

@script:python depends on report@
p << r_range.p;
@@
note(p, "convert", "range of a private pagemap: use its base and nr_pages")

@r_pfn depends on !patch@
expression X;
position p : script:python () { site(p) not in done };
@@
* pfn_to_page@p(X)

@script:python depends on report@
x << r_pfn.X;
p << r_pfn.p;
@@
k = devnum(x, p[0].current_element)
if k and (k[0] == "private" or cond_type(k)):
    note(p, "convert", "pfn_to_page() of a device number: devpriv_offset_to_page()")
elif not k and site(p) in pfnsite and page_kind() == "private":
    note(p, "convert", "pfn_to_page() of a number whose page is a device page: devpriv_offset_to_page()")
elif k or site(p) in pfnsite:
    note(p, "manual", "pfn_to_page() of a device number of a shared pagemap, whose type is not at hand here: private numbers need devpriv_offset_to_page(), coherent ones pfn_to_page()")

@r_p2p depends on !patch@
expression P;
position p : script:python () { site(p) in devsite and site(p) not in mpfnsite and site(p) not in done };
@@
* page_to_pfn@p(P)

@script:python depends on report@
p << r_p2p.p;
@@
note(p, "convert", "page_to_pfn() of a device page: devpriv_page_to_offset()")

@r_mdr depends on !patch@
expression S, X, N;
position p : script:python () { site(p) not in done };
@@
* migrate_device_range@p(S, X, N)

@script:python depends on report@
x << r_mdr.X;
p << r_mdr.p;
@@
k = devnum(x, p[0].current_element)
if k:
    note(p, "convert", "migrate_device_range() of device numbers: devpriv_migrate_device_range()")
else:
    note(p, "manual", "migrate_device_range() of numbers of unknown origin: offsets of a devpriv pagemap need devpriv_migrate_device_range()")

@walk depends on !patch@
identifier P;
identifier H =~ "^devpriv_(index|offset)_to_page$|^pfn_to_page$";
position p;
@@
P = H@p(...)

@script:python@
p << walk.p;
pv << walk.P;
@@
devpage_walk.add((p[0].current_element, pv))

@r_arith depends on !patch@
identifier P;
expression E;
position p;
@@
(
* P@p++
|
* ++P@p
|
* P@p += E
)

@script:python depends on report@
p << r_arith.p;
pv << r_arith.P;
@@
fn = p[0].current_element
if (fn, pv) in devpage_walk:
    note(p, "manual", "walking device pages with pointer arithmetic is valid within one chunk only (1 << chunk_order pages): check the pagemap fits one chunk, or use devpriv_index_to_page()")
