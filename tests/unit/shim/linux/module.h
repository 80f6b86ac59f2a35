/* SPDX-License-Identifier: GPL-2.0 */
/* Nothing is a module in userspace: exports and module metadata vanish. */
#ifndef _DEVPRIV_SHIM_LINUX_MODULE_H
#define _DEVPRIV_SHIM_LINUX_MODULE_H

#define EXPORT_SYMBOL(sym)
#define EXPORT_SYMBOL_GPL(sym)
#define EXPORT_SYMBOL_NS(sym, ns)
#define EXPORT_SYMBOL_NS_GPL(sym, ns)
#define MODULE_IMPORT_NS(ns)
#define MODULE_LICENSE(x)
#define MODULE_AUTHOR(x)
#define MODULE_DESCRIPTION(x)
#define module_init(fn)
#define module_exit(fn)
#define module_param(name, type, perm)
#define MODULE_PARM_DESC(name, desc)

#endif /* _DEVPRIV_SHIM_LINUX_MODULE_H */
