// SPDX-License-Identifier: GPL-2.0
/*
 * The run-time half of the kernel shims for the libdevpriv unit tests.
 *
 * DOC: shims
 *
 * The radix-tree harness of the kernel tree (tools/testing/radix-tree)
 * provides RCU (liburcu), spinlocks and the xarray node cache; this file
 * provides the rest of what libdevpriv calls:
 *
 * - one counting allocator behind kmalloc(), kvmalloc() and friends, which
 *   can be told to fail the Nth fallible allocation, every allocation from
 *   the Nth on, or a random share of them.  The harness's xarray node
 *   allocator is routed through the same decision by linking with
 *   --wrap=kmem_cache_alloc_lru.  __GFP_NOFAIL allocations are never
 *   failed, only counted;
 * - WARN*() and pr_*() that count and keep their message;
 * - mutexes that know their owner, might_sleep() that knows about RCU
 *   read-side critical sections;
 * - device-managed release actions;
 * - the per-test set-up and the end-of-test checks: no warning left
 *   unconsumed, no allocation and no xarray node left live.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef __SANITIZE_ADDRESS__
#include <sanitizer/asan_interface.h>
#define shim_poison(p, n)	__asan_poison_memory_region(p, n)
#define shim_unpoison(p, n)	__asan_unpoison_memory_region(p, n)
#else
#define shim_poison(p, n)	((void)(p), (void)(n))
#define shim_unpoison(p, n)	((void)(p), (void)(n))
#endif

#include <linux/device.h>
#include <linux/gfp.h>
#include <linux/kernel.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <urcu/uatomic.h>

#include "devpriv_test.h"

/* tools/lib/slab.c is replaced by this file; linux.c wants its knob */
int kmalloc_verbose;

/* Fault injection */

enum shim_fault_mode {
	SHIM_FAULT_OFF,
	SHIM_FAULT_NTH,
	SHIM_FAULT_FROM,
	SHIM_FAULT_RANDOM,
};

static struct {
	pthread_mutex_t lock;
	enum shim_fault_mode mode;
	unsigned long nth;
	unsigned int per_mille;
	unsigned long long rng;
	unsigned long seen;
	unsigned long injected;
	unsigned long nofail;
	const char *last_kind;
} shim_fault = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
};

static void shim_fault_arm(enum shim_fault_mode mode, unsigned long nth)
{
	pthread_mutex_lock(&shim_fault.lock);
	shim_fault.mode = mode;
	shim_fault.nth = nth;
	shim_fault.seen = 0;
	shim_fault.injected = 0;
	shim_fault.nofail = 0;
	shim_fault.last_kind = "none";
	pthread_mutex_unlock(&shim_fault.lock);
}

void devpriv_fault_fail_nth(unsigned long nth)
{
	shim_fault_arm(SHIM_FAULT_NTH, nth);
}

void devpriv_fault_fail_from(unsigned long nth)
{
	shim_fault_arm(SHIM_FAULT_FROM, nth);
}

void devpriv_fault_fail_random(unsigned int per_mille, unsigned long long seed)
{
	shim_fault_arm(SHIM_FAULT_RANDOM, 0);
	pthread_mutex_lock(&shim_fault.lock);
	shim_fault.per_mille = per_mille;
	shim_fault.rng = seed;
	pthread_mutex_unlock(&shim_fault.lock);
}

/* Stop failing; the counters stay readable until the next arming. */
void devpriv_fault_off(void)
{
	pthread_mutex_lock(&shim_fault.lock);
	shim_fault.mode = SHIM_FAULT_OFF;
	pthread_mutex_unlock(&shim_fault.lock);
}

unsigned long devpriv_fault_seen(void)
{
	return uatomic_read(&shim_fault.seen);
}

unsigned long devpriv_fault_injected(void)
{
	return uatomic_read(&shim_fault.injected);
}

unsigned long devpriv_fault_nofail_seen(void)
{
	return uatomic_read(&shim_fault.nofail);
}

const char *devpriv_fault_last_kind(void)
{
	return shim_fault.last_kind;
}

static bool shim_should_fail(gfp_t gfp, const char *kind)
{
	bool fail = false;

	pthread_mutex_lock(&shim_fault.lock);
	if (gfp & __GFP_NOFAIL) {
		shim_fault.nofail++;
		goto unlock;
	}
	shim_fault.seen++;
	switch (shim_fault.mode) {
	case SHIM_FAULT_OFF:
		break;
	case SHIM_FAULT_NTH:
		fail = shim_fault.seen == shim_fault.nth;
		break;
	case SHIM_FAULT_FROM:
		fail = shim_fault.seen >= shim_fault.nth;
		break;
	case SHIM_FAULT_RANDOM:
		fail = unit_rand_below(&shim_fault.rng, 1000) <
		       shim_fault.per_mille;
		break;
	}
	if (fail) {
		shim_fault.injected++;
		shim_fault.last_kind = kind;
	}
unlock:
	pthread_mutex_unlock(&shim_fault.lock);
	return fail;
}

