// SPDX-License-Identifier: GPL-2.0
/*
 * TAP runner of the libdevpriv unit tests.
 *
 * Without arguments the binary runs every test, each in a fresh process of
 * its own (the binary re-executed with --run N), a few at a time, and
 * prints one "ok N name" or "not ok N name" line per test in order, then
 * "check-unit: P passed, F failed" as the last line.  A fresh process per
 * test means: a sanitizer report, a crash or a timeout fails one test and
 * not the run; the once-only state of the code under test (the global
 * space, WARN_ONCE) starts clean; LeakSanitizer checks each test alone.
 *
 * What a test writes to stdout ("# " notes, e.g. its random seed) is always
 * shown; its stderr only when it fails, or always with V=1.
 *
 * A test marked TODO (a known defect of the code under test) still runs; if
 * it fails, it is reported as "not ok N name # TODO ..." and counted as
 * skipped (the summary then says so), unless DEVPRIV_UNIT_STRICT=1.
 *
 * Usage: unit-tests [--list | --run N | substring...]
 * Environment: UNIT_JOBS (parallel tests, default: online CPUs), V=1,
 * DEVPRIV_SEED (seed of the randomised tests), DEVPRIV_UNIT_STRICT=1.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "unit.h"

#define UNIT_DEFAULT_TIMEOUT	60

static const struct unit_suite *const unit_suites[] = {
	&suite_shim,
	&suite_kabi,
	&suite_encode_x86_64_4l,
	&suite_encode_x86_64_5l,
	&suite_encode_arm64_4k,
	&suite_encode_arm64_16k,
	&suite_encode_arm64_64k,
	&suite_encode_arm64_64k_52,
	&suite_space,
	&suite_pagemap,
	&suite_fault,
	&suite_model,
	&suite_stress,
};

struct unit_ref {
	const struct unit_suite *suite;
	const struct unit_test *test;
	/* position among all tests, whatever the selection: for --run */
	size_t id;
};

struct unit_result {
	pid_t pid;
	int status;
	bool done;
	FILE *out;
	FILE *err;
	double seconds;
	struct timespec start;
};

static struct unit_ref *unit_refs;
static size_t unit_nr_refs;
static const struct unit_ref *unit_running;

static void unit_collect(int argc, char **argv)
{
	size_t s, t, id = 0, total = 0;
	int a;

	for (s = 0; s < ARRAY_SIZE(unit_suites); s++)
		total += unit_suites[s]->nr_tests;
	unit_refs = calloc(total, sizeof(*unit_refs));
	if (!unit_refs) {
		perror("calloc");
		exit(2);
	}
	for (s = 0; s < ARRAY_SIZE(unit_suites); s++) {
		const struct unit_suite *suite = unit_suites[s];

		for (t = 0; t < suite->nr_tests; t++) {
			char name[256];
			bool match = argc == 0;

			snprintf(name, sizeof(name), "%s.%s", suite->name,
				 suite->tests[t].name);
			for (a = 0; a < argc; a++)
				match |= !!strstr(name, argv[a]);
			id++;
			if (!match)
				continue;
			unit_refs[unit_nr_refs].suite = suite;
			unit_refs[unit_nr_refs].test = &suite->tests[t];
			unit_refs[unit_nr_refs].id = id - 1;
			unit_nr_refs++;
		}
	}
}

const char *unit_current_test(void)
{
	return unit_running ? unit_running->test->name : "(none)";
}

void unit_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s:%d: %s: ", file, line, unit_current_test());
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stdout);
	fflush(stderr);
	/* no exit handlers: LeakSanitizer would only add noise */
	_exit(1);
}

void unit_note(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	fflush(stdout);
}

unsigned long long unit_seed(void)
{
	const char *env = getenv("DEVPRIV_SEED");
	unsigned long long seed;
	struct timespec ts;

	if (env && *env) {
		seed = strtoull(env, NULL, 0);
	} else {
		clock_gettime(CLOCK_REALTIME, &ts);
		seed = (unsigned long long)ts.tv_sec * 1000000007ULL ^
		       (unsigned long long)ts.tv_nsec ^
		       ((unsigned long long)getpid() << 32);
	}
	unit_note("%s: seed %llu (replay with DEVPRIV_SEED=%llu)",
		  unit_current_test(), seed, seed);
	return seed;
}

static int unit_run_one(size_t i)
{
	const struct unit_ref *ref = &unit_refs[i];

	unit_running = ref;
	alarm(ref->test->timeout ?: UNIT_DEFAULT_TIMEOUT);
	if (ref->suite->needs_kernel)
		unit_kernel_setup();
	ref->test->fn();
	if (ref->suite->needs_kernel)
		unit_kernel_teardown();
	fflush(stdout);
	fflush(stderr);
	return 0;
}

static double unit_elapsed(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - start->tv_sec) +
	       (now.tv_nsec - start->tv_nsec) / 1e9;
}

