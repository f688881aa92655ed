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
	local desc=$1 out t0=$SECONDS rc=0
	shift
	if out=$("$@" 2>&1); then
		ok "$desc"
	else
		not_ok "$desc"
		diag "$out"
		rc=1
	fi
	# Where a suite's time goes (make check has a budget).
	[ $((SECONDS - t0)) -lt 15 ] || diag "(that took $((SECONDS - t0)) s)"
	return $rc
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

# wait_until SECONDS CMD...: poll until CMD succeeds (CMD runs anew each
# time; arguments are expanded once, by the caller: pass a function).
wait_until() {
	local secs=$1 i
	shift
	for i in $(seq $((secs * 5))); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.2
	done
	return 1
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

# The KASAN + kmemleak + lockdep kernel of scripts/debug-kernel, or any
# kernel with KASAN or kmemleak: slower, every slab object carries redzones
# or kmemleak metadata, and KASAN's quarantine keeps freed objects in the
# slabs for a while (memory figures say little there).
debug_kernel() {
	[ -e /sys/kernel/debug/kmemleak ] || grep -qw kasan_report /proc/kallsyms 2>/dev/null
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

# ynl [-n NS] ARGS...: the kernel's ynl CLI, inside netns NS if given.
ynl() {
	local in_ns=()
	if [ "${1:-}" = -n ]; then
		in_ns=(ip netns exec "$2")
		shift 2
	fi
	"${in_ns[@]}" /usr/bin/python3 "$YNL_CLI" --output-json "$@"
}

# ynl_l2tpfast [-n NS] ARGS...: ynl with l2tpfast's spec.
ynl_l2tpfast() {
	local ns=()
	if [ "${1:-}" = -n ]; then
		ns=(-n "$2")
		shift 2
	fi
	ynl "${ns[@]}" --spec "$SPEC" --schema "$YNL_SCHEMA" "$@"
}

# Network namespaces named with this test's prefix, removed on exit. One
# left over by a test that was killed goes first.
ns_list=()
ns_add() {
	ip netns del "$1" 2>/dev/null
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

# --- L2TP topologies shared by the statistics tests ---------------------
#
#   netns $NS_A                          netns $NS_B
#   veth0 192.0.2.1/24 ---------------- veth0 192.0.2.2/24
#
NS_A=lf-a
NS_B=lf-b
IP_A=192.0.2.1
IP_B=192.0.2.2

a() { say ip netns exec "$NS_A" "$@"; }
b() { say ip netns exec "$NS_B" "$@"; }

topo_veth() {
	ns_add "$NS_A" && ns_add "$NS_B" || return 1
	ip link add veth0 netns "$NS_A" type veth peer name veth0 netns "$NS_B"
	ip -n "$NS_A" addr add "$IP_A/24" dev veth0
	ip -n "$NS_B" addr add "$IP_B/24" dev veth0
	ip -n "$NS_A" link set veth0 up
	ip -n "$NS_B" link set veth0 up
	quiet_link "$NS_A" veth0 "$NS_B" veth0 "$IP_A" "$IP_B"
}

# A second link for IPv6 underlays: veth6, 2001:db8::1 and ::2. Set
# UNDERLAY_A/UNDERLAY_B to IP6_A/IP6_B to build pseudowires over it.
IP6_A=2001:db8::1
IP6_B=2001:db8::2
topo_veth6() {
	ip link add veth6 netns "$NS_A" type veth peer name veth6 netns "$NS_B"
	ip -n "$NS_A" addr add "$IP6_A/64" dev veth6 nodad
	ip -n "$NS_B" addr add "$IP6_B/64" dev veth6 nodad
	ip -n "$NS_A" link set veth6 up
	ip -n "$NS_B" link set veth6 up
	ip -n "$NS_A" -6 neigh replace "$IP6_B" dev veth6 nud permanent \
		lladdr "$(ip netns exec "$NS_B" cat /sys/class/net/veth6/address)"
	ip -n "$NS_B" -6 neigh replace "$IP6_A" dev veth6 nud permanent \
		lladdr "$(ip netns exec "$NS_A" cat /sys/class/net/veth6/address)"
}

# quiet_link NS_A IF_A NS_B IF_B IP_A IP_B: no IPv6, static neighbours,
# so that the only frames on the link are the test's own.
quiet_link() {
	ip netns exec "$1" sysctl -qw "net.ipv6.conf.$2.disable_ipv6=1"
	ip netns exec "$3" sysctl -qw "net.ipv6.conf.$4.disable_ipv6=1"
	ip -n "$1" neigh replace "$6" dev "$2" nud permanent \
		lladdr "$(ip netns exec "$3" cat "/sys/class/net/$4/address")"
	ip -n "$3" neigh replace "$5" dev "$4" nud permanent \
		lladdr "$(ip netns exec "$1" cat "/sys/class/net/$2/address")"
}

# l2tpv3_eth TID_A TID_B SID_A SID_B PORT NET: an L2TPv3 Ethernet pseudowire
# made with ip l2tp; interfaces get NET.1 (A) and NET.2 (B), no IPv6, static
# neighbours, so that nothing but the test's own traffic crosses it.
l2tpv3_eth() {
	local ta=$1 tb=$2 sa=$3 sb=$4 port=$5 net=$6 ifa ifb
	local ua=${UNDERLAY_A:-$IP_A} ub=${UNDERLAY_B:-$IP_B}
	ip -n "$NS_A" l2tp add tunnel tunnel_id "$ta" peer_tunnel_id "$tb" encap udp \
		local "$ua" remote "$ub" udp_sport "$port" udp_dport "$port" || return 1
	ip -n "$NS_B" l2tp add tunnel tunnel_id "$tb" peer_tunnel_id "$ta" encap udp \
		local "$ub" remote "$ua" udp_sport "$port" udp_dport "$port" || return 1
	ip -n "$NS_A" l2tp add session name "lfe$sa" tunnel_id "$ta" session_id "$sa" peer_session_id "$sb" || return 1
	ip -n "$NS_B" l2tp add session name "lfe$sb" tunnel_id "$tb" session_id "$sb" peer_session_id "$sa" || return 1
	ifa=lfe$sa
	ifb=lfe$sb
	ip -n "$NS_A" addr add "$net.1/30" dev "$ifa"
	ip -n "$NS_B" addr add "$net.2/30" dev "$ifb"
	quiet_link "$NS_A" "$ifa" "$NS_B" "$ifb" "$net.1" "$net.2"
	ip -n "$NS_A" link set "$ifa" up
	ip -n "$NS_B" link set "$ifb" up
}

# ppp_l2tpv2 TID_A TID_B SID_A SID_B PORT NET [--attach]: an L2TPv2 PPP pseudowire
# without an LNS (selftests/l2tp-peer + pppd both ends), A in LNS mode;
# waits until IPCP is up on both ends. No LCP echoes, no IPv6, no
# compression: the test's pings are the only data. --attach: A's l2tp-peer
# attaches its tunnel to l2tpfast by the socket's fd. pppd logs its LCP and
# IPCP packets (debug): a failed setup shows who sent what, magic numbers
# included. BIND_A=DEV binds A's tunnel socket to DEV (a VRF). MARK_A=M,
# MARK_B=M: SO_MARK M on that end's socket, which may then share its
# addresses and ports; attached, A's tunnel is bound to the SA of mark M.
ppp_opts="nodetach noauth nodefaultroute noipv6 noccp novj nodeflate nobsdcomp \
	nopcomp noaccomp lcp-echo-interval 0 mtu 1400 mru 1400 debug"
ppp_l2tpv2() {
	local ta=$1 tb=$2 sa=$3 sb=$4 port=$5 net=$6 attach=${7:-} i
	local ua=${UNDERLAY_A:-$IP_A} ub=${UNDERLAY_B:-$IP_B}
	[[ $ua == *:* ]] && ua="[$ua]" && ub="[$ub]"
	# shellcheck disable=SC2086
	ip netns exec "$NS_A" env L2TP_PEER_BIND="${BIND_A:-}" \
		l2tp-peer ppp "$ua:$port" "$ub:$port" "$ta:$tb" "$sa:$sb" --lns \
		${MARK_A:+--mark "$MARK_A"} $attach \
		-- $ppp_opts ifname "lfp$sa" "$net.1:$net.2" \
		logfile "/tmp/lf-pppd-$sa.log" >"/tmp/lf-peer-$sa.log" 2>&1 &
	# shellcheck disable=SC2086
	ip netns exec "$NS_B" l2tp-peer ppp "$ub:$port" "$ua:$port" "$tb:$ta" "$sb:$sa" \
		${MARK_B:+--mark "$MARK_B" ${ATTACH_B:+--attach}} \
		-- $ppp_opts ifname "lfp$sb" "$net.2:$net.1" \
		logfile "/tmp/lf-pppd-$sb.log" >"/tmp/lf-peer-$sb.log" 2>&1 &
	for i in $(seq 100); do
		ip -n "$NS_A" addr show dev "lfp$sa" 2>/dev/null | grep -q "inet $net.1" &&
			ip -n "$NS_B" addr show dev "lfp$sb" 2>/dev/null | grep -q "inet $net.2" &&
			return 0
		sleep 0.2
	done
	diag "$(cat "/tmp/lf-peer-$sa.log" "/tmp/lf-pppd-$sa.log" \
		"/tmp/lf-peer-$sb.log" "/tmp/lf-pppd-$sb.log" 2>/dev/null)"
	return 1
}

# JSON reads: json_get JSON PY_EXPR (d is the parsed document), for what jq
# would make hard to read; the counters below use jq, which starts several
# times faster than python under TCG (0.5 s against 0.9 s a call on 6.12,
# 2.5 s against 5 s and more on the debug kernel).
# Without jq every counter would read as "" and "unchanged" checks pass.
command -v jq >/dev/null || { echo "Bail out! jq missing (make deps installs it)"; exit 1; }
json_get() {
	/usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); print($2)" <<<"$1"
}

# l2tpfast's counter KEY of session SID of tunnel TID in netns NS.
lf_session_counter() {
	local ns=$1 tid=$2 sid=$3 key=$4
	ip netns exec "$ns" l2tpfast-ctl show "$tid" --json |
		jq -r --argjson sid "$sid" --arg key "$key" \
			'first(.tunnels[].sessions[]? | select(.session_id == $sid)) | .counters |
			 if has($key) then .[$key] else empty end'
}

lf_tunnel_counter() {
	local ns=$1 tid=$2 key=$3
	ip netns exec "$ns" l2tpfast-ctl show "$tid" --json |
		jq -r --arg key "$key" '.tunnels[0] // empty | .counters | if has($key) then .[$key] else empty end'
}

# wait_tracked NS TID SID: attach returns at once; l2tpfast learns the
# tunnel's sessions from l2tp_core in a sync it kicks (l2tp_core has no
# notifier). Traffic before that is counted on the tunnel only.
wait_tracked() {
	local _
	for _ in $(seq 50); do
		[ "$(lf_session_counter "$1" "$2" "$3" rx_packets 2>/dev/null)" != "" ] && return 0
		sleep 0.2
	done
	return 1
}

# The kernel's own L2TP_ATTR_STATS value KEY for a session (SID 0: tunnel).
kernel_counter() {
	local ns=$1 tid=$2 sid=$3 key=$4
	ip netns exec "$ns" l2tp-peer stats "$tid" "$sid" | jq -r --arg key "$key" 'if has($key) then .[$key] else empty end'
}
