#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The module loads through modprobe with the kernel's l2tp modules under it,
# answers version-get, and loads and unloads 100 times without a word in the
# kernel log.
. "$(dirname "$0")/lib.sh"
need_root

cycles=${L2TPFAST_LOAD_CYCLES:-100}
mark=$(dmesg_mark)

modprobe -r l2tpfast 2>/dev/null
modprobe -r l2tp_ppp l2tp_netlink l2tp_core 2>/dev/null

check "modprobe l2tpfast" say modprobe l2tpfast
for m in l2tp_core l2tp_netlink l2tp_ppp; do
	check "$m is loaded under l2tpfast (softdep)" grep -qw "^$m" /proc/modules
done

info=$(modinfo l2tpfast)
expect "modinfo names the module's version" \
	"$(sed -n 's/^#define L2TPFAST_VERSION "\(.*\)"/\1/p' "$top/kernel/version.h")" \
	"$(awk '$1 == "version:" {print $2}' <<<"$info")"
expect "module vermagic is the running kernel" "$(uname -r)" \
	"$(awk '$1 == "vermagic:" {print $2}' <<<"$info")"

json=$(l2tpfast-ctl version --json)
diag "$json"
expect "version-get reports the running kernel" "$(uname -r)" \
	"$(/usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["kernel"])' <<<"$json")"

# 6.12 finds sessions per netns, 6.1 inside the receiving tunnel: the
# capability bit must say which kernel this is.
case $(kernel_series "$(uname -r)") in
6.1) want_lookup=no ;;
*) want_lookup=yes ;;
esac
got_lookup=no
grep -q '"netns-session-lookup"' <<<"$json" && got_lookup=yes
expect "netns-session-lookup capability matches this kernel" \
	"$want_lookup" "$got_lookup"

fails=0
for i in $(seq "$cycles"); do
	modprobe -r l2tpfast || fails=$((fails + 1))
	modprobe l2tpfast || fails=$((fails + 1))
	l2tpfast-ctl version >/dev/null || fails=$((fails + 1))
done
expect "$cycles unload/load cycles, each answering version-get" 0 "$fails"

# The family's module alias: asking for "l2tpfast" loads the module.
check "modprobe -r l2tpfast" modprobe -r l2tpfast
check "l2tpfast-ctl loads the module through the genl family alias" \
	l2tpfast-ctl version
check "module is back" grep -qw '^l2tpfast' /proc/modules

expect "no warning, oops or leak in the kernel log" "" "$(dmesg_bugs_since "$mark")"

done_tap
