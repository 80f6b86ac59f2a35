/* SPDX-License-Identifier: GPL-2.0 */
/*
 * atomic_t on the compiler's builtins: tools/include's version wants the
 * arch headers of tools/arch, which the harness does not put on the path.
 */
#ifndef _DEVPRIV_SHIM_LINUX_ATOMIC_H
#define _DEVPRIV_SHIM_LINUX_ATOMIC_H

#include <linux/types.h>

/* the shim's read-modify-writes are sequentially consistent already */
#define smp_mb__after_atomic()	__atomic_thread_fence(__ATOMIC_SEQ_CST)

static inline int atomic_read(const atomic_t *v)
{
	return __atomic_load_n(&v->counter, __ATOMIC_RELAXED);
}

static inline void atomic_set(atomic_t *v, int i)
{
	__atomic_store_n(&v->counter, i, __ATOMIC_RELAXED);
}

static inline int atomic_add_return(int i, atomic_t *v)
{
	return __atomic_add_fetch(&v->counter, i, __ATOMIC_SEQ_CST);
}

static inline void atomic_inc(atomic_t *v)
{
	atomic_add_return(1, v);
}

static inline void atomic_dec(atomic_t *v)
{
	atomic_add_return(-1, v);
}

static inline bool atomic_dec_and_test(atomic_t *v)
{
	return atomic_add_return(-1, v) == 0;
}

static inline long atomic_long_read(const atomic_long_t *v)
{
	return __atomic_load_n(&v->counter, __ATOMIC_RELAXED);
}

static inline void atomic_long_set(atomic_long_t *v, long i)
{
	__atomic_store_n(&v->counter, i, __ATOMIC_RELAXED);
}

static inline long atomic_long_add_return(long i, atomic_long_t *v)
{
	return __atomic_add_fetch(&v->counter, i, __ATOMIC_SEQ_CST);
}

static inline void atomic_long_inc(atomic_long_t *v)
{
	atomic_long_add_return(1, v);
}

static inline void atomic_long_dec(atomic_long_t *v)
{
	atomic_long_add_return(-1, v);
}

#endif /* _DEVPRIV_SHIM_LINUX_ATOMIC_H */
