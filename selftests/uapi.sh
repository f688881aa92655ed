#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Host test. The YAML spec is the one description of the family: it
# validates against the kernel's genetlink-legacy schema, the UAPI header is
# exactly what ynl-gen-c.py makes of it (make uapi), and the version numbers
# in the module and dkms.conf agree.
. "$(dirname "$0")/lib.sh"

check "spec validates against the kernel's genetlink-legacy schema" \
	/usr/bin/python3 -c '
import sys, yaml, jsonschema
jsonschema.validate(yaml.safe_load(open(sys.argv[1])), yaml.safe_load(open(sys.argv[2])))
' "$SPEC" "$YNL_SCHEMA"

gen=$("$top/scripts/gen-uapi")
check "ynl-gen-c.py generates the header" test -n "$gen"
d=$(diff -u "$top/include/uapi/linux/l2tpfast.h" - <<<"$gen")
expect "include/uapi/linux/l2tpfast.h is up to date with the spec (make uapi)" "" "$d"

kver=$(sed -n 's/^#define L2TPFAST_VERSION "\(.*\)"/\1/p' "$top/kernel/version.h")
dver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$top/dkms.conf")
expect "dkms.conf PACKAGE_VERSION equals the module version" "$kver" "$dver"

done_tap
