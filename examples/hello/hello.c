// SPDX-License-Identifier: GPL-2.0
/*
 * devpriv_hello: the smallest honest driver with device-private memory
 *
 * DOC: hello example
 *
 * The driver registers 256 MiB of device-private memory with libdevpriv
 * (lazy: offsets only, no struct pages, no physical address space),
 * populates one 2 MiB chunk of it, and fakes the device memory of that
 * chunk with a vmalloc buffer: device page index i lives at
 * vram + i * PAGE_SIZE.
 *
 * /dev/devpriv_hello has one ioctl, HELLO_IOC_MIGRATE: the caller's buffer
 * moves to device pages (migrate_vma_setup/pages/finalize) and the driver
 * checks that each device copy matches the system page it replaced.  When
 * the program touches the buffer again, the CPU faults and
 * hello_migrate_to_ram() brings each page back.  Unloading the module
 * with pages still on the device lets libdevpriv evict them through
 * hello_copy_to_ram().
 *
 * /sys/kernel/debug/devpriv_hello/stats reports the pagemap size, the
 * chunks populated, the struct page memory that cost, and the pages that
 * moved each way.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitmap.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/highmem.h>
#include <linux/ktime.h>
#include <linux/migrate.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include <devpriv/devpriv.h>

#include "hello_uapi.h"

#define HELLO_DEVMEM_MIB	256
#define HELLO_CHUNK_ORDER	DEVPRIV_MIN_CHUNK_ORDER
/* pages per migrate_vma call: small enough for the stack */
#define HELLO_BATCH		16

/**
 * struct hello_device - the one device of this driver
 * @dpgmap: its device-private memory
 * @usable: pages of @dpgmap with struct pages: the populated chunk
 * @vram: contents of the @usable device pages
 * @used: which of the @usable pages are allocated
 * @misc: /dev/devpriv_hello
 * @debugfs: devpriv_hello/ in debugfs
 * @populate_ns: time devpriv_pagemap_populate() took for the chunk
 * @to_device: pages migrated to the device
 * @to_ram: pages migrated back on CPU faults
 * @evicted: pages evicted when the pagemap was unregistered
 * @resident: device pages allocated now
 */
struct hello_device {
	struct devpriv_pagemap dpgmap;
	unsigned long usable;
	void *vram;
	unsigned long *used;
	struct miscdevice misc;
	struct dentry *debugfs;
	u64 populate_ns;
	atomic_long_t to_device;
	atomic_long_t to_ram;
	atomic_long_t evicted;
	atomic_long_t resident;
};

static struct hello_device hello;

static void *hello_vram(struct page *page)
{
	return hello.vram + (devpriv_page_to_index(page) << PAGE_SHIFT);
}

/* A free device page, locked and referenced as migrate_vma wants it. */
static struct page *hello_alloc_page(void)
{
	struct page *page;
	unsigned long i;

	do {
		i = find_first_zero_bit(hello.used, hello.usable);
		if (i >= hello.usable)
			return NULL;
	} while (test_and_set_bit(i, hello.used));

	page = devpriv_index_to_page(&hello.dpgmap, i);
	devpriv_zone_device_page_init(page);
	atomic_long_inc(&hello.resident);
	return page;
}

static void hello_page_free(struct page *page)
{
	clear_bit(devpriv_page_to_index(page), hello.used);
	atomic_long_dec(&hello.resident);
}

static vm_fault_t hello_migrate_to_ram(struct vm_fault *vmf)
{
	unsigned long src = 0, dst = 0;
	struct migrate_vma args = {
		.vma = vmf->vma,
		.start = vmf->address,
		.end = vmf->address + PAGE_SIZE,
		.src = &src,
		.dst = &dst,
		.pgmap_owner = &hello,
		.flags = MIGRATE_VMA_SELECT_DEVICE_PRIVATE,
		.fault_page = vmf->page,
	};
	struct page *spage, *dpage;
	vm_fault_t ret = 0;

	if (migrate_vma_setup(&args))
		return VM_FAULT_SIGBUS;
	spage = devpriv_migrate_pfn_to_page(src);
	if (spage && (src & MIGRATE_PFN_MIGRATE)) {
		dpage = alloc_page_vma(GFP_HIGHUSER_MOVABLE, vmf->vma,
				       vmf->address);
		if (dpage) {
			lock_page(dpage);
			memcpy_to_page(dpage, 0, hello_vram(spage), PAGE_SIZE);
			dst = migrate_pfn(page_to_pfn(dpage)) |
			      (src & MIGRATE_PFN_WRITE);
			atomic_long_inc(&hello.to_ram);
		} else {
			ret = VM_FAULT_OOM;
		}
	}
	migrate_vma_pages(&args);
	migrate_vma_finalize(&args);
	return ret;
}

