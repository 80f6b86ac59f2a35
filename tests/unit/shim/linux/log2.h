/* SPDX-License-Identifier: GPL-2.0 */
/* tools/include's linux/log2.h plus order_base_2(). */
#ifndef _DEVPRIV_SHIM_LINUX_LOG2_H
#define _DEVPRIV_SHIM_LINUX_LOG2_H

#include_next <linux/log2.h>

#ifndef order_base_2
/* Smallest order such that 1 << order >= n; 0 for n <= 1. */
#define order_base_2(n)		((n) > 1 ? ilog2((n) - 1) + 1 : 0)
#endif

#endif /* _DEVPRIV_SHIM_LINUX_LOG2_H */
