// SPDX-License-Identifier: GPL-2.0
/*
 * devpriv_bench: libdevpriv against the stock device-private path
 *
 * DOC: bench module
 *
 * One module holds both contenders of every comparison, so that a single
 * VM run interleaves them round by round: timings under TCG mean nothing
 * across runs, only as ratios within one.  The library is embedded
 * (libdevpriv/embed.mk): the measured calls are the library's own, and
 * the allocator benchmark can reach devpriv_space_alloc() and friends
 * through libdevpriv/internal.h.
 *
 * Commands, one per write to /sys/kernel/debug/devpriv_bench/ctl (the
 * write returns once the benchmark has run, or fails with its errno):
 *
 *   register ROUNDS FULL_MIB SIZE_MIB...   registration cost (bench_register.c)
 *   hold lazy|upfront SIZE_MIB             keep one registration for inspection
 *   release                                drop it
 *   xlate ROUNDS NR_CHUNKS                 translation cost (bench_xlate.c)
 *   alloc ROUNDS SMALL LARGE REPS          offset allocation (bench_alloc.c)
 *   forgive DEVICE                         see bench_forgive()
 *
 * /sys/kernel/debug/devpriv_bench/results holds the lines the last command
 * produced ("BENCH ..." measurements and "# ..." comments).
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cdev.h>
#include <linux/debugfs.h>
#include <linux/device.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/kmemleak.h>
#include <linux/ktime.h>
#include <linux/memremap.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "internal.h"
#include "bench.h"

#define BENCH_OUT_SIZE		(256 * 1024)
#define BENCH_MAX_WORDS		12

unsigned long bench_sink;
int bench_owner;

static DEFINE_MUTEX(bench_lock);	/* one command at a time */
static char *bench_out_buf;
static size_t bench_out_len;	/* bytes used in bench_out_buf */
static bool bench_out_full;
static struct dentry *bench_dir;

#ifdef DEVPRIV_HAVE_PGMAP_FOLIO_FREE
static void bench_page_free(struct folio *folio)
{
	WARN_ONCE(1, "devpriv_bench: pages are never handed out\n");
}
#else
static void bench_page_free(struct page *page)
{
	WARN_ONCE(1, "devpriv_bench: pages are never handed out\n");
}
#endif

static vm_fault_t bench_migrate_to_ram(struct vm_fault *vmf)
{
	return VM_FAULT_SIGBUS;
}

const struct dev_pagemap_ops bench_pagemap_ops = {
	.devpriv_free_op = bench_page_free,
	.migrate_to_ram = bench_migrate_to_ram,
};

/**
 * bench_printf() - append text to the result buffer
 * @fmt: printf format
 *
 * Context: process context, with bench_lock held (any command).
 */
void bench_printf(const char *fmt, ...)
{
	size_t room = BENCH_OUT_SIZE - bench_out_len;
	va_list args;
	int n;

	va_start(args, fmt);
	n = vsnprintf(bench_out_buf + bench_out_len, room, fmt, args);
	va_end(args);
	if (n >= room) {
		/* drop the partial line */
		bench_out_buf[bench_out_len] = '\0';
		bench_out_full = true;
		return;
	}
	bench_out_len += n;
}

/**
 * bench_result() - report one measurement
 * @metric: what was measured, e.g. "reg_time"
 * @contender: who was measured, e.g. "lazy" or "upfront"
 * @param: the size of the problem (MiB, chunks, live regions)
 * @round: round number, from 0
 * @value: the measurement
 * @unit: its unit
 *
 * Context: process context, with bench_lock held.
 */
void bench_result(const char *metric, const char *contender,
		  unsigned long param, unsigned int round, u64 value,
		  const char *unit)
{
	bench_printf("BENCH %s %s %lu %u %llu %s\n", metric, contender, param,
		     round, value, unit);
}

static int bench_cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/**
 * bench_sort_u64() - sort an array of u64 in ascending order
 * @v: the array
 * @n: its length
 */
void bench_sort_u64(u64 *v, unsigned int n)
{
	sort(v, n, sizeof(*v), bench_cmp_u64, NULL);
}

/*
 * The kernel's own HMM test driver of 6.1 removes its devices with
 * cdev_device_del() and never drops the last device reference, so every
 * unload of test_hmm.ko leaves two objects per device behind -- the
 * device's name and its device_private -- that kmemleak then reports.
 * The migration benchmark has to load and unload the stock driver once per
 * round; this marks exactly those two objects of one of its devices as
 * known, before the unload, so that kmemleak keeps judging everything
 * else.  Refused for any device test_hmm does not own.
 */
