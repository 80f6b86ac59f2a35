/* SPDX-License-Identifier: GPL-2.0 */
/*
 * seq_file for the unit tests: seq_printf() appends to a caller's buffer,
 * truncating, so that a test can read what a show function printed.
 */
#ifndef _DEVPRIV_SHIM_LINUX_SEQ_FILE_H
#define _DEVPRIV_SHIM_LINUX_SEQ_FILE_H

#include <stdarg.h>
#include <stdio.h>
#include <linux/compiler.h>

struct seq_file {
	char *buf;
	size_t size;
	size_t count;
};

static inline __printf(2, 3)
void seq_printf(struct seq_file *m, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (m->count >= m->size)
		return;
	va_start(ap, fmt);
	n = vsnprintf(m->buf + m->count, m->size - m->count, fmt, ap);
	va_end(ap);
	if (n > 0)
		m->count += (size_t)n < m->size - m->count ? (size_t)n :
			    m->size - m->count - 1;
}

#endif /* _DEVPRIV_SHIM_LINUX_SEQ_FILE_H */
