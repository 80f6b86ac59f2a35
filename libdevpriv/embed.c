// SPDX-License-Identifier: GPL-2.0
/*
 * The whole library as one translation unit, for modules that link it in
 * instead of using devpriv.ko: drivers (through libdevpriv/embed.mk) and
 * the KUnit module.  With DEVPRIV_EMBED nothing is exported, so every copy
 * stays private to the module that carries it and several can be loaded
 * side by side.
 */
#ifndef DEVPRIV_EMBED
#define DEVPRIV_EMBED
#endif

#include "space.c"
#include "pagemap.c"
#include "alloc.c"
#include "encode.c"
#include "backend_phys.c"
#include "debugfs.c"
