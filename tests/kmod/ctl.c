// SPDX-License-Identifier: GPL-2.0
/*
 * devpriv_ctl: drive libdevpriv from VM test scenarios
 *
 * A minimal libdevpriv user with no device behind it: scenarios register,
 * populate, check and unregister pagemaps of any size by writing commands
 * to /sys/kernel/debug/<module>/ctl, then read the library's own debugfs.
 * No page is ever handed to user space, so the ops only have to exist.
 *
 * Commands (one per write; the write fails with the library's errno):
 *
 *   register SLOT NR_PAGES CHUNK_ORDER lazy|eager
 *   populate SLOT FIRST_INDEX NR_PAGES
 *   check SLOT          every populated page translates back and forth,
 *                       and core mm's pgmap registry agrees
 *   unregister SLOT
 *
 * Reading ctl lists the registered slots.  Built three times: against
 * devpriv.ko, and twice with the library embedded (embed-twice scenario).
 */

#include <linux/debugfs.h>
#include <linux/kernel.h>
#include <linux/memremap.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include <devpriv/devpriv.h>

#define DEVPRIV_CTL_SLOTS	8

static struct devpriv_pagemap *devpriv_ctl_slots[DEVPRIV_CTL_SLOTS];
static DEFINE_MUTEX(devpriv_ctl_lock);	/* the slots */
static struct dentry *devpriv_ctl_dir;
static int devpriv_ctl_owner;		/* the owner cookie */

static void devpriv_ctl_page_free(struct page *page)
{
	WARN_ONCE(1, "devpriv_ctl: pages are never handed out\n");
}

static vm_fault_t devpriv_ctl_migrate_to_ram(struct vm_fault *vmf)
{
	return VM_FAULT_SIGBUS;
}

static const struct devpriv_pagemap_ops devpriv_ctl_ops = {
	.page_free = devpriv_ctl_page_free,
	.migrate_to_ram = devpriv_ctl_migrate_to_ram,
};

static int devpriv_ctl_register(unsigned int slot, unsigned long nr_pages,
				unsigned int chunk_order, bool eager)
{
	struct devpriv_pagemap *dpgmap;
	int err;

	if (devpriv_ctl_slots[slot])
		return -EBUSY;
	dpgmap = devpriv_kzalloc_obj(*dpgmap, GFP_KERNEL);
	if (!dpgmap)
		return -ENOMEM;
	dpgmap->devpriv_ops = &devpriv_ctl_ops;
	dpgmap->owner = &devpriv_ctl_owner;
	dpgmap->nr_pages = nr_pages;
	dpgmap->chunk_order = chunk_order;
	/* pages are only populated, never migrated to: nothing to copy */
	dpgmap->flags = (eager ? DEVPRIV_EAGER : 0) | DEVPRIV_SELF_EVICT;
	err = devpriv_memremap_pagemap(dpgmap, NUMA_NO_NODE);
	if (err) {
		kfree(dpgmap);
		return err;
	}
	devpriv_ctl_slots[slot] = dpgmap;
	return 0;
}

static void devpriv_ctl_unregister(unsigned int slot)
{
	devpriv_memunmap_pagemap(devpriv_ctl_slots[slot]);
	kfree(devpriv_ctl_slots[slot]);
	devpriv_ctl_slots[slot] = NULL;
}

/*
 * Does core mm's pgmap registry still say the page's pfn is its chunk's?
 * Another instance that mapped the same window and unwound would have
 * erased that entry.  Once per granule: one window never splits one.
 */
static bool devpriv_ctl_registered(struct page *page)
{
	struct dev_pagemap *pgmap;
	bool ok;

#ifdef DEVPRIV_HAVE_GET_DEV_PAGEMAP_2
	pgmap = get_dev_pagemap(page_to_pfn(page), NULL);
#else
	pgmap = get_dev_pagemap(page_to_pfn(page));
#endif
	ok = pgmap == devpriv_page_pgmap(page);
	if (pgmap)
		put_dev_pagemap(pgmap);
	return ok;
}

