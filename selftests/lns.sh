#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# l2tpfastd as the LNS, Debian's xl2tpd and pppd as the client, with the
# server configuration of ../shared/seeds/openwrt-xl2tpd-libreswan.txt as
# it is (xl2tpd.conf, options.xl2tpd, chap-secrets).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lns-lib.sh"
need_root

N=10
modprobe l2tpfast
modprobe l2tp_ppp
lns_topo
lns_seed_config
mark=$(dmesg_mark)

check "l2tpfastd -t accepts the seed configuration" \
	ip netns exec "$NS_S" l2tpfastd -t -c /etc/xl2tpd/xl2tpd.conf -r "$LNS_RUN"
l2tpfastd_start() {
	ip netns exec "$NS_S" l2tpfastd -D -c /etc/xl2tpd/xl2tpd.conf -r "$LNS_RUN" \
		-H "${HELLO:-60}" "$@" >>"$LNS_RUN/lns.log" 2>&1 &
	lns_pid=$!
	sleep 0.5
}
l2tpfastd_start

echo "# --- MS-CHAPv2 (the seed's options.xl2tpd), address pinned in chap-secrets ---"
lac_config vpn username secret
xl2tpd_start "$NS_C" cli
check "client's PPP is up" ppp_up "$NS_C" 1 40
expect "client got its pinned address" 10.1.20.32 "$(client_addr)"
sleep 1
j=$(lns_json)
sess="[s for t in d['tunnels'] for s in t['sessions']][0]"
expect "l2tpfast-ctl: user" username "$(json_get "$j" "$sess['user']")"
expect "l2tpfast-ctl: address" 10.1.20.32 "$(json_get "$j" "$sess['address']")"
expect "l2tpfast-ctl: ppp interface" ppp0 "$(json_get "$j" "$sess['ifname']")"
tid=$(json_get "$j" "d['tunnels'][0]['tunnel_id']")
sid=$(json_get "$j" "$sess['session_id']")
r0=$(json_get "$j" "$sess['counters']['rx_packets']")
check "$N pings through" cli ping -q -c "$N" -i 0.05 -W 2 10.1.20.30
# Both figures at one instant: l2tpfast's read between two equal reads of
# the kernel's. pppd's LCP echoes keep flowing, and one passing between
# two reads made a CI run see the kernel one packet ahead each way.
snapshot() {
	local i k2
	for i in $(seq 10); do
		k=$(ip netns exec "$NS_S" l2tp-peer stats "$tid" "$sid")
		j=$(lns_json)
		k2=$(ip netns exec "$NS_S" l2tp-peer stats "$tid" "$sid")
		[ "$k" = "$k2" ] && return 0
		diag "try $i: the kernel's figures moved while l2tpfast's were read"
	done
	return 1
}
if snapshot; then
	ok "l2tpfast's and the kernel's figures read at one instant"
else
	not_ok "l2tpfast's and the kernel's figures read at one instant"
fi
check "at least the $N pings counted" \
	test $(( $(json_get "$j" "$sess['counters']['rx_packets']") - r0 )) -ge "$N"
# Tracked since the session began: the same totals as the kernel's own.
for key in rx_packets rx_bytes tx_packets tx_bytes; do
	expect "session $key equals the kernel's L2TP_ATTR_STATS" \
		"$(json_get "$k" "d['$key']")" "$(json_get "$j" "$sess['counters']['$key']")"
done

echo "# --- MS-CHAPv2: a client that refuses MD5 CHAP ---"
client_reset
lac_config vpn alice alicepw refuse-chap
xl2tpd_start "$NS_C" cli
check "alice's PPP is up" ppp_up "$NS_C" 1 40
check "pppd on the server authenticated alice with MS-CHAPv2" \
	grep -q 'rcvd \[CHAP Response.*name = "alice"' "$LNS_RUN/lns.log"
check "... and the client was asked for MS-CHAPv2" \
	grep -q 'auth chap MS-v2' "$LNS_RUN/lns.log"
check "ping as alice" cli ping -q -c 3 -i 0.1 -W 2 10.1.20.30
expect "alice's session in l2tpfast-ctl" alice "$(json_get "$(lns_json)" \
	"' '.join(s['user'] or '-' for t in d['tunnels'] for s in t['sessions'])")"

echo "# --- wrong password, PAP only: refused ---"
client_reset
wait_for 20 0 n_tunnels
lac_config vpn alice wrongpw
xl2tpd_start "$NS_C" cli
check "wrong password: the server's pppd refuses alice" \
	wait_until 40 grep -q "Peer alice failed CHAP authentication" "$LNS_RUN/lns.log"
check "wrong password: the session is closed" \
	wait_until 20 grep -q "session closed" "$LNS_RUN/lns.log"
