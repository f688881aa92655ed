# SPDX-License-Identifier: GPL-2.0
#
# make                   module for the running kernel, and the userspace tools
# make KVERS=6.12.x...   module for another installed kernel (KDIR= for a tree)
# make check             every test: host tests, then each supported kernel in a VM
# make demo              boot a VM with the module loaded and show it working
# make install-swanctl   strongSwan's configuration into /etc/swanctl/conf.d
# make deps              install what building and testing need (Debian/Ubuntu, root)

KVERS ?= $(shell uname -r)
KDIR ?= /lib/modules/$(KVERS)/build
PREFIX ?= /usr/local

.PHONY: all kdir module userspace clean check check-host check-vm demo bench deps uapi \
	install install-module install-userspace install-swanctl

all: module userspace

module: kdir
	$(MAKE) -C $(KDIR) M=$(CURDIR) W=1 modules

kdir:
	@test -d $(KDIR) || { echo "no kernel build tree at $(KDIR):" \
		"apt-get install linux-headers-$(KVERS), or make KVERS=<one of:" \
		"$$(ls /lib/modules 2>/dev/null | tr '\n' ' ')>"; exit 1; }

userspace:
	$(MAKE) -C userspace

install: install-module install-userspace install-swanctl

install-module:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules_install
	depmod -a $(KVERS)

install-userspace:
	$(MAKE) -C userspace install PREFIX=$(PREFIX)

# strongSwan's configuration (README, "IPsec"): into swanctl's conf.d, but
# a file already there is the operator's and stays as it is (the secrets
# file most of all).
SWANCTL_DIR ?= /etc/swanctl/conf.d
SWANCTL_FILES = l2tpfast.conf l2tpfast-weak.inc l2tpfast-cert.inc l2tpfast-secrets.conf

install-swanctl:
	install -d -m 0755 $(DESTDIR)$(SWANCTL_DIR)
	@for f in $(SWANCTL_FILES); do \
		dst=$(DESTDIR)$(SWANCTL_DIR)/$$f; \
		mode=0644; case $$f in *secrets*) mode=0600 ;; esac; \
		if [ -e "$$dst" ]; then \
			echo "install-swanctl: $$dst exists, left as it is (new one: conf/swanctl/$$f)"; \
		else \
			echo "install -m $$mode conf/swanctl/$$f $$dst"; \
			install -m $$mode conf/swanctl/$$f "$$dst" || exit 1; \
		fi; \
	done

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
