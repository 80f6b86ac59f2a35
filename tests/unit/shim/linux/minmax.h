/* SPDX-License-Identifier: GPL-2.0 */
/* What tools/include lacks of the kernel's linux/minmax.h. */
#ifndef _DEVPRIV_SHIM_LINUX_MINMAX_H
#define _DEVPRIV_SHIM_LINUX_MINMAX_H

#include <linux/kernel.h>

#ifndef min3
#define min3(x, y, z)		min((typeof(x))min(x, y), z)
#endif
#ifndef max3
#define max3(x, y, z)		max((typeof(x))max(x, y), z)
#endif
#ifndef clamp_t
#define clamp_t(type, val, lo, hi) \
	min_t(type, max_t(type, val, lo), hi)
#endif

#endif /* _DEVPRIV_SHIM_LINUX_MINMAX_H */
