# SPDX-License-Identifier: GPL-2.0
#
# make                   module for the running kernel, and the userspace tools
# make KVERS=6.12.x...   module for another installed kernel (KDIR= for a tree)
# make check             every test: host tests, then each supported kernel in a VM
# make demo              boot a VM with the module loaded and show it working
# make deps              install what building and testing need (Debian/Ubuntu, root)

KVERS ?= $(shell uname -r)
KDIR ?= /lib/modules/$(KVERS)/build
PREFIX ?= /usr/local

.PHONY: all kdir module userspace clean check check-host check-vm demo bench deps uapi \
	install install-module install-userspace

all: module userspace

module: kdir
	$(MAKE) -C $(KDIR) M=$(CURDIR) W=1 modules

kdir:
	@test -d $(KDIR) || { echo "no kernel build tree at $(KDIR):" \
		"apt-get install linux-headers-$(KVERS), or make KVERS=<one of:" \
		"$$(ls /lib/modules 2>/dev/null | tr '\n' ' ')>"; exit 1; }

userspace:
	$(MAKE) -C userspace

install: install-module install-userspace

install-module:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules_install
	depmod -a $(KVERS)

install-userspace:
	$(MAKE) -C userspace install PREFIX=$(PREFIX)

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	$(MAKE) -C userspace clean
	rm -rf build

deps:
	scripts/deps install

uapi:
	scripts/gen-netlink

check:
	scripts/deps ensure
	selftests/run-all

demo:
	scripts/deps ensure
	scripts/demo

bench:
	scripts/deps ensure
	bench/run
