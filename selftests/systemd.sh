#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Host test. l2tpfastd.service as systemd reads it: `systemd-analyze
# verify` finds nothing wrong (the programs as `make` built them stand in
# for the installed ones), and `systemd-analyze security` rates the
# sandbox (printed; at most 4.0, "OK", where a bare unit as root is 9.6).
. "$(dirname "$0")/lib.sh"

unit=$top/userspace/l2tpfastd/l2tpfastd.service
bin=$top/build/bin
out=$top/build/systemd
if ! command -v systemd-analyze >/dev/null; then
	skip "systemd-analyze" "not installed: sudo apt-get install systemd"
	done_tap
fi
if [ ! -x "$bin/l2tpfastd" ]; then
	make -C "$top/userspace" -s >/dev/null 2>&1
fi
rm -rf "$out"
mkdir -p "$out"
sed "s|/usr/local/sbin/|$bin/|g" "$unit" >"$out/l2tpfastd.service"
verify=$(cd "$out" && systemd-analyze verify --man=no ./l2tpfastd.service 2>&1)
expect "systemd-analyze verify: nothing to say" "" "$verify"
report=$(cd "$out" && systemd-analyze security --offline=yes ./l2tpfastd.service 2>&1)
score=$(sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p' <<<"$report")
diag "$(grep -E '^✗' <<<"$report" | sed 's/  */ /g' | head -n 20)"
echo "# systemd-analyze security: exposure $score (0 safest, 10 a bare unit as root)"
check "exposure at most 4.0 (got ${score:-none})" \
	awk -v s="${score:-99}" 'BEGIN { exit !(s <= 4.0) }'
done_tap
