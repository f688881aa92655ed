#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The kernel's own L2TP selftest (tools/testing/selftests/net/l2tp.sh from the
# running kernel's Debian source package), unchanged, with l2tpfast loaded:
# l2tpfast must not disturb the stock L2TP paths.
. "$(dirname "$0")/lib.sh"
need_root

series=$(kernel_series "$(uname -r)")
dir=$(kernel_source "$series")/tools/testing/selftests/net
if ! [ -f "$dir/l2tp.sh" ]; then
	not_ok "kernel l2tp.sh for $series" 
	diag "missing $dir/l2tp.sh: install linux-source-$series (make deps)"
	done_tap
fi

mark=$(dmesg_mark)
check "modprobe l2tpfast" modprobe l2tpfast

out=$(cd "$dir" && bash ./l2tp.sh 2>&1)
rc=$?
diag "$out"
n_ok=$(grep -c '\[ OK \]' <<<"$out")
n_fail=$(grep -c '\[FAIL\]' <<<"$out")
expect "linux-source-$series l2tp.sh exits 0" 0 "$rc"
expect "linux-source-$series l2tp.sh: no [FAIL]" 0 "$n_fail"
check "linux-source-$series l2tp.sh ran its tests ($n_ok OK)" test "$n_ok" -ge 16
check "l2tpfast still loaded" grep -qw '^l2tpfast' /proc/modules
expect "no warning or oops in the kernel log" "" "$(dmesg_bugs_since "$mark")"

done_tap