static const struct devpriv_pagemap_ops hello_ops = {
	.page_free = hello_page_free,
	.migrate_to_ram = hello_migrate_to_ram,
};

/*
 * libdevpriv evicts resident pages when the pagemap is unregistered.  A
 * real device would return an error here when its copy engine fails.
 */
static int hello_copy_to_ram(struct devpriv_pagemap *dpgmap,
			     struct page **src, struct page **dst,
			     unsigned long npages)
{
	unsigned long i;

	for (i = 0; i < npages; i++) {
		if (!dst[i])
			continue;
		memcpy_to_page(dst[i], 0, hello_vram(src[i]), PAGE_SIZE);
		atomic_long_inc(&hello.evicted);
	}
	return 0;
}

/* Copy the collected system pages to new device pages. */
static void hello_copy_to_device(struct migrate_vma *args)
{
	unsigned long i;

	for (i = 0; i < args->npages; i++) {
		struct page *spage = migrate_pfn_to_page(args->src[i]);
		struct page *dpage;

		if (!(args->src[i] & MIGRATE_PFN_MIGRATE))
			continue;
		dpage = hello_alloc_page();
		if (!dpage)
			return;
		/* no source page: never touched (or the zero page) */
		if (spage)
			memcpy_from_page(hello_vram(dpage), spage, 0, PAGE_SIZE);
		else
			memset(hello_vram(dpage), 0, PAGE_SIZE);
		args->dst[i] = devpriv_migrate_pfn(dpage);
		if ((args->src[i] & MIGRATE_PFN_WRITE) ||
		    (!spage && (args->vma->vm_flags & VM_WRITE)))
			args->dst[i] |= MIGRATE_PFN_WRITE;
	}
}

/*
 * After migrate_vma_pages() the CPU page table points at the device
 * pages, and the source pages are still intact until finalize: compare.
 */
static void hello_check_device_copy(struct migrate_vma *args,
				    struct hello_migrate *req)
{
	unsigned long i;

	for (i = 0; i < args->npages; i++) {
		struct page *spage = migrate_pfn_to_page(args->src[i]);
		struct page *dpage = devpriv_migrate_pfn_to_page(args->dst[i]);
		void *vaddr;
		bool same;

		if (!dpage || !(args->src[i] & MIGRATE_PFN_MIGRATE))
			continue;
		req->migrated++;
		if (spage) {
			vaddr = kmap_local_page(spage);
			same = !memcmp(vaddr, hello_vram(dpage), PAGE_SIZE);
			kunmap_local(vaddr);
		} else {
			same = !memchr_inv(hello_vram(dpage), 0, PAGE_SIZE);
		}
		req->verified += same;
	}
}

static int hello_migrate(struct hello_migrate *req)
{
	unsigned long src[HELLO_BATCH], dst[HELLO_BATCH];
	struct mm_struct *mm = current->mm;
	unsigned long start = req->addr;
	unsigned long end = start + (req->npages << PAGE_SHIFT);
	unsigned long addr, next;
	int ret = 0;

	if ((start & ~PAGE_MASK) || !req->npages || req->npages > hello.usable ||
	    end <= start)
		return -EINVAL;
	req->migrated = 0;
	req->verified = 0;

	mmap_read_lock(mm);
	for (addr = start; addr < end; addr = next) {
		struct vm_area_struct *vma = vma_lookup(mm, addr);
		struct migrate_vma args = {
			.vma = vma,
			.src = src,
			.dst = dst,
			.start = addr,
			.pgmap_owner = &hello,
			.flags = MIGRATE_VMA_SELECT_SYSTEM,
		};

		if (!vma || !vma_is_anonymous(vma)) {
			ret = -EINVAL;
			break;
		}
		next = min3(end, addr + HELLO_BATCH * PAGE_SIZE, vma->vm_end);
		args.end = next;
		ret = migrate_vma_setup(&args);
		if (ret)
			break;
		hello_copy_to_device(&args);
		migrate_vma_pages(&args);
		hello_check_device_copy(&args, req);
		migrate_vma_finalize(&args);
	}
	mmap_read_unlock(mm);
	atomic_long_add(req->migrated, &hello.to_device);
	pr_info("%llu of %llu pages moved to device memory, %llu device copies verified\n",
		req->migrated, req->npages, req->verified);
	return ret;
}

static long hello_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	void __user *uarg = (void __user *)arg;
	struct hello_migrate req;
	int ret;

	if (cmd != HELLO_IOC_MIGRATE)
		return -ENOTTY;
	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	ret = hello_migrate(&req);
	if (ret)
		return ret;
	return copy_to_user(uarg, &req, sizeof(req)) ? -EFAULT : 0;
}

