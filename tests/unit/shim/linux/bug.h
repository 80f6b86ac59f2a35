/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Counting WARN*() for the libdevpriv unit tests.
 *
 * Every warning goes through devpriv_test_warn(), which counts it and keeps
 * the message, so that a test can assert that an operation warned exactly
 * as often as expected.  The _ONCE variants warn every time their
 * condition is true: the tests check the condition, not the once-only
 * rate limiting, and every test runs in a process of its own anyway.
 */
#ifndef _DEVPRIV_SHIM_LINUX_BUG_H
#define _DEVPRIV_SHIM_LINUX_BUG_H

#include <stdio.h>
#include <linux/compiler.h>
#include <asm/bug.h>

__printf(3, 4)
void devpriv_test_warn(const char *file, int line, const char *fmt, ...);

#undef WARN
#undef WARN_ON
#undef WARN_ONCE
#undef WARN_ON_ONCE

#define WARN(condition, format...) ({					\
	int __ret_warn_on = !!(condition);				\
	if (unlikely(__ret_warn_on))					\
		devpriv_test_warn(__FILE__, __LINE__, format);		\
	unlikely(__ret_warn_on);					\
})

#define WARN_ON(condition) ({						\
	int __ret_warn_on = !!(condition);				\
	if (unlikely(__ret_warn_on))					\
		devpriv_test_warn(__FILE__, __LINE__, "WARN_ON(%s)\n",	\
				  #condition);				\
	unlikely(__ret_warn_on);					\
})

#define WARN_ONCE(condition, format...)	WARN(condition, format)
#define WARN_ON_ONCE(condition)		WARN_ON(condition)

#endif /* _DEVPRIV_SHIM_LINUX_BUG_H */
