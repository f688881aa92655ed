#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Host test. What a gateway operator does with a checkout: dkms add, build
# for both supported kernels, install, remove. The module is not loaded
# here; the VM tests do that.
. "$(dirname "$0")/lib.sh"
need_root

ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$top/dkms.conf")
src=/usr/src/l2tpfast-$ver

if dkms status l2tpfast 2>/dev/null | grep -q .; then
	not_ok "no l2tpfast already registered with dkms"
	diag "$(dkms status l2tpfast)"
	diag "remove it first: dkms remove l2tpfast/$ver --all"
	done_tap
fi

cleanup() {
	dkms remove "l2tpfast/$ver" --all >/dev/null 2>&1
	rm -rf "$src"
	ns_cleanup
}
trap cleanup EXIT

# The tracked files, as a clean checkout has them.
rm -rf "$src"
mkdir -p "$src"
(cd "$top" && git ls-files -z | xargs -0 tar -cf - ) | tar -xf - -C "$src"

check "dkms add" dkms add "l2tpfast/$ver"
for series in "${L2TPFAST_SERIES[@]}"; do
	krel=$(kernel_release "$series")
	check "dkms build -k $krel" dkms build "l2tpfast/$ver" -k "$krel"
	check "dkms install -k $krel" dkms install "l2tpfast/$ver" -k "$krel"
	ko=$(ls /lib/modules/"$krel"/updates/dkms/l2tpfast.ko* 2>/dev/null | head -n1)
	expect "$krel: installed module has the right vermagic" "$krel" \
		"$(modinfo -F vermagic "$ko" 2>/dev/null | awk '{print $1}')"
	check "$krel: modprobe can resolve it (modules.dep)" \
		modprobe -S "$krel" --show-depends l2tpfast
done
check "dkms remove --all" dkms remove "l2tpfast/$ver" --all
for series in "${L2TPFAST_SERIES[@]}"; do
	krel=$(kernel_release "$series")
	check "$krel: module gone after remove" \
		bash -c "! ls /lib/modules/$krel/updates/dkms/l2tpfast.ko* 2>/dev/null"
done

done_tap