static const struct file_operations hello_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = hello_ioctl,
};

static int hello_stats_show(struct seq_file *m, void *unused)
{
	unsigned long chunk_pages = 1UL << hello.dpgmap.chunk_order;
	unsigned long nr_chunks = DIV_ROUND_UP(hello.dpgmap.nr_pages,
					       chunk_pages);
	unsigned long populated = hello.usable / chunk_pages;

	seq_printf(m, "pagemap:            %lu MiB (%lu pages) at device-private offset %#lx\n",
		   hello.dpgmap.nr_pages >> (20 - PAGE_SHIFT),
		   hello.dpgmap.nr_pages, hello.dpgmap.base);
	seq_printf(m, "chunk:              %lu KiB (%lu pages)\n",
		   chunk_pages << (PAGE_SHIFT - 10), chunk_pages);
	seq_printf(m, "chunks populated:   %lu of %lu\n", populated, nr_chunks);
	seq_printf(m, "struct page bytes:  %zu (all chunks: %zu)\n",
		   hello.usable * sizeof(struct page),
		   hello.dpgmap.nr_pages * sizeof(struct page));
	seq_printf(m, "populate time:      %llu us\n",
		   div_u64(hello.populate_ns, NSEC_PER_USEC));
	seq_printf(m, "pages to device:    %ld\n",
		   atomic_long_read(&hello.to_device));
	seq_printf(m, "pages to ram:       %ld (CPU faults)\n",
		   atomic_long_read(&hello.to_ram));
	seq_printf(m, "pages evicted:      %ld\n",
		   atomic_long_read(&hello.evicted));
	seq_printf(m, "pages resident:     %ld\n",
		   atomic_long_read(&hello.resident));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(hello_stats);

static int __init hello_init(void)
{
	u64 start;
	int err;

	hello.dpgmap.devpriv_ops = &hello_ops;
	hello.dpgmap.owner = &hello;
	hello.dpgmap.copy_to_ram = hello_copy_to_ram;
	hello.dpgmap.nr_pages = HELLO_DEVMEM_MIB << (20 - PAGE_SHIFT);
	hello.dpgmap.chunk_order = HELLO_CHUNK_ORDER;
	err = devpriv_memremap_pagemap(&hello.dpgmap, NUMA_NO_NODE);
	if (err)
		return err;

	/* struct pages for the first chunk only */
	start = ktime_get_ns();
	err = devpriv_pagemap_populate(&hello.dpgmap, 0,
				       1UL << HELLO_CHUNK_ORDER);
	hello.populate_ns = ktime_get_ns() - start;
	if (err)
		goto err_unmap;
	hello.usable = 1UL << HELLO_CHUNK_ORDER;

	err = -ENOMEM;
	hello.vram = vzalloc(hello.usable << PAGE_SHIFT);
	if (!hello.vram)
		goto err_unmap;
	hello.used = bitmap_zalloc(hello.usable, GFP_KERNEL);
	if (!hello.used)
		goto err_vram;

	hello.debugfs = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_file("stats", 0444, hello.debugfs, NULL,
			    &hello_stats_fops);

	hello.misc.minor = MISC_DYNAMIC_MINOR;
	hello.misc.name = KBUILD_MODNAME;
	hello.misc.fops = &hello_fops;
	err = misc_register(&hello.misc);
	if (err)
		goto err_debugfs;

	pr_info("%u MiB of device-private memory, 1 of %lu chunks populated (%lu KiB of struct pages, %llu us)\n",
		HELLO_DEVMEM_MIB, hello.dpgmap.nr_pages >> HELLO_CHUNK_ORDER,
		(hello.usable * sizeof(struct page)) >> 10,
		div_u64(hello.populate_ns, NSEC_PER_USEC));
	return 0;

err_debugfs:
	debugfs_remove_recursive(hello.debugfs);
	bitmap_free(hello.used);
err_vram:
	vfree(hello.vram);
err_unmap:
	devpriv_memunmap_pagemap(&hello.dpgmap);
	return err;
}

static void __exit hello_exit(void)
{
	misc_deregister(&hello.misc);
	debugfs_remove_recursive(hello.debugfs);
	/* pages still on the device come back through hello_copy_to_ram() */
	devpriv_memunmap_pagemap(&hello.dpgmap);
	pr_info("unloaded: %ld pages went to the device, %ld came back on faults, %ld were evicted\n",
		atomic_long_read(&hello.to_device),
		atomic_long_read(&hello.to_ram),
		atomic_long_read(&hello.evicted));
	bitmap_free(hello.used);
	vfree(hello.vram);
}

module_init(hello_init);
module_exit(hello_exit);
MODULE_DESCRIPTION("Minimal device-private memory driver on libdevpriv");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(DEVPRIV);
