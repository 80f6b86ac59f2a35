// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of the test infrastructure itself: the fault injector, the warning
 * counter, the checking mutexes and might_sleep(), the page/pfn stand-ins
 * and devres.  Every other test trusts these.
 */
#include <errno.h>

#include <linux/device.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/xarray.h>

#include "devpriv_test.h"

static void fault_nth_fails_exactly_one(void)
{
	void *p[6];
	int i;

	devpriv_fault_fail_nth(3);
	for (i = 0; i < 6; i++)
		p[i] = kmalloc(16, GFP_KERNEL);
	devpriv_fault_off();
	for (i = 0; i < 6; i++)
		T_ASSERT(!p[i] == (i == 2));
	T_EQ(devpriv_fault_seen(), 6);
	T_EQ(devpriv_fault_injected(), 1);
	T_EQ(devpriv_test_live_allocs(), 5);
	for (i = 0; i < 6; i++)
		kfree(p[i]);
	T_EQ(devpriv_test_live_allocs(), 0);
}

static void fault_reaches_every_allocator(void)
{
	DEFINE_XARRAY(xa);
	struct device dev = { 0 };
	void *p;

	devpriv_fault_fail_from(1);
	T_ASSERT(!kmalloc(8, GFP_KERNEL));
	T_ASSERT(!kvcalloc(2, 8, GFP_KERNEL));
	T_ASSERT(!devpriv_test_alloc(64));
	T_EQ(devm_add_action(&dev, NULL, NULL), -ENOMEM);
	/* index 1 << 20 cannot live in the head: needs nodes */
	T_EQ(xa_err(xa_store(&xa, 1UL << 20, xa_mk_value(1), GFP_KERNEL)),
	     -ENOMEM);
	T_ASSERT(!strcmp(devpriv_fault_last_kind(), "xa_node"));
	T_EQ(devpriv_fault_injected(), 5);
	devpriv_fault_off();

	p = xa_store(&xa, 1UL << 20, xa_mk_value(1), GFP_KERNEL);
	T_ASSERT(!xa_is_err(p));
	xa_destroy(&xa);
}

static void fault_never_fails_nofail(void)
{
	DEFINE_XARRAY(xa);
	void *p;

	devpriv_fault_fail_from(1);
	p = kmalloc(8, GFP_KERNEL | __GFP_NOFAIL);
	T_ASSERT(p);
	T_EQ(xa_insert(&xa, 1UL << 30, xa_mk_value(1),
		       GFP_KERNEL | __GFP_NOFAIL), 0);
	T_EQ(devpriv_fault_injected(), 0);
	T_ASSERT(devpriv_fault_nofail_seen() >= 2);
	devpriv_fault_off();
	kfree(p);
	xa_destroy(&xa);
}

static void fault_random_rate(void)
{
	unsigned long i, failed = 0;

	devpriv_fault_fail_random(250, 42);
	for (i = 0; i < 4000; i++) {
		void *p = kmalloc(8, GFP_KERNEL);

		failed += !p;
		kfree(p);
	}
	devpriv_fault_off();
	T_EQ(devpriv_fault_injected(), failed);
	T_ASSERT(failed > 800 && failed < 1200);
}

static void warnings_are_counted(void)
{
	int i;

	for (i = 0; i < 3; i++)
		WARN_ONCE(1, "warning number %d\n", i);
	T_ASSERT(!WARN_ON(0));
	T_ASSERT(WARN_ON_ONCE(1));
	T_WARNS(4, "");
	T_NO_WARN();
	WARN(1, "expected text\n");
	T_ASSERT(!devpriv_test_warnings_match("something else"));
	T_WARNS(1, "expected text");
}

