# SPDX-License-Identifier: GPL-2.0
#
# The installed libdevpriv, for the Kbuild file of a driver built outside
# the library's tree.  Include it at the top of the Kbuild file of the
# module's directory (the M= directory: modpost reads KBUILD_EXTRA_SYMBOLS
# from there), then declare the module and pick how it gets the library:
#
#   include /usr/share/libdevpriv/libdevpriv.mk
#   obj-m += mydrv.o
#   mydrv-y := main.o
#   include $(DEVPRIV_DIR)/libdevpriv/devpriv.mk    # use devpriv.ko
#   include $(DEVPRIV_DIR)/libdevpriv/embed.mk      # or link it into mydrv.ko
#
# /usr/share/libdevpriv/libdevpriv.mk names the installed version; this
# file, <prefix>/src/libdevpriv-<version>/libdevpriv.mk, one version.
# It sets:
#   DEVPRIV_VERSION   the library's version (also DEVPRIV_VERSION and
#                     DEVPRIV_VERSION_CODE in the generated conftest header)
#   DEVPRIV_DIR       its installed sources and public headers (this
#                     file's directory)
#   DEVPRIV_SYMVERS   devpriv.ko's Module.symvers for the kernel being
#                     built for, added to KBUILD_EXTRA_SYMBOLS: DKMS's
#                     build ($(DEVPRIV_DKMS_TREE)/libdevpriv/<version>/
#                     <release>/<machine>/, DEVPRIV_DKMS_TREE defaulting to
#                     /var/lib/dkms), else make install's
#                     (<prefix>/lib/libdevpriv-<version>/<release>/); empty
#                     if neither exists, which only embedding drivers
#                     survive.  Set it to use another build.
# Each directory holding a Module.symvers also has the devpriv-conftest.h
# that build of devpriv.ko was compiled with.

DEVPRIV_DIR := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
DEVPRIV_VERSION := $(shell cat $(DEVPRIV_DIR)/VERSION)
DEVPRIV_DKMS_TREE ?= /var/lib/dkms
DEVPRIV_SYMVERS ?= $(firstword $(wildcard \
	$(DEVPRIV_DKMS_TREE)/libdevpriv/$(DEVPRIV_VERSION)/$(KERNELRELEASE)/$(UTS_MACHINE)/Module.symvers \
	$(abspath $(DEVPRIV_DIR)/../../lib)/libdevpriv-$(DEVPRIV_VERSION)/$(KERNELRELEASE)/Module.symvers))
KBUILD_EXTRA_SYMBOLS += $(DEVPRIV_SYMVERS)
