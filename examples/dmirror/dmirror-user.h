/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers of the userspace halves of the dmirror scenarios
 * (dmirror-stress, dmirror-teardown, dmirror-thp): one HMM test uAPI
 * command, and what the CPU page table maps.
 */
#ifndef _DMIRROR_USER_H
#define _DMIRROR_USER_H

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/types.h>

/* The kernel's own uAPI of the HMM test driver, from the kernel source. */
#include <lib/test_hmm_uapi.h>

#define BIT_ULL(nr)		(1ULL << (nr))
/* /proc/self/pagemap: the page is mapped (Documentation/admin-guide/mm/pagemap.rst) */
#define DMIRROR_PM_PRESENT	BIT_ULL(63)

/* One uAPI command on [addr, +npages); 0 or -errno, @cmd as returned. */
static inline int dmirror(int fd, unsigned long request, void *addr,
			  unsigned long npages, void *ptr,
			  struct hmm_dmirror_cmd *cmd)
{
	memset(cmd, 0, sizeof(*cmd));
	cmd->addr = (uintptr_t)addr;
	cmd->ptr = (uintptr_t)ptr;
	cmd->npages = npages;
	while (ioctl(fd, request, cmd))
		if (errno != EINTR)
			return -errno;
	return 0;
}

/* Pages of [addr, +npages) the CPU page table maps, or -1. */
static inline long present_pages(const void *addr, unsigned long npages)
{
	off_t off = (uintptr_t)addr / sysconf(_SC_PAGESIZE) * sizeof(__u64);
	__u64 entries[64];
	unsigned long i, n;
	long present = 0;
	int fd;

	fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	while (npages) {
		n = npages < 64 ? npages : 64;
		if (pread(fd, entries, n * sizeof(__u64), off) !=
		    (ssize_t)(n * sizeof(__u64))) {
			present = -1;
			break;
		}
		for (i = 0; i < n; i++)
			present += !!(entries[i] & DMIRROR_PM_PRESENT);
		off += n * sizeof(__u64);
		npages -= n;
	}
	close(fd);
	return present;
}

#endif /* _DMIRROR_USER_H */
