/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Macros spatch cannot parse from their uses alone, passed to every spatch
 * run of scripts/devpriv-port with --macro-file (in addition to
 * coccinelle's standard.h).  Only the shape matters: each loop-like macro
 * that takes a block is declared as a loop so that the block parses.
 *
 * drm_exec_until_all_locked(exec) { ... }		(amdkfd kfd_svm.c, 6.12 on)
 * xe_validation_guard(ctx, val, exec, flags, ret) { ... }	(Xe, 7.3:
 *	its flags argument is a compound literal with an empty initializer)
 */
#define drm_exec_until_all_locked(exec) for (;;)
#define xe_validation_guard(_ctx, _val, _exec, _flags, _ret) for (;;)
