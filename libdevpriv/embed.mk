# SPDX-License-Identifier: GPL-2.0
#
# Link libdevpriv into a driver module: the whole library is compiled as
# one more object of the module (libdevpriv/embed.c) with nothing
# exported, so several drivers that embed it load side by side.  Declare
# the module as a composite object first, then include this file:
#
#   obj-m += mydrv.o
#   mydrv-y := main.o
#   include $(src)/<path to libdevpriv>/embed.mk

devpriv-embed := devpriv-embed-$(basename $(lastword $(obj-m))).o
$(basename $(lastword $(obj-m)))-y += $(devpriv-embed)

include $(dir $(lastword $(MAKEFILE_LIST)))devpriv.mk

CFLAGS_$(devpriv-embed) += -DDEVPRIV_EMBED -I$(devpriv-dir)/libdevpriv

$(obj)/$(devpriv-embed): $(devpriv-dir)/libdevpriv/embed.c FORCE
	$(call if_changed_rule,cc_o_c)

# kbuild derives KBUILD_MODNAME from the stem of its pattern rules; this
# explicit rule has none, so name the module the object is linked into
# (else debugfs and window names say devpriv_embed_<module>).
$(obj)/$(devpriv-embed): __modname := $(basename $(lastword $(obj-m)))
