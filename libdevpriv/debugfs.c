// SPDX-License-Identifier: GPL-2.0
/*
 * libdevpriv: debugfs and forced failures
 *
 * DOC: debugfs
 *
 * Every libdevpriv instance -- devpriv.ko or a driver that embeds the
 * library -- has a directory /sys/kernel/debug/devpriv/<module>/, created
 * with its first pagemap and removed with its last, because an embedded
 * copy has no init or exit of its own.  It holds:
 *
 * - ``bounds``: where the phys backend may place windows;
 * - ``space``: the instance's offset space: granules allocated, the
 *   high-water mark, and the memory of its offset table (8 bytes per 2 MiB
 *   granule up to the high-water mark, with the retired tables);
 * - ``inject_fault``: write "<site> <n>" to make the n-th next pass through
 *   <site> fail once (n defaults to 1); read it for the sites, the pending
 *   countdowns and how many failures were injected.  The kernel's
 *   fault_attr is probabilistic and needs CONFIG_FAULT_INJECTION; tests
 *   need "exactly this step, exactly once" on any kernel;
 * - ``pagemap<N>/info``: size, chunks, struct page bytes (populated and as
 *   if eager), base offset, registration and population time;
 * - ``pagemap<N>/windows``: one line per populated chunk and its backing.
 */

#include <linux/atomic.h>
#include <linux/debugfs.h>
#include <linux/kernel.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "internal.h"

static const char * const devpriv_fault_names[DEVPRIV_FAULT_NR] = {
	[DEVPRIV_FAULT_CHUNK_TABLE] = "chunk_table",
	[DEVPRIV_FAULT_SPACE] = "space",
	[DEVPRIV_FAULT_CHUNK_ALLOC] = "chunk_alloc",
	[DEVPRIV_FAULT_WINDOW_ALLOC] = "window_alloc",
	[DEVPRIV_FAULT_PLACE] = "place",
	[DEVPRIV_FAULT_MEMREMAP] = "memremap",
	[DEVPRIV_FAULT_EVICT_BATCH] = "evict_batch",
	[DEVPRIV_FAULT_COPY_TO_RAM] = "copy_to_ram",
};

static atomic_t devpriv_fault_countdown[DEVPRIV_FAULT_NR];
static atomic_t devpriv_fault_injected[DEVPRIV_FAULT_NR];

/**
 * devpriv_fault() - should this pass through @site fail?
 * @site: the failure point
 *
 * Context: any context.
 * Return: true once, when an armed countdown for @site reaches zero.
 */
bool devpriv_fault(enum devpriv_fault_site site)
{
	if (likely(!atomic_read(&devpriv_fault_countdown[site])))
		return false;
	/* only the call that takes the countdown from 1 to 0 fails */
	if (atomic_dec_if_positive(&devpriv_fault_countdown[site]) != 0)
		return false;
	atomic_inc(&devpriv_fault_injected[site]);
	return true;
}

static int devpriv_inject_show(struct seq_file *m, void *unused)
{
	int site;

	for (site = 0; site < DEVPRIV_FAULT_NR; site++)
		seq_printf(m, "%s pending %d injected %d\n",
			   devpriv_fault_names[site],
			   atomic_read(&devpriv_fault_countdown[site]),
			   atomic_read(&devpriv_fault_injected[site]));
	return 0;
}

static int devpriv_inject_open(struct inode *inode, struct file *file)
{
	return single_open(file, devpriv_inject_show, NULL);
}

static ssize_t devpriv_inject_write(struct file *file, const char __user *ubuf,
				    size_t len, loff_t *ppos)
{
	char buf[32], *args, *name;
	unsigned int nth = 1;
	int site;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	args = strim(buf);
	name = strsep(&args, " ");
	if (args && kstrtouint(skip_spaces(args), 0, &nth))
		return -EINVAL;
	site = match_string(devpriv_fault_names, DEVPRIV_FAULT_NR, name);
	if (site < 0)
		return site;
	atomic_set(&devpriv_fault_countdown[site], nth);
	return len;
}

static const struct file_operations devpriv_inject_fops = {
	.owner = THIS_MODULE,
	.open = devpriv_inject_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
	.write = devpriv_inject_write,
};

