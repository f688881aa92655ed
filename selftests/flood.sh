#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Nothing is allocated from packet contents. A million L2TPv3 packets with
# random session ids, forged to come from the tunnel's peer, reach an
# attached tunnel's socket: each is counted as a no-such-session drop, the
# kernel's memory does not grow, no session appears, and the live session
# next to them keeps exact figures. Then every other kind of bad header is
# counted under its own reason.
#
#   lf-a  veth0 192.0.2.1:1701  <-- l2tp-flood (raw, from 192.0.2.2:1701) -- lf-b
#         tunnel 10 / session 1 (lfe1, 10.99.0.1) <-> tunnel 20 / session 2
. "$(dirname "$0")/lib.sh"
need_root

FLOOD=${L2TPFAST_FLOOD:-1000000}
N=10
modprobe l2tpfast
modprobe l2tp_eth
topo_veth
check "L2TPv3 Ethernet pseudowire up" l2tpv3_eth 10 20 1 2 1701 10.99.0
check "attach tunnel 10 in lf-a" a l2tpfast-ctl attach 10
mark=$(dmesg_mark)

# Memory in kB that the kernel holds: slab and page tables aside, what
# MemAvailable does not count as free.
kmem() {
	awk '/^Slab:/ {s = $2} /^Percpu:/ {p = $2} END {print s + p}' /proc/meminfo
}
rx_frames() {
	ip netns exec "$NS_A" cat /sys/class/net/veth0/statistics/rx_packets
}
flood() {
	ip netns exec "$NS_B" l2tp-flood "$IP_B:1701" "$IP_A:1701" "$1" "$2"
}

check "$N pings over the session" b ping -q -c "$N" -i 0.05 -W 2 10.99.0.1
rx0=$(lf_session_counter "$NS_A" 10 1 rx_packets)
tx0=$(lf_session_counter "$NS_A" 10 1 tx_packets)

# Settle one-time allocations (socket buffers, caches) before measuring.
# The debug kernel's figures say nothing (see below): a short warm-up there.
warm=20000
debug_kernel && warm=100
flood "$warm" v3 >/dev/null
sync
echo 3 >/proc/sys/vm/drop_caches
sleep 1
drops0=$(lf_tunnel_counter "$NS_A" 10 rx_drops_no_session)
frames0=$(rx_frames)
mem0=$(kmem)

kmemleak=/sys/kernel/debug/kmemleak
start=$(date +%s)
expect "l2tp-flood sent $FLOOD random-id packets" "$FLOOD" "$(flood "$FLOOD" v3)"
diag "flood took $(( $(date +%s) - start )) s"
sleep 1
echo 3 >/proc/sys/vm/drop_caches
sleep 1
mem1=$(kmem)
arrived=$(( $(rx_frames) - frames0 ))
expect "every flood packet reached lf-a" "$FLOOD" "$arrived"
expect "each one is a no-such-session drop" "$arrived" \
	$(( $(lf_tunnel_counter "$NS_A" 10 rx_drops_no_session) - drops0 ))
grow=$((mem1 - mem0))
diag "kernel slab+percpu: $mem0 kB before, $mem1 kB after ($grow kB)"
if debug_kernel && [ -w "$kmemleak" ]; then
	# The debug kernel: KASAN's quarantine keeps freed objects in the
	# slabs, so the figures above grow anyway; kmemleak judges instead,
	# in the scans after the last test (selftests/run-guest): a leak per
	# packet would be thousands of objects there. A scan of its own here
	# would take minutes under TCG and KASAN.
	diag "kmemleak: judged by the scans after the last test"
elif debug_kernel; then
	skip "kernel memory did not grow with the flood" \
		"KASAN's quarantine keeps freed objects in the slabs, and no kmemleak here"
else
	# One allocation of even 8 bytes per packet would be 7800 kB.
	check "kernel memory did not grow with the flood (< 1024 kB)" test "$grow" -lt 1024
fi
expect "l2tpfast tracks the one session it had" 1 \
	"$(json_get "$(ip netns exec "$NS_A" l2tpfast-ctl show 10 --json)" \
		"len(d['tunnels'][0]['sessions'])")"
expect "l2tp_core has no new session either" 1 \
	"$(ip -n "$NS_A" l2tp show session | grep -c '^Session')"
expect "live session rx unchanged by the flood" "$rx0" "$(lf_session_counter "$NS_A" 10 1 rx_packets)"
expect "live session tx unchanged by the flood" "$tx0" "$(lf_session_counter "$NS_A" 10 1 tx_packets)"
check "$N pings after the flood" b ping -q -c "$N" -i 0.05 -W 2 10.99.0.1
expect "live session rx +$N" $((rx0 + N)) "$(lf_session_counter "$NS_A" 10 1 rx_packets)"
expect "live session tx +$N" $((tx0 + N)) "$(lf_session_counter "$NS_A" 10 1 tx_packets)"

# Every reason has its own counter.
check "reset tunnel 10" a l2tpfast-ctl reset 10
flood 7 short >/dev/null
flood 5 badver >/dev/null
flood 3 badlen >/dev/null
flood 11 v2 >/dev/null
flood 13 v3 >/dev/null
expect "1-byte payloads: too_short" 7 "$(lf_tunnel_counter "$NS_A" 10 rx_drops_too_short)"
expect "version 5 and L2TPv2 on an L2TPv3 tunnel: version" 16 \
	"$(lf_tunnel_counter "$NS_A" 10 rx_drops_version)"
expect "control header with a wrong length: malformed" 3 \
	"$(lf_tunnel_counter "$NS_A" 10 rx_drops_malformed)"
expect "random session ids: no_session" 13 "$(lf_tunnel_counter "$NS_A" 10 rx_drops_no_session)"
expect "cleartext: reserved, unused" 0 "$(lf_tunnel_counter "$NS_A" 10 rx_drops_cleartext)"
expect "total drops" 39 "$(lf_tunnel_counter "$NS_A" 10 rx_drops)"
expect "none counted as data" 0 "$(lf_tunnel_counter "$NS_A" 10 rx_packets)"

expect "no kernel warnings" "" "$(dmesg_bugs_since "$mark")"
done_tap
