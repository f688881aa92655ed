#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# l2tpfastd's pure logic on the host, built with ASan and UBSan: control
# message codec (malformed input, hidden AVPs), configuration parser (every
# error path, the seed configuration), address pools, reliable delivery
# (window, loss and back-off, duplicates, reordering, wrap), which tunnels
# lost their last IPsec SA (rekey, terminate, no reqid).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
u=$top/userspace
out=$top/build/unit
mkdir -p "$out"
if ! cc -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -g -O1 \
	-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer \
	-I"$u/l2tpfastd" -o "$out/l2tpfastd-test" "$top/selftests/unit/l2tpfastd-test.c" \
	"$u/l2tpfastd/avp.c" "$u/l2tpfastd/md5.c" "$u/l2tpfastd/config.c" \
	"$u/l2tpfastd/pool.c" "$u/l2tpfastd/reliable.c" "$u/l2tpfastd/secrets.c" \
	"$u/l2tpfastd/sacheck.c" 2>"$out/build.log"; then
	echo "TAP version 13"
	echo "not ok 1 - unit tests build with ASan/UBSan"
	sed 's/^/#   /' "$out/build.log"
	echo "# unit: 0 passed, 1 failed"
	exit 1
fi
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 "$out/l2tpfastd-test"
