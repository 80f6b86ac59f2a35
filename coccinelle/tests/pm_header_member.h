/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The pagemap member lives in a header, its registration in the .c file
 * converted in the same run.
 */
#ifndef PM_HEADER_MEMBER_H
#define PM_HEADER_MEMBER_H

#include <linux/memremap.h>

struct hdr_dev {
	struct device *dev;
	struct dev_pagemap pgmap;
};

#endif
