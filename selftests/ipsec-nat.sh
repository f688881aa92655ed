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
# 2. One of them terminated (swanctl --terminate): its tunnel goes, the
#    other two keep passing traffic; it dials again and works.
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

# --- 2: one of them goes, and comes back ----------------------------------
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

for k in 1 2 3; do
	hang_up "$k"
done
check "no tunnel left on the gateway" wait_for 10 0 n_gw_tunnels
kill -TERM "$lns_pid" 2>/dev/null
wait "$lns_pid"
expect "no kernel warnings" "" "$(dmesg_bugs_since "$mark")"
done_tap
