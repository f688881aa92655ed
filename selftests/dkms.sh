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

# A registration this test made and did not get to remove (the run was
# killed) carries a marker in its source tree and is reclaimed; in CI the
# machine is ours. Anything else is an operator's install: leave it alone.
marker=.l2tpfast-selftest
if dkms status l2tpfast 2>/dev/null | grep -q .; then
	if [ -e "$src/$marker" ] || [ "${CI:-}" = true ]; then
		diag "reclaiming a stale registration: $(dkms status l2tpfast 2>/dev/null | tr '\n' ' ')"
		dkms remove "l2tpfast/$ver" --all >/dev/null 2>&1
		rm -rf "$src"
	fi
fi
if dkms status l2tpfast 2>/dev/null | grep -q .; then
	skip "dkms add/build/install/remove" \
		"l2tpfast is already registered with dkms ($(dkms status l2tpfast 2>/dev/null | head -n1)); remove it first: dkms remove l2tpfast/$ver --all"
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
touch "$src/$marker"

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
