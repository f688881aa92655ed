#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Exact per-session counters. Two pseudowires between two namespaces:
#
#   lf-a                                         lf-b
#   veth0 192.0.2.1 --------------------------- veth0 192.0.2.2
#   L2TPv3 tunnel 10, session 1, lfe1  <-UDP 1701->  tunnel 20, session 2, lfe2
#     10.99.0.1/30                                 10.99.0.2/30
#   L2TPv2 tunnel 30, session 3, lfp3  <-UDP 1702->  tunnel 40, session 4, lfp4
#     (l2tp-peer + pppd, LNS mode)                 (l2tp-peer + pppd)
#     10.98.0.1                                    10.98.0.2
#   (then the same over IPv6, and with lf-a's end in a VRF)
#
# N pings across each give exactly N data packets each way in l2tpfast's
# session counters, and the same packets and bytes as the kernel's own
# L2TP_ATTR_STATS for that session.
. "$(dirname "$0")/lib.sh"
need_root

N=${L2TPFAST_PINGS:-25}
modprobe l2tpfast
modprobe l2tp_eth
topo_veth

# --- L2TPv3: attach before any traffic, so counters equal the kernel's ---
check "L2TPv3 Ethernet pseudowire up" l2tpv3_eth 10 20 1 2 1701 10.99.0
check "attach tunnel 10 in lf-a" a l2tpfast-ctl attach 10
check "attach tunnel 20 in lf-b" b l2tpfast-ctl attach 20
check "session 1 tracked in lf-a" wait_tracked "$NS_A" 10 1
check "session 2 tracked in lf-b" wait_tracked "$NS_B" 20 2
expect "session 1 is tracked, with its interface" "lfe1" \
	"$(json_get "$(ip netns exec "$NS_A" l2tpfast-ctl show --json)" \
		"d['tunnels'][0]['sessions'][0]['ifname']")"

pings_ns=$(date +%s%N)
check "$N pings over L2TPv3" b ping -q -c "$N" -i 0.05 -W 2 10.99.0.1

for k in rx_packets tx_packets; do
	expect "v3 lf-a session 1 $k = $N" "$N" "$(lf_session_counter "$NS_A" 10 1 "$k")"
	expect "v3 lf-b session 2 $k = $N" "$N" "$(lf_session_counter "$NS_B" 20 2 "$k")"
done
for k in rx_packets rx_bytes tx_packets tx_bytes; do
	expect "v3 lf-a session 1 $k equals the kernel's" \
		"$(kernel_counter "$NS_A" 10 1 "$k")" "$(lf_session_counter "$NS_A" 10 1 "$k")"
done
expect "v3 tunnel rx_bytes = sum of its sessions'" \
	"$(lf_session_counter "$NS_A" 10 1 rx_bytes)" "$(lf_tunnel_counter "$NS_A" 10 rx_bytes)"
expect "v3: no control packets on a static tunnel" 0 "$(lf_tunnel_counter "$NS_A" 10 rx_ctrl_packets)"
expect "v3: no drops" 0 "$(lf_tunnel_counter "$NS_A" 10 rx_drops)"
ago=$(lf_session_counter "$NS_A" 10 1 rx_last_ns_ago)
since=$(( $(date +%s%N) - pings_ns ))
check "v3: last rx after the pings began ($ago ns ago, they began $since ns ago)" \
	test "$ago" -ge 0 -a "$ago" -le "$since"

check "reset tunnel 10" a l2tpfast-ctl reset 10
expect "after reset: rx_packets 0" 0 "$(lf_session_counter "$NS_A" 10 1 rx_packets)"
expect "after reset: idle shows never" null "$(lf_session_counter "$NS_A" 10 1 rx_last_ns_ago)"

# --- PPP over L2TPv2: attach while PPP is up; compare deltas -------------
check "L2TPv2 PPP pseudowire up (pppd both ends)" ppp_l2tpv2 30 40 3 4 1702 10.98.0
check "attach tunnel 30 in lf-a" a l2tpfast-ctl attach 30
check "attach tunnel 40 in lf-b" b l2tpfast-ctl attach 40
k0_rx=$(kernel_counter "$NS_A" 30 3 rx_packets)
k0_tx=$(kernel_counter "$NS_A" 30 3 tx_packets)
k0_rxb=$(kernel_counter "$NS_A" 30 3 rx_bytes)
l0_rx=$(lf_session_counter "$NS_A" 30 3 rx_packets)
l0_tx=$(lf_session_counter "$NS_A" 30 3 tx_packets)
l0_rxb=$(lf_session_counter "$NS_A" 30 3 rx_bytes)

