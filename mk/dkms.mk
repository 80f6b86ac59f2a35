# SPDX-License-Identifier: GPL-2.0
# The dkms scenario's artefacts: the Debian package, DKMS builds of
# devpriv.ko and of the example consumer (scripts/build-dkms.sh).
.PHONY: dkms-artifacts
vm-artifacts: dkms-artifacts
dkms-artifacts: kernel
	@scripts/build-dkms.sh