/*
 * The xarray node cache of the harness.  Non-blocking attempts fail there
 * unless a test asked otherwise (kmem_cache_set_non_kernel()); they are not
 * allocation points of the code under test, so they are not counted.
 */
void *__wrap_kmem_cache_alloc_lru(struct kmem_cache *cachep,
				  struct list_lru *lru, int gfp)
{
	if ((gfp & __GFP_DIRECT_RECLAIM) && shim_should_fail(gfp, "xa_node"))
		return NULL;
	return __real_kmem_cache_alloc_lru(cachep, lru, gfp);
}

/* The counting allocator */

#define SHIM_ALIGN		64
#define SHIM_MAGIC_LIVE		0x6465767072697621UL
#define SHIM_MAGIC_FREE		0x667265656420210aUL
/* the kernel's limits: KMALLOC_MAX_SIZE on x86_64, INT_MAX for kvmalloc */
#define SHIM_KMALLOC_MAX	(4UL << 20)
#define SHIM_KVMALLOC_MAX	((size_t)INT_MAX)

enum shim_kind {
	SHIM_KMALLOC,
	SHIM_KVMALLOC,
	SHIM_BACKEND,
};

static const char *const shim_kind_names[] = {
	[SHIM_KMALLOC] = "kmalloc",
	[SHIM_KVMALLOC] = "kvmalloc",
	[SHIM_BACKEND] = "backend",
};

/* Sits in front of every object, in the first SHIM_ALIGN bytes. */
struct shim_header {
	unsigned long magic;
	enum shim_kind kind;
	size_t size;
};

static long shim_live;

long devpriv_test_live_allocs(void)
{
	return uatomic_read(&shim_live);
}

static void *shim_alloc(size_t size, gfp_t gfp, enum shim_kind kind)
{
	struct shim_header *hdr;
	void *raw;

	if (shim_should_fail(gfp, shim_kind_names[kind]))
		return NULL;
	if (posix_memalign(&raw, SHIM_ALIGN, SHIM_ALIGN + (size ?: 1)))
		return NULL;
	hdr = raw;
	hdr->magic = SHIM_MAGIC_LIVE;
	hdr->kind = kind;
	hdr->size = size;
	shim_poison(raw, SHIM_ALIGN);
	if (gfp & __GFP_ZERO)
		memset((char *)raw + SHIM_ALIGN, 0, size);
	uatomic_inc(&shim_live);
	return (char *)raw + SHIM_ALIGN;
}

static void shim_free(const void *p, bool any_kind, enum shim_kind kind)
{
	struct shim_header *hdr;

	if (!p)
		return;
	hdr = (struct shim_header *)((char *)p - SHIM_ALIGN);
	shim_unpoison(hdr, SHIM_ALIGN);
	if (hdr->magic != SHIM_MAGIC_LIVE)
		unit_fail(__FILE__, __LINE__, "free of %p: %s", p,
			  hdr->magic == SHIM_MAGIC_FREE ? "double free" :
			  "not allocated here");
	if (!any_kind && hdr->kind != kind)
		WARN(1, "%s() of %s memory %p\n",
		     kind == SHIM_KMALLOC ? "kfree" : "free",
		     shim_kind_names[hdr->kind], p);
	hdr->magic = SHIM_MAGIC_FREE;
	uatomic_dec(&shim_live);
	free(hdr);
}

void *kmalloc(size_t size, gfp_t gfp)
{
	if (WARN_ONCE(size > SHIM_KMALLOC_MAX,
		      "%s: %zu bytes is more than KMALLOC_MAX_SIZE\n", __func__,
		      size))
		return NULL;
	return shim_alloc(size, gfp, SHIM_KMALLOC);
}

void kfree(void *p)
{
	shim_free(p, false, SHIM_KMALLOC);
}

void *kcalloc(size_t n, size_t size, gfp_t gfp)
{
	size_t bytes;

	if (__builtin_mul_overflow(n, size, &bytes))
		return NULL;
	return kmalloc(bytes, gfp | __GFP_ZERO);
}

void *kvmalloc(size_t size, gfp_t gfp)
{
	/* as mm/util.c: such sizes are a caller bug, not a lack of memory */
	if (size > SHIM_KVMALLOC_MAX) {
		WARN_ONCE(!(gfp & __GFP_NOWARN),
			  "%s: %zu bytes is more than INT_MAX\n", __func__, size);
		return NULL;
	}
	return shim_alloc(size, gfp, SHIM_KVMALLOC);
}

