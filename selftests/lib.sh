# SPDX-License-Identifier: GPL-2.0
#
# Shared by every selftest: TAP output, network namespace helpers, where the
# project's binaries are. Source it; then `ok`/`check`/`skip`, and `done_tap`
# at the end, which prints the closing `N passed, N failed[, N skipped]`.

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$top/scripts/config.sh"

# Binaries built by `make` (build/bin), else installed ones.
export PATH="$top/build/bin:$PATH:/usr/sbin:/sbin"

# The ynl CLI and specs come from the newest supported kernel's source tree.
KSRC_YNL=$(kernel_source 6.12)
YNL_CLI=$KSRC_YNL/tools/net/ynl/cli.py
YNL_SCHEMA=$KSRC_YNL/Documentation/netlink/genetlink-legacy.yaml
SPEC=$top/Documentation/netlink/specs/l2tpfast.yaml

tap_n=0
tap_pass=0
tap_fail=0
tap_skip=0

tap_name=$(basename "$0" .sh)
echo "TAP version 13"
echo "# $tap_name"

ok() {
	tap_n=$((tap_n + 1))
	tap_pass=$((tap_pass + 1))
	echo "ok $tap_n - $*"
}

not_ok() {
	tap_n=$((tap_n + 1))
	tap_fail=$((tap_fail + 1))
	echo "not ok $tap_n - $*"
}

skip() {
	tap_n=$((tap_n + 1))
	tap_skip=$((tap_skip + 1))
	echo "ok $tap_n - $1 # SKIP $2"
}

# check DESC CMD...: run CMD, ok if it exits 0; its output is shown on failure.
check() {
	local desc=$1 out
	shift
	if out=$("$@" 2>&1); then
		ok "$desc"
	else
		not_ok "$desc"
		diag "$out"
	fi
}

# expect DESC WANT GOT: ok if the two strings are equal.
expect() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1"
		diag "want: $2"
		diag " got: $3"
	fi
}

diag() {
	[ -n "$*" ] && printf '%s\n' "$*" | sed 's/^/#   /'
	return 0
}

# say CMD...: print a command as it runs (the test reads as a story).
say() {
	echo "# \$ $*"
	"$@"
}

done_tap() {
	echo "1..$tap_n"
	if [ "$tap_skip" -gt 0 ]; then
		echo "# $tap_name: $tap_pass passed, $tap_fail failed, $tap_skip skipped"
	else
		echo "# $tap_name: $tap_pass passed, $tap_fail failed"
	fi
	[ "$tap_fail" -eq 0 ]
	exit $?
}

need_root() {
	if [ "$(id -u)" -ne 0 ]; then
		skip "$tap_name" "needs root"
		done_tap
	fi
}

# A kernel log marker, so a test can read only what it caused.
dmesg_mark() {
	local m="l2tpfast-selftest-$tap_name-$RANDOM"
	echo "$m" > /dev/kmsg
	echo "$m"
}

# Kernel log lines after MARK that point at a bug.
dmesg_bugs_since() {
	dmesg | sed -n "/$1/,\$p" |
		grep -E 'BUG|WARNING|Oops|Call Trace|refcount_t|leak|general protection|l2tpfast.*(error|fail)' |
		grep -v 'module verification failed' || true
}

ynl() {
	/usr/bin/python3 "$YNL_CLI" --output-json "$@"
}

ynl_l2tpfast() {
	ynl --spec "$SPEC" --schema "$YNL_SCHEMA" "$@"
}

# Network namespaces named with this test's prefix, removed on exit.
ns_list=()
ns_add() {
	ip netns add "$1" && ns_list+=("$1") && ip -n "$1" link set lo up
}
ns_cleanup() {
	local ns
	for ns in "${ns_list[@]}"; do
		ip netns del "$ns" 2>/dev/null
	done
	ns_list=()
}
trap ns_cleanup EXIT
