// SPDX-License-Identifier: GPL-2.0
/*
 * dmirror-stress: devpriv_dmirror under concurrent load, and a seeded soak.
 *
 *   dmirror-stress load SECONDS READY_FILE UNLOADED_FILE [--seed S]
 *   dmirror-stress soak --seed S [--seconds N] [--ops N]
 *
 * Both modes use the two device-private devices, /dev/hmm_dmirror0 and 1,
 * whose memory comes from libdevpriv, through the kernel's own HMM test
 * uAPI.  Output is TAP, one line per assertion, with counts on '#' lines.
 *
 * load: worker threads each own buffers; every iteration writes a fresh
 * pattern on the CPU, migrates the buffer to a device, checks it through
 * the device (HMM_DMIRROR_READ) and on the CPU (which faults it back
 * through the driver's migrate_to_ram), now and then explicitly migrates
 * it back (HMM_DMIRROR_MIGRATE_TO_SYS) or forks a child that checks the
 * copy-on-write sharing of the device pages.  Meanwhile one thread issues
 * HMM_DMIRROR_RELEASE on both devices in turn: devpriv_dmirror then
 * unregisters its device memory, libdevpriv evicting every resident page
 * through copy_to_ram under the workers' faults and migrations, and
 * registers it again.  After SECONDS the buffers are left on the devices,
 * every file is closed (an open file pins the module), READY_FILE is
 * created and worker threads fault the pages back while the scenario
 * unloads the driver; once UNLOADED_FILE exists every page must be mapped
 * again, its data intact.
 *
 * A migration racing a release may legitimately leave pages where they
 * were, and devpriv_dmirror reports it (examples/dmirror/dmirror.c):
 *   MIGRATE_TO_DEV  -ENOENT: a page of the range is not in the device page
 *                   table after the migration (not collected, evicted by a
 *                   release before it was mapped, or device memory full)
 *                   -EBUSY: the device page table walk kept being
 *                   invalidated for HMM_RANGE_DEFAULT_TIMEOUT
 *   READ            -EBUSY: likewise
 * Nothing else may fail, and the data must be intact whatever happened.
 *
 * soak: a seeded PRNG picks operations on a set of buffers of random size
 * -- allocate, free, CPU write, CPU read (faulting pages back), migrate to
 * either device, migrate back on request, device read, device write,
 * fork with copy-on-write checks in both processes, release of a device's
 * memory, reopen of the devices -- and checks every result against a model
 * of what each page holds.  Single-threaded, so the only transient error
 * allowed is MIGRATE_TO_DEV's -ENOENT (device memory full).  The seed is
 * printed first; the same seed replays the same operations, and a failure
 * names its operation number.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/types.h>

#include "dmirror-user.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* the device-private devices of devpriv_dmirror */
#define NR_DEV		2
/* where a device-private page of the asking device shows in a snapshot */
#define PROT_LOCATION	0xf0

#define LOAD_WORKERS	4
#define LOAD_BUFS	2
/* a page being faulted back after the run: spread over this long */
#define LOAD_FAULT_MS	3000
#define UNLOAD_WAIT_S	600
/* seconds without progress before a mode gives up as hung */
#define WATCHDOG_S	180

/* flags and counters other threads read: whole loads and stores */
#define READ_ONCE(x)		__atomic_load_n(&(x), __ATOMIC_RELAXED)
#define WRITE_ONCE(x, val)	__atomic_store_n(&(x), (val), __ATOMIC_RELAXED)
#define BUMP(x)			__atomic_add_fetch(&(x), 1, __ATOMIC_RELAXED)

#define SOAK_SLOTS	8
#define SOAK_MAX_PAGES	384

static long page_size;
static unsigned long page_words;
static int test_nr;
static int failed;
static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;

static void tap(int ok, const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&out_lock);
	printf("%sok %d ", ok ? "" : "not ", ++test_nr);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	failed += !ok;
	pthread_mutex_unlock(&out_lock);
}