/* Every populated page must survive every round trip the API offers. */
static int devpriv_ctl_check(struct devpriv_pagemap *dpgmap)
{
	unsigned long i, seen = 0;

	for (i = 0; i < dpgmap->nr_pages; i++) {
		struct page *page = devpriv_index_to_page(dpgmap, i);

		if (!page)
			continue;
		if (devpriv_page_to_index(page) != i ||
		    devpriv_page_pagemap(page) != dpgmap ||
		    devpriv_offset_to_page(devpriv_page_to_offset(page)) != page ||
		    devpriv_page_to_offset(page) != dpgmap->base + i ||
		    !is_device_private_page(page) ||
		    devpriv_page_pgmap(page)->owner != &devpriv_ctl_owner ||
		    devpriv_migrate_pfn_to_page(devpriv_migrate_pfn(page)) != page ||
		    (!(i % DEVPRIV_GRANULE_PAGES) && !devpriv_ctl_registered(page))) {
			pr_err("devpriv_ctl: index %lu does not round-trip\n", i);
			return -EINVAL;
		}
		seen++;
		cond_resched();
	}
	pr_debug("devpriv_ctl: %lu populated pages round-trip\n", seen);
	return 0;
}

static int devpriv_ctl_exec(char *cmd)
{
	unsigned long a = 0, b = 0;
	unsigned int slot;
	char mode[8] = "";
	char verb[16];
	int n;

	n = sscanf(cmd, "%15s %u %lu %lu %7s", verb, &slot, &a, &b, mode);
	if (n < 2 || slot >= DEVPRIV_CTL_SLOTS)
		return -EINVAL;
	if (!strcmp(verb, "register") && n == 5)
		return devpriv_ctl_register(slot, a, b, !strcmp(mode, "eager"));
	if (!devpriv_ctl_slots[slot])
		return -ENOENT;
	if (!strcmp(verb, "populate") && n == 4)
		return devpriv_pagemap_populate(devpriv_ctl_slots[slot], a, b);
	if (!strcmp(verb, "check") && n == 2)
		return devpriv_ctl_check(devpriv_ctl_slots[slot]);
	if (!strcmp(verb, "unregister") && n == 2) {
		devpriv_ctl_unregister(slot);
		return 0;
	}
	return -EINVAL;
}

static ssize_t devpriv_ctl_write(struct file *file, const char __user *ubuf,
				 size_t len, loff_t *ppos)
{
	char buf[96];
	int err;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	mutex_lock(&devpriv_ctl_lock);
	err = devpriv_ctl_exec(strim(buf));
	mutex_unlock(&devpriv_ctl_lock);
	return err ?: len;
}

static int devpriv_ctl_show(struct seq_file *m, void *unused)
{
	unsigned int slot;

	mutex_lock(&devpriv_ctl_lock);
	for (slot = 0; slot < DEVPRIV_CTL_SLOTS; slot++) {
		struct devpriv_pagemap *dpgmap = devpriv_ctl_slots[slot];

		if (dpgmap)
			seq_printf(m, "%u nr_pages %lu base %#lx\n", slot,
				   dpgmap->nr_pages, dpgmap->base);
	}
	mutex_unlock(&devpriv_ctl_lock);
	return 0;
}

static int devpriv_ctl_open(struct inode *inode, struct file *file)
{
	return single_open(file, devpriv_ctl_show, NULL);
}

static const struct file_operations devpriv_ctl_fops = {
	.owner = THIS_MODULE,
	.open = devpriv_ctl_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
	.write = devpriv_ctl_write,
};

static int __init devpriv_ctl_init(void)
{
	devpriv_ctl_dir = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_file("ctl", 0600, devpriv_ctl_dir, NULL,
			    &devpriv_ctl_fops);
	return 0;
}

static void __exit devpriv_ctl_exit(void)
{
	unsigned int slot;

	debugfs_remove(devpriv_ctl_dir);
	for (slot = 0; slot < DEVPRIV_CTL_SLOTS; slot++)
		if (devpriv_ctl_slots[slot])
			devpriv_ctl_unregister(slot);
}

module_init(devpriv_ctl_init);
module_exit(devpriv_ctl_exit);
MODULE_DESCRIPTION("libdevpriv test control");
MODULE_LICENSE("GPL");
#ifndef DEVPRIV_CTL_EMBEDDED
MODULE_IMPORT_NS(DEVPRIV);
#endif
