#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Three L2TP/IPsec clients behind one NAT, each a real charon + Debian's
# xl2tpd (from UDP port 1701, as Windows sends) + pppd, against the shipped
# swanctl configuration and l2tpfastd with 'ipsec required = yes'. Once ESP
# is removed, all three are 203.0.113.2:1701 -> 203.0.113.1:1701: what the
# gateway's kernel tells apart is the SA each came through, which marks its
# packets (mark_in/mark_out = %unique, set_mark_in = %same).
#
#   lf-n1  c0 10.77.1.2 --- lan1 10.77.1.1 \
#   lf-n2  c0 10.77.2.2 --- lan2 10.77.2.1  lf-nat  wan0 203.0.113.2 --- srv2 203.0.113.1  lf-srv
#   lf-n3  c0 10.77.3.2 --- lan3 10.77.3.1 /  (nftables masquerade)                  (gateway)
#
# 1. All three sessions up at once; concurrent pings (N, 2N, 3N) counted
#    exactly on each session; each tunnel bound to its own mark and SAs,
#    all three with the NAT's address and port 1701 as peer; on the wire,
#    ESP in UDP 4500 only, no L2TP in the clear.
# 2. NAT rebinding: mid-ping, the NAT forgets client 1's mapping and gives
#    it a port from another range; charon moves the SAs there, the session
#    carries on (pings lost only around the change, every request counted),
#    the binding stays, the change is counted (nat_changes), multicast
#    (tunnel-nat) and logged by l2tpfastd.
# 3. One of them terminated (swanctl --terminate): its tunnel goes, the
#    other two keep passing traffic; it dials again and works.
# 4. charon restarts on the gateway (its marks and reqids start from 1
#    again): every tunnel goes with its SA; two clients dial again, each
#    bound to an SA of the new charon, its own, counted exactly.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lns-lib.sh"
. "$(dirname "$0")/ipsec-lib.sh"
need_root

N=${L2TPFAST_PINGS:-10}
modprobe -a l2tpfast l2tp_ppp esp4 xfrm_user
lns_topo
lns_seed_config
sed -i 's/^lcp-echo-interval .*/lcp-echo-interval 0/' "$ETC_S/ppp/options.xl2tpd"
sed -i 's/^\[global\]$/[global]\nipsec required = yes/' "$ETC_S/xl2tpd/xl2tpd.conf"
NS_NAT=lf-nat
SRV2_IP=203.0.113.1
NAT_IP=203.0.113.2
USERS=(- alice bob carol)
ns_add "$NS_NAT"
ip link add srv2 netns "$NS_S" type veth peer name wan0 netns "$NS_NAT"
ip -n "$NS_S" addr add "$SRV2_IP/24" dev srv2
ip -n "$NS_NAT" addr add "$NAT_IP/24" dev wan0
ip -n "$NS_S" link set srv2 up
ip -n "$NS_NAT" link set wan0 up
quiet_link "$NS_S" srv2 "$NS_NAT" wan0 "$SRV2_IP" "$NAT_IP"
for k in 1 2 3; do
	ns_add "lf-n$k"
	ip link add "lan$k" netns "$NS_NAT" type veth peer name c0 netns "lf-n$k"
	ip -n "$NS_NAT" addr add "10.77.$k.1/24" dev "lan$k"
	ip -n "lf-n$k" addr add "10.77.$k.2/24" dev c0
	ip -n "$NS_NAT" link set "lan$k" up
	ip -n "lf-n$k" link set c0 up
	quiet_link "$NS_NAT" "lan$k" "lf-n$k" c0 "10.77.$k.1" "10.77.$k.2"
	ip -n "lf-n$k" route add default via "10.77.$k.1"
	rm -rf "/etc/netns/lf-n$k"
	mkdir -p "/etc/netns/lf-n$k/ppp" "/etc/netns/lf-n$k/xl2tpd"
done
nat_masquerade "$NS_NAT" wan0
nat_cleanup() {
	ipsec_lns_cleanup
	rm -rf /etc/netns/lf-n1 /etc/netns/lf-n2 /etc/netns/lf-n3
}
trap nat_cleanup EXIT
mark=$(dmesg_mark)

# in_n K CMD...: a client helper of lns-lib/ipsec-lib run for client K.
in_n() {
	local k=$1
	shift
	NS_C=lf-n$k ETC_C=/etc/netns/lf-n$k CLI_IP=10.77.$k.2 SRV_IP=$SRV2_IP "$@"
}
# dial NAME USER PASSWORD: the client's xl2tpd dials, its PPP comes up.
dial() {
	lac_config "$1" "$2" "$3" lcp-echo-interval 0
	xl2tpd_start "$NS_C" "$NS_C"
	if ! ppp_up "$NS_C" 1 40; then
		diag "$(tail -20 "$LNS_RUN/lns.log")"
		diag "$(tail -20 "$LNS_RUN/xl2tpd-$NS_C.log")"
		return 1
	fi
}
# up K: client K's charon, SAs, xl2tpd and PPP session.
up() {
	local k=$1
	in_n "$k" ipsec_client_start "n$k" &&
		in_n "$k" ipsec_initiate "n$k" >/dev/null &&
		in_n "$k" dial vpn "${USERS[$k]}" "${USERS[$k]}pw"
}
# hang_up K: client K's IKE_SA ends, then everything of the client.
hang_up() {
	in_n "$1" swanctl_ns "lf-n$1" --terminate --ike "n$1" --timeout 10 >/dev/null 2>&1
	in_n "$1" client_reset
}
tunnel_of() {	# USER KEY: a figure of USER's tunnel
	json_get "$(lns_json)" "$(user_tunnel "$1")$2"
}
rx_of() { json_get "$(lns_json)" "$(user_session "$1")['counters']['rx_packets']"; }