diag "$(grep -E 'CHAP|session closed' "$LNS_RUN/lns.log" | tail -4)"
check "wrong password: no PPP on the client" test "$(n_ppp "$NS_C")" = 0
client_reset
lac_config vpn bob bobpw refuse-chap refuse-mschap refuse-mschap-v2 refuse-eap
xl2tpd_start "$NS_C" cli
sleep 8
check "PAP only: no PPP on the client" test "$(n_ppp "$NS_C")" = 0

echo "# --- SIGHUP: a smaller pool, one tunnel per client, for new tunnels ---"
client_reset
wait_for 30 0 n_tunnels
# c1 comes up before the reload and keeps its address across it.
lac_instance c1 alice alicepw 1711
check "a session before the reload" ppp_up "$NS_C" 1 40
sed -i 's/^exclusive = yes/exclusive = no/; s/^ip range = .*/ip range = 10.1.20.31-10.1.20.34/' \
	"$ETC_S/xl2tpd/xl2tpd.conf"
check "SIGHUP l2tpfastd" kill -HUP "$lns_pid"
check "configuration reloaded" wait_until 5 grep -q "reloaded" "$LNS_RUN/lns.log"
# .32 is pinned to "username" in chap-secrets: the pool is .31, .33, .34,
# and .31 is c1's from before the reload.
lac_instance c2 bob bobpw 1712
lac_instance c3 carol carolpw 1713
check "3 PPP sessions up, one per tunnel" ppp_up "$NS_C" 3 60
lac_instance c4 dave davepw 1714
check "a 4th client gets an answer" wait_until 30 grep -q "'ip range' is in use" "$LNS_RUN/lns.log"
sleep 2
j=$(lns_json)
expect "3 sessions in l2tpfast-ctl" 3 \
	"$(json_get "$j" "sum(len(t['sessions']) for t in d['tunnels'])")"
expect "three different addresses: the new pool did not hand out c1's again" "10.1.20.31 10.1.20.33 10.1.20.34" \
	"$(json_get "$j" "' '.join(sorted(s['address'] for t in d['tunnels'] for s in t['sessions']))")"
check "... a CDN that says so, as xl2tpd logs it" \
	grep -q "no address left" "$LNS_RUN/xl2tpd-c4.log"
expect "still exactly 3 PPP sessions on the client" 3 "$(n_ppp "$NS_C")"

echo "# --- pppd ends on the server: CDN ---"
victim=$(ns_pppd "$NS_S" | head -1)
check "kill one server pppd" kill "$victim"
check "client is down to 2 PPP sessions" wait_for 20 2 n_ppp "$NS_C"
check "l2tpfastd sent a CDN for it" grep -q "session closed: pppd" "$LNS_RUN/lns.log"
if ! check "l2tpfast-ctl: 2 sessions left" \
	wait_for 10 2 n_sessions; then
	diag "$(ip netns exec "$NS_S" l2tpfast-ctl show)"
	diag "$(ip -n "$NS_S" l2tp show session)"
	diag "$(grep -v 'pppd\[' "$LNS_RUN/lns.log" | tail -12)"
fi

echo "# --- SIGTERM: StopCCN to every peer, clean exit ---"
check "SIGTERM l2tpfastd" kill -TERM "$lns_pid"
check "l2tpfastd exits" wait_until 15 test ! -d "/proc/$lns_pid"
wait "$lns_pid"
expect "exit status 0" 0 $?
check "the xl2tpd of each live tunnel saw the StopCCN" \
	test "$(grep -l "LNS shutting down" "$LNS_RUN"/xl2tpd-c[0-9].log | wc -l)" -ge 3
check "no kernel tunnel left on the server" test -z "$(ip -n "$NS_S" l2tp show tunnel)"
if ! check "no pppd left on the server" wait_for 20 0 n_server_pppd; then
	for p in $(ns_pppd "$NS_S"); do
		diag "pppd $p: state $(awk '{print $3}' "/proc/$p/stat") wchan $(cat "/proc/$p/wchan")"
		diag "$(cat "/proc/$p/stack" 2>/dev/null)"
	done
	diag "$(grep 'pppd\[' "$LNS_RUN/lns.log" | tail -12)"
fi

echo "# --- HELLO timeout: the client's link is cut ---"
client_reset
HELLO=2 l2tpfastd_start
lac_config vpn alice alicepw
xl2tpd_start "$NS_C" cli
check "PPP up" ppp_up "$NS_C" 1 40
check "cut the client's link" ip -n "$NS_C" link set cli0 down
check "l2tpfastd gives up on the peer" \
	wait_until 60 grep -q "no acknowledgement after" "$LNS_RUN/lns.log"
check "kernel tunnel deleted" wait_for 5 "" server_l2tp_tunnels
check "pppd ended" wait_for 30 0 n_server_pppd
check "l2tpfast-ctl: nothing left" \
	wait_for 10 0 n_tunnels
ip -n "$NS_C" link set cli0 up
kill -TERM "$lns_pid" 2>/dev/null

diag "$(tail -15 "$LNS_RUN/lns.log")"
expect "no kernel warnings" "" "$(dmesg_bugs_since "$mark")"
done_tap
