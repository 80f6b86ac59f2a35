// SPDX-License-Identifier: GPL-2.0
/*
 * The registration result is tested with IS_ERR() and returned with
 * PTR_ERR() without an error variable: the pointer is kept and the
 * devpriv result wrapped in ERR_PTR(), which IS_ERR() reads the same way.
 */
#include <linux/memremap.h>

struct acc_mem {
	struct dev_pagemap pgmap;
};

static const struct dev_pagemap_ops acc_ops;

int acc_mem_register(struct acc_mem *m, u64 size)
{
	struct resource *res;
	void *p;

	res = request_free_mem_region(&iomem_resource, size, "acc");
	if (IS_ERR(res))
		return PTR_ERR(res);
	m->pgmap.type = MEMORY_DEVICE_PRIVATE;
	m->pgmap.range.start = res->start;
	m->pgmap.range.end = res->end;
	m->pgmap.nr_range = 1;
	m->pgmap.ops = &acc_ops;
	m->pgmap.owner = m;
	p = memremap_pages(&m->pgmap, NUMA_NO_NODE);
	if (IS_ERR(p))
		return PTR_ERR(p);
	return 0;
}

void acc_mem_unregister(struct acc_mem *m)
{
	memunmap_pages(&m->pgmap);
	release_mem_region(m->pgmap.range.start,
			   m->pgmap.range.end - m->pgmap.range.start + 1);
}