static int bench_forgive(const char *path)
{
	struct device *dev;
	struct file *file;
	struct cdev *cdev;
	int err = 0;

	file = filp_open(path, O_RDONLY, 0);
	if (IS_ERR(file))
		return PTR_ERR(file);
	cdev = file_inode(file)->i_cdev;
	if (!cdev || !cdev->owner || strcmp(module_name(cdev->owner), "test_hmm") ||
	    !cdev->kobj.parent) {
		err = -EINVAL;
		goto out;
	}
	dev = kobj_to_dev(cdev->kobj.parent);
	kmemleak_not_leak(dev->kobj.name);
	kmemleak_not_leak(dev->p);
	bench_printf("# forgiven: name and device_private of %s\n",
		     dev_name(dev));
out:
	filp_close(file, NULL);
	return err;
}

static int bench_parse_ulongs(char **words, unsigned int n,
			      unsigned long *out)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (kstrtoul(words[i], 0, &out[i]))
			return -EINVAL;
	return 0;
}

static int bench_exec(char *cmd)
{
	unsigned long v[BENCH_MAX_WORDS];
	char *words[BENCH_MAX_WORDS];
	unsigned int n = 0;
	char *word;

	while ((word = strsep(&cmd, " \t")) != NULL) {
		if (!*word)
			continue;
		if (n == BENCH_MAX_WORDS)
			return -E2BIG;
		words[n++] = word;
	}
	if (!n)
		return -EINVAL;

	if (!strcmp(words[0], "register") && n >= 4) {
		if (bench_parse_ulongs(words + 1, n - 1, v))
			return -EINVAL;
		return bench_register(v[0], v[1], v + 2, n - 3);
	}
	if (!strcmp(words[0], "hold") && n == 3) {
		if (bench_parse_ulongs(words + 2, 1, v))
			return -EINVAL;
		if (strcmp(words[1], "lazy") && strcmp(words[1], "upfront"))
			return -EINVAL;
		return bench_hold(!strcmp(words[1], "lazy"), v[0]);
	}
	if (!strcmp(words[0], "release") && n == 1) {
		bench_release();
		return 0;
	}
	if (!strcmp(words[0], "xlate") && n == 3) {
		if (bench_parse_ulongs(words + 1, 2, v))
			return -EINVAL;
		return bench_xlate(v[0], v[1]);
	}
	if (!strcmp(words[0], "alloc") && n == 5) {
		if (bench_parse_ulongs(words + 1, 4, v))
			return -EINVAL;
		return bench_alloc(v[0], v[1], v[2], v[3]);
	}
	if (!strcmp(words[0], "forgive") && n == 2)
		return bench_forgive(words[1]);
	return -EINVAL;
}

static ssize_t bench_ctl_write(struct file *file, const char __user *ubuf,
			       size_t len, loff_t *ppos)
{
	char buf[160];
	u64 start;
	int err;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';

	mutex_lock(&bench_lock);
	bench_out_len = 0;
	bench_out_full = false;
	strim(buf);
	bench_printf("# command: %s\n", buf);
	pr_info("running: %s\n", buf);
	start = ktime_get_ns();
	err = bench_exec(buf);
	bench_printf("# status %d after %llu ms\n", err,
		     div_u64(ktime_get_ns() - start, NSEC_PER_MSEC));
	if (bench_out_full) {
		pr_err("result buffer overflowed\n");
		err = err ?: -ENOSPC;
	}
	pr_info("done (%d) in %llu ms\n", err,
		div_u64(ktime_get_ns() - start, NSEC_PER_MSEC));
	mutex_unlock(&bench_lock);
	return err ?: len;
}

static const struct file_operations bench_ctl_fops = {
	.owner = THIS_MODULE,
	.write = bench_ctl_write,
	.llseek = noop_llseek,
};

static ssize_t bench_results_read(struct file *file, char __user *ubuf,
				  size_t len, loff_t *ppos)
{
	ssize_t ret;

	mutex_lock(&bench_lock);
	ret = simple_read_from_buffer(ubuf, len, ppos, bench_out_buf,
				      bench_out_len);
	mutex_unlock(&bench_lock);
	return ret;
}

static const struct file_operations bench_results_fops = {
	.owner = THIS_MODULE,
	.read = bench_results_read,
	.llseek = default_llseek,
};

static int __init bench_init(void)
{
	bench_out_buf = kvzalloc(BENCH_OUT_SIZE, GFP_KERNEL);
	if (!bench_out_buf)
		return -ENOMEM;
	bench_dir = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_file("ctl", 0200, bench_dir, NULL, &bench_ctl_fops);
	debugfs_create_file("results", 0400, bench_dir, NULL,
			    &bench_results_fops);
	return 0;
}

static void __exit bench_exit(void)
{
	debugfs_remove(bench_dir);
	mutex_lock(&bench_lock);
	bench_release();
	mutex_unlock(&bench_lock);
	/* the embedded library has no exit of its own */
	devpriv_global_space_fini();
	kvfree(bench_out_buf);
}

module_init(bench_init);
module_exit(bench_exit);
MODULE_DESCRIPTION("libdevpriv benchmarks against the stock device-private path");
MODULE_LICENSE("GPL");