echo "# --- the gateway: shipped swanctl configuration, l2tpfastd --- (${SECONDS} s)"
check "charon starts in $NS_S" ipsec_gw_start
out=$(swanctl_ns "$NS_S" --load-all 2>&1)
if ! swanctl_clean "$out" >/dev/null; then
	diag "$out"
	not_ok "swanctl --load-all: no warning"
else
	ok "swanctl --load-all: no warning"
fi
ip netns exec "$NS_S" l2tpfastd -D -c /etc/xl2tpd/xl2tpd.conf -r "$LNS_RUN" \
	>>"$LNS_RUN/lns.log" 2>&1 &
lns_pid=$!

# --- 1: three clients behind one NAT, all from port 1701 ------------------
echo "# --- three clients behind $NAT_IP --- (${SECONDS} s)"
CAPTURE_IF=srv2 capture_start nat.pcap
for k in 1 2 3; do
	check "client $k (10.77.$k.2): IKE, ESP, PPP up (${USERS[$k]})" up "$k"
done
expect "three IKE_SAs on the gateway" 3 "$(n_gw_ike)"
expect "three sessions" 3 "$(n_sessions)"
declare -A r0
for k in 1 2 3; do
	r0[$k]=$(rx_of "${USERS[$k]}")
done
pids=()
for k in 1 2 3; do
	ip netns exec "lf-n$k" ping -q -c $((k * N)) -i 0.05 -W 2 10.1.20.30 \
		>"$LNS_RUN/ping-$k.log" 2>&1 &
	pids[k]=$!
done
for k in 1 2 3; do
	wait "${pids[$k]}"
	expect "client $k: $((k * N)) pings at the same time as the others', none lost" 0 $?
done
for k in 1 2 3; do
	expect "${USERS[$k]}'s session counted exactly its $((k * N))" $((k * N)) \
		$(($(rx_of "${USERS[$k]}") - ${r0[$k]}))
done
marks=""
for k in 1 2 3; do
	u=${USERS[$k]}
	expect "$u's peer is $NAT_IP:1701" "$NAT_IP:1701" "$(tunnel_of "$u" "['peer']")"
	m=$(tunnel_of "$u" "['ipsec']['bound_mark']")
	marks="$marks $m"
	check "$u's tunnel is bound to a mark ($m) and its SA shows it" \
		test "$m" != None -a "$m" != 0 -a "$m" = "$(tunnel_of "$u" "['ipsec']['mark']")"
	expect "$u: nothing dropped for binding" "0 0" \
		"$(tunnel_of "$u" "['counters']['rx_drops_binding']") $(tunnel_of "$u" "['counters']['tx_drops_binding']")"
done
expect "three different marks" 3 "$(tr ' ' '\n' <<<"$marks" | sort -u | grep -c .)"
spis=$(json_get "$(lns_json)" "len(set(t['ipsec']['spi_in'] for t in d['tunnels']))")
expect "three different inbound SAs" 3 "$spis"
capture_stop
expect "no L2TP in the clear on the WAN" 0 "$(pcap_count udp port 1701)"
check "ESP in UDP 4500: at least the pings each way" \
	test "$(pcap_count udp port 4500)" -ge $((2 * 6 * N))

# --- 2: client 1's NAT mapping moves (NAT rebinding) ---------------------
echo "# --- client 1's NAT gives it a new port mid-ping --- (${SECONDS} s)"
ip netns exec "$NS_S" l2tpfast-ctl monitor >"$LNS_RUN/monitor.log" 2>&1 &
mon=$!
check "l2tpfast-ctl monitor listens" wait_until 10 grep -q '^# monitoring' "$LNS_RUN/monitor.log"
a_tid=$(tunnel_of alice "['tunnel_id']")
p0=$(tunnel_of alice "['ipsec']['natt_peer_port']")
bind0="$(tunnel_of alice "['ipsec']['bound_mark']") $(tunnel_of alice "['ipsec']['bound_reqid']")"
r0=$(rx_of alice)
P=40
ip netns exec lf-n1 ping -c $P -i 0.1 -W 1 10.1.20.30 >"$LNS_RUN/ping-rebind.log" 2>&1 &
pp=$!
sleep 1
check "the NAT maps client 1 into ports 20000-20100 from now on" \
	ip netns exec "$NS_NAT" nft insert rule ip nat post ip saddr 10.77.1.2 meta l4proto udp \
	oifname wan0 masquerade to :20000-20100
