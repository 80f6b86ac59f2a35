/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tools/include's linux/compiler.h plus the acquire/release accessors,
 * which the kernel gets from asm/barrier.h.  The compiler's builtins give
 * the same ordering and are understood by the sanitizers.
 */
#ifndef _DEVPRIV_SHIM_LINUX_COMPILER_H
#define _DEVPRIV_SHIM_LINUX_COMPILER_H

#include_next <linux/compiler.h>
#include <asm/barrier.h>

#undef smp_load_acquire
#undef smp_store_release

/* orders later accesses after the load, as the kernel's */
#define smp_load_acquire(p)	__atomic_load_n(p, __ATOMIC_ACQUIRE)
/* orders earlier accesses before the store, as the kernel's */
#define smp_store_release(p, v)	__atomic_store_n(p, v, __ATOMIC_RELEASE)

#endif /* _DEVPRIV_SHIM_LINUX_COMPILER_H */
