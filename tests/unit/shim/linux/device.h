/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A device that is nothing but a list of managed release actions, enough
 * for the devm_ wrappers of libdevpriv.  devpriv_test_device_release()
 * plays the driver core's unbind: it runs the actions, last added first.
 */
#ifndef _DEVPRIV_SHIM_LINUX_DEVICE_H
#define _DEVPRIV_SHIM_LINUX_DEVICE_H

#include <linux/kernel.h>

struct devpriv_test_devres;

struct device {
	const char *name;
	struct devpriv_test_devres *devres;
	int numa_node;
};

/* zero-initialised test devices are on node 0, the only one */
static inline int dev_to_node(struct device *dev)
{
	return dev->numa_node;
}

int devm_add_action(struct device *dev, void (*action)(void *), void *data);
int devm_add_action_or_reset(struct device *dev, void (*action)(void *),
			     void *data);
void devm_release_action(struct device *dev, void (*action)(void *),
			 void *data);
void devpriv_test_device_release(struct device *dev);
unsigned int devpriv_test_device_nr_actions(struct device *dev);

#endif /* _DEVPRIV_SHIM_LINUX_DEVICE_H */