check "...and forgets its mapping of $p0 (conntrack -D)" \
	ip netns exec "$NS_NAT" conntrack -D -p udp -s 10.77.1.2
wait "$pp"
got=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' "$LNS_RUN/ping-rebind.log")
check "alice's session carries on: at least $((P - 3)) of $P answered ($got)" \
	test "${got:-0}" -ge $((P - 3))
expect "every one of the $P requests counted on her session" $P $(($(rx_of alice) - r0))
port=$(tunnel_of alice "['ipsec']['natt_peer_port']")
check "her tunnel's NAT-T peer port moved from $p0 into 20000-20100 ($port)" \
	test "$port" -ge 20000 -a "$port" -le 20100
expect "nat_changes = 1" 1 "$(tunnel_of alice "['ipsec']['nat_changes']")"
expect "the binding did not move (mark, reqid)" "$bind0" \
	"$(tunnel_of alice "['ipsec']['bound_mark']") $(tunnel_of alice "['ipsec']['bound_reqid']")"
check "a tunnel-nat event for tunnel $a_tid with the new port" wait_until 5 \
	grep -q "^tunnel-nat tunnel $a_tid .* natt_peer_port $port nat_changes 1\$" "$LNS_RUN/monitor.log"
kill "$mon" 2>/dev/null
diag "$(grep -v '^session\|^tunnel-add' "$LNS_RUN/monitor.log")"
check "l2tpfastd logged the rebinding" \
	grep -q "NAT rebinding: .* from $NAT_IP:$p0 to $NAT_IP:$port" "$LNS_RUN/lns.log"
for k in 2 3; do
	expect "${USERS[$k]}: no NAT change" 0 "$(tunnel_of "${USERS[$k]}" "['ipsec']['nat_changes']")"
done
r0=$(rx_of alice)
check "$N more pings from client 1, none lost" \
	ip netns exec lf-n1 ping -q -c "$N" -i 0.05 -W 2 10.1.20.30
expect "...counted exactly" "$N" $(($(rx_of alice) - r0))

# --- 3: one of them goes, and comes back ----------------------------------
echo "# --- client 2 terminates --- (${SECONDS} s)"
hang_up 2
check "bob's tunnel is gone within 5 s" wait_for 5 2 n_gw_tunnels
for k in 1 3; do
	check "client $k still pings" say ip netns exec "lf-n$k" ping -q -c 3 -i 0.05 -W 2 10.1.20.30
done
check "client 2 dials again" up 2
expect "three sessions again" 3 "$(n_sessions)"
for k in 1 2 3; do
	check "client $k pings" say ip netns exec "lf-n$k" ping -q -c 3 -i 0.05 -W 2 10.1.20.30
done

# --- 4: charon restarts on the gateway -------------------------------------
echo "# --- charon restarts on the gateway --- (${SECONDS} s)"
# Gone once its pid file is (an orphan's zombie would answer kill -0).
gw_charon_stop() {
	local f=$LNS_RUN/run-$NS_S/charon.pid
	kill "$(cat "$f")" && wait_until 20 test ! -e "$f"
}
check "the gateway's charon stops (SIGTERM: its SAs deleted)" gw_charon_stop
check "every tunnel goes with its SA within 5 s" wait_for 5 0 n_gw_tunnels
gw_charon_again() { ipsec_charon "$NS_S" && swanctl_ns "$NS_S" --load-all >/dev/null; }
check "charon starts again, the shipped configuration loaded" gw_charon_again
for k in 1 2 3; do
	hang_up "$k"
done
for k in 1 2; do
	check "client $k dials again (${USERS[$k]})" up "$k"
done
expect "two sessions" 2 "$(n_sessions)"
gw_in=$(ip -n "$NS_S" xfrm state list dst "$SRV2_IP" proto esp | awk '$1 == "proto" {print $4}')
for k in 1 2; do
	u=${USERS[$k]}
	spi=$(printf '0x%08x' "$(tunnel_of "$u" "['ipsec']['spi_in']")")
	check "$u's tunnel came through an SA of the new charon ($spi)" grep -qx "$spi" <<<"$gw_in"
	r0=$(rx_of "$u")
	check "client $k: $N pings" ip netns exec "lf-n$k" ping -q -c "$N" -i 0.05 -W 2 10.1.20.30
	expect "...counted exactly on $u's session, nothing dropped for binding" "$N 0 0" \
		"$(($(rx_of "$u") - r0)) $(tunnel_of "$u" "['counters']['rx_drops_binding']") $(tunnel_of "$u" "['counters']['tx_drops_binding']")"
done
check "their marks differ" test "$(tunnel_of alice "['ipsec']['bound_mark']")" != \
	"$(tunnel_of bob "['ipsec']['bound_mark']")"

for k in 1 2; do
	hang_up "$k"
done
check "no tunnel left on the gateway" wait_for 10 0 n_gw_tunnels
kill -TERM "$lns_pid" 2>/dev/null
wait "$lns_pid"
expect "no kernel warnings" "" "$(dmesg_bugs_since "$mark")"
done_tap