void *kvcalloc(size_t n, size_t size, gfp_t gfp)
{
	size_t bytes;

	if (__builtin_mul_overflow(n, size, &bytes))
		return NULL;
	return kvmalloc(bytes, gfp | __GFP_ZERO);
}

void kvfree(const void *p)
{
	shim_free(p, true, SHIM_KVMALLOC);
}

void *devpriv_test_alloc(size_t size)
{
	return shim_alloc(size, GFP_KERNEL | __GFP_ZERO, SHIM_BACKEND);
}

void devpriv_test_free(void *p)
{
	shim_free(p, false, SHIM_BACKEND);
}

/* Warnings and printk */

#define SHIM_WARN_KEEP		8
#define SHIM_WARN_LEN		256

static struct {
	pthread_mutex_t lock;
	unsigned long total;
	unsigned long consumed;
	char msg[SHIM_WARN_KEEP][SHIM_WARN_LEN];
	bool quiet;
} shim_warn = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
};

void devpriv_test_warn(const char *file, int line, const char *fmt, ...)
{
	char msg[SHIM_WARN_LEN];
	unsigned long pending;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);

	pthread_mutex_lock(&shim_warn.lock);
	pending = shim_warn.total - shim_warn.consumed;
	if (pending < SHIM_WARN_KEEP)
		memcpy(shim_warn.msg[pending], msg, sizeof(msg));
	shim_warn.total++;
	pthread_mutex_unlock(&shim_warn.lock);
	if (!READ_ONCE(shim_warn.quiet))
		fprintf(stderr, "WARNING: %s:%d: %s%s", file, line, msg,
			strchr(msg, '\n') ? "" : "\n");
}

unsigned long devpriv_test_pending_warnings(void)
{
	unsigned long pending;

	pthread_mutex_lock(&shim_warn.lock);
	pending = shim_warn.total - shim_warn.consumed;
	pthread_mutex_unlock(&shim_warn.lock);
	return pending;
}

bool devpriv_test_warnings_match(const char *substr)
{
	unsigned long i, pending;
	bool match = true;

	pthread_mutex_lock(&shim_warn.lock);
	pending = min(shim_warn.total - shim_warn.consumed,
		      (unsigned long)SHIM_WARN_KEEP);
	for (i = 0; i < pending; i++)
		match &= !!strstr(shim_warn.msg[i], substr);
	pthread_mutex_unlock(&shim_warn.lock);
	return match;
}

void devpriv_test_consume_warnings(void)
{
	pthread_mutex_lock(&shim_warn.lock);
	shim_warn.consumed = shim_warn.total;
	pthread_mutex_unlock(&shim_warn.lock);
}

void devpriv_test_quiet(bool quiet)
{
	WRITE_ONCE(shim_warn.quiet, quiet);
}

int devpriv_test_printk(const char *fmt, ...)
{
	va_list ap;
	int ret;

	if (READ_ONCE(shim_warn.quiet))
		return 0;
	va_start(ap, fmt);
	ret = vfprintf(stderr, fmt, ap);
	va_end(ap);
	return ret;
}

void devpriv_test_might_sleep(const char *file, int line)
{
	if (rcu_read_ongoing())
		devpriv_test_warn(file, line,
				  "sleeping function called inside an RCU read-side critical section\n");
}

/* Mutexes */

static struct mutex *shim_hooked_lock;
static void (*shim_lock_hook)(struct mutex *lock);

void devpriv_test_mutex_hook(struct mutex *lock, void (*hook)(struct mutex *))
{
	uatomic_set(&shim_lock_hook, NULL);
	uatomic_set(&shim_hooked_lock, lock);
	uatomic_set(&shim_lock_hook, hook);
}

void devpriv_test_mutex_init(struct mutex *lock)
{
	pthread_mutexattr_t attr;

	pthread_mutexattr_init(&attr);
	pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ERRORCHECK);
	pthread_mutex_init(&lock->lock, &attr);
	pthread_mutexattr_destroy(&attr);
	uatomic_set(&lock->held, false);
	lock->initialised = true;
}

void devpriv_test_mutex_destroy(struct mutex *lock)
{
	WARN(uatomic_read(&lock->held), "destroying a held mutex\n");
	pthread_mutex_destroy(&lock->lock);
	lock->initialised = false;
}

