// SPDX-License-Identifier: GPL-2.0
/* The timed translation loops without KASAN (see bench_xlate_loops.c). */
#define BENCH_NOKASAN
#include "bench_xlate_loops.c"
