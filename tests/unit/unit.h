/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small TAP-producing test framework for the libdevpriv unit tests.
 *
 * Plain C on purpose: the encode tests include this header without any
 * kernel shim.  Every test runs in a process of its own (see runner.c), so
 * a failed assertion simply ends the process; a sanitizer report, a crash
 * or a timeout does the same and is reported the same way.
 */
#ifndef _DEVPRIV_UNIT_H
#define _DEVPRIV_UNIT_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/compiler.h>
#include <linux/kernel.h>

struct unit_test {
	const char *name;
	void (*fn)(void);
	/* seconds before the runner gives up on the test; 0: default */
	unsigned int timeout;
	/*
	 * Set while the test is known to fail because of a defect in the
	 * code under test: its failure is reported as a TODO and counted as
	 * skipped, unless DEVPRIV_UNIT_STRICT=1.
	 */
	const char *todo;
};

struct unit_suite {
	const char *name;
	const struct unit_test *tests;
	size_t nr_tests;
	/* set up the kernel shims (RCU, xarray caches) around each test */
	bool needs_kernel;
};

#define UNIT_TEST(fn)			{ #fn, fn, 0, NULL }
#define UNIT_TEST_TIMEOUT(fn, secs)	{ #fn, fn, secs, NULL }
#define UNIT_TEST_TODO(fn, why)		{ #fn, fn, 0, why }

#define UNIT_SUITE(var, sname, array, kernel)				\
	const struct unit_suite var = {					\
		.name = sname,						\
		.tests = array,						\
		.nr_tests = sizeof(array) / sizeof((array)[0]),		\
		.needs_kernel = kernel,					\
	}

__printf(3, 4) __noreturn
void unit_fail(const char *file, int line, const char *fmt, ...);
__printf(1, 2)
void unit_note(const char *fmt, ...);
const char *unit_current_test(void);

#define T_ASSERT(cond) do {						\
	if (!(cond))							\
		unit_fail(__FILE__, __LINE__, "assertion failed: %s",	\
			  #cond);					\
} while (0)

#define T_ASSERTF(cond, fmt, ...) do {					\
	if (!(cond))							\
		unit_fail(__FILE__, __LINE__, "assertion failed: %s: " fmt, \
			  #cond, ##__VA_ARGS__);			\
} while (0)

/* Integers of any type; printed signed and in hex. */
#define T_EQ(a, b) do {							\
	long long __ta = (long long)(a), __tb = (long long)(b);	\
	if (__ta != __tb)						\
		unit_fail(__FILE__, __LINE__,				\
			  "%s == %s: %lld (%#llx) != %lld (%#llx)",	\
			  #a, #b, __ta, (unsigned long long)__ta,	\
			  __tb, (unsigned long long)__tb);		\
} while (0)

#define T_PTR_EQ(a, b) do {						\
	const void *__pa = (a), *__pb = (b);				\
	if (__pa != __pb)						\
		unit_fail(__FILE__, __LINE__, "%s == %s: %p != %p",	\
			  #a, #b, __pa, __pb);				\
} while (0)

/* splitmix64: small, fast and good enough to drive tests */
static inline unsigned long long unit_rand_next(unsigned long long *state)
{
	unsigned long long z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* uniform in [0, n) for n > 0 (modulo bias is irrelevant here) */
static inline unsigned long long unit_rand_below(unsigned long long *state,
						 unsigned long long n)
{
	return unit_rand_next(state) % n;
}

/*
 * The seed of randomised tests: DEVPRIV_SEED from the environment, else
 * derived from the clock.  Printed as a note, so every run can be replayed.
 */
unsigned long long unit_seed(void);

/* The suites, listed in runner.c */
extern const struct unit_suite suite_shim;
extern const struct unit_suite suite_kabi;
extern const struct unit_suite suite_space;
extern const struct unit_suite suite_pagemap;
extern const struct unit_suite suite_fault;
extern const struct unit_suite suite_model;
extern const struct unit_suite suite_stress;
extern const struct unit_suite suite_encode_x86_64_4l;
extern const struct unit_suite suite_encode_x86_64_5l;
extern const struct unit_suite suite_encode_arm64_4k;
extern const struct unit_suite suite_encode_arm64_16k;
extern const struct unit_suite suite_encode_arm64_64k;
extern const struct unit_suite suite_encode_arm64_64k_52;

/* Set-up and end-of-test checks of the kernel shims (shim.c) */
void unit_kernel_setup(void);
void unit_kernel_teardown(void);

#endif /* _DEVPRIV_UNIT_H */
