#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Whatever way a tunnel goes, l2tpfast lets go of it: sessions come and go
# with l2tp_core's, a deleted tunnel, a closed socket (a tunnel attached by
# the fd of the socket its maker holds, as an LNS does), a deleted netns and
# an unloaded module all free what l2tpfast held. Each change is announced
# on the events group, which `l2tpfast-ctl monitor` prints. A session is
# l2tp_core's object, not its id: one deleted and made again with the same id
# starts from zero. A new session is counted from its first packet. A
# tunnel made with PPPoL2TP sockets has a session 0 that is no session. The
# module unloads while sockets of attached tunnels are being closed and
# opened under traffic.
#
#   lf-a veth0 192.0.2.1 ------------------------ lf-b veth0 192.0.2.2
#   L2TPv3 tunnel 10 / session 1 lfe1 (ip l2tp)   tunnel 20 / session 2 lfe2
#   L2TPv2 tunnel 30 / session 3 lfp3 (l2tp-peer --attach, pppd)  40 / 4
. "$(dirname "$0")/lib.sh"
need_root

# L2TPFAST_LIFECYCLE=unload: only the unload races and the netns exit (make
# check on the debug kernel, where the rest takes ten minutes; the stock
# 6.12 runs it all).
PARTS=${L2TPFAST_LIFECYCLE:-all}
case $PARTS in
all|unload) ;;
*) echo "Bail out! L2TPFAST_LIFECYCLE=$PARTS: all or unload"; exit 1 ;;
esac
CYCLES=${L2TPFAST_RMMOD_CYCLES:-40}
# How often a tunnel is detached and attached, or made and closed, in a row.
REATTACH=${L2TPFAST_REATTACH:-30}
REOPEN=$((REATTACH * 2 / 3))
[ "$REOPEN" -ge 1 ] || REOPEN=1
N=10
modprobe l2tpfast
modprobe l2tp_eth
topo_veth
mark=$(dmesg_mark)
events=$(mktemp)

# wait_for DESC SECONDS CMD...: ok once CMD succeeds, polling.
wait_for() {
	local desc=$1 secs=$2 i
	shift 2
	for i in $(seq $((secs * 5))); do
		"$@" >/dev/null 2>&1 && { ok "$desc"; return 0; }
		sleep 0.2
	done
	not_ok "$desc (not within $secs s)"
	return 1
}
has_event() { grep -qE "^$1" "$events"; }
show_json() { ip netns exec "$NS_A" l2tpfast-ctl show --json; }
session_ids() {
	show_json | jq -r --argjson t "$1" \
		'[.tunnels[] | select(.tunnel_id == $t) | .sessions[]?.session_id | tostring] | join(" ")'
}
tunnel_ids() {
	show_json | jq -r '[.tunnels[].tunnel_id | tostring] | join(" ")'
}

