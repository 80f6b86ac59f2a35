// SPDX-License-Identifier: GPL-2.0
/*
 * devpriv_kunit.ko: the KUnit suites of libdevpriv, with the library
 * linked in (embed_lib.c), so that they can reach its internals.
 *
 *   insmod devpriv_kunit.ko [seed=N]
 *
 * Why the suites are not in the .kunit_test_suites section: Linux 6.1
 * runs a module's section suites from the MODULE_STATE_COMING notifier,
 * before the module's parameters are parsed, so ``seed=`` would never be
 * seen.  The module runs them from its own init instead, as KUnit
 * modules did before 6.0; the KTAP output is the same.
 */

#include <linux/module.h>
#include <linux/random.h>

#include "devpriv_test.h"

unsigned int dpt_seed;
module_param_named(seed, dpt_seed, uint, 0444);
MODULE_PARM_DESC(seed, "seed of every random choice in the tests (0: pick one)");

static struct kunit_suite *dpt_suites[] = {
	&devpriv_space_test_suite,
	&devpriv_pagemap_test_suite,
	&devpriv_translate_test_suite,
	&devpriv_encode_test_suite,
	&devpriv_phys_test_suite,
	&devpriv_stress_test_suite,
};

static int __init dpt_init(void)
{
	while (!dpt_seed)
		dpt_seed = get_random_u32();
	pr_info("devpriv_kunit: random seed %u (repeat with seed=%u)\n",
		dpt_seed, dpt_seed);
#ifdef DEVPRIV_HAVE_KUNIT_SUITES_INIT_RUN
	return __kunit_test_suites_init(dpt_suites, ARRAY_SIZE(dpt_suites), true);
#else
	return __kunit_test_suites_init(dpt_suites, ARRAY_SIZE(dpt_suites));
#endif
}

static void __exit dpt_exit(void)
{
	__kunit_test_suites_exit(dpt_suites, ARRAY_SIZE(dpt_suites));
	/* the devpriv_phys suite sets up the global space */
	devpriv_global_space_fini();
}

module_init(dpt_init);
module_exit(dpt_exit);
MODULE_DESCRIPTION("KUnit tests of libdevpriv");
MODULE_LICENSE("GPL");
