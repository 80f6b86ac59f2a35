/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The radix-tree harness's linux/kernel.h, plus what libdevpriv needs of
 * the kernel's: printk() to stderr and a checking might_sleep().
 */
#ifndef _DEVPRIV_SHIM_LINUX_KERNEL_H
#define _DEVPRIV_SHIM_LINUX_KERNEL_H

#include_next <linux/kernel.h>
#include <linux/bug.h>

__printf(1, 2)
int devpriv_test_printk(const char *fmt, ...);
void devpriv_test_might_sleep(const char *file, int line);

#undef printk
#define printk			devpriv_test_printk
#ifndef pr_warn
#define pr_warn			printk
#endif

#define might_sleep()		devpriv_test_might_sleep(__FILE__, __LINE__)

#endif /* _DEVPRIV_SHIM_LINUX_KERNEL_H */
