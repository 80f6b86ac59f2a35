/* SPDX-License-Identifier: GPL-2.0 */
/* Nothing is a module in userspace: exports and module metadata vanish. */
#ifndef _DEVPRIV_SHIM_LINUX_MODULE_H
#define _DEVPRIV_SHIM_LINUX_MODULE_H

#define devpriv_shim_no_export(sym, ...)
/* object-like, so that the export lines of the library need no parsing */
#define EXPORT_SYMBOL \
	devpriv_shim_no_export
#define EXPORT_SYMBOL_GPL \
	devpriv_shim_no_export
#define EXPORT_SYMBOL_NS_GPL \
	devpriv_shim_no_export
#define MODULE_IMPORT_NS(ns)
#define MODULE_LICENSE(x)
#define MODULE_AUTHOR(x)
#define MODULE_DESCRIPTION(x)
#define module_init(fn)
#define module_exit(fn)
#define module_param(name, type, perm)
#define MODULE_PARM_DESC(name, desc)

#endif /* _DEVPRIV_SHIM_LINUX_MODULE_H */