check "$N pings over PPP/L2TPv2" b ping -q -c "$N" -i 0.05 -W 2 10.98.0.1

expect "v2 lf-a session 3 rx_packets +$N" "$N" \
	$(( $(lf_session_counter "$NS_A" 30 3 rx_packets) - l0_rx ))
expect "v2 lf-a session 3 tx_packets +$N" "$N" \
	$(( $(lf_session_counter "$NS_A" 30 3 tx_packets) - l0_tx ))
expect "v2 rx_packets delta equals the kernel's" \
	$(( $(kernel_counter "$NS_A" 30 3 rx_packets) - k0_rx )) \
	$(( $(lf_session_counter "$NS_A" 30 3 rx_packets) - l0_rx ))
expect "v2 tx_packets delta equals the kernel's" \
	$(( $(kernel_counter "$NS_A" 30 3 tx_packets) - k0_tx )) \
	$(( $(lf_session_counter "$NS_A" 30 3 tx_packets) - l0_tx ))
expect "v2 rx_bytes delta equals the kernel's" \
	$(( $(kernel_counter "$NS_A" 30 3 rx_bytes) - k0_rxb )) \
	$(( $(lf_session_counter "$NS_A" 30 3 rx_bytes) - l0_rxb ))
expect "v2 lf-b sent what lf-a received" \
	"$(lf_session_counter "$NS_A" 30 3 rx_packets)" \
	"$(lf_session_counter "$NS_B" 40 4 tx_packets)"

# --- what an LNS knows of a session, kept with its figures -----------------
check "annotate PPP session 3" a l2tpfast-ctl set 30 3 user alice address 10.98.0.2 \
	ifname lfp3 peer-host lac-b
sess=$(json_get "$(ip netns exec "$NS_A" l2tpfast-ctl show 30 --json)" \
	"json.dumps(d['tunnels'][0]['sessions'][0], sort_keys=True)")
for kv in user=alice address=10.98.0.2 ifname=lfp3 peer_host=lac-b; do
	expect "JSON session 3 ${kv%%=*}" "${kv#*=}" "$(json_get "$sess" "d['${kv%%=*}']")"
done
check "JSON session 3 has an uptime" test "$(json_get "$sess" "d['uptime_ns'] >= 0")" = True
sleep 2.5	# a sync with l2tp_core, which knows no name for a PPP interface
expect "the sync keeps the LNS's interface name" lfp3 "$(json_get "$(ip netns exec "$NS_A" \
	l2tpfast-ctl show 30 --json)" "d['tunnels'][0]['sessions'][0]['ifname']")"
check "table shows the user" bash -c "ip netns exec $NS_A l2tpfast-ctl show 30 | grep -q 'user: alice'"
expect "set on a session l2tp_core does not have" \
	"l2tpfast-ctl set: no session 99 in attached tunnel 30" \
	"$(ip netns exec "$NS_A" l2tpfast-ctl set 30 99 user x 2>&1)"
expect "set with a bad address" \
	"l2tpfast-ctl set: 'not-an-ip' is not an IPv4 or IPv6 address" \
	"$(ip netns exec "$NS_A" l2tpfast-ctl set 30 3 address not-an-ip 2>&1)"

# --- the same over IPv6 underlays ------------------------------------------
topo_veth6
UNDERLAY_A=$IP6_A UNDERLAY_B=$IP6_B \
	check "L2TPv3 Ethernet pseudowire over IPv6 up" l2tpv3_eth 50 60 5 6 1703 10.97.0
check "attach tunnel 50 (IPv6) in lf-a" a l2tpfast-ctl attach 50
check "session 5 tracked" wait_tracked "$NS_A" 50 5
expect "JSON local address of an IPv6 tunnel" "[$IP6_A]:1703" \
	"$(json_get "$(ip netns exec "$NS_A" l2tpfast-ctl show 50 --json)" "d['tunnels'][0]['local']")"
check "$N pings over L2TPv3/IPv6" b ping -q -c "$N" -i 0.05 -W 2 10.97.0.1
for k in rx_packets tx_packets; do
	expect "v3/IPv6 session 5 $k = $N" "$N" "$(lf_session_counter "$NS_A" 50 5 "$k")"
done
for k in rx_bytes tx_bytes; do
	expect "v3/IPv6 session 5 $k equals the kernel's" \
		"$(kernel_counter "$NS_A" 50 5 "$k")" "$(lf_session_counter "$NS_A" 50 5 "$k")"
done

