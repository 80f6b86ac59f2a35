/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The radix-tree harness's linux/lockdep.h, plus the assertions libdevpriv
 * makes on its mutexes, checked against the owner the mutex shim records.
 * might_lock() of a mutex the caller holds is the self-deadlock lockdep
 * would report.
 */
#ifndef _DEVPRIV_SHIM_LINUX_LOCKDEP_H
#define _DEVPRIV_SHIM_LINUX_LOCKDEP_H

#include_next <linux/lockdep.h>
#include <linux/mutex.h>

void devpriv_test_assert_not_held(struct mutex *lock, const char *file,
				  int line);

#define lockdep_assert_not_held(lock) \
	devpriv_test_assert_not_held(lock, __FILE__, __LINE__)
#define might_lock(lock) \
	devpriv_test_assert_not_held(lock, __FILE__, __LINE__)

#endif /* _DEVPRIV_SHIM_LINUX_LOCKDEP_H */
