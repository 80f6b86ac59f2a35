// SPDX-License-Identifier: GPL-2.0
/*
 * dmirror-teardown: unload the driver under resident device pages.
 *
 *   dmirror-teardown READY_FILE GO_FILE
 *
 * Migrates buffers to the devpriv_dmirror devices through the HMM test
 * uAPI, checks that they are resident there, closes the devices (an open
 * file would pin the module), forks a child that shares one buffer
 * copy-on-write, creates READY_FILE and waits for GO_FILE.  Meanwhile the
 * scenario unloads the driver: libdevpriv must evict every resident page
 * to system memory.  Then parent and child check, without help from any
 * driver, that the CPU page table maps the buffers again and that the
 * data is intact and writable.  One TAP line per assertion.
 */
#include <errno.h>
#include <fcntl.h>
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

#define GO_TIMEOUT_S	900

/**
 * struct buffer - one buffer moved to a device
 * @name: for the TAP lines
 * @device: N of /dev/hmm_dmirrorN
 * @coherent: device-coherent memory: stays CPU-mapped on the device
 * @npages: size in pages
 * @seed: of the pattern
 * @ptr: the mapping
 * @used: the device exists and the buffer was set up
 */
struct buffer {
	const char *name;
	int device;
	int coherent;
	unsigned long npages;
	__u32 seed;
	__u32 *ptr;
	int used;
};

/*
 * Sizes are chosen against the scenario's chunk_mib=2: the first buffer
 * spans three chunks of device 0.
 */
static struct buffer buffers[] = {
	{ .name = "private0", .device = 0, .npages = 1536, .seed = 0x1000 },
	{ .name = "private1", .device = 1, .npages = 512, .seed = 0x2000 },
	{ .name = "coherent2", .device = 2, .coherent = 1, .npages = 256,
	  .seed = 0x3000 },
};

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static long page_size;
static int test_nr;
static int failed;

static void tap(int ok, const char *fmt, const char *name)
{
	printf("%sok %d ", ok ? "" : "not ", ++test_nr);
	printf(fmt, name);
	printf("\n");
	failed += !ok;
}

static __u32 pattern(const struct buffer *b, unsigned long word)
{
	return b->seed * 0x9e3779b1U ^ (__u32)word;
}

static unsigned long words(const struct buffer *b)
{
	return b->npages * page_size / sizeof(__u32);
}

/* Words of @b that differ from its pattern (+ @delta). */
static unsigned long check_data(const struct buffer *b, __u32 delta)
{
	unsigned long w, bad = 0;

	for (w = 0; w < words(b); w++)
		bad += b->ptr[w] != pattern(b, w) + delta;
	return bad;
}

/* Fill, migrate, check what the device read and what it maps. */
static void setup_buffer(struct buffer *b)
{
	size_t size = b->npages * page_size;
	struct hmm_dmirror_cmd cmd;
	unsigned long i, w, bad;
	unsigned char expect;
	unsigned char *snap;
	__u32 *mirror;
	char path[64];
	int fd, ret;

	snprintf(path, sizeof(path), "/dev/hmm_dmirror%d", b->device);
	fd = open(path, O_RDWR);
	if (fd < 0) {
		printf("# %s: %s, skipping %s\n", path, strerror(errno),
		       b->name);
		return;
	}
	b->ptr = mmap(NULL, size, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	mirror = malloc(size);
	snap = malloc(b->npages);
	if (b->ptr == MAP_FAILED || !mirror || !snap) {
		tap(0, "setup_%s", b->name);
		exit(1);
	}
	b->used = 1;
	for (w = 0; w < words(b); w++)
		b->ptr[w] = pattern(b, w);

	ret = dmirror(fd, HMM_DMIRROR_MIGRATE_TO_DEV, b->ptr, b->npages, mirror,
		      &cmd);
	printf("# %s: migrate to %s: %d, %llu of %lu pages\n", b->name, path,
	       ret, (unsigned long long)cmd.cpages, b->npages);
	tap(!ret && cmd.cpages == b->npages, "migrate_%s_to_device", b->name);
	for (w = 0, bad = 0; !ret && w < words(b); w++)
		bad += mirror[w] != pattern(b, w);
	tap(!ret && !bad, "device_read_back_%s", b->name);

	expect = (b->coherent ? HMM_DMIRROR_PROT_DEV_COHERENT_LOCAL :
				HMM_DMIRROR_PROT_DEV_PRIVATE_LOCAL) |
		 HMM_DMIRROR_PROT_WRITE;
	ret = dmirror(fd, HMM_DMIRROR_SNAPSHOT, b->ptr, b->npages, snap, &cmd);
	for (i = 0, bad = 0; !ret && i < b->npages; i++)
		bad += snap[i] != expect;
	tap(!ret && !bad, "%s_resident_on_device", b->name);
	if (!b->coherent)
		tap(present_pages(b->ptr, b->npages) == 0, "%s_not_in_cpu_page_table",
		    b->name);

	free(snap);
	free(mirror);
	/* an open file holds the module: it must go before the unload */
	close(fd);
}

static int wait_for(const char *path)
{
	struct timespec tick = { .tv_nsec = 50 * 1000 * 1000 };
	long i;

	for (i = 0; i < GO_TIMEOUT_S * 20L; i++) {
		if (!access(path, F_OK))
			return 0;
		nanosleep(&tick, NULL);
	}
	return -1;
}

/* The child shares private0 copy-on-write: its page table must be fixed too. */
static int child(const char *go)
{
	struct buffer *b = &buffers[0];

	if (wait_for(go))
		return 2;
	if (present_pages(b->ptr, b->npages) != (long)b->npages)
		return 3;
	if (check_data(b, 0))
		return 4;
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long i, w;
	int status, fd;
	pid_t pid;

	if (argc != 3) {
		fprintf(stderr, "usage: %s READY_FILE GO_FILE\n", argv[0]);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	page_size = sysconf(_SC_PAGESIZE);

	for (i = 0; i < ARRAY_SIZE(buffers); i++)
		setup_buffer(&buffers[i]);
	if (!buffers[0].used) {
		tap(0, "%s", "open_hmm_dmirror0");
		return 1;
	}

	pid = fork();
	if (pid < 0) {
		tap(0, "%s", "fork");
		return 1;
	}
	if (!pid)
		_exit(child(argv[2]));

	fd = open(argv[1], O_WRONLY | O_CREAT, 0644);
	if (fd >= 0)
		close(fd);
	printf("# ready: waiting for %s\n", argv[2]);
	if (wait_for(argv[2])) {
		tap(0, "%s", "go_signal");
		return 1;
	}

	for (i = 0; i < ARRAY_SIZE(buffers); i++) {
		struct buffer *b = &buffers[i];

		if (!b->used)
			continue;
		/* nothing touched the buffer yet: only the unload can have mapped it */
		if (!b->coherent)
			tap(present_pages(b->ptr, b->npages) == (long)b->npages,
			    "%s_evicted_to_cpu_page_table_by_unload", b->name);
		tap(check_data(b, 0) == 0, "%s_data_intact_after_unload",
		    b->name);
		for (w = 0; w < words(b); w++)
			b->ptr[w]++;
		tap(check_data(b, 1) == 0, "%s_writable_after_unload",
		    b->name);
	}

	if (waitpid(pid, &status, 0) != pid)
		status = -1;
	printf("# child status %#x\n", status);
	tap(WIFEXITED(status) && !WEXITSTATUS(status),
	    "%s_data_intact_in_forked_child", buffers[0].name);

	printf("1..%d\n", test_nr);
	return failed ? 1 : 0;
}
