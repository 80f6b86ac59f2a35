/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tools/include's linux/bitmap.h plus what libdevpriv's allocator uses
 * beyond it, bit by bit: the unit tests check results, not speed.
 */
#ifndef _DEVPRIV_SHIM_LINUX_BITMAP_H
#define _DEVPRIV_SHIM_LINUX_BITMAP_H

#include_next <linux/bitmap.h>
#include <linux/find.h>

static inline void bitmap_set(unsigned long *map, unsigned int start,
			      unsigned int len)
{
	unsigned int i;

	for (i = start; i < start + len; i++)
		map[i / BITS_PER_LONG] |= 1UL << (i % BITS_PER_LONG);
}

/* The first @nr clear bits from @start whose first is aligned to @align_mask + 1. */
static inline unsigned long
bitmap_find_next_zero_area(unsigned long *map, unsigned long size,
			   unsigned long start, unsigned int nr,
			   unsigned long align_mask)
{
	unsigned long index, busy;

	for (;;) {
		index = find_next_zero_bit(map, size, start);
		index = (index + align_mask) & ~align_mask;
		if (index + nr > size)
			return index;
		busy = find_next_bit(map, index + nr, index);
		if (busy >= index + nr)
			return index;
		start = busy + 1;
	}
}

#endif /* _DEVPRIV_SHIM_LINUX_BITMAP_H */