static void mutex_and_might_sleep_checks(void)
{
	/* statically initialised, as DEFINE_MUTEX() at file scope */
	DEFINE_MUTEX(static_lock);
	/* initialised by mutex_init() */
	struct mutex lock;

	mutex_init(&lock);
	lockdep_assert_held(&lock);
	T_WARNS(1, "lockdep_assert_held");
	mutex_lock(&lock);
	lockdep_assert_held(&lock);
	T_ASSERT(mutex_is_locked(&lock));
	mutex_unlock(&lock);
	T_NO_WARN();
	mutex_destroy(&lock);

	mutex_lock(&static_lock);
	T_ASSERT(mutex_is_locked(&static_lock));
	mutex_unlock(&static_lock);

	might_sleep();
	T_NO_WARN();
	rcu_read_lock();
	might_sleep();
	rcu_read_unlock();
	T_WARNS(1, "RCU read-side");
}

static void page_pfn_stand_ins(void)
{
	struct page *pages = devpriv_test_alloc(4 * sizeof(*pages));
	int i;

	T_ASSERT(pages);
	for (i = 0; i < 4; i++) {
		T_PTR_EQ(pfn_to_page(page_to_pfn(&pages[i])), &pages[i]);
		T_EQ(page_to_pfn(&pages[i]), page_to_pfn(pages) + i);
		T_ASSERT(!is_zone_device_page(&pages[i]));
		set_page_zone(&pages[i], ZONE_DEVICE);
		T_ASSERT(is_zone_device_page(&pages[i]));
		T_EQ(page_zonenum(&pages[i]), ZONE_DEVICE);
		set_page_zone(&pages[i], ZONE_NORMAL);
		T_EQ(page_zonenum(&pages[i]), ZONE_NORMAL);
	}
	devpriv_test_free(pages);
}

static int devres_log[4];
static int devres_nr;

static void devres_record(void *data)
{
	devres_log[devres_nr++] = *(int *)data;
}

static void devres_release_order(void)
{
	static int one = 1, two = 2, three = 3;
	struct device dev = { 0 };

	T_EQ(devm_add_action(&dev, devres_record, &one), 0);
	T_EQ(devm_add_action(&dev, devres_record, &two), 0);
	T_EQ(devm_add_action_or_reset(&dev, devres_record, &three), 0);
	T_EQ(devpriv_test_device_nr_actions(&dev), 3);
	devm_release_action(&dev, devres_record, &two);
	T_EQ(devres_nr, 1);
	T_EQ(devres_log[0], 2);
	devpriv_test_device_release(&dev);
	T_EQ(devres_nr, 3);
	T_EQ(devres_log[1], 3);
	T_EQ(devres_log[2], 1);
	devm_release_action(&dev, devres_record, &two);
	T_WARNS(1, "no such action");

	/* a failed registration runs the action at once */
	devpriv_fault_fail_nth(1);
	T_EQ(devm_add_action_or_reset(&dev, devres_record, &one), -ENOMEM);
	devpriv_fault_off();
	T_EQ(devres_nr, 4);
	T_EQ(devpriv_test_device_nr_actions(&dev), 0);
}

static void kvmalloc_limits(void)
{
	/* as in the kernel: absurd sizes warn and fail, they do not OOM */
	T_ASSERT(!kvcalloc(1UL << 40, 8, GFP_KERNEL));
	T_WARNS(1, "INT_MAX");
	T_ASSERT(!kvcalloc(1UL << 40, 8, GFP_KERNEL | __GFP_NOWARN));
	T_NO_WARN();
	/* an overflowing product is refused quietly, as kvmalloc_array() */
	T_ASSERT(!kvcalloc(1UL << 62, 8, GFP_KERNEL));
	T_NO_WARN();
	T_ASSERT(!kmalloc(1UL << 30, GFP_KERNEL));
	T_WARNS(1, "KMALLOC_MAX_SIZE");
}

static const struct unit_test shim_tests[] = {
	UNIT_TEST(fault_nth_fails_exactly_one),
	UNIT_TEST(fault_reaches_every_allocator),
	UNIT_TEST(fault_never_fails_nofail),
	UNIT_TEST(fault_random_rate),
	UNIT_TEST(warnings_are_counted),
	UNIT_TEST(mutex_and_might_sleep_checks),
	UNIT_TEST(page_pfn_stand_ins),
	UNIT_TEST(devres_release_order),
	UNIT_TEST(kvmalloc_limits),
};

UNIT_SUITE(suite_shim, "shim", shim_tests, true);
