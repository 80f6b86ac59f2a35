/* SPDX-License-Identifier: GPL-2.0 */
/* pr_*() come with the harness's linux/kernel.h. */
#ifndef _DEVPRIV_SHIM_LINUX_PRINTK_H
#define _DEVPRIV_SHIM_LINUX_PRINTK_H

#include <linux/kernel.h>

#endif /* _DEVPRIV_SHIM_LINUX_PRINTK_H */
