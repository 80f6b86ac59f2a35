// SPDX-License-Identifier: GPL-2.0
/*
 * migrate-bench: migration throughput through the HMM test driver uAPI
 *
 *   migrate-bench DEVICE MIB LABEL ROUND [thp]
 *
 * Fills MIB MiB of anonymous memory, migrates it to the device behind
 * DEVICE (/dev/hmm_dmirror0 of the kernel's test_hmm or of a driver with the
 * same uAPI) with HMM_DMIRROR_MIGRATE_TO_DEV, and brings it back by reading
 * one word of every page: a CPU fault, and the driver's migrate_to_ram, per
 * page.  First, untimed, the driver gets to allocate its device memory: MIB
 * MiB of untouched memory are migrated to the device (empty pages, filled
 * with zeroes by the driver) and unmapped, which frees them.  The data of
 * the timed pass is checked.  With "thp" the buffers are 2 MiB aligned and
 * advised MADV_HUGEPAGE, so that a driver and kernel that can move a THP
 * whole into a large device folio do.  Prints
 *
 *   BENCH migrate_to_dev LABEL MIB ROUND NS ns
 *   BENCH migrate_to_ram LABEL MIB ROUND NS ns
 *   BENCH migrate_total LABEL MIB ROUND NS ns
 *
 * and exits 0, or prints a "# migrate-bench:" comment and exits 1.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <linux/types.h>

#include <lib/test_hmm_uapi.h>

static unsigned long page_size;

static __u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

#define THP_SIZE	(2UL << 20)

static int thp;

/* @size bytes of anonymous memory; with thp, 2 MiB aligned and THP-advised. */
static void *map_anon(size_t size)
{
	size_t extra = thp ? THP_SIZE : 0;
	char *p = mmap(NULL, size + extra, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	if (!thp)
		return p;
	p = (char *)(((uintptr_t)p + THP_SIZE - 1) & ~(THP_SIZE - 1));
	if (madvise(p, size, MADV_HUGEPAGE))
		return NULL;
	return p;
}

static __u64 pattern(unsigned long page, int pass)
{
	return ((__u64)pass << 48) ^ (page * 0x9e3779b97f4a7c15ull);
}

/*
 * One pass: write the pattern, migrate to the device, fault back.  Returns
 * 0 and the two times, or -1.
 */
static int one_pass(int fd, char *buf, char *mirror, unsigned long npages,
		    int pass, __u64 *to_dev_ns, __u64 *to_ram_ns)
{
	struct hmm_dmirror_cmd cmd;
	__u64 sum = 0, want_sum = 0;
	__u64 t0, t1, t2;
	unsigned long i;

	for (i = 0; i < npages; i++)
		*(__u64 *)(buf + i * page_size) = pattern(i, pass);
	memset(&cmd, 0, sizeof(cmd));
	cmd.addr = (uintptr_t)buf;
	cmd.ptr = (uintptr_t)mirror;
	cmd.npages = npages;

	t0 = now_ns();
	if (ioctl(fd, HMM_DMIRROR_MIGRATE_TO_DEV, &cmd)) {
		printf("# migrate-bench: HMM_DMIRROR_MIGRATE_TO_DEV: %s\n",
		       strerror(errno));
		return -1;
	}
	t1 = now_ns();
	for (i = 0; i < npages; i++)
		sum += *(__u64 *)(buf + i * page_size);
	t2 = now_ns();

	if (cmd.cpages != npages) {
		printf("# migrate-bench: %llu of %lu pages migrated\n",
		       (unsigned long long)cmd.cpages, npages);
		return -1;
	}
	for (i = 0; i < npages; i++) {
		__u64 want = pattern(i, pass);

		if (*(__u64 *)(buf + i * page_size) != want ||
		    *(__u64 *)(mirror + i * page_size) != want) {
			printf("# migrate-bench: page %lu corrupted\n", i);
			return -1;
		}
		want_sum += want;
	}
	/* the sum keeps the faulting loads: it is checked */
	if (sum != want_sum) {
		printf("# migrate-bench: data read back differs\n");
		return -1;
	}
	*to_dev_ns = t1 - t0;
	*to_ram_ns = t2 - t1;
	return 0;
}

/*
 * Let the driver allocate device memory for @size bytes, without timing:
 * migrate as many empty pages to the device, then unmap them.
 */
static int warm_up(int fd, char *mirror, size_t size)
{
	struct hmm_dmirror_cmd cmd;
	char *empty = map_anon(size);

	if (!empty) {
		printf("# migrate-bench: cannot map %zu bytes\n", size);
		return -1;
	}
	memset(&cmd, 0, sizeof(cmd));
	cmd.addr = (uintptr_t)empty;
	cmd.ptr = (uintptr_t)mirror;
	cmd.npages = size / page_size;
	if (ioctl(fd, HMM_DMIRROR_MIGRATE_TO_DEV, &cmd)) {
		printf("# migrate-bench: warm-up: %s\n", strerror(errno));
		munmap(empty, size);
		return -1;
	}
	/* with thp the mapping is a little larger: it stays, unused */
	munmap(empty, size);
	return 0;
}

int main(int argc, char **argv)
{
	__u64 to_dev = 0, to_ram = 0;
	unsigned long mib, npages;
	const char *label;
	char *buf, *mirror;
	size_t size;
	int fd, round;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc != 5 && !(argc == 6 && !strcmp(argv[5], "thp"))) {
		fprintf(stderr, "usage: %s DEVICE MIB LABEL ROUND [thp]\n", argv[0]);
		return 2;
	}
	thp = argc == 6;
	mib = strtoul(argv[2], NULL, 0);
	label = argv[3];
	round = atoi(argv[4]);
	page_size = sysconf(_SC_PAGESIZE);
	size = (size_t)mib << 20;
	npages = size / page_size;

	fd = open(argv[1], O_RDWR);
	if (fd < 0) {
		printf("# migrate-bench: open %s: %s\n", argv[1],
		       strerror(errno));
		return 1;
	}
	buf = map_anon(size);
	mirror = map_anon(size);
	if (!buf || !mirror || !npages) {
		printf("# migrate-bench: cannot map 2 x %lu MiB\n", mib);
		return 1;
	}
	if (warm_up(fd, mirror, size))
		return 1;
	if (one_pass(fd, buf, mirror, npages, 1, &to_dev, &to_ram))
		return 1;

	printf("BENCH migrate_to_dev %s %lu %d %llu ns\n", label, mib, round,
	       (unsigned long long)to_dev);
	printf("BENCH migrate_to_ram %s %lu %d %llu ns\n", label, mib, round,
	       (unsigned long long)to_ram);
	printf("BENCH migrate_total %s %lu %d %llu ns\n", label, mib, round,
	       (unsigned long long)(to_dev + to_ram));
	close(fd);
	return 0;
}
