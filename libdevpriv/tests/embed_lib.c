// SPDX-License-Identifier: GPL-2.0
/*
 * The library under test, linked into devpriv_kunit.ko as one translation
 * unit: nothing is exported, the suites call internal functions
 * (internal.h) of this very copy, and the hooks below reach the state the
 * library keeps static.
 */
#include "../embed.c"

#include "devpriv_test.h"

/**
 * dpt_set_placement() - choose the phys backend's window placement
 * @policy: "auto", "iomem" or "above"
 *
 * What writing the devpriv_placement module parameter does, for one test
 * case; an unknown policy is a bug of the test.
 */
void dpt_set_placement(const char *policy)
{
	WARN_ON(devpriv_placement_set(policy, NULL));
}

/**
 * dpt_fault_arm() - make the @nth next pass through @site fail, once
 * @site: the failure point
 * @nth: 1 for the very next pass
 *
 * What writing "<site> <nth>" to debugfs inject_fault does.
 */
void dpt_fault_arm(enum devpriv_fault_site site, unsigned int nth)
{
	atomic_set(&devpriv_fault_countdown[site], nth);
}

/**
 * dpt_fault_injected() - failures injected at a site so far
 * @site: the failure point
 *
 * Return: the count since the module was loaded.
 */
int dpt_fault_injected(enum devpriv_fault_site site)
{
	return atomic_read(&devpriv_fault_injected[site]);
}

/**
 * dpt_fault_disarm_all() - cancel every pending forced failure
 */
void dpt_fault_disarm_all(void)
{
	int site;

	for (site = 0; site < DEVPRIV_FAULT_NR; site++)
		atomic_set(&devpriv_fault_countdown[site], 0);
}

static int dpt_count_window(struct resource *res, void *arg)
{
	unsigned int *n = arg;

	(*n)++;
	return 0;
}

/**
 * dpt_phys_windows() - device-private windows of the system and this copy
 *
 * Counts the device-private memory ranges in iomem_resource (anyone's: the
 * walk does not see names) and this copy's windows above the CPU's physical
 * width (claimed from devpriv.ko's arbiter).
 *
 * Return: the number of windows.
 */
unsigned int dpt_phys_windows(void)
{
	unsigned int n = 0;

	walk_iomem_res_desc(IORES_DESC_DEVICE_PRIVATE_MEMORY, IORESOURCE_MEM,
			    0, iomem_resource.end, &n, dpt_count_window);
	return n + atomic_read(&devpriv_nr_above);
}