UNDERLAY_A=$IP6_A UNDERLAY_B=$IP6_B \
	check "L2TPv2 PPP pseudowire over IPv6 up" ppp_l2tpv2 70 80 7 8 1704 10.96.0 --attach
check "session 7 (PPP over IPv6, attached by fd) tracked" wait_tracked "$NS_A" 70 7
k0=$(kernel_counter "$NS_A" 70 7 rx_packets)
l0=$(lf_session_counter "$NS_A" 70 7 rx_packets)
t0=$(lf_session_counter "$NS_A" 70 7 tx_packets)
check "$N pings over PPP/L2TPv2/IPv6" b ping -q -c "$N" -i 0.05 -W 2 10.96.0.1
expect "v2/IPv6 session 7 rx_packets +$N" "$N" $(( $(lf_session_counter "$NS_A" 70 7 rx_packets) - l0 ))
expect "v2/IPv6 session 7 tx_packets +$N" "$N" $(( $(lf_session_counter "$NS_A" 70 7 tx_packets) - t0 ))
expect "v2/IPv6 rx_packets delta equals the kernel's" \
	$(( $(kernel_counter "$NS_A" 70 7 rx_packets) - k0 )) \
	$(( $(lf_session_counter "$NS_A" 70 7 rx_packets) - l0 ))

# --- the operator's views --------------------------------------------------
table=$(ip netns exec "$NS_A" l2tpfast-ctl show)
diag "$table"
expect "show lists every tunnel" "tunnel: 10 tunnel: 30 tunnel: 50 tunnel: 70" \
	"$(grep '^tunnel:' <<<"$table" | tr '\n' ' ' | sed 's/ $//')"
prom=$(ip netns exec "$NS_A" l2tpfast-ctl show --prometheus)
check "prometheus: session rx counter for session 1" \
	grep -qE '^l2tpfast_session_rx_packets_total\{tunnel="10",session="1",ifname="lfe1"\} [0-9]+$' <<<"$prom"
expect "prometheus: every line is a comment or name{labels} value" "" \
	"$(grep -vE '^(# (HELP|TYPE) .*|[a-z][a-z0-9_]*(\{[^}]*\})? [0-9]+)$' <<<"$prom")"
rates=$(ip netns exec "$NS_A" l2tpfast-ctl watch 10 -i 0.5 -n 1)
check "watch prints a rate line for session 1" grep -qE '^10 +1 +lfe1 ' <<<"$rates"

# --- a tunnel whose socket is in a VRF: sent packets counted once ---------
# Routed through a VRF, a packet passes LOCAL_OUT twice (the VRF device,
# then the real one). lf-a's end is bound to VRF lfvrf over its own veth.
modprobe vrf
ip -n "$NS_A" link add lfvrf type vrf table 100
ip -n "$NS_A" link set lfvrf up
ip link add lfv-a netns "$NS_A" type veth peer name lfv-b netns "$NS_B"
ip -n "$NS_A" link set lfv-a master lfvrf
ip -n "$NS_A" addr add 198.51.100.1/24 dev lfv-a
ip -n "$NS_B" addr add 198.51.100.2/24 dev lfv-b
ip -n "$NS_A" link set lfv-a up
ip -n "$NS_B" link set lfv-b up
BIND_A=lfvrf UNDERLAY_A=198.51.100.1 UNDERLAY_B=198.51.100.2 \
	check "L2TPv2 PPP pseudowire with lf-a's end in a VRF up" \
	ppp_l2tpv2 90 91 9 10 1705 10.95.0 --attach
check "session 9 (in a VRF) tracked" wait_tracked "$NS_A" 90 9
k0=$(kernel_counter "$NS_A" 90 9 tx_packets)
t0=$(lf_session_counter "$NS_A" 90 9 tx_packets)
r0=$(lf_session_counter "$NS_A" 90 9 rx_packets)
check "$N pings over PPP/L2TPv2 in a VRF" b ping -q -c "$N" -i 0.05 -W 2 10.95.0.1
expect "VRF session 9 tx_packets +$N (not twice)" "$N" \
	$(( $(lf_session_counter "$NS_A" 90 9 tx_packets) - t0 ))
expect "VRF session 9 rx_packets +$N" "$N" \
	$(( $(lf_session_counter "$NS_A" 90 9 rx_packets) - r0 ))
expect "VRF tx_packets delta equals the kernel's" \
	$(( $(kernel_counter "$NS_A" 90 9 tx_packets) - k0 )) \
	$(( $(lf_session_counter "$NS_A" 90 9 tx_packets) - t0 ))

pkill -f 'l2tp-peer ppp' 2>/dev/null
pkill pppd 2>/dev/null
done_tap
