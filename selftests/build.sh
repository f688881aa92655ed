#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Host test. The module builds with W=1 and no warning for every supported
# kernel; checkpatch --strict from each kernel's source is clean on every
# kernel file; the userspace C builds with -Werror and is cppcheck clean.
. "$(dirname "$0")/lib.sh"

kfiles=$(cd "$top" && git ls-files 'kernel/*.[ch]' 'include/*.h' 2>/dev/null ||
	 ls kernel/*.[ch] include/uapi/linux/*.h)

for series in "${L2TPFAST_SERIES[@]}"; do
	krel=$(kernel_release "$series")
	if [ -z "$krel" ]; then
		not_ok "$series: kernel headers installed"
		diag "no /lib/modules/<$series release>/build: sudo make deps"
		continue
	fi
	tmp=$(mktemp -d)
	cp -r "$top/Kbuild" "$top/kernel" "$top/include" "$tmp/"
	out=$(make -C "/lib/modules/$krel/build" M="$tmp" W=1 modules 2>&1)
	rc=$?
	expect "$krel: module builds" 0 "$rc"
	warn=$(grep -E 'warning:|error:' <<<"$out")
	expect "$krel: W=1 build has no warnings" "" "$warn"
	check "$krel: l2tpfast.ko produced" test -f "$tmp/l2tpfast.ko"
	rm -rf "$tmp"

	cp=$(kernel_source "$series")/scripts/checkpatch.pl
	if ! [ -x "$cp" ]; then
		not_ok "$series: checkpatch.pl present"
		diag "missing $cp: sudo make deps"
		continue
	fi
	findings=""
	for f in $kfiles; do
		findings+=$(cd "$top" && "$cp" --strict --no-tree --terse -f "$f" 2>&1 |
			grep -E ': (ERROR|WARNING|CHECK):')
	done
	expect "checkpatch --strict ($series) clean on $(wc -w <<<"$kfiles") kernel files" "" "$findings"
done

check "userspace builds with -Wall -Wextra -Werror" make -C "$top/userspace" -s
check "cppcheck clean on userspace" make -C "$top/userspace" -s cppcheck

done_tap
