// SPDX-License-Identifier: GPL-2.0
/*
 * hello-user: move a buffer to devpriv_hello's device memory and back.
 *
 * Fills a buffer with a pattern, asks /dev/devpriv_hello to migrate it to
 * device-private memory, checks in /proc/self/pagemap that the CPU page
 * table no longer maps it, touches it (each CPU fault migrates a page
 * back), and checks the pattern and the page table again.  Prints TAP
 * results and the driver's debugfs counters at each step.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/types.h>

#include "hello_uapi.h"

#define NPAGES		16
#define DEV_PATH	"/dev/devpriv_hello"
#define STATS_PATH	"/sys/kernel/debug/devpriv_hello/stats"
#define BIT_ULL(nr)	(1ULL << (nr))
/* /proc/self/pagemap: the page is mapped (Documentation/admin-guide/mm/pagemap.rst) */
#define PM_PRESENT	BIT_ULL(63)

static int test_nr;
static int failed;

static void tap(int ok, const char *name)
{
	printf("%sok %d %s\n", ok ? "" : "not ", ++test_nr, name);
	failed += !ok;
}

static void show_stats(const char *when)
{
	char line[256];
	FILE *f = fopen(STATS_PATH, "r");

	if (!f) {
		printf("# %s: no %s\n", when, STATS_PATH);
		return;
	}
	printf("# stats %s:\n", when);
	while (fgets(line, sizeof(line), f))
		printf("#   %s", line);
	fclose(f);
}

static __u32 pattern(unsigned long page, unsigned long word)
{
	return 0x68656c6cU ^ (__u32)(page << 16) ^ (__u32)word;
}

/* Pages of [buf, +npages) that the CPU page table maps, or -1. */
static long present_pages(void *buf, long page_size, unsigned long npages)
{
	__u64 entry;
	unsigned long i;
	long n = 0;
	int fd;

	fd = open("/proc/self/pagemap", O_RDONLY);
	if (fd < 0)
		return -1;
	for (i = 0; i < npages; i++) {
		off_t off = ((uintptr_t)buf / page_size + i) * sizeof(entry);

		if (pread(fd, &entry, sizeof(entry), off) != sizeof(entry)) {
			close(fd);
			return -1;
		}
		n += !!(entry & PM_PRESENT);
	}
	close(fd);
	return n;
}

int main(void)
{
	long page_size = sysconf(_SC_PAGESIZE);
	size_t words = page_size / sizeof(__u32);
	struct hello_migrate req;
	unsigned long p, w, bad = 0;
	__u32 *buf;
	int fd;

	setvbuf(stdout, NULL, _IOLBF, 0);
	fd = open(DEV_PATH, O_RDWR);
	if (fd < 0) {
		printf("# open %s: %s\n", DEV_PATH, strerror(errno));
		tap(0, "hello_open");
		return 1;
	}
	buf = mmap(NULL, NPAGES * page_size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED) {
		tap(0, "hello_mmap");
		return 1;
	}
	for (p = 0; p < NPAGES; p++)
		for (w = 0; w < words; w++)
			buf[p * words + w] = pattern(p, w);
	show_stats("before");

	memset(&req, 0, sizeof(req));
	req.addr = (uintptr_t)buf;
	req.npages = NPAGES;
	if (ioctl(fd, HELLO_IOC_MIGRATE, &req)) {
		printf("# HELLO_IOC_MIGRATE: %s\n", strerror(errno));
		req.migrated = 0;
	}
	printf("# %llu of %d pages migrated, %llu device copies verified\n",
	       (unsigned long long)req.migrated, NPAGES,
	       (unsigned long long)req.verified);
	tap(req.migrated == NPAGES, "hello_migrate_to_device");
	tap(req.verified == req.migrated, "hello_device_copy_matches");
	tap(present_pages(buf, page_size, NPAGES) == 0,
	    "hello_buffer_not_in_cpu_page_table");
	show_stats("on the device");

	/* each first touch of a page faults it back through migrate_to_ram */
	for (p = 0; p < NPAGES; p++)
		for (w = 0; w < words; w++)
			bad += buf[p * words + w] != pattern(p, w);
	printf("# %lu words differ after the round trip\n", bad);
	tap(bad == 0, "hello_pattern_intact_after_cpu_faults");
	tap(present_pages(buf, page_size, NPAGES) == NPAGES,
	    "hello_buffer_back_in_cpu_page_table");
	show_stats("after");

	munmap(buf, NPAGES * page_size);
	close(fd);
	printf("1..%d\n", test_nr);
	return failed ? 1 : 0;
}
