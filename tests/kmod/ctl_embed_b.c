// SPDX-License-Identifier: GPL-2.0
/* devpriv_ctl with its own embedded copy of libdevpriv (embed-twice) */
#define DEVPRIV_CTL_EMBEDDED
#include "ctl.c"