# What l2tpfast holds follows l2tp_core's objects, whatever way they go.
objects_follow() {
	ip netns exec "$NS_A" l2tpfast-ctl monitor >"$events" 2>&1 &
	monitor=$!
	wait_for "monitor joined the events group" 10 grep -q '^# monitoring' "$events"

	echo "# --- sessions follow l2tp_core's ---"
	check "L2TPv3 Ethernet pseudowire up" l2tpv3_eth 10 20 1 2 1701 10.99.0
	check "attach tunnel 10" a l2tpfast-ctl attach 10
	wait_for "event: tunnel 10 attached" 5 has_event "tunnel-add tunnel 10 peer_tunnel 20 version 3 peer 192.0.2.2:1701"
	wait_for "event: session 1 tracked" 10 has_event "session-add tunnel 10 session 1 peer_session 2 ifname lfe1"
	check "a second session made after attach, annotated at once (before any sync)" \
		bash -c "ip -n $NS_A l2tp add session name lfe5 tunnel_id 10 session_id 5 peer_session_id 6 &&
			 ip netns exec $NS_A l2tpfast-ctl set 10 5 user bob"
	wait_for "event: session 5 tracked" 10 has_event "session-add tunnel 10 session 5 "
	expect "session 5 is bob's" bob "$(json_get "$(show_json)" \
		"[s for s in d['tunnels'][0]['sessions'] if s['session_id'] == 5][0]['user']")"
	sleep 2.5
	expect "after a sync: still bob's, one session 5, peer session 6" "bob 6 1" "$(json_get "$(show_json)" \
		"(lambda l: '%s %s %d' % (l[0]['user'], l[0]['peer_session_id'], len(l)))([s for s in d['tunnels'][0]['sessions'] if s['session_id'] == 5])")"
	expect "show lists sessions 1 and 5" "1 5" "$(session_ids 10)"
	check "session 5 deleted" ip -n "$NS_A" l2tp del session tunnel_id 10 session_id 5
	wait_for "event: session 5 gone" 10 has_event "session-del tunnel 10 session 5 "
	expect "show lists session 1 only" "1" "$(session_ids 10)"
	check "$N pings over L2TPv3" b ping -q -c "$N" -i 0.05 -W 2 10.99.0.1

	echo "# --- detached and attached again and again while l2tpfast looks at it ---"
	reattach() {
		local _
		for _ in $(seq "$REATTACH"); do
			ip netns exec "$NS_A" l2tpfast-ctl detach 10 >/dev/null &&
				ip netns exec "$NS_A" l2tpfast-ctl attach 10 >/dev/null || return 1
		done
	}
	check "tunnel 10 detached and attached $REATTACH times in a row" reattach
	wait_for "session 1 tracked after that" 10 test "$(session_ids 10)" = 1

	echo "# --- a session is its l2tp_core object: the same id made again starts afresh ---"
	# session_of TID SID JQ: JQ on the session's object (null if not tracked).
	session_of() {
		show_json | jq -r --argjson t "$1" --argjson s "$2" \
			"first((.tunnels[] | select(.tunnel_id == \$t) | .sessions[]? | select(.session_id == \$s)), null) | $3"
	}
	# user_of TID SID: the session's user, "-" if none, "none" if not tracked.
	user_of() {
		session_of "$1" "$2" 'if . == null then "none" elif (.user // "") == "" then "-" else .user end'
	}
	figures_of() {
		session_of "$1" "$2" 'if . == null then "none" else "\(.counters.rx_packets) \(.counters.tx_packets)" end'
	}
	retracked() { test "$(user_of 10 1)" != none; }
	check "reset tunnel 10, annotate session 1: user alice" \
		bash -c "ip netns exec $NS_A l2tpfast-ctl reset 10 && ip netns exec $NS_A l2tpfast-ctl set 10 1 user alice"
	check "31 pings" b ping -q -c 31 -i 0.02 -W 2 10.99.0.1
	expect "session 1: alice's, 31 packets each way" "alice 31 31" "$(user_of 10 1) $(figures_of 10 1)"
	# 6.12 deletes a session from a work item: its id is taken until then.
	remake_session_1() {
		local _
		ip -n "$NS_A" l2tp del session tunnel_id 10 session_id 1 || return 1
		for _ in $(seq 100); do
			ip -n "$NS_A" l2tp add session name lfe1 tunnel_id 10 session_id 1 \
				peer_session_id 2 2>/dev/null && return 0
			sleep 0.01
		done
		return 1
	}
	t0=$(date +%s%N)
	check "session 1 deleted and made again with the same id (and interface name)" \
		remake_session_1
	diag "deleted and re-made in $(( ($(date +%s%N) - t0) / 1000000 )) ms"
	ip -n "$NS_A" addr add 10.99.0.1/30 dev lfe1
	quiet_link "$NS_A" lfe1 "$NS_B" lfe2 10.99.0.1 10.99.0.2
	ip -n "$NS_A" link set lfe1 up
	wait_for "the new session 1 is tracked" 10 retracked
	expect "new session 1: no user, figures from zero" "- 0 0" "$(user_of 10 1) $(figures_of 10 1)"
	wait_for "event: the old session 1 went with alice's 31 packets" 10 \
		has_event "session-del tunnel 10 session 1 peer_session 2 ifname lfe1 rx_packets 31 tx_packets 31"
	check "$N pings" b ping -q -c "$N" -i 0.05 -W 2 10.99.0.1
	expect "new session 1: exactly $N each way" "$N $N" "$(figures_of 10 1)"

	echo "# --- a new session counts from its first packet ---"
	new_pair() {	# a pseudowire's second session, then N pings at once
		ip -n "$NS_A" l2tp add session name lfe7 tunnel_id 10 session_id 7 peer_session_id 8 &&
		ip -n "$NS_B" l2tp add session name lfe8 tunnel_id 20 session_id 8 peer_session_id 7 &&
		ip -n "$NS_A" addr add 10.96.0.1/30 dev lfe7 &&
		ip -n "$NS_B" addr add 10.96.0.2/30 dev lfe8 &&
		quiet_link "$NS_A" lfe7 "$NS_B" lfe8 10.96.0.1 10.96.0.2 &&
		ip -n "$NS_A" link set lfe7 up && ip -n "$NS_B" link set lfe8 up &&
		ip netns exec "$NS_B" ping -q -c "$N" -i 0.02 -W 2 10.96.0.1
	}
	check "session 7 made on both ends, pinged at once" new_pair
	expect "session 7: all $N pings, each way" "$N $N" "$(figures_of 10 7)"
	ip -n "$NS_A" l2tp del session tunnel_id 10 session_id 7
	ip -n "$NS_B" l2tp del session tunnel_id 20 session_id 8
	wait_for "event: session 7 gone" 10 has_event "session-del tunnel 10 session 7 "

	check "tunnel 10 deleted with ip l2tp" ip -n "$NS_A" l2tp del tunnel tunnel_id 10
	ip -n "$NS_B" l2tp del tunnel tunnel_id 20
	wait_for "event: session 1 gone with its figures" 10 \
		has_event "session-del tunnel 10 session 1 peer_session 2 ifname lfe1 rx_packets $N tx_packets $N"
	wait_for "event: tunnel 10 detached" 10 has_event "tunnel-del tunnel 10 "
	expect "show lists no tunnel" "" "$(tunnel_ids)"

	echo "# --- attach by fd; the socket's holder exits ---"
	check "L2TPv2 PPP pseudowire up, lf-a attached by its socket fd" \
		ppp_l2tpv2 30 40 3 4 1702 10.98.0 --attach
	wait_for "event: tunnel 30 attached" 5 has_event "tunnel-add tunnel 30 peer_tunnel 40 version 2"
	wait_for "session 3 tracked" 10 test "$(session_ids 30)" = 3
	check "reset tunnel 30" a l2tpfast-ctl reset 30
	check "$N pings over PPP" b ping -q -c "$N" -i 0.05 -W 2 10.98.0.1
	expect "session 3 rx_packets = $N" "$N" "$(lf_session_counter "$NS_A" 30 3 rx_packets)"
	expect "session 3 tx_packets = $N" "$N" "$(lf_session_counter "$NS_A" 30 3 tx_packets)"
	check "pppd on lf-a ends: the tunnel socket closes" \
		ip netns exec "$NS_A" pkill -f "pppol2tp_tunnel_id 30"
	wait_for "event: tunnel 30 detached" 10 has_event "tunnel-del tunnel 30 "
	wait_for "l2tp_core's tunnel 30 is gone too" 10 \
		test -z "$(ip -n "$NS_A" l2tp show tunnel tunnel_id 30 2>/dev/null)"
	expect "show lists no tunnel" "" "$(tunnel_ids)"
	pkill -f "pppol2tp_tunnel_id 40"

	echo "# --- a tunnel with no session, its socket closed quietly, made again with its id ---"
	# l2tp_core says nothing when it deletes such a tunnel: the next attach of
	# its id must not find the old one in the way.
	check "tunnel 90 made, attached and its socket closed, $REOPEN times over: every attach taken" \
		a l2tp-peer reopen "$IP_A:1790" "$IP_B:1790" 90:91 "$REOPEN"
	wait_for "a read lets go of the last one" 10 test -z "$(tunnel_ids)"

	echo "# --- a tunnel made with PPPoL2TP sockets: its session 0 is no session ---"
	ip netns exec "$NS_A" l2tp-peer pppol2tp "$IP_A:1704" "$IP_B:1704" 80:81 8:18 \
		>/tmp/lf-mgmt.out 2>&1 &
	mgmt=$!
	wait_for "tunnel 80, made with a session-0 socket, attached" 10 \
		grep -q attached /tmp/lf-mgmt.out
	check "data for session 8 and for session 0 from the peer" bash -c "
		ip netns exec $NS_B l2tp-blast $IP_B:1704 $IP_A:1704 80 8 20 &&
		ip netns exec $NS_B l2tp-blast $IP_B:1704 $IP_A:1704 80 0 20"
	wait_for "session 8 tracked" 10 test "$(session_ids 80)" = 8
	sleep 1
	expect "session 0 never tracked" 8 "$(session_ids 80)"
	check "the tunnel's holder ends: its sockets close" kill "$mgmt"
	wait "$mgmt" 2>/dev/null
	check "a ppp device nobody named comes and goes" a l2tp-peer ppp-unit
	wait_for "event: tunnel 80 detached (nobody read)" 10 has_event "tunnel-del tunnel 80 "
	check "l2tpfast still answers" a l2tpfast-ctl show
	kill "$monitor" 2>/dev/null
	wait "$monitor" 2>/dev/null
}