/* '#' lines; never "WARNING: " or "BUG: ": the host would take a splat */
static void note(const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&out_lock);
	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	pthread_mutex_unlock(&out_lock);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void sleep_us(long us)
{
	struct timespec ts = {
		.tv_sec = us / 1000000,
		.tv_nsec = (us % 1000000) * 1000,
	};

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* ------------------------------------------------------------------------
 * Pseudo-random numbers and patterns
 */

/* splitmix64: one 64-bit state, every seed is a good one */
static __u64 rng_next(__u64 *state)
{
	__u64 z;

	*state += 0x9e3779b97f4a7c15ULL;
	z = *state;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* 0 .. n - 1 */
static unsigned long rng_below(__u64 *state, unsigned long n)
{
	return n ? rng_next(state) % n : 0;
}

/* the same mixing, stateless: a page's pattern from its tag */
static __u64 mix(__u64 x)
{
	return rng_next(&x);
}

/*
 * The contents of a page are a function of a 64-bit tag (tag 0: a page
 * never written, all zeroes), so that a page holding another page's data,
 * stale data or another round's data never passes for the right one.
 */
static void fill_page(__u32 *page, __u64 tag)
{
	__u32 base = (__u32)(mix(tag) >> 17);
	unsigned long w;

	for (w = 0; w < page_words; w++)
		page[w] = tag ? base ^ (__u32)(w * 0x9e3779b1U) : 0;
}

/* Words of @page that differ from @tag's pattern. */
static unsigned long check_page(const __u32 *page, __u64 tag)
{
	__u32 base = (__u32)(mix(tag) >> 17);
	unsigned long w, bad = 0;

	for (w = 0; w < page_words; w++)
		bad += page[w] != (tag ? base ^ (__u32)(w * 0x9e3779b1U) : 0);
	return bad;
}

/* the tag of page @p of a buffer whose contents are @tag as a whole */
static __u64 page_tag(__u64 tag, unsigned long p)
{
	return tag ? tag ^ (p + 1) * 0xd6e8feb86659fd93ULL : 0;
}

static void fill_buffer(__u32 *ptr, unsigned long npages, __u64 tag)
{
	unsigned long p;

	for (p = 0; p < npages; p++)
		fill_page(ptr + p * page_words, page_tag(tag, p));
}

static unsigned long check_buffer(const __u32 *ptr, unsigned long npages,
				  __u64 tag)
{
	unsigned long p, bad = 0;

	for (p = 0; p < npages; p++)
		bad += check_page(ptr + p * page_words, page_tag(tag, p));
	return bad;
}

/* ------------------------------------------------------------------------
 * The device and the page table
 */

static int dev_open(int device)
{
	char path[32];

	snprintf(path, sizeof(path), "/dev/hmm_dmirror%d", device);
	return open(path, O_RDWR | O_CLOEXEC);
}

/*
 * Pages of [addr, +npages) resident in the memory of the device behind
 * @fd (device-private, local) -- with @readonly, only those the CPU maps
 * read-only (shared copy-on-write since a fork) -- or -errno.
 */
static long count_resident(int fd, void *addr, unsigned long npages,
			   int readonly)
{
	struct hmm_dmirror_cmd cmd;
	unsigned char *snap;
	unsigned long i;
	long n = 0;
	int ret;

	snap = malloc(npages);
	if (!snap)
		return -ENOMEM;
	ret = dmirror(fd, HMM_DMIRROR_SNAPSHOT, addr, npages, snap, &cmd);
	for (i = 0; !ret && i < npages; i++)
		n += (snap[i] & PROT_LOCATION) ==
		     HMM_DMIRROR_PROT_DEV_PRIVATE_LOCAL &&
		     !(readonly && (snap[i] & HMM_DMIRROR_PROT_WRITE));
	free(snap);
	return ret ? ret : n;
}

static long resident_pages(int fd, void *addr, unsigned long npages)
{
	return count_resident(fd, addr, npages, 0);
}

static long readonly_resident_pages(int fd, void *addr, unsigned long npages)
{
	return count_resident(fd, addr, npages, 1);
}

static void *map_pages(unsigned long npages)
{
	void *p = mmap(NULL, npages * page_size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static int file_exists(const char *path)
{
	return !access(path, F_OK);
}

static int create_file(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);

	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

/* ------------------------------------------------------------------------
 * load
 */

/**
 * struct load_counts - what the workers did and saw
 * @iterations: buffer rounds
 * @to_dev: successful MIGRATE_TO_DEV
 * @to_dev_pages: their pages
 * @to_dev_enoent: MIGRATE_TO_DEV that left pages behind (-ENOENT)
 * @to_dev_ebusy: MIGRATE_TO_DEV that timed out mapping them (-EBUSY)
 * @to_sys_pages: pages MIGRATE_TO_SYS brought back
 * @dev_reads: successful device reads
 * @dev_read_ebusy: device reads that timed out (-EBUSY)
 * @faulted: pages found unmapped just before a CPU check (on a device)
 * @forks: copy-on-write children
 * @unexpected: errors the uAPI does not document for the race
 * @bad_readback: words MIGRATE_TO_DEV read back wrong
 * @bad_dev_read: words HMM_DMIRROR_READ read wrong
 * @bad_cpu: words the CPU read wrong
 * @bad_child: children that saw wrong data (or died)
 * @bad_parent: words the parent read wrong while or after its child ran
 */
struct load_counts {
	unsigned long iterations;
	unsigned long to_dev, to_dev_pages, to_dev_enoent, to_dev_ebusy;
	unsigned long to_sys_pages;
	unsigned long dev_reads, dev_read_ebusy;
	unsigned long faulted;
	unsigned long forks;
	unsigned long unexpected;
	unsigned long bad_readback, bad_dev_read, bad_cpu;
	unsigned long bad_child, bad_parent;
};

struct load_buf {
	__u32 *ptr;
	unsigned long npages;
	__u64 tag;
};

/**
 * struct load_worker - one worker thread
 * @tid: the thread
 * @id: 0 .. LOAD_WORKERS - 1
 * @rng: its own PRNG state
 * @fd: its mirrors of the two devices
 * @buf: the buffers it owns
 * @bounce: device reads land here
 * @c: its counts
 * @progress: bumped at every step, for the watchdog
 * @final_touched: pages touched while the driver was being unloaded
 * @final_faulted: of those, pages not mapped when touched
 */
struct load_worker {
	pthread_t tid;
	int id;
	__u64 rng;
	int fd[NR_DEV];
	struct load_buf buf[LOAD_BUFS];
	__u32 *bounce;
	struct load_counts c;
	unsigned long progress;
	unsigned long final_touched, final_faulted;
};

static struct load_worker workers[LOAD_WORKERS];
static int load_stop;
static int release_fd[NR_DEV];
static unsigned long releases_done, releases_failed;
static int release_last_err;
static unsigned long release_progress;
/* threads of the current phase that returned */
static unsigned int threads_done;

static void *thread_done(void)
{
	__atomic_add_fetch(&threads_done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static void load_unexpected(struct load_worker *w, const char *what, int err)
{
	w->c.unexpected++;
	note("load: worker %d: %s: %s", w->id, what, strerror(-err));
}

/*
 * Child of a worker: the process is multi-threaded, so only memory
 * accesses and _exit().  Sees the parent's data, then its own.
 */
static int load_child(struct load_buf *b, __u64 tag)
{
	if (check_buffer(b->ptr, b->npages, tag))
		return 1;
	fill_buffer(b->ptr, b->npages, ~tag);
	if (check_buffer(b->ptr, b->npages, ~tag))
		return 2;
	return 0;
}

/*
 * Fork while @b may be on a device: both processes map the device pages
 * copy-on-write, and both fault them back at the same time.
 */
static void load_fork(struct load_worker *w, struct load_buf *b)
{
	int status;
	pid_t pid;

	pid = fork();
	if (pid < 0) {
		load_unexpected(w, "fork", -errno);
		return;
	}
	if (!pid)
		_exit(load_child(b, b->tag));
	w->c.forks++;
	w->c.bad_parent += check_buffer(b->ptr, b->npages, b->tag);
	if (waitpid(pid, &status, 0) != pid ||
	    !WIFEXITED(status) || WEXITSTATUS(status)) {
		w->c.bad_child++;
		note("load: worker %d: copy-on-write child status %#x",
		     w->id, status);
	}
	w->c.bad_parent += check_buffer(b->ptr, b->npages, b->tag);
}

static void load_round(struct load_worker *w, struct load_buf *b)
{
	int d = rng_below(&w->rng, NR_DEV);
	struct hmm_dmirror_cmd cmd;
	long present;
	int ret;

	b->tag = rng_next(&w->rng) | 1;
	fill_buffer(b->ptr, b->npages, b->tag);

	ret = dmirror(w->fd[d], HMM_DMIRROR_MIGRATE_TO_DEV, b->ptr, b->npages,
		      w->bounce, &cmd);
	if (!ret) {
		w->c.to_dev++;
		w->c.to_dev_pages += cmd.cpages;
		w->c.bad_readback += check_buffer(w->bounce, b->npages, b->tag);
	} else if (ret == -ENOENT) {
		w->c.to_dev_enoent++;
	} else if (ret == -EBUSY) {
		w->c.to_dev_ebusy++;
	} else {
		load_unexpected(w, "MIGRATE_TO_DEV", ret);
	}
	BUMP(w->progress);

	if (!rng_below(&w->rng, 8))
		load_fork(w, b);

	/* through either device: the other one faults the pages back */
	if (rng_below(&w->rng, 2)) {
		int r = rng_below(&w->rng, NR_DEV);

		ret = dmirror(w->fd[r], HMM_DMIRROR_READ, b->ptr, b->npages,
			      w->bounce, &cmd);
		if (!ret) {
			w->c.dev_reads++;
			w->c.bad_dev_read += check_buffer(w->bounce, b->npages,
							  b->tag);
		} else if (ret == -EBUSY) {
			w->c.dev_read_ebusy++;
		} else {
			load_unexpected(w, "READ", ret);
		}
	}

	if (!rng_below(&w->rng, 4)) {
		ret = dmirror(w->fd[d], HMM_DMIRROR_MIGRATE_TO_SYS, b->ptr,
			      b->npages, NULL, &cmd);
		if (ret)
			load_unexpected(w, "MIGRATE_TO_SYS", ret);
		else
			w->c.to_sys_pages += cmd.cpages;
	}

	present = present_pages(b->ptr, b->npages);
	if (present >= 0)
		w->c.faulted += b->npages - present;
	w->c.bad_cpu += check_buffer(b->ptr, b->npages, b->tag);
	w->c.iterations++;
	BUMP(w->progress);
}

static void *load_worker_main(void *arg)
{
	struct load_worker *w = arg;
	unsigned int i;

	while (!READ_ONCE(load_stop))
		for (i = 0; i < LOAD_BUFS; i++)
			load_round(w, &w->buf[i]);
	return thread_done();
}

/* Release the devices' memory in turn, at random short intervals. */
static void *load_release_main(void *arg)
{
	__u64 rng = *(__u64 *)arg;
	struct hmm_dmirror_cmd cmd;
	unsigned long i;
	void *dummy;
	int ret;

	/* the uAPI wants a range, even for a command that takes none */
	dummy = map_pages(1);
	for (i = 0; !READ_ONCE(load_stop); i++) {
		sleep_us(5000 + rng_below(&rng, 45000));
		ret = dmirror(release_fd[i % NR_DEV], HMM_DMIRROR_RELEASE,
			      dummy, 1, NULL, &cmd);
		if (ret) {
			releases_failed++;
			release_last_err = ret;
		} else {
			releases_done++;
		}
		BUMP(release_progress);
	}
	munmap(dummy, page_size);
	return thread_done();
}

/*
 * After the run: fault the pages back in random order, at a pace that
 * spreads them over the unload, until all are touched or the driver is
 * gone.  Every page touched must hold its data.
 */
static void *load_final_main(void *arg)
{
	struct load_worker *w = arg;
	unsigned long total = 0, *order, i, n = 0, b, p;
	long pace_us;

	for (b = 0; b < LOAD_BUFS; b++)
		total += w->buf[b].npages;
	order = malloc(total * sizeof(*order));
	if (!order) {
		w->c.unexpected++;
		return thread_done();
	}
	for (b = 0; b < LOAD_BUFS; b++)
		for (p = 0; p < w->buf[b].npages; p++)
			order[n++] = b << 32 | p;
	for (i = total - 1; i > 0; i--) {
		unsigned long j = rng_below(&w->rng, i + 1), t = order[i];

		order[i] = order[j];
		order[j] = t;
	}
	pace_us = LOAD_FAULT_MS * 1000L / total;
	for (i = 0; i < total; i++) {
		struct load_buf *lb = &w->buf[order[i] >> 32];
		unsigned long pg = order[i] & 0xffffffffUL;
		__u32 *page = lb->ptr + pg * page_words;

		if (present_pages(page, 1) == 0)
			w->final_faulted++;
		w->c.bad_cpu += check_page(page, page_tag(lb->tag, pg));
		w->final_touched++;
		BUMP(w->progress);
		sleep_us(pace_us);
	}
	free(order);
	return thread_done();
}

static void load_sum(struct load_counts *sum)
{
	unsigned int i, k;

	memset(sum, 0, sizeof(*sum));
	for (i = 0; i < LOAD_WORKERS; i++) {
		unsigned long *from = (unsigned long *)&workers[i].c;
		unsigned long *to = (unsigned long *)sum;

		for (k = 0; k < sizeof(*sum) / sizeof(unsigned long); k++)
			to[k] += from[k];
	}
}

static unsigned long load_progress(void)
{
	unsigned long n = READ_ONCE(release_progress);
	unsigned int i;

	for (i = 0; i < LOAD_WORKERS; i++)
		n += READ_ONCE(workers[i].progress);
	return n;
}

/*
 * Wait until @until (0: no limit) or until @nr threads have finished,
 * whichever comes first, watching that some thread makes progress: a
 * hang is reported (and the program exits) rather than waited out.
 */
static void load_wait(unsigned int nr, double until)
{
	unsigned long seen = load_progress();
	double last = now_s();

	while ((!until || now_s() < until) &&
	       __atomic_load_n(&threads_done, __ATOMIC_ACQUIRE) < nr) {
		sleep_us(100000);
		if (load_progress() != seen) {
			seen = load_progress();
			last = now_s();
		} else if (now_s() - last > WATCHDOG_S) {
			tap(0, "load_no_hang");
			note("load: no thread progressed for %d s: hung", WATCHDOG_S);
			printf("1..%d\n", test_nr);
			_exit(1);
		}
	}
}

static void load_join(pthread_t *tids, unsigned int nr)
{
	unsigned int i;

	load_wait(nr, 0);
	for (i = 0; i < nr; i++)
		pthread_join(tids[i], NULL);
	threads_done = 0;
}

static int load_main(int argc, char **argv, __u64 seed)
{
	const char *ready, *unloaded;
	pthread_t tids[LOAD_WORKERS + 1];
	unsigned long total = 0, resident = 0, bad, i, b;
	struct load_counts c;
	long seconds, present, mapped = 0;
	double start;
	int d, ret, opened = 1;
	__u64 release_rng;

	if (argc != 3)
		return -1;
	seconds = atol(argv[0]);
	ready = argv[1];
	unloaded = argv[2];

	for (d = 0; d < NR_DEV; d++) {
		release_fd[d] = dev_open(d);
		opened &= release_fd[d] >= 0;
	}
	for (i = 0; i < LOAD_WORKERS; i++) {
		struct load_worker *w = &workers[i];

		w->id = i;
		w->rng = seed ^ mix(i + 1);
		for (d = 0; d < NR_DEV; d++) {
			w->fd[d] = dev_open(d);
			opened &= w->fd[d] >= 0;
		}
		for (b = 0; b < LOAD_BUFS; b++) {
			/* sizes off the 16-page fault window, to cross it */
			w->buf[b].npages = 96 + 40 * b + i;
			w->buf[b].ptr = map_pages(w->buf[b].npages);
			opened &= !!w->buf[b].ptr;
			total += w->buf[b].npages;
		}
		w->bounce = map_pages(96 + 40 * LOAD_BUFS + LOAD_WORKERS);
		opened &= !!w->bounce;
	}
	tap(opened, "load_open_devices");
	if (!opened) {
		printf("1..%d\n", test_nr);
		return 1;
	}
	note("load: %d workers, %lu pages, %ld s, releasing both devices' memory meanwhile",
	     LOAD_WORKERS, total, seconds);

	start = now_s();
	release_rng = seed ^ mix(0);
	for (i = 0; i < LOAD_WORKERS; i++)
		pthread_create(&tids[i], NULL, load_worker_main, &workers[i]);
	pthread_create(&tids[LOAD_WORKERS], NULL, load_release_main,
		       &release_rng);
	load_wait(LOAD_WORKERS + 1, start + seconds);
	WRITE_ONCE(load_stop, 1);
	load_join(tids, LOAD_WORKERS + 1);

	load_sum(&c);
	note("load: %lu iterations in %.1f s, %lu forks, %lu releases (%lu failed)",
	     c.iterations, now_s() - start, c.forks, releases_done,
	     releases_failed);
	note("load: to device: %lu migrations (%lu pages)", c.to_dev,
	     c.to_dev_pages);
	note("load: to device: %lu left pages behind (-ENOENT), %lu timed out (-EBUSY)",
	     c.to_dev_enoent, c.to_dev_ebusy);
	note("load: back: %lu pages on CPU faults (unmapped before a check), %lu by MIGRATE_TO_SYS",
	     c.faulted, c.to_sys_pages);
	note("load: device reads: %lu, %lu timed out (-EBUSY)", c.dev_reads,
	     c.dev_read_ebusy);
	tap(c.to_dev > 0 && c.to_dev_pages > 0, "load_migrations_to_device");
	tap(!c.bad_readback, "load_migrate_readback_intact");
	tap(!c.bad_dev_read, "load_device_read_intact");
	tap(!c.bad_cpu, "load_cpu_data_intact");
	tap(!c.bad_child, "load_cow_child_intact");
	tap(!c.bad_parent, "load_cow_parent_intact");
	if (releases_failed)
		note("load: last release error: %s", strerror(-release_last_err));
	tap(releases_done > 0 && !releases_failed, "load_releases_done");
	tap(!c.unexpected, "load_only_documented_errors");

	/* --- leave everything on the devices and let the driver go ----------- */
	for (i = 0; i < LOAD_WORKERS; i++) {
		struct load_worker *w = &workers[i];

		for (b = 0; b < LOAD_BUFS; b++) {
			struct load_buf *lb = &w->buf[b];
			struct hmm_dmirror_cmd cmd;
			int tries;

			d = (i + b) % NR_DEV;
			lb->tag = rng_next(&w->rng) | 1;
			fill_buffer(lb->ptr, lb->npages, lb->tag);
			/* nothing races now: a retry is for a straggling page */
			for (tries = 0; tries < 5; tries++) {
				ret = dmirror(w->fd[d], HMM_DMIRROR_MIGRATE_TO_DEV,
					      lb->ptr, lb->npages, w->bounce,
					      &cmd);
				if (!ret)
					break;
			}
			ret = resident_pages(w->fd[d], lb->ptr, lb->npages);
			if (ret > 0)
				resident += ret;
		}
	}
	note("load: %lu of %lu pages resident on the devices before the unload",
	     resident, total);
	tap(resident == total, "load_final_resident_on_device");

	for (i = 0; i < LOAD_WORKERS; i++) {
		workers[i].c.bad_cpu = 0;
		workers[i].c.unexpected = 0;
		for (d = 0; d < NR_DEV; d++)
			close(workers[i].fd[d]);
	}
	for (d = 0; d < NR_DEV; d++)
		close(release_fd[d]);
	if (create_file(ready)) {
		tap(0, "load_ready");
		printf("1..%d\n", test_nr);
		return 1;
	}

	for (i = 0; i < LOAD_WORKERS; i++)
		pthread_create(&tids[i], NULL, load_final_main, &workers[i]);
	load_join(tids, LOAD_WORKERS);
	load_sum(&c);
	tap(!c.bad_cpu && !c.unexpected, "load_final_data_intact_during_unload");

	for (i = 0; i < UNLOAD_WAIT_S * 10 && !file_exists(unloaded); i++)
		sleep_us(100000);
	if (!file_exists(unloaded)) {
		tap(0, "load_unloaded_signal");
		printf("1..%d\n", test_nr);
		return 1;
	}
	for (i = 0, bad = 0; i < LOAD_WORKERS; i++) {
		struct load_worker *w = &workers[i];

		note("load: worker %d touched %lu pages during the unload, %lu unmapped (faulted)",
		     w->id, w->final_touched, w->final_faulted);
		for (b = 0; b < LOAD_BUFS; b++) {
			struct load_buf *lb = &w->buf[b];

			present = present_pages(lb->ptr, lb->npages);
			if (present > 0)
				mapped += present;
			bad += check_buffer(lb->ptr, lb->npages, lb->tag);
		}
	}
	/* only the unload or the CPU can have mapped them: nothing else runs */
	tap(mapped == (long)total, "load_final_mapped_after_unload");
	tap(!bad, "load_final_data_intact_after_unload");
	for (i = 0, bad = 0; i < LOAD_WORKERS; i++) {
		for (b = 0; b < LOAD_BUFS; b++) {
			struct load_buf *lb = &workers[i].buf[b];

			fill_buffer(lb->ptr, lb->npages, ~lb->tag);
			bad += check_buffer(lb->ptr, lb->npages, ~lb->tag);
		}
	}
	tap(!bad, "load_final_writable_after_unload");
	printf("1..%d\n", test_nr);
	return failed ? 1 : 0;
}

/* ------------------------------------------------------------------------
 * soak
 */

enum soak_op {
	OP_ALLOC, OP_FREE, OP_CPU_WRITE, OP_CPU_READ, OP_TO_DEV, OP_TO_SYS,
	OP_DEV_READ, OP_DEV_WRITE, OP_FORK, OP_RELEASE, OP_REOPEN, NR_OPS,
};

static const struct {
	const char *name;
	unsigned int weight;
} soak_ops[NR_OPS] = {
	[OP_ALLOC] = { "alloc", 8 },
	[OP_FREE] = { "free", 4 },
	[OP_CPU_WRITE] = { "cpu_write", 12 },
	[OP_CPU_READ] = { "cpu_read", 14 },
	[OP_TO_DEV] = { "to_dev", 22 },
	[OP_TO_SYS] = { "to_sys", 8 },
	[OP_DEV_READ] = { "dev_read", 12 },
	[OP_DEV_WRITE] = { "dev_write", 10 },
	[OP_FORK] = { "fork", 3 },
	[OP_RELEASE] = { "release", 4 },
	[OP_REOPEN] = { "reopen", 2 },
};

/**
 * struct soak_buf - a buffer and its model
 * @ptr: the mapping, NULL for a free slot
 * @npages: its size
 * @tag: per page, the tag of what it holds (0: never written)
 */
struct soak_buf {
	__u32 *ptr;
	unsigned long npages;
	__u64 *tag;
};

/**
 * struct soak_state - everything an operation works on
 * @rng: the PRNG; its draws depend on nothing but the seed
 * @op: number of the current operation
 * @next_tag: source of fresh page tags
 * @fd: the mirrors of the two devices
 * @buf: the buffers
 * @child: this process is a fork child (its failures go to its parent)
 */
struct soak_state {
	__u64 rng;
	unsigned long op;
	__u64 next_tag;
	int fd[NR_DEV];
	struct soak_buf buf[SOAK_SLOTS];
	int child;
};

static struct soak_state soak;
static __u64 soak_seed;
static unsigned long soak_counts[NR_OPS];
static unsigned long soak_to_dev_pages, soak_to_dev_partial;
static unsigned long soak_to_sys_pages, soak_faulted, soak_evicted;
static unsigned long soak_children, soak_ro_writes;
static char soak_watchdog_msg[160];
static int soak_failed;
/* the uAPI wants a range, even for a command that takes none */
static void *soak_dummy;

static void soak_fail(const char *kind, const char *fmt, ...)
{
	va_list ap;

	if (soak_failed++)
		return;
	printf("# soak: %sop %lu (%s) failed, seed %llu: ",
	       soak.child ? "fork child of " : "", soak.op, kind,
	       (unsigned long long)soak_seed);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

static void soak_watchdog(int sig)
{
	ssize_t n = write(STDOUT_FILENO, soak_watchdog_msg,
			  strlen(soak_watchdog_msg));

	(void)n;
	(void)sig;
	_exit(3);
}

static __u64 soak_new_tag(void)
{
	/* never 0, never a tag of another write */
	return mix(soak_seed ^ ++soak.next_tag) | 1;
}

/* a random used buffer, or NULL */
static struct soak_buf *soak_pick(void)
{
	unsigned int start = rng_below(&soak.rng, SOAK_SLOTS), i;

	for (i = 0; i < SOAK_SLOTS; i++) {
		struct soak_buf *b = &soak.buf[(start + i) % SOAK_SLOTS];

		if (b->ptr)
			return b;
	}
	return NULL;
}

/* a random range of @b: half the time all of it */
static void soak_range(struct soak_buf *b, unsigned long *first,
		       unsigned long *n)
{
	if (rng_below(&soak.rng, 2)) {
		*first = 0;
		*n = b->npages;
		return;
	}
	*first = rng_below(&soak.rng, b->npages);
	*n = 1 + rng_below(&soak.rng, b->npages - *first);
}

static __u32 *soak_page(struct soak_buf *b, unsigned long p)
{
	return b->ptr + p * page_words;
}

/* CPU check of [first, +n) against the model; the CPU faults pages back. */
static int soak_check(const char *kind, struct soak_buf *b,
		      unsigned long first, unsigned long n)
{
	unsigned long p, bad;
	long present;

	present = present_pages(soak_page(b, first), n);
	if (present >= 0)
		soak_faulted += n - present;
	for (p = first; p < first + n; p++) {
		bad = check_page(soak_page(b, p), b->tag[p]);
		if (bad) {
			soak_fail(kind, "page %lu of %lu: %lu words differ on the CPU",
				  p, b->npages, bad);
			return -1;
		}
	}
	return 0;
}

static int soak_check_all(const char *kind)
{
	unsigned int i;

	for (i = 0; i < SOAK_SLOTS; i++)
		if (soak.buf[i].ptr &&
		    soak_check(kind, &soak.buf[i], 0, soak.buf[i].npages))
			return -1;
	return 0;
}

/* Compare a device's copy of [first, +n) of @b with the model. */
static int soak_compare(const char *kind, struct soak_buf *b,
			unsigned long first, unsigned long n, const __u32 *copy)
{
	unsigned long p, bad;

	for (p = 0; p < n; p++) {
		bad = check_page(copy + p * page_words, b->tag[first + p]);
		if (bad) {
			soak_fail(kind, "page %lu of %lu: %lu words differ in the device's copy",
				  first + p, b->npages, bad);
			return -1;
		}
	}
	return 0;
}

static int soak_alloc(void)
{
	unsigned int i, slot = rng_below(&soak.rng, SOAK_SLOTS);
	unsigned long npages, p;
	struct soak_buf *b;
	int fill;

	/* mostly small, sometimes up to SOAK_MAX_PAGES */
	npages = 1 + rng_below(&soak.rng, rng_below(&soak.rng, 4) ?
				       32 : SOAK_MAX_PAGES);
	fill = rng_below(&soak.rng, 2);
	for (i = 0; i < SOAK_SLOTS; i++)
		if (!soak.buf[(slot + i) % SOAK_SLOTS].ptr)
			break;
	if (i == SOAK_SLOTS)
		return 0;	/* all taken: nothing to do */
	b = &soak.buf[(slot + i) % SOAK_SLOTS];
	b->ptr = map_pages(npages);
	b->tag = calloc(npages, sizeof(*b->tag));
	if (!b->ptr || !b->tag) {
		soak_fail("alloc", "%lu pages: out of memory", npages);
		return -1;
	}
	b->npages = npages;
	/* untouched pages migrate as zero pages: leave half the buffers so */
	for (p = 0; fill && p < npages; p++) {
		b->tag[p] = soak_new_tag();
		fill_page(soak_page(b, p), b->tag[p]);
	}
	return 0;
}

static void soak_free_buf(struct soak_buf *b)
{
	munmap(b->ptr, b->npages * page_size);
	free(b->tag);
	memset(b, 0, sizeof(*b));
}

static int soak_cpu_write(struct soak_buf *b)
{
	unsigned long first, n, p;

	soak_range(b, &first, &n);
	for (p = first; p < first + n; p++) {
		b->tag[p] = soak_new_tag();
		fill_page(soak_page(b, p), b->tag[p]);
	}
	return 0;
}

static int soak_cpu_read(struct soak_buf *b)
{
	unsigned long first, n;

	soak_range(b, &first, &n);
	return soak_check("cpu_read", b, first, n);
}

static int soak_to_dev(struct soak_buf *b)
{
	int d = rng_below(&soak.rng, NR_DEV);
	struct hmm_dmirror_cmd cmd;
	unsigned long first, n;
	__u32 *copy;
	long res;
	int ret;

	soak_range(b, &first, &n);
	copy = map_pages(n);
	if (!copy) {
		soak_fail("to_dev", "out of memory");
		return -1;
	}
	ret = dmirror(soak.fd[d], HMM_DMIRROR_MIGRATE_TO_DEV, soak_page(b, first),
		      n, copy, &cmd);
	if (ret == -ENOENT) {
		/* device memory full: what did not fit stays in system memory */
		soak_to_dev_partial++;
		ret = 0;
		goto out;
	}
	if (ret) {
		soak_fail("to_dev", "device %d, %lu pages: %s", d, n,
			  strerror(-ret));
		goto out;
	}
	soak_to_dev_pages += n;
	ret = soak_compare("to_dev", b, first, n, copy);
	if (ret)
		goto out;
	/*
	 * In a fork child the parent writes meanwhile: its write fault on a
	 * page still shared copy-on-write brings that page back to system
	 * memory for both processes.  Only the data is certain there.
	 */
	res = resident_pages(soak.fd[d], soak_page(b, first), n);
	if (res < 0 || (res != (long)n && !soak.child)) {
		soak_fail("to_dev", "device %d: %ld of %lu pages resident after migrating all",
			  d, res, n);
		ret = -1;
	}
out:
	munmap(copy, n * page_size);
	return ret;
}

static int soak_to_sys(struct soak_buf *b)
{
	int d = rng_below(&soak.rng, NR_DEV);
	struct hmm_dmirror_cmd cmd;
	unsigned long first, n;
	long res;
	int ret;

	soak_range(b, &first, &n);
	ret = dmirror(soak.fd[d], HMM_DMIRROR_MIGRATE_TO_SYS, soak_page(b, first),
		      n, NULL, &cmd);
	if (ret) {
		soak_fail("to_sys", "device %d, %lu pages: %s", d, n,
			  strerror(-ret));
		return -1;
	}
	soak_to_sys_pages += cmd.cpages;
	res = resident_pages(soak.fd[d], soak_page(b, first), n);
	if (res) {
		soak_fail("to_sys", "device %d: %ld pages still resident", d, res);
		return -1;
	}
	return 0;
}

static int soak_dev_access(struct soak_buf *b, int write)
{
	const char *kind = write ? "dev_write" : "dev_read";
	int d = rng_below(&soak.rng, NR_DEV);
	struct hmm_dmirror_cmd cmd;
	unsigned long first, n, p;
	__u64 *tags = NULL;
	__u32 *copy;
	int ret;

	soak_range(b, &first, &n);
	copy = map_pages(n);
	if (write)
		tags = malloc(n * sizeof(*tags));
	if (!copy || (write && !tags)) {
		soak_fail(kind, "out of memory");
		ret = -1;
		goto out;
	}
	if (write) {
		for (p = 0; p < n; p++) {
			tags[p] = soak_new_tag();
			fill_page(copy + p * page_words, tags[p]);
		}
		/*
		 * A device write to its own page mapped read-only (shared
		 * copy-on-write since a fork) must break the sharing:
		 * hmm_range_fault() reports such a page as it is, and
		 * devpriv_dmirror once retried the write for ever (seed
		 * 117745031873962 on 6.1).  Count these writes, so that a
		 * run shows it took that path.
		 */
		ret = readonly_resident_pages(soak.fd[d], soak_page(b, first), n);
		if (ret < 0) {
			soak_fail(kind, "device %d: snapshot: %s", d,
				  strerror(-ret));
			ret = -1;
			goto out;
		}
		soak_ro_writes += ret > 0;
	}
	ret = dmirror(soak.fd[d], write ? HMM_DMIRROR_WRITE : HMM_DMIRROR_READ,
		      soak_page(b, first), n, copy, &cmd);
	if (ret || cmd.cpages != n) {
		soak_fail(kind, "device %d, %lu pages: %s, %llu pages done", d,
			  n, strerror(-ret), (unsigned long long)cmd.cpages);
		ret = -1;
		goto out;
	}
	if (write)
		memcpy(&b->tag[first], tags, n * sizeof(*tags));
	else
		ret = soak_compare(kind, b, first, n, copy);
out:
	free(tags);
	if (copy)
		munmap(copy, n * page_size);
	return ret;
}

static int soak_open(void)
{
	int d;

	for (d = 0; d < NR_DEV; d++) {
		soak.fd[d] = dev_open(d);
		if (soak.fd[d] < 0)
			return -errno;
	}
	return 0;
}

static void soak_close(void)
{
	int d;

	for (d = 0; d < NR_DEV; d++)
		close(soak.fd[d]);
}

/*
 * The child of a fork: it sees the parent's data, writes its own copy of
 * a range, moves a range to a device through its own mirror (the pages
 * may still be shared with the parent) and reads it back there, then
 * exits with pages possibly still on the device.
 */
static int soak_child(__u64 child_seed)
{
	struct soak_buf *b;
	int ret;

	soak.child = 1;
	soak.rng = child_seed;
	/* the parent's files mirror the parent's mm */
	soak_close();
	if (soak_open()) {
		soak_fail("fork", "open: %s", strerror(errno));
		return 1;
	}
	if (soak_check_all("fork"))
		return 1;
	b = soak_pick();
	if (!b)
		return 0;
	ret = soak_cpu_write(b);
	ret = ret ?: soak_check_all("fork");
	b = soak_pick();
	ret = ret ?: soak_to_dev(b);
	ret = ret ?: soak_dev_access(b, 0);
	return ret ? 1 : 0;
}

static int soak_fork(void)
{
	__u64 child_seed = rng_next(&soak.rng);
	struct soak_buf *b;
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		soak_fail("fork", "fork: %s", strerror(errno));
		return -1;
	}
	if (!pid) {
		fflush(stdout);
		_exit(soak_child(child_seed));
	}
	soak_children++;
	/* meanwhile, copy-on-write the other way */
	b = soak_pick();
	if (b && soak_cpu_write(b))
		return -1;
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status)) {
		soak_fail("fork", "child status %#x", status);
		return -1;
	}
	return soak_check_all("fork");
}

/*
 * Give back all of a device's memory: libdevpriv evicts every resident
 * page through the driver's copy_to_ram.  None may stay behind.
 */
static int soak_release(void)
{
	int d = rng_below(&soak.rng, NR_DEV);
	struct hmm_dmirror_cmd cmd;
	unsigned int i;
	long res;
	int ret;

	for (i = 0; i < SOAK_SLOTS; i++) {
		if (!soak.buf[i].ptr)
			continue;
		res = resident_pages(soak.fd[d], soak.buf[i].ptr,
				     soak.buf[i].npages);
		if (res > 0)
			soak_evicted += res;
	}
	ret = dmirror(soak.fd[d], HMM_DMIRROR_RELEASE, soak_dummy, 1, NULL,
		      &cmd);
	if (ret) {
		soak_fail("release", "device %d: %s", d, strerror(-ret));
		return -1;
	}
	for (i = 0; i < SOAK_SLOTS; i++) {
		if (!soak.buf[i].ptr)
			continue;
		res = resident_pages(soak.fd[d], soak.buf[i].ptr,
				     soak.buf[i].npages);
		if (res) {
			soak_fail("release", "device %d: %ld pages still resident after it",
				  d, res);
			return -1;
		}
	}
	return 0;
}

static enum soak_op soak_choose(void)
{
	unsigned int total = 0, i, r;

	for (i = 0; i < NR_OPS; i++)
		total += soak_ops[i].weight;
	r = rng_below(&soak.rng, total);
	for (i = 0; r >= soak_ops[i].weight; i++)
		r -= soak_ops[i].weight;
	return i;
}

static int soak_step(enum soak_op op)
{
	struct soak_buf *b = NULL;

	if (op != OP_ALLOC && op != OP_FORK && op != OP_RELEASE &&
	    op != OP_REOPEN) {
		b = soak_pick();
		if (!b)
			op = OP_ALLOC;
	}
	soak_counts[op]++;
	snprintf(soak_watchdog_msg, sizeof(soak_watchdog_msg),
		 "# soak: op %lu (%s) did not return in %d s, seed %llu\nnot ok %d soak_ops_intact\n",
		 soak.op, soak_ops[op].name, WATCHDOG_S,
		 (unsigned long long)soak_seed, test_nr + 1);
	alarm(WATCHDOG_S);
	switch (op) {
	case OP_ALLOC:
		return soak_alloc();
	case OP_FREE:
		soak_free_buf(b);
		return 0;
	case OP_CPU_WRITE:
		return soak_cpu_write(b);
	case OP_CPU_READ:
		return soak_cpu_read(b);
	case OP_TO_DEV:
		return soak_to_dev(b);
	case OP_TO_SYS:
		return soak_to_sys(b);
	case OP_DEV_READ:
		return soak_dev_access(b, 0);
	case OP_DEV_WRITE:
		return soak_dev_access(b, 1);
	case OP_FORK:
		return soak_fork();
	case OP_RELEASE:
		return soak_release();
	case OP_REOPEN:
		soak_close();
		if (soak_open()) {
			soak_fail("reopen", "open: %s", strerror(errno));
			return -1;
		}
		return 0;
	default:
		return -1;
	}
}

/*
 * The case the soak found, made certain: a device write to pages resident
 * on that device but shared read-only with a child since a fork.  It must
 * complete (not retry for ever) and break the sharing: the parent sees
 * the new data, the child keeps the old.
 */
#define COW_PAGES	16

static void soak_cow_write_check(int fd)
{
	unsigned long npages = COW_PAGES;
	struct hmm_dmirror_cmd cmd;
	int go[2], status = -1;
	__u32 *buf, *copy;
	long ro = -1;
	pid_t pid;
	int ret;

	buf = map_pages(npages);
	copy = malloc(npages * page_size);
	if (!buf || !copy || pipe(go)) {
		note("soak: cow device write: setup: %s", strerror(errno));
		tap(0, "soak_cow_device_write");
		tap(0, "soak_cow_child_kept_its_copy");
		return;
	}
	fill_buffer(buf, npages, 0xc0c0a);
	/* the migration reads the pages back into @copy */
	ret = dmirror(fd, HMM_DMIRROR_MIGRATE_TO_DEV, buf, npages, copy, &cmd);
	pid = ret ? -1 : fork();
	if (pid == 0) {
		char c;

		/* the parent closes the pipe after its device write */
		close(go[1]);
		while (read(go[0], &c, 1) < 0 && errno == EINTR)
			;
		_exit(check_buffer(buf, npages, 0xc0c0a) != 0);
	}
	close(go[0]);
	if (pid > 0) {
		ro = readonly_resident_pages(fd, buf, npages);
		fill_buffer(copy, npages, 0xbeef);
		snprintf(soak_watchdog_msg, sizeof(soak_watchdog_msg),
			 "not ok %d soak_cow_device_write: no return in %d s\n",
			 test_nr + 1, WATCHDOG_S);
		alarm(WATCHDOG_S);
		ret = dmirror(fd, HMM_DMIRROR_WRITE, buf, npages, copy, &cmd);
		alarm(0);
	}
	note("soak: cow device write: %ld of %lu pages resident read-only before it, %s",
	     ro, npages, strerror(-ret));
	tap(pid > 0 && !ret && cmd.cpages == npages &&
	    !check_buffer(buf, npages, 0xbeef), "soak_cow_device_write");
	close(go[1]);
	if (pid > 0)
		waitpid(pid, &status, 0);
	tap(pid > 0 && WIFEXITED(status) && !WEXITSTATUS(status),
	    "soak_cow_child_kept_its_copy");
	munmap(buf, npages * page_size);
	free(copy);
}

static int soak_main(long seconds, unsigned long max_ops, __u64 seed)
{
	double start = now_s(), last_note = start;
	unsigned int i;
	int ret;

	soak_seed = seed;
	soak.rng = seed;
	signal(SIGALRM, soak_watchdog);
	soak_dummy = map_pages(1);
	ret = soak_dummy ? soak_open() : -ENOMEM;
	tap(!ret, "soak_open_devices");
	if (ret) {
		note("soak: %s", strerror(-ret));
		printf("1..%d\n", test_nr);
		return 1;
	}
	soak_cow_write_check(soak.fd[0]);

	for (soak.op = 0; !max_ops || soak.op < max_ops; soak.op++) {
		if (seconds && now_s() - start >= seconds)
			break;
		if (soak_step(soak_choose()))
			break;
		if (now_s() - last_note >= 60) {
			last_note = now_s();
			note("soak: %lu ops in %.0f s", soak.op + 1,
			     last_note - start);
		}
	}
	alarm(0);
	note("soak: %lu ops in %.1f s, seed %llu", soak.op + !!soak_failed,
	     now_s() - start, (unsigned long long)seed);
	for (i = 0; i < NR_OPS; i++)
		note("soak: %-9s %lu", soak_ops[i].name, soak_counts[i]);
	note("soak: pages to device %lu (%lu migrations left pages behind: device full)",
	     soak_to_dev_pages, soak_to_dev_partial);
	note("soak: pages back by request %lu, on CPU faults %lu, evicted by releases %lu",
	     soak_to_sys_pages, soak_faulted, soak_evicted);
	note("soak: %lu fork children; %lu device writes to pages resident read-only",
	     soak_children, soak_ro_writes);
	if (soak_failed)
		note("soak: replay: dmirror-stress soak --seed %llu --ops %lu",
		     (unsigned long long)seed, soak.op + 1);
	tap(!soak_failed && soak.op > 0, "soak_ops_intact");
	/* whatever happened: what is left must still be right */
	soak_failed = 0;
	tap(!soak_check_all("final"), "soak_final_data_intact");
	for (i = 0; i < SOAK_SLOTS; i++)
		if (soak.buf[i].ptr)
			soak_free_buf(&soak.buf[i]);
	soak_close();
	printf("1..%d\n", test_nr);
	return failed ? 1 : 0;
}

/* ------------------------------------------------------------------------
 * main
 */

static int print_usage(const char *prog)
{
	fprintf(stderr,
		"Usage: %s load SECONDS READY_FILE UNLOADED_FILE [--seed S]\n"
		"       %s soak [--seed S] [--seconds N] [--ops N]\n",
		prog, prog);
	return 2;
}

int main(int argc, char **argv)
{
	char *pos[4];
	unsigned long ops = 0;
	long seconds = 0;
	int i, npos = 0;
	__u64 seed;
	struct timespec ts;

	setvbuf(stdout, NULL, _IOLBF, 0);
	page_size = sysconf(_SC_PAGESIZE);
	page_words = page_size / sizeof(__u32);
	clock_gettime(CLOCK_REALTIME, &ts);
	seed = mix((__u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec) ^ getpid();

	if (argc < 2)
		return print_usage(argv[0]);
	for (i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--seed") && i + 1 < argc)
			seed = strtoull(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--seconds") && i + 1 < argc)
			seconds = atol(argv[++i]);
		else if (!strcmp(argv[i], "--ops") && i + 1 < argc)
			ops = strtoul(argv[++i], NULL, 0);
		else if (argv[i][0] != '-' && npos < (int)ARRAY_SIZE(pos))
			pos[npos++] = argv[i];
		else
			return print_usage(argv[0]);
	}
	/* first, so that a run that dies still names its seed */
	printf("# seed %llu\n", (unsigned long long)seed);

	if (!strcmp(argv[1], "load")) {
		i = load_main(npos, pos, seed);
		return i < 0 ? print_usage(argv[0]) : i;
	}
	if (!strcmp(argv[1], "soak") && !npos && (seconds > 0 || ops > 0))
		return soak_main(seconds, ops, seed);
	return print_usage(argv[0]);
}
