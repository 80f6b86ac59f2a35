/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * devpriv_hello: the interface of /dev/devpriv_hello, shared by the driver
 * and its userspace program.
 */
#ifndef _DEVPRIV_HELLO_UAPI_H
#define _DEVPRIV_HELLO_UAPI_H

#include <linux/ioctl.h>
#include <linux/types.h>

/**
 * struct hello_migrate - HELLO_IOC_MIGRATE argument
 * @addr: in: page-aligned start of the buffer, in one private anonymous
 *	mapping of the caller
 * @npages: in: number of pages
 * @migrated: out: pages now in device memory
 * @verified: out: of those, pages whose device copy matched the system
 *	page it was made from
 */
struct hello_migrate {
	__u64 addr;
	__u64 npages;
	__u64 migrated;
	__u64 verified;
};

/* Move a buffer to device memory; touching it brings it back. */
#define HELLO_IOC_MIGRATE	_IOWR('h', 0x01, struct hello_migrate)

#endif /* _DEVPRIV_HELLO_UAPI_H */