if [ "$PARTS" = unload ]; then
	diag "L2TPFAST_LIFECYCLE=unload: the unload races and the netns exit only"
else
	objects_follow
fi

echo "# --- rmmod l2tpfast while traffic flows and attached sockets close and open, $CYCLES times ---"
check "L2TPv3 pseudowire up again" l2tpv3_eth 10 20 1 2 1701 10.99.0
# Until the cycles end (interrupted below).
ip netns exec "$NS_B" ping -q -i 0.01 -w 3600 10.99.0.1 >/tmp/lf-ping.out 2>&1 &
ping=$!
blasting=$(mktemp)
churners=()
trap 'rm -f "$blasting"; kill "$ping" "${churners[@]}" 2>/dev/null; ns_cleanup' EXIT
# Tunnels on sockets of their own, attached by fd, closed and opened again
# and again (a close races the unload), each with forged traffic at it.
# The forgers' loops end by themselves once the flag file is gone (killing
# a loop would leave its l2tp-blast running).
blasters=()
for p in 1 2 3; do
	ip netns exec "$NS_A" l2tp-peer churn "$IP_A:$((1760 + p))" "$IP_B:$((1760 + p))" \
		"$((60 + p)):$((70 + p))" 0 >"/tmp/lf-churn-$p.out" 2>&1 &
	churners+=($!)
	ip netns exec "$NS_B" bash -c "while [ -e $blasting ]; do
		l2tp-blast $IP_B:$((1760 + p)) $IP_A:$((1760 + p)) $((60 + p)) 1 200 >/dev/null; sleep 0.1; done" &
	blasters+=($!)
