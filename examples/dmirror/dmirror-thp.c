// SPDX-License-Identifier: GPL-2.0
/*
 * dmirror-thp: transparent huge pages on a devpriv_dmirror device.
 *
 *   dmirror-thp [--large] [ROUNDS]
 *
 * A 2 MiB aligned THP of a known pattern is migrated to /dev/hmm_dmirror0
 * through the HMM test uAPI, ROUNDS times (default 20):
 *
 * - resident: the device read the pattern, and the snapshot shows every
 *   page on the device -- mapped by one PMD with --large, which the
 *   scenario passes where the kernel migrates large device folios (the
 *   THP went into one 2 MiB device folio);
 * - split: one thread unmaps the upper half of the buffer while another
 *   reads the lower half, so that the CPU faults pages of the device folio
 *   back while the core splits its mapping and the folio; the lower half
 *   must come back intact;
 * - whole: the THP migrates again and one CPU write brings it back, all of
 *   it intact;
 * - release: the THP migrates again and HMM_DMIRROR_RELEASE makes the
 *   driver give up its device memory, so that libdevpriv evicts the device
 *   folio (whole, where it is large); the data must be back in the CPU
 *   page table without a fault.
 *
 * One TAP line per check and round.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/types.h>

#include "dmirror-user.h"

#define THP_SIZE	(2UL << 20)

static long page_size;
static unsigned long thp_pages;
static int test_nr;
static int failed;
static int fd;

static void tap(int ok, const char *what, int round)
{
	printf("%sok %d %s_%d\n", ok ? "" : "not ", ++test_nr, what, round);
	failed += !ok;
}

static __u32 pattern(int round, unsigned long word)
{
	return (__u32)round * 0x9e3779b1U ^ (__u32)word;
}

/* Words of [ptr, ptr + bytes) that differ from the round's pattern. */
static unsigned long check_data(const __u32 *ptr, unsigned long first_word,
				size_t bytes, int round)
{
	unsigned long w, bad = 0;

	for (w = 0; w < bytes / sizeof(__u32); w++)
		bad += ptr[w] != pattern(round, first_word + w);
	return bad;
}

/*
 * A THP-backed, 2 MiB aligned buffer of the round's pattern; its mapping
 * (twice the size, for the alignment) in *@map.
 */
