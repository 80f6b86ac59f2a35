/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Nothing is a module in userspace: exports and module metadata vanish.
 * Each macro still names its arguments, in a compile-time string, so
 * that a use with a missing or misspelt argument fails as in the kernel.
 */
#ifndef _DEVPRIV_SHIM_LINUX_MODULE_H
#define _DEVPRIV_SHIM_LINUX_MODULE_H

#include <assert.h>

#define devpriv_shim_no_export(sym, ...)	static_assert(1, #sym)
/* object-like, so that the export lines of the library need no parsing */
#define EXPORT_SYMBOL \
	devpriv_shim_no_export
#define EXPORT_SYMBOL_GPL \
	devpriv_shim_no_export
#define EXPORT_SYMBOL_NS_GPL \
	devpriv_shim_no_export
#define MODULE_IMPORT_NS(ns)		static_assert(1, #ns)
#define MODULE_LICENSE(x)		static_assert(1, x)
#define MODULE_AUTHOR(x)		static_assert(1, x)
#define MODULE_DESCRIPTION(x)		static_assert(1, x)
#define module_init(fn)			static_assert(1, #fn)
#define module_exit(fn)			static_assert(1, #fn)
#define module_param(name, type, perm)	static_assert(1, #name #type #perm)
#define MODULE_PARM_DESC(name, desc)	static_assert(1, #name desc)

#endif /* _DEVPRIV_SHIM_LINUX_MODULE_H */
