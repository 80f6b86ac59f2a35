// SPDX-License-Identifier: GPL-2.0
/*
 * nouveau_svm shape: one hmm pfn, either a device page of this driver,
 * mapped by its device address, or a system page, mapped by its physical
 * address.  Only the decoder changes; page_to_phys() of the system branch
 * stays.
 */
#include <linux/hmm.h>
#include <linux/memremap.h>

unsigned long dsys_page_addr(struct page *page);

static u64 dsys_map(struct hmm_range *range)
{
	struct page *page;

	if (!(range->hmm_pfns[0] & HMM_PFN_VALID))
		return 0;
	page = hmm_pfn_to_page(range->hmm_pfns[0]);
	if (is_device_private_page(page))
		return dsys_page_addr(page) | 1;
	return page_to_phys(page) | 2;
}
