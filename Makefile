# SPDX-License-Identifier: GPL-2.0
#
# libdevpriv top-level Makefile: builds the test kernel, the modules and the
# test artefacts, and runs the test stages.  The out-of-tree module itself
# is described by ./Kbuild (kbuild reads Kbuild before Makefile, so nothing
# here defines obj-m); modules are built with make -C $(KBUILD) M=$(CURDIR).
#
#   make demo         install deps, build, boot the stock baseline, summary
#   make check        every stage (scripts/check.sh), aggregate line
#   make help         all targets
#
# The kernel and the architecture are parameters: KVER=X.Y names Debian's
# linux-source-X.Y (default 6.1), ARCH=x86_64 (default) or arm64
# (cross-built, booted under qemu-system-aarch64).  make check runs every
# kernel of KERNELS, default all supported ones and 6.1 on arm64:
# "6.1 6.12 7.3 6.1/arm64".  Paths come from scripts/env.sh: KSRC (the
# source fetched from Debian's package and extracted into the cache),
# KBUILD (test kernel build dir), DEVPRIV_OUT (build/<kver>/<arch>: the
# module mirror tree, stock baseline), DEVPRIV_VM_OUT (build/vm/<kver>/<arch>:
# VM logs).  The cache lives in
# $(DEVPRIV_CACHE), default ~/.cache/libdevpriv; set DEVPRIV_CACHE in the
# environment to move it.

SHELL := /bin/bash

# Command-line variables reach the scripts through the environment.
export KVER ARCH KERNELS
# Recursively expanded: the kernel's version is known once it is fetched.
KBUILD = $(shell scripts/env.sh --print KBUILD)
# Scenarios for check-vm (names, space separated); empty: all of them.
SCENARIOS ?=
export SCENARIOS

.PHONY: all help deps kernel modules stock vm-artifacts \
	check check-static check-unit check-vm check-cocci \
	soak bench bench-smoke demo clean distclean env \
	install install-src install-module deb dkms-artifacts

all: modules

help:
	@echo "targets:"
	@echo "  deps          install the Debian packages (scripts/install-deps.sh; ARCH=arm64:"
	@echo "                also the cross toolchain and arm64 guest userspace)"
	@echo "  kernel        build the test kernel in the cache (scripts/build-test-kernel.sh)"
	@echo "  modules       build the library modules (./Kbuild) against the test kernel,"
	@echo "                in build/<kver>/<arch>/tree (scripts/build-modules.sh)"
	@echo "  stock         that kernel's own test_hmm.ko + hmm-tests in build/<kver>/<arch>/stock"
	@echo "  vm-artifacts  modules + stock + the VM initramfs"
	@echo "  check         check-unit; check-static, -cocci on each kernel of KERNELS; then"
	@echo "                check-vm on each (6.1/arm64 too) and bench-smoke, in one pool of VMs;"
	@echo "                ends with \"N passed, N failed\", exits non-zero on failure"
	@echo "  check-static  checkpatch, kernel-doc, sparse, W=1"
	@echo "  check-unit    userspace unit tests (tests/unit)"
	@echo "  check-vm      VM scenarios of KVER on ARCH (SCENARIOS=\"a b\" for a subset)"
	@echo "  check-cocci   Coccinelle ports: script parse, .c/.res cases, that kernel's drivers"
	@echo "  soak          the stress scenario with a soak of DURATION seconds (or OPS"
	@echo "                operations) on KVER; SEED=S replays a printed seed"
	@echo "  bench         benchmarks vs the stock path on the bench kernel (its own"
	@echo "                cached build; docs/benchmarks.md, build/bench/)"
	@echo "  bench-smoke   the benchmark pipeline with tiny sizes, on the test kernel"
	@echo "  demo          boot libdevpriv + the hello example and print a report"
	@echo "  env           print the build environment"
	@echo "  install       install-src, then install-module (DESTDIR=, PREFIX=/usr)"
	@echo "  install-src   sources, headers, Kbuild fragment, dkms.conf in"
	@echo "                \$$PREFIX/src/libdevpriv-<version> (scripts/install.sh)"
	@echo "  install-module  devpriv.ko for KDIR (default the running kernel's build tree)"
	@echo "                and its Module.symvers in \$$PREFIX/lib/libdevpriv-<version>/<release>"
	@echo "  deb           the libdevpriv-dkms Debian package, linted, in build/deb"
	@echo "parameters: KVER=6.1|6.12|7.3 (default 6.1), ARCH=x86_64|arm64 (default x86_64),"
	@echo "  KERNELS=\"6.1 6.12 7.3 6.1/arm64\" (make check), SCENARIOS=\"a b\" (check-vm),"
	@echo "  DURATION=SECONDS, OPS=N, SEED=S (soak)"
	@echo "  clean         remove build outputs of the repository (not the cache)"
	@echo "  distclean     clean, and remove this checkout's kernel build from the cache"

env:
	@scripts/env.sh --print-all

deps:
	@scripts/install-deps.sh

kernel:
	@scripts/build-test-kernel.sh

modules: kernel
	@scripts/build-modules.sh

stock: kernel
	@scripts/build-stock.sh

vm-artifacts: modules stock dkms-artifacts
	@tests/vm/mkinitramfs.sh >/dev/null

# The dkms scenario's artefacts: the Debian package, DKMS builds of
# devpriv.ko and of the example consumer.
dkms-artifacts: kernel
	@scripts/build-dkms.sh

check: deps
	@scripts/check.sh all

check-static:
	@scripts/check.sh static

check-unit:
	@scripts/check.sh unit

check-vm:
	@scripts/check.sh vm

check-cocci:
	@scripts/check.sh cocci

# The stress scenario (tests/vm/scenarios/stress.scn) with a long soak
# phase: its parameters reach the guest through DEVPRIV_VM_PARAMS
# (tests/vm/run-scenario.sh), which also adds them to its timeout.
soak: modules
	@if [ -z "$(DURATION)$(OPS)" ]; then \
		echo "make soak: DURATION=SECONDS (or OPS=N) is required" >&2; exit 2; \
	fi
	@DEVPRIV_VM_PARAMS="$(strip $(if $(DURATION),SOAK_SECONDS=$(DURATION)) \
		$(if $(OPS),SOAK_OPS=$(OPS)) $(if $(SEED),SEED=$(SEED)))" \
		tests/vm/run-scenario.sh stress

# make bench builds its own kernel, modules and stock baseline
# (scripts/bench.sh); the test kernel's are not needed.
bench: deps
	@scripts/bench.sh

bench-smoke: modules stock
	@scripts/bench.sh --smoke

demo: deps
	@scripts/demo.sh

# Installation for drivers built outside this tree (scripts/install.sh).
install: install-src install-module

install-src:
	@scripts/install.sh src

install-module: install-src
	@scripts/install.sh module

deb:
	@scripts/build-deb.sh

clean:
	@if [ -f tests/unit/Makefile ]; then \
		$(MAKE) -C tests/unit clean || echo "clean: tests/unit clean failed"; \
	fi
	rm -rf build

distclean: clean
	rm -rf $(KBUILD)
