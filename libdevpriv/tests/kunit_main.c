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

#include <linux/glob.h>
#include <linux/module.h>
#include <linux/random.h>
#include <linux/string.h>

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

static char *dpt_suite_glob;
module_param_named(suite, dpt_suite_glob, charp, 0444);
MODULE_PARM_DESC(suite, "run only the suites whose name matches this glob");

static struct kunit_suite *dpt_run[ARRAY_SIZE(dpt_suites)];
static int dpt_nr_run;

/*
 * CONFIG_GLOB is selected by debugging options the test kernel has and a
 * production kernel (make bench's) may not: without it, suite= is a name.
 */
static bool dpt_suite_matches(const char *name)
{
	if (!dpt_suite_glob)
		return true;
	if (IS_ENABLED(CONFIG_GLOB))
		return glob_match(dpt_suite_glob, name);
	return !strcmp(dpt_suite_glob, name);
}

static int __init dpt_init(void)
{
	int i;

	while (!dpt_seed)
		dpt_seed = get_random_u32();
	pr_info("devpriv_kunit: random seed %u (repeat with seed=%u)\n",
		dpt_seed, dpt_seed);
	for (i = 0; i < ARRAY_SIZE(dpt_suites); i++)
		if (dpt_suite_matches(dpt_suites[i]->name))
			dpt_run[dpt_nr_run++] = dpt_suites[i];
#ifdef DEVPRIV_HAVE_KUNIT_SUITES_INIT_RUN
	return __kunit_test_suites_init(dpt_run, dpt_nr_run, true);
#else
	return __kunit_test_suites_init(dpt_run, dpt_nr_run);
#endif
}

static void __exit dpt_exit(void)
{
	__kunit_test_suites_exit(dpt_run, dpt_nr_run);
	/* the devpriv_phys suite sets up the global space */
	devpriv_global_space_fini();
}

module_init(dpt_init);
module_exit(dpt_exit);
MODULE_DESCRIPTION("KUnit tests of libdevpriv");
MODULE_LICENSE("GPL");
