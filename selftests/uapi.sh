#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Host test. The YAML spec is the one description of the family: it
# validates against the kernel's genetlink-legacy schema, the UAPI header and
# the kernel's attribute policies and op table are exactly what ynl-gen-c.py
# makes of it (make uapi), and the version numbers
# in the module and dkms.conf agree.
. "$(dirname "$0")/lib.sh"

check "spec validates against the kernel's genetlink-legacy schema" \
	/usr/bin/python3 -c '
import sys, yaml, jsonschema
jsonschema.validate(yaml.safe_load(open(sys.argv[1])), yaml.safe_load(open(sys.argv[2])))
' "$SPEC" "$YNL_SCHEMA"

gen=$(mktemp -d)
check "ynl-gen-c.py generates the header and the kernel's policies" \
	"$top/scripts/gen-netlink" "$gen"
for f in include/uapi/linux/l2tpfast.h kernel/netlink-gen.c kernel/netlink-gen.h; do
	expect "$f is up to date with the spec (make uapi)" "" \
		"$(diff -u "$top/$f" "$gen/$f" 2>&1)"
done
rm -rf "$gen"

kver=$(sed -n 's/^#define L2TPFAST_VERSION "\(.*\)"/\1/p' "$top/kernel/version.h")
dver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$top/dkms.conf")
expect "dkms.conf PACKAGE_VERSION equals the module version" "$kver" "$dver"

done_tap
