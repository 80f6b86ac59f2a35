/* SPDX-License-Identifier: GPL-2.0 */
/* msleep() for the libdevpriv unit tests: a real sleep, which may yield. */
#ifndef _DEVPRIV_SHIM_LINUX_DELAY_H
#define _DEVPRIV_SHIM_LINUX_DELAY_H

#include <unistd.h>

#define msleep(ms)		usleep((ms) * 1000U)

#endif /* _DEVPRIV_SHIM_LINUX_DELAY_H */