static void unit_spawn(const char *self, size_t i, struct unit_result *res,
		       bool verbose)
{
	char arg[32];

	res->out = tmpfile();
	res->err = verbose ? NULL : tmpfile();
	if (!res->out || (!verbose && !res->err)) {
		perror("tmpfile");
		exit(2);
	}
	clock_gettime(CLOCK_MONOTONIC, &res->start);
	fflush(stdout);
	fflush(stderr);
	res->pid = fork();
	if (res->pid < 0) {
		perror("fork");
		exit(2);
	}
	if (res->pid == 0) {
		dup2(fileno(res->out), STDOUT_FILENO);
		if (res->err)
			dup2(fileno(res->err), STDERR_FILENO);
		snprintf(arg, sizeof(arg), "%zu", unit_refs[i].id);
		execl(self, self, "--run", arg, (char *)NULL);
		perror("execl");
		_exit(127);
	}
}

static void unit_dump(FILE *f, bool prefix)
{
	char line[4096];

	if (!f)
		return;
	rewind(f);
	while (fgets(line, sizeof(line), f)) {
		size_t len = strlen(line);

		if (len && line[len - 1] != '\n')
			line[len++] = '\n', line[len] = '\0';
		printf("%s%s", prefix ? "#   " : "", line);
	}
	fclose(f);
}

struct unit_counts {
	unsigned int passed;
	unsigned int failed;
	unsigned int skipped;
	bool strict;
};

static void unit_report(size_t i, struct unit_result *res, bool verbose,
			struct unit_counts *counts)
{
	const struct unit_ref *ref = &unit_refs[i];
	bool ok = WIFEXITED(res->status) && WEXITSTATUS(res->status) == 0;
	const char *todo = ref->test->todo;

	printf("%s %zu %s.%s", ok ? "ok" : "not ok", i + 1, ref->suite->name,
	       ref->test->name);
	if (todo && ok)
		printf(" # marked TODO but passes: drop the mark?");
	else if (todo)
		printf(" # TODO %s", todo);
	putchar('\n');
	unit_dump(res->out, false);
	if (!ok) {
		if (WIFSIGNALED(res->status))
			printf("#   killed by signal %d%s after %.1f s\n",
			       WTERMSIG(res->status),
			       WTERMSIG(res->status) == SIGALRM ? " (timeout)" : "",
			       res->seconds);
		else
			printf("#   exit status %d\n", WEXITSTATUS(res->status));
	}
	if (!ok || verbose)
		unit_dump(res->err, true);
	else if (res->err)
		fclose(res->err);
	fflush(stdout);
	if (ok)
		counts->passed++;
	else if (todo && !counts->strict)
		counts->skipped++;
	else
		counts->failed++;
}

static int unit_run_all(const char *self)
{
	const char *env = getenv("UNIT_JOBS");
	bool verbose = getenv("V") && strcmp(getenv("V"), "0");
	const char *strict = getenv("DEVPRIV_UNIT_STRICT");
	struct unit_counts counts = { 0 };
	size_t next = 0, reported = 0, running = 0, i;
	struct unit_result *res;
	struct timespec start;
	long jobs;

	counts.strict = strict && strcmp(strict, "0");
	jobs = env && *env ? strtol(env, NULL, 0) :
			     sysconf(_SC_NPROCESSORS_ONLN);
	if (jobs < 1)
		jobs = 1;
	if (verbose)
		jobs = 1;
	res = calloc(unit_nr_refs ?: 1, sizeof(*res));
	if (!res) {
		perror("calloc");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &start);
	printf("1..%zu\n", unit_nr_refs);
	fflush(stdout);
	while (reported < unit_nr_refs) {
		int status;
		pid_t pid;

		while (running < (size_t)jobs && next < unit_nr_refs) {
			unit_spawn(self, next, &res[next], verbose);
			next++;
			running++;
		}
		pid = wait(&status);
		if (pid < 0) {
			if (errno == EINTR)
				continue;
			perror("wait");
			return 2;
		}
		for (i = 0; i < next; i++) {
			if (res[i].pid == pid && !res[i].done) {
				res[i].status = status;
				res[i].done = true;
				res[i].seconds = unit_elapsed(&res[i].start);
				running--;
				break;
			}
		}
		while (reported < next && res[reported].done) {
			unit_report(reported, &res[reported], verbose, &counts);
			reported++;
		}
	}
	printf("# %zu tests in %.1f s with %ld jobs\n", unit_nr_refs,
	       unit_elapsed(&start), jobs);
	if (counts.skipped)
		printf("# skipped: %u TODO test(s), failing on known defects of libdevpriv\n"
		       "# (see above); DEVPRIV_UNIT_STRICT=1 counts them as failures\n",
		       counts.skipped);
	printf("check-unit: %u passed, %u failed", counts.passed, counts.failed);
	if (counts.skipped)
		printf(", %u skipped", counts.skipped);
	putchar('\n');
	fflush(stdout);
	free(res);
	return counts.failed ? 1 : 0;
}

int main(int argc, char **argv)
{
	size_t i;

	if (argc == 3 && !strcmp(argv[1], "--run")) {
		unit_collect(0, NULL);
		i = strtoul(argv[2], NULL, 0);
		if (i >= unit_nr_refs) {
			fprintf(stderr, "no test %zu\n", i);
			return 2;
		}
		return unit_run_one(i);
	}
	if (argc == 2 && !strcmp(argv[1], "--list")) {
		unit_collect(0, NULL);
		for (i = 0; i < unit_nr_refs; i++)
			printf("%zu %s.%s\n", i + 1, unit_refs[i].suite->name,
			       unit_refs[i].test->name);
		return 0;
	}
	unit_collect(argc - 1, argv + 1);
	return unit_run_all("/proc/self/exe");
}