void devpriv_test_mutex_lock(struct mutex *lock, const char *file, int line)
{
	int err;

	void (*hook)(struct mutex *lock) = uatomic_read(&shim_lock_hook);

	devpriv_test_might_sleep(file, line);
	if (hook && uatomic_read(&shim_hooked_lock) == lock)
		hook(lock);
	if (!lock->initialised)
		unit_fail(file, line, "mutex_lock() of an uninitialised mutex");
	err = pthread_mutex_lock(&lock->lock);
	if (err)
		unit_fail(file, line, "mutex_lock(): %s", strerror(err));
	lock->owner = pthread_self();
	uatomic_set(&lock->held, true);
}

void devpriv_test_mutex_unlock(struct mutex *lock, const char *file, int line)
{
	int err;

	if (!uatomic_read(&lock->held) ||
	    !pthread_equal(lock->owner, pthread_self()))
		unit_fail(file, line, "mutex_unlock() of a mutex not held");
	uatomic_set(&lock->held, false);
	err = pthread_mutex_unlock(&lock->lock);
	if (err)
		unit_fail(file, line, "mutex_unlock(): %s", strerror(err));
}

bool devpriv_test_mutex_is_locked(struct mutex *lock)
{
	return uatomic_read(&lock->held);
}

void devpriv_test_assert_held(struct mutex *lock, const char *file, int line)
{
	if (!uatomic_read(&lock->held) ||
	    !pthread_equal(lock->owner, pthread_self()))
		devpriv_test_warn(file, line, "lockdep_assert_held() failed\n");
}

void devpriv_test_assert_not_held(struct mutex *lock, const char *file,
				  int line)
{
	if (uatomic_read(&lock->held) &&
	    pthread_equal(lock->owner, pthread_self()))
		devpriv_test_warn(file, line, "lockdep_assert_not_held() failed\n");
}

/* Device-managed release actions */

struct devpriv_test_devres {
	struct devpriv_test_devres *next;
	void (*action)(void *data);
	void *data;
};

int devm_add_action(struct device *dev, void (*action)(void *), void *data)
{
	struct devpriv_test_devres *dr = kmalloc(sizeof(*dr), GFP_KERNEL);

	if (!dr)
		return -ENOMEM;
	dr->action = action;
	dr->data = data;
	dr->next = dev->devres;
	dev->devres = dr;
	return 0;
}

int devm_add_action_or_reset(struct device *dev, void (*action)(void *),
			     void *data)
{
	int err = devm_add_action(dev, action, data);

	if (err)
		action(data);
	return err;
}

void devm_release_action(struct device *dev, void (*action)(void *),
			 void *data)
{
	struct devpriv_test_devres **link, *dr;

	for (link = &dev->devres; *link; link = &(*link)->next) {
		dr = *link;
		if (dr->action == action && dr->data == data) {
			*link = dr->next;
			action(data);
			kfree(dr);
			return;
		}
	}
	WARN(1, "%s: no such action\n", __func__);
}

void devpriv_test_device_release(struct device *dev)
{
	struct devpriv_test_devres *dr;

	while ((dr = dev->devres)) {
		dev->devres = dr->next;
		dr->action(dr->data);
		kfree(dr);
	}
}

unsigned int devpriv_test_device_nr_actions(struct device *dev)
{
	struct devpriv_test_devres *dr;
	unsigned int nr = 0;

	for (dr = dev->devres; dr; dr = dr->next)
		nr++;
	return nr;
}

/* Per-test set-up and checks */

void devpriv_test_quiesce(void)
{
	synchronize_rcu();
	rcu_barrier();
}

int devpriv_test_xa_nodes(void)
{
	devpriv_test_quiesce();
	return uatomic_read(&nr_allocated);
}

void unit_kernel_setup(void)
{
	rcu_register_thread();
	radix_tree_init();
}

void unit_kernel_teardown(void)
{
	unsigned long pending;
	long live;
	int nodes;

	devpriv_fault_off();
	/* warns if a test left pagemaps or regions in the global space */
	devpriv_global_space_fini();
	pending = devpriv_test_pending_warnings();
	if (pending)
		unit_fail(__FILE__, __LINE__, "%lu unexpected warning(s)",
			  pending);
	nodes = devpriv_test_xa_nodes();
	live = devpriv_test_live_allocs();
	if (live || nodes)
		unit_fail(__FILE__, __LINE__,
			  "leaked %ld allocation(s) and %d xarray node(s)",
			  live, nodes);
	rcu_unregister_thread();
}

unsigned int shim_migrate_device_range_calls;

int migrate_device_range(unsigned long *src_pfns, unsigned long start,
			 unsigned long npages)
{
	unsigned long i;

	shim_migrate_device_range_calls++;
	for (i = 0; i < npages; i++)
		src_pfns[i] = migrate_pfn(start + i) | MIGRATE_PFN_MIGRATE;
	return 0;
}
