/* SPDX-License-Identifier: GPL-2.0 */
/* The unit tests run on one memory node: node 0. */
#ifndef _DEVPRIV_SHIM_LINUX_TOPOLOGY_H
#define _DEVPRIV_SHIM_LINUX_TOPOLOGY_H

#include <linux/numa.h>

#define numa_mem_id()		0

#endif /* _DEVPRIV_SHIM_LINUX_TOPOLOGY_H */
