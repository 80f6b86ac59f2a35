/* SPDX-License-Identifier: GPL-2.0 */
/* tools/include's linux/log2.h plus order_base_2(). */
#ifndef _DEVPRIV_SHIM_LINUX_LOG2_H
#define _DEVPRIV_SHIM_LINUX_LOG2_H

#include_next <linux/log2.h>

#ifndef order_base_2
/* Smallest order such that 1 << order >= n; 0 for n <= 1. */
static inline int devpriv_shim_order_base_2(unsigned long n)
{
	return n > 1 ? ilog2(n - 1) + 1 : 0;
}

#define order_base_2(n)		devpriv_shim_order_base_2(n)
#endif

#endif /* _DEVPRIV_SHIM_LINUX_LOG2_H */
