/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Sleeping locks for the libdevpriv unit tests: error-checking pthread
 * mutexes that remember their owner, so that lockdep_assert_held() can
 * really check, and a recursive or foreign unlock is reported instead of
 * hanging or passing silently.
 */
#ifndef _DEVPRIV_SHIM_LINUX_MUTEX_H
#define _DEVPRIV_SHIM_LINUX_MUTEX_H

#include <pthread.h>
#include <stdbool.h>

struct mutex {
	pthread_mutex_t lock;
	pthread_t owner;
	bool held;
	bool initialised;
};

#define DEVPRIV_SHIM_MUTEX_INIT {					\
	.lock = PTHREAD_ERRORCHECK_MUTEX_INITIALIZER_NP,		\
	.initialised = true,						\
}

#define DEFINE_MUTEX(name)	struct mutex name = DEVPRIV_SHIM_MUTEX_INIT

void devpriv_test_mutex_init(struct mutex *lock);
void devpriv_test_mutex_destroy(struct mutex *lock);
void devpriv_test_mutex_lock(struct mutex *lock, const char *file, int line);
void devpriv_test_mutex_unlock(struct mutex *lock, const char *file, int line);
bool devpriv_test_mutex_is_locked(struct mutex *lock);
void devpriv_test_assert_held(struct mutex *lock, const char *file, int line);

#define mutex_init(lock)	devpriv_test_mutex_init(lock)
#define mutex_destroy(lock)	devpriv_test_mutex_destroy(lock)
#define mutex_lock(lock)	devpriv_test_mutex_lock(lock, __FILE__, __LINE__)
#define mutex_unlock(lock)	devpriv_test_mutex_unlock(lock, __FILE__, __LINE__)
#define mutex_is_locked(lock)	devpriv_test_mutex_is_locked(lock)

/*
 * Called by mutex_lock() of @lock before it blocks, so that a test can
 * force an interleaving: NULL to stop.
 */
void devpriv_test_mutex_hook(struct mutex *lock, void (*hook)(struct mutex *));

/* Only mutexes are asserted on in libdevpriv. */
#define lockdep_assert_held(lock) \
	devpriv_test_assert_held(lock, __FILE__, __LINE__)

#endif /* _DEVPRIV_SHIM_LINUX_MUTEX_H */
