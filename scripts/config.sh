# SPDX-License-Identifier: GPL-2.0
# Sourced by scripts/ and selftests/: the supported kernels and tool pins.

# Debian 12's kernel series l2tpfast supports: 6.1 (linux-image-amd64) and
# the 6.12 series (linux-image-6.12-amd64, releases 6.12.N+deb12-amd64).
L2TPFAST_SERIES=(6.1 6.12)
# The series scripts/debug-kernel builds its KASAN/kmemleak/lockdep kernel
# from (linux-source-6.12): make check leaves some tests to it on that series.
L2TPFAST_DEBUG_SERIES=6.12
L2TPFAST_VNG_VERSION=1.42
L2TPFAST_VENV=${L2TPFAST_VENV:-$top/build/venv}
# vng options for every guest of ours: no udev rules in the guest
# (scripts/guest-udev-rules.d/README: minutes of boot under TCG saved).
L2TPFAST_VNG_QUICK=(--rodir "/usr/lib/udev/rules.d=$top/scripts/guest-udev-rules.d")

# Newest installed release of a series that has both image and headers.
kernel_release() {
	local series=$1 pattern r best=
	case $series in
	6.1) pattern='6.1.*-amd64' ;;
	6.12) pattern='6.12.*+deb12-amd64' ;;
	*) return 1 ;;
	esac
	for r in $(cd /boot 2>/dev/null && ls -d vmlinuz-$pattern 2>/dev/null |
		   sed 's/^vmlinuz-//' | sort -V); do
		[ -d "/lib/modules/$r/build" ] && best=$r
	done
	echo "$best"
}

kernel_source() {
	echo "/usr/src/linux-source-$1"
}

# The series a release belongs to (6.1.0-56-amd64 -> 6.1).
kernel_series() {
	case $1 in
	6.1.*) echo 6.1 ;;
	6.12.*) echo 6.12 ;;
	*) echo "${1%%-*}" ;;
	esac
}

# build_module KREL: l2tpfast.ko for that kernel in build/KREL (kbuild builds
# in place, so each kernel gets its own copy of the sources), and the
# modules index of that kernel with l2tpfast in updates/ (build/KREL/modroot),
# made here rather than by depmod in a guest: under TCG depmod spends two
# minutes unpacking every .ko.xz. scripts/guest-install puts both in place.
build_module() {
	local krel=$1 dir=$top/build/$1
	local mods=$top/build/$1/modroot/lib/modules/$1
	rm -rf "$dir"
	mkdir -p "$dir" "$mods/updates"
	cp -r "$top/Kbuild" "$top/kernel" "$top/include" "$dir/"
	make -C "/lib/modules/$krel/build" M="$dir" W=1 modules || return 1
	cp -rs "/lib/modules/$krel/kernel" "$mods/"
	cp "/lib/modules/$krel"/modules.{order,builtin,builtin.modinfo} "$mods/"
	cp "$dir/l2tpfast.ko" "$mods/updates/"
	depmod -b "$dir/modroot" "$krel"
}
