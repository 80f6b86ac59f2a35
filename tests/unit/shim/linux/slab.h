/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tools/include's linux/slab.h plus the kv*() family.  All of them are
 * implemented in tests/unit/shim.c on top of one counting allocator that
 * can be told to fail the Nth allocation.
 */
#ifndef _DEVPRIV_SHIM_LINUX_SLAB_H
#define _DEVPRIV_SHIM_LINUX_SLAB_H

#include_next <linux/slab.h>

void *kvmalloc(size_t size, gfp_t gfp);
void *kvcalloc(size_t n, size_t size, gfp_t gfp);
void *kcalloc(size_t n, size_t size, gfp_t gfp);
void kvfree(const void *p);

static inline void *kvzalloc(size_t size, gfp_t gfp)
{
	return kvmalloc(size, gfp | __GFP_ZERO);
}

static inline void *kvmalloc_array(size_t n, size_t size, gfp_t gfp)
{
	size_t bytes;

	if (__builtin_mul_overflow(n, size, &bytes))
		return NULL;
	return kvmalloc(bytes, gfp);
}

static inline void *kmalloc_array(size_t n, size_t size, gfp_t gfp)
{
	size_t bytes;

	if (__builtin_mul_overflow(n, size, &bytes))
		return NULL;
	return kmalloc(bytes, gfp);
}

#endif /* _DEVPRIV_SHIM_LINUX_SLAB_H */