done
fails=0
start=$(date +%s)
for i in $(seq "$CYCLES"); do
	ip netns exec "$NS_A" l2tpfast-ctl attach 10 >/dev/null || fails=$((fails + 1))
	ip netns exec "$NS_B" l2tpfast-ctl attach 20 >/dev/null || fails=$((fails + 1))
	sleep 0.05
	rmmod l2tpfast || fails=$((fails + 1))
	modprobe l2tpfast || fails=$((fails + 1))
done
diag "$CYCLES cycles in $(( $(date +%s) - start )) s"
expect "$CYCLES cycles of attach, attach, rmmod, modprobe: no failure" 0 "$fails"
rm -f "$blasting"
kill -TERM "${churners[@]}" 2>/dev/null
wait "${churners[@]}" "${blasters[@]}" 2>/dev/null
churned=$(cat /tmp/lf-churn-[123].out)
diag "churn: $churned"
check "sockets of attached tunnels were closed meanwhile" \
	test "$(awk '{n += $3} END {print n + 0}' <<<"$churned")" -gt 0
kill -INT "$ping" 2>/dev/null
wait "$ping" 2>/dev/null
trap ns_cleanup EXIT
diag "$(tail -2 /tmp/lf-ping.out)"
read -r sent got < <(sed -n 's/^\([0-9]*\) packets transmitted, \([0-9]*\) received.*/\1 \2/p' /tmp/lf-ping.out)
check "the stock tunnel carried the pings throughout ($got of $sent answered)" \
	test "${sent:-0}" -gt 0 -a "${got:-0}" -ge $(( ${sent:-0} - 2 ))
check "attach again after the last insmod" a l2tpfast-ctl attach 10
wait_for "session 1 tracked again" 10 test "$(session_ids 10)" = 1
check "$N pings" b ping -q -c "$N" -i 0.05 -W 2 10.99.0.1
expect "exact figures after re-attach: rx_packets" "$N" "$(lf_session_counter "$NS_A" 10 1 rx_packets)"
expect "exact figures after re-attach: tx_packets" "$N" "$(lf_session_counter "$NS_A" 10 1 tx_packets)"

echo "# --- the netns goes away while attached ---"
ns_cleanup
sleep 1
check "rmmod l2tpfast after both netns went" rmmod l2tpfast
check "modprobe l2tpfast" modprobe l2tpfast
expect "no kernel warnings" "" "$(dmesg_bugs_since "$mark")"
rm -f "$events"
done_tap
