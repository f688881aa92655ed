#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 10,000 sessions in one attached tunnel: l2tpfast tracks every one and a
# single dump returns them all. At a few hundred bytes a session the dump is
# megabytes, far beyond one netlink message batch: it has to resume.
#
#   lf-a  l2tp-peer sessions: L2TPv2 tunnel 100 on its own socket, attached
#         by fd, PPP sessions 1..10000 made through the l2tp family
. "$(dirname "$0")/lib.sh"
need_root

COUNT=${L2TPFAST_DUMP_SESSIONS:-10000}
modprobe l2tpfast
topo_veth
mark=$(dmesg_mark)
out=$(mktemp)

tracked() {
	json_get "$(ip netns exec "$NS_A" l2tpfast-ctl show 100 --json 2>/dev/null)" \
		"len(d['tunnels'][0]['sessions'])" 2>/dev/null
}

start=$(date +%s)
ip netns exec "$NS_A" l2tp-peer sessions "$IP_A:1705" "$IP_B:1705" 100:200 "$COUNT" >"$out" 2>&1 &
peer=$!
for i in $(seq 600); do
	grep -q "sessions" "$out" && break
	kill -0 "$peer" 2>/dev/null || break
	sleep 0.2
done
expect "l2tp_core has $COUNT sessions in tunnel 100" "$COUNT sessions" "$(cat "$out")"
diag "created in $(( $(date +%s) - start )) s"

for i in $(seq 150); do
	[ "$(tracked)" = "$COUNT" ] && break
	sleep 0.2
done
diag "tracked after $(( $(date +%s) - start )) s"
json=$(ip netns exec "$NS_A" l2tpfast-ctl show 100 --json)
expect "l2tpfast-ctl show: $COUNT sessions" "$COUNT" \
	"$(json_get "$json" "len(d['tunnels'][0]['sessions'])")"
expect "exactly ids 1..$COUNT, each with its peer id" True \
	"$(json_get "$json" "sorted((s['session_id'], s['peer_session_id']) for s in d['tunnels'][0]['sessions']) == [(i, 10000 + i) for i in range(1, $COUNT + 1)]")"
expect "the tunnel's session count" "$COUNT" "$(json_get "$json" "d['tunnels'][0]['session_count']")"
diag "JSON: $(wc -c <<<"$json") bytes"
expect "one raw session-get dump: $COUNT replies" "ok $COUNT" \
	"$(ip netns exec "$NS_A" genl-client l2tpfast 5 --dump)"
expect "filtered to tunnel 100: $COUNT replies" "ok $COUNT" \
	"$(ip netns exec "$NS_A" genl-client l2tpfast 5 --dump 1:u32:100)"
expect "filtered to a tunnel that is not attached: none" "ok 0" \
	"$(ip netns exec "$NS_A" genl-client l2tpfast 5 --dump 1:u32:7)"

check "the tunnel's holder exits: socket closed" kill "$peer"
wait "$peer" 2>/dev/null
for i in $(seq 100); do
	[ -z "$(json_get "$(ip netns exec "$NS_A" l2tpfast-ctl show --json)" \
		"' '.join(str(t['tunnel_id']) for t in d['tunnels'])")" ] && break
	sleep 0.2
done
expect "tunnel 100 and its $COUNT sessions forgotten" "ok 0" \
	"$(ip netns exec "$NS_A" genl-client l2tpfast 5 --dump)"
check "rmmod l2tpfast" rmmod l2tpfast
expect "no kernel warnings" "" "$(dmesg_bugs_since "$mark")"
rm -f "$out"
done_tap
