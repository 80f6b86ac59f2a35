# SPDX-License-Identifier: GPL-2.0
#
# Use libdevpriv from a driver's Kbuild.  Declare the module as a composite
# object first, then include this file (or embed.mk, to link the library
# into the module instead of using devpriv.ko):
#
#   obj-m += mydrv.o
#   mydrv-y := main.o migrate.o
#   include $(src)/<path to libdevpriv>/devpriv.mk
#
# It adds the public headers to the include path and generates
# $(obj)/generated/devpriv-conftest.h, the capability macros of the kernel
# being built for (conftest.sh) and the library's version (DEVPRIV_VERSION,
# DEVPRIV_VERSION_CODE; the VERSION file), before any of the module's
# objects.  It may be included once per module of a directory.

devpriv-dir := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))..)
devpriv-module := $(basename $(lastword $(obj-m)))
devpriv-conftest := $(obj)/generated/devpriv-conftest.h

ifndef devpriv-conftest-rule
devpriv-conftest-rule := y

ccflags-y += -I$(devpriv-dir)/include -I$(obj)/generated

devpriv-version := $(shell cat $(devpriv-dir)/VERSION)

filechk_devpriv_conftest = DEVPRIV_VERSION=$(devpriv-version) \
	$(CONFIG_SHELL) $(devpriv-dir)/libdevpriv/conftest.sh \
	$(CC) $(NOSTDINC_FLAGS) $(LINUXINCLUDE) \
	-include $(srctree)/include/linux/compiler_types.h \
	$(KBUILD_CPPFLAGS) $(KBUILD_CFLAGS) $(KBUILD_CFLAGS_MODULE) -DMODULE \
	-DKBUILD_MODNAME='"devpriv_conftest"'

$(devpriv-conftest): $(devpriv-dir)/libdevpriv/conftest.sh FORCE
	$(call filechk,devpriv_conftest)
endif

$(addprefix $(obj)/,$($(devpriv-module)-y)): $(devpriv-conftest)