static __u32 *thp_buffer(int round, void **map)
{
	uintptr_t start;
	__u32 *thp;
	unsigned long w;

	*map = mmap(NULL, 2 * THP_SIZE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (*map == MAP_FAILED)
		return NULL;
	start = ((uintptr_t)*map + THP_SIZE - 1) & ~(THP_SIZE - 1);
	thp = (__u32 *)start;
	if (madvise(thp, THP_SIZE, MADV_HUGEPAGE))
		return NULL;
	for (w = 0; w < THP_SIZE / sizeof(__u32); w++)
		thp[w] = pattern(round, w);
	return thp;
}

/* Migrate the THP to the device; check what the device read and maps. */
static int to_device(__u32 *thp, int round, int large, const char *what)
{
	struct hmm_dmirror_cmd cmd;
	unsigned char expect, *snap;
	unsigned long i, bad = 0;
	__u32 *mirror;
	char name[64];
	int ret;

	mirror = malloc(THP_SIZE);
	snap = malloc(thp_pages);
	if (!mirror || !snap)
		return -ENOMEM;
	ret = dmirror(fd, HMM_DMIRROR_MIGRATE_TO_DEV, thp, thp_pages, mirror,
		      &cmd);
	if (!ret)
		bad = check_data(mirror, 0, THP_SIZE, round);
	snprintf(name, sizeof(name), "%s_migrated", what);
	tap(!ret && cmd.cpages == thp_pages && !bad, name, round);

	expect = HMM_DMIRROR_PROT_DEV_PRIVATE_LOCAL | HMM_DMIRROR_PROT_WRITE |
		 (large ? HMM_DMIRROR_PROT_PMD : 0);
	if (!ret)
		ret = dmirror(fd, HMM_DMIRROR_SNAPSHOT, thp, thp_pages, snap, &cmd);
	for (i = 0, bad = 0; !ret && i < thp_pages; i++)
		bad += snap[i] != expect;
	if (bad)
		printf("# round %d: %lu pages not as expected, first %#x (want %#x)\n",
		       round, bad, snap[0], expect);
	snprintf(name, sizeof(name), "%s_resident", what);
	tap(!ret && !bad, name, round);
	free(snap);
	free(mirror);
	return ret ? ret : bad ? -EIO : 0;
}

struct split_race {
	__u32 *thp;
	int round;
	pthread_barrier_t start;
	unsigned long bad;
	int unmap_err;
};

static void *split_reader(void *arg)
{
	struct split_race *r = arg;

	pthread_barrier_wait(&r->start);
	r->bad = check_data(r->thp, 0, THP_SIZE / 2, r->round);
	return NULL;
}

static void *split_unmapper(void *arg)
{
	struct split_race *r = arg;

	pthread_barrier_wait(&r->start);
	r->unmap_err = munmap((char *)r->thp + THP_SIZE / 2, THP_SIZE / 2);
	return NULL;
}

/* Fault the lower half back while the upper half is unmapped. */
static void split_round(int round, int large)
{
	struct split_race r = { .round = round };
	pthread_t reader, unmapper;
	void *map;

	r.thp = thp_buffer(round, &map);
	if (!r.thp || to_device(r.thp, round, large, "split")) {
		tap(0, "split_lower_half_intact", round);
		goto out;
	}
	pthread_barrier_init(&r.start, NULL, 2);
	if (pthread_create(&reader, NULL, split_reader, &r) ||
	    pthread_create(&unmapper, NULL, split_unmapper, &r)) {
		tap(0, "split_threads", round);
		exit(1);
	}
	pthread_join(reader, NULL);
	pthread_join(unmapper, NULL);
	pthread_barrier_destroy(&r.start);
	tap(!r.unmap_err && !r.bad, "split_lower_half_intact", round);
out:
	if (map != MAP_FAILED)
		munmap(map, 2 * THP_SIZE);
}

/* One CPU write on the device folio brings all of it back. */
static void whole_round(int round, int large)
{
	unsigned long bad;
	void *map;
	__u32 *thp;

	thp = thp_buffer(round, &map);
	if (!thp || to_device(thp, round, large, "whole")) {
		tap(0, "whole_back_intact", round);
		goto out;
	}
	thp[1] = pattern(round, 1);
	bad = check_data(thp, 0, THP_SIZE, round);
	tap(!bad, "whole_back_intact", round);
out:
	if (map != MAP_FAILED)
		munmap(map, 2 * THP_SIZE);
}

/* The driver releases its device memory: libdevpriv evicts the folio. */
static void release_round(int round, int large)
{
	struct hmm_dmirror_cmd cmd;
	long present;
	void *map;
	__u32 *thp;
	int ret;

	thp = thp_buffer(round, &map);
	if (!thp || to_device(thp, round, large, "release")) {
		tap(0, "release_evicted_intact", round);
		goto out;
	}
	ret = dmirror(fd, HMM_DMIRROR_RELEASE, thp, thp_pages, NULL, &cmd);
	present = present_pages(thp, thp_pages);
	tap(!ret && present == (long)thp_pages &&
	    !check_data(thp, 0, THP_SIZE, round), "release_evicted_intact",
	    round);
	if (ret || present != (long)thp_pages)
		printf("# round %d: release %d, %ld of %lu pages present\n",
		       round, ret, present, thp_pages);
out:
	if (map != MAP_FAILED)
		munmap(map, 2 * THP_SIZE);
}

int main(int argc, char **argv)
{
	int large = 0, rounds = 20, round, i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--large"))
			large = 1;
		else
			rounds = atoi(argv[i]);
	}
	if (rounds <= 0) {
		fprintf(stderr, "usage: %s [--large] [ROUNDS]\n", argv[0]);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	page_size = sysconf(_SC_PAGESIZE);
	thp_pages = THP_SIZE / page_size;
	fd = open("/dev/hmm_dmirror0", O_RDWR);
	if (fd < 0) {
		printf("not ok 1 open_hmm_dmirror0 # %s\n", strerror(errno));
		return 1;
	}
	printf("# %d rounds, THP of %lu pages%s\n", rounds, thp_pages,
	       large ? ", large device folios expected" : "");
	for (round = 0; round < rounds; round++) {
		split_round(round, large);
		whole_round(round, large);
		release_round(round, large);
	}
	close(fd);
	printf("# %d checks, %d failed\n", test_nr, failed);
	return !!failed;
}
