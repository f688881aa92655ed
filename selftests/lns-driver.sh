#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Host test. l2tpfastd's engine under ASan/UBSan, with the system it runs
# on replaced by a model at one seam (userspace/l2tpfastd/sys.h;
# selftests/unit/lns-model.c): scripted LACs, timers that fire when the
# script says, pppds that exit when it says, events in the batches epoll
# would make. selftests/unit/lns-driver.c says what each scenario checks.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
u=$top/userspace
out=$top/build/unit
mkdir -p "$out"
d=$u/l2tpfastd
if ! cc -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -g -O1 \
	-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer \
	-I"$d" -I"$u/lib" -I"$top/include/uapi" $(pkg-config --cflags libnl-genl-3.0) \
	-o "$out/lns-driver" "$top/selftests/unit/lns-driver.c" "$top/selftests/unit/lns-model.c" \
	"$d/tunnel.c" "$d/session.c" "$d/lns.c" "$d/avp.c" "$d/md5.c" "$d/config.c" \
	"$d/pool.c" "$d/secrets.c" "$d/log.c" "$d/reliable.c" 2>"$out/lns-driver-build.log"; then
	echo "TAP version 13"
	echo "not ok 1 - the driver harness builds with ASan/UBSan"
	sed 's/^/#   /' "$out/lns-driver-build.log"
	echo "# lns-driver: 0 passed, 1 failed"
	exit 1
fi
# The daemon's log goes to a file: the TAP stays readable, the log is there.
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	"$out/lns-driver" 2>"$out/lns-driver.log"
rc=$?
if [ $rc -ne 0 ] && grep -q 'Sanitizer\|runtime error' "$out/lns-driver.log"; then
	echo "not ok - a sanitizer report (from $out/lns-driver.log):"
	sed -n '/ERROR: \|runtime error:/,/^SUMMARY:/p' "$out/lns-driver.log" | head -40 | sed 's/^/#   /'
fi
exit $rc
