/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wait_var_event() for the libdevpriv unit tests: poll the condition,
 * yielding the CPU; wake_up_var() has nothing to do then.
 */
#ifndef _DEVPRIV_SHIM_LINUX_WAIT_BIT_H
#define _DEVPRIV_SHIM_LINUX_WAIT_BIT_H

#include <sched.h>

#define wait_var_event(var, condition)			\
	do {						\
		(void)(var);				\
		while (!(condition))			\
			sched_yield();			\
	} while (0)

static inline void wake_up_var(void *var)
{
}

#endif /* _DEVPRIV_SHIM_LINUX_WAIT_BIT_H */
