// SPDX-License-Identifier: GPL-2.0
/*
 * libdevpriv as the standalone module devpriv.ko.  Its exports live in the
 * DEVPRIV symbol namespace; users say MODULE_IMPORT_NS(DEVPRIV).
 */

#include <linux/module.h>

#include "internal.h"

static int __init devpriv_init(void)
{
	return devpriv_encode_check() ? 0 : -EINVAL;
}

static void __exit devpriv_exit(void)
{
	devpriv_global_space_fini();
}

module_init(devpriv_init);
module_exit(devpriv_exit);
MODULE_DESCRIPTION("Device-private memory, struct pages and windows on demand");
MODULE_LICENSE("GPL");