static int devpriv_bounds_show(struct seq_file *m, void *unused)
{
	devpriv_phys_show_bounds(m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(devpriv_bounds);

static int devpriv_space_file_show(struct seq_file *m, void *unused)
{
	devpriv_space_show(m, devpriv_global_space());
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(devpriv_space_file);

/* struct pages of a chunk: the backend maps whole granules */
static unsigned long devpriv_chunk_page_bytes(struct devpriv_chunk *chunk)
{
	return ALIGN(chunk->nr_pages, DEVPRIV_GRANULE_PAGES) *
	       sizeof(struct page);
}

static int devpriv_info_show(struct seq_file *m, void *unused)
{
	struct devpriv_pagemap *dpgmap = m->private;
	unsigned long c, bytes = 0;

	mutex_lock(&dpgmap->lock);
	for (c = 0; c < dpgmap->nr_chunks; c++)
		if (dpgmap->chunks[c])
			bytes += devpriv_chunk_page_bytes(dpgmap->chunks[c]);
	seq_printf(m, "backend: %s\n", dpgmap->backend->name);
	seq_printf(m, "mode: %s\n",
		   dpgmap->flags & DEVPRIV_EAGER ? "eager" : "lazy");
	seq_printf(m, "nr_pages: %lu\n", dpgmap->nr_pages);
	seq_printf(m, "size_bytes: %llu\n", (u64)dpgmap->nr_pages << PAGE_SHIFT);
	seq_printf(m, "chunk_bytes: %llu\n",
		   (u64)1 << (dpgmap->chunk_order + PAGE_SHIFT));
	seq_printf(m, "chunks: %lu\n", dpgmap->nr_chunks);
	seq_printf(m, "chunks_populated: %lu\n", dpgmap->nr_populated);
	seq_printf(m, "struct_page_bytes: %lu\n", bytes);
	seq_printf(m, "struct_page_bytes_eager: %lu\n",
		   ALIGN(dpgmap->nr_pages, DEVPRIV_GRANULE_PAGES) *
		   sizeof(struct page));
	seq_printf(m, "base_offset: %#lx\n", dpgmap->base);
	seq_printf(m, "init_ns: %llu\n", dpgmap->init_ns);
	seq_printf(m, "populate_ns: %llu\n", dpgmap->populate_ns);
	if (dpgmap->alloc_used)
		seq_printf(m, "pages_allocated: %lu\n",
			   READ_ONCE(dpgmap->nr_allocated));
	mutex_unlock(&dpgmap->lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(devpriv_info);

static int devpriv_windows_show(struct seq_file *m, void *unused)
{
	struct devpriv_pagemap *dpgmap = m->private;
	unsigned long c;

	mutex_lock(&dpgmap->lock);
	for (c = 0; c < dpgmap->nr_chunks; c++) {
		struct devpriv_chunk *chunk = dpgmap->chunks[c];

		if (!chunk)
			continue;
		seq_printf(m, "chunk %lu offset %#lx pages %lu ", c,
			   chunk->offset, chunk->nr_pages);
		if (dpgmap->backend->show)
			dpgmap->backend->show(m, chunk);
		seq_putc(m, '\n');
	}
	mutex_unlock(&dpgmap->lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(devpriv_windows);

static DEFINE_MUTEX(devpriv_debugfs_lock);
static struct dentry *devpriv_debugfs_dir;
static unsigned int devpriv_debugfs_users;
static unsigned int devpriv_debugfs_next_id;

/* The shared top directory outlives every instance: never removed. */
static struct dentry *devpriv_debugfs_top(void)
{
	struct dentry *top = debugfs_lookup("devpriv", NULL);

	if (!top) {
		top = debugfs_create_dir("devpriv", NULL);
		if (!IS_ERR(top))
			return top;
		/* another instance created it meanwhile */
		top = debugfs_lookup("devpriv", NULL);
		if (!top)
			return NULL;
	}
	dput(top);	/* debugfs keeps the directory itself pinned */
	return top;
}

/**
 * devpriv_debugfs_add() - show a newly registered pagemap in debugfs
 * @dpgmap: the pagemap
 *
 * Failures are ignored, as debugfs failures should be.
 *
 * Context: process context.
 */
void devpriv_debugfs_add(struct devpriv_pagemap *dpgmap)
{
	char name[24];

	mutex_lock(&devpriv_debugfs_lock);
	if (!devpriv_debugfs_users++) {
		devpriv_debugfs_dir = debugfs_create_dir(KBUILD_MODNAME,
							 devpriv_debugfs_top());
		debugfs_create_file("inject_fault", 0600, devpriv_debugfs_dir,
				    NULL, &devpriv_inject_fops);
		debugfs_create_file("bounds", 0400, devpriv_debugfs_dir, NULL,
				    &devpriv_bounds_fops);
		debugfs_create_file("space", 0400, devpriv_debugfs_dir, NULL,
				    &devpriv_space_file_fops);
	}
	snprintf(name, sizeof(name), "pagemap%u", devpriv_debugfs_next_id++);
	dpgmap->debugfs = debugfs_create_dir(name, devpriv_debugfs_dir);
	debugfs_create_file("info", 0400, dpgmap->debugfs, dpgmap,
			    &devpriv_info_fops);
	debugfs_create_file("windows", 0400, dpgmap->debugfs, dpgmap,
			    &devpriv_windows_fops);
	mutex_unlock(&devpriv_debugfs_lock);
}

/**
 * devpriv_debugfs_remove() - remove a pagemap from debugfs
 * @dpgmap: the pagemap
 *
 * Returns once no reader of its files is left.
 *
 * Context: process context.
 */
void devpriv_debugfs_remove(struct devpriv_pagemap *dpgmap)
{
	mutex_lock(&devpriv_debugfs_lock);
	debugfs_remove(dpgmap->debugfs);
	dpgmap->debugfs = NULL;
	if (!--devpriv_debugfs_users) {
		debugfs_remove(devpriv_debugfs_dir);
		devpriv_debugfs_dir = NULL;
	}
	mutex_unlock(&devpriv_debugfs_lock);
}
