// SPDX-License-Identifier: GPL-2.0
/*
 * Decoders take any entry, system or device: always converted, also in a
 * file that registers no pagemap (a mirror-only user of hmm_range_fault).
 */
#include <linux/hmm.h>
#include <linux/migrate.h>

static int dc_collect(struct hmm_range *range, struct page **pages,
		      unsigned long npages)
{
	unsigned long i;

	for (i = 0; i < npages; i++) {
		if (!(range->hmm_pfns[i] & HMM_PFN_VALID))
			return -EFAULT;
		pages[i] = hmm_pfn_to_page(range->hmm_pfns[i]);
	}
	return 0;
}

static struct page *dc_src_page(struct migrate_vma *args, unsigned long i)
{
	return migrate_pfn_to_page(args->src[i]);
}
