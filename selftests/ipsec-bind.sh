#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Tunnels bound to their own IPsec SA, when two clients share one address
# and port pair (behind one NAT, both from port 1701): the module's own
# part, with ESP keyed by hand the way charon keys it with the shipped
# swanctl configuration (mark_in/mark_out = %unique, set_mark_in = %same:
# each client's SAs and policies carry its own mark, its decrypted packets
# come out with it). ipsec-nat.sh runs real charon clients behind a NAT.
#
#   lf-a  veth0 192.0.2.1 ------------------------- veth0 192.0.2.2  lf-b
#   client 1: tunnel 11, session 1, lfp1  <-1701:1701->  tunnel 21, session 2
#             10.91.0.1, SO_MARK 1, bound to mark 1       10.91.0.2, mark 1
#   client 2: tunnel 12, session 3, lfp3  <-1701:1701->  tunnel 22, session 4
#             10.92.0.1, SO_MARK 2, bound to mark 2       10.92.0.2, mark 2
#
# Both of lf-a's tunnel sockets are 192.0.2.1:1701 <-> 192.0.2.2:1701:
# UDP hands a packet to either. On 6.1, l2tp_core looks for the session in
# the tunnel of the socket it came to; on 6.12 by ids in the netns, with no
# check of the socket or the SA. With l2tpfast:
# 1. both PPP sessions come up and carry concurrent pings, counted exactly
#    on each, each tunnel shown with its own SAs and binding;
# 2. data carrying client 1's ids sent through client 2's SA, and in
#    cleartext, never reaches client 1's session: dropped, counted
#    (rx_drops_binding), its counters and binding unmoved;
# 3. a bound tunnel whose packets would leave through no SA, or through an
#    SA without its mark, does not send them (tx_drops_binding);
# 4. bad bindings are refused at attach;
# 5. without IPsec, two tunnels on one address and port pair, attached at
#    both ends: concurrent pings counted exactly on each session.
. "$(dirname "$0")/lib.sh"
need_root

N=${L2TPFAST_PINGS:-10}
KEY=0x0102030405060708090a0b0c0d0e0f1011121314

modprobe l2tpfast
modprobe l2tp_ppp
modprobe esp4 2>/dev/null
modprobe xfrm_user 2>/dev/null
topo_veth
trap 'kill $(jobs -p) 2>/dev/null; ns_cleanup' EXIT

# One client's SAs and policies, as charon installs them for a CHILD_SA
# with unique marks: outbound SA and policy marked, inbound SA unmarked
# (found by SPI) setting the mark on what it decrypts, inbound policy
# marked. Both directions get the client's reqid.
client_sa() {	# MARK
	local m=$1 n src dst spi
	for n in "$NS_A" "$NS_B"; do
		if [ "$n" = "$NS_A" ]; then
			src=$IP_A dst=$IP_B
		else
			src=$IP_B dst=$IP_A
		fi
		# Out from n, and the same SA in at the other end.
		spi=$(printf '0x%s00%02x' "$([ "$n" = "$NS_A" ] && echo a0 || echo b0)" "$m")
		ip -n "$n" xfrm state add src "$src" dst "$dst" proto esp spi "$spi" \
			reqid "$m" mode transport mark "$m" \
			aead 'rfc4106(gcm(aes))' "$KEY" 128 || return 1
		ip -n "$n" xfrm policy add src "$src" dst "$dst" proto udp \
			sport 1701 dport 1701 dir out mark "$m" \
			tmpl src "$src" dst "$dst" proto esp reqid "$m" mode transport || return 1
		local o
		o=$([ "$n" = "$NS_A" ] && echo "$NS_B" || echo "$NS_A")
		ip -n "$o" xfrm state add src "$src" dst "$dst" proto esp spi "$spi" \
			reqid "$m" mode transport output-mark "$m" \
			aead 'rfc4106(gcm(aes))' "$KEY" 128 || return 1
		ip -n "$o" xfrm policy add src "$src" dst "$dst" proto udp \
			sport 1701 dport 1701 dir in mark "$m" \
			tmpl src "$src" dst "$dst" proto esp reqid "$m" mode transport || return 1
	done
}
check "client 1's SAs (mark 1, reqid 1)" client_sa 1
check "client 2's SAs (mark 2, reqid 2)" client_sa 2

# --- 1: two clients, one address and port pair --------------------------
# Both ends bound: lf-b's two sockets share their pair as well.
MARK_A=1 MARK_B=1 ATTACH_B=1 check "client 1: PPP up over tunnel 11 (mark 1)" \
	ppp_l2tpv2 11 21 1 2 1701 10.91.0 --attach
MARK_A=2 MARK_B=2 ATTACH_B=1 check "client 2: PPP up over tunnel 12 (mark 2)" \
	ppp_l2tpv2 12 22 3 4 1701 10.92.0 --attach
check "session 1 tracked" wait_tracked "$NS_A" 11 1
check "session 3 tracked" wait_tracked "$NS_A" 12 3
check "reset counters" a l2tpfast-ctl reset
ip netns exec "$NS_B" ping -q -c "$N" -i 0.05 -W 2 10.91.0.1 >/tmp/lf-bind-1 2>&1 &
p1=$!
ip netns exec "$NS_B" ping -q -c "$N" -i 0.05 -W 2 10.92.0.1 >/tmp/lf-bind-2 2>&1 &
p2=$!
wait "$p1"
expect "client 1: $N concurrent pings answered" 0 $?
wait "$p2"
expect "client 2: $N concurrent pings answered" 0 $?
for k in rx_packets tx_packets; do
	expect "session 1 $k = $N" "$N" "$(lf_session_counter "$NS_A" 11 1 "$k")"
	expect "session 3 $k = $N" "$N" "$(lf_session_counter "$NS_A" 12 3 "$k")"
done
ipsec_of() {	# TID KEY
	json_get "$(ip netns exec "$NS_A" l2tpfast-ctl show "$1" --json)" \
		"d['tunnels'][0]['ipsec']['$2']"
}
expect "tunnel 11: SA in 0xb00001, out 0xa00001" "$((0xb00001)) $((0xa00001))" \
	"$(ipsec_of 11 spi_in) $(ipsec_of 11 spi_out)"
expect "tunnel 12: SA in 0xb00002, out 0xa00002" "$((0xb00002)) $((0xa00002))" \
	"$(ipsec_of 12 spi_in) $(ipsec_of 12 spi_out)"
expect "tunnel 11 bound to mark 1, reqid 1" "1 1" \
	"$(ipsec_of 11 bound_mark) $(ipsec_of 11 bound_reqid)"
expect "tunnel 12 bound to mark 2, reqid 2" "2 2" \
	"$(ipsec_of 12 bound_mark) $(ipsec_of 12 bound_reqid)"
check "show prints the binding" bash -c \
	"ip netns exec $NS_A l2tpfast-ctl show 11 | grep -q 'bound to: mark 0x1/0xffffffff reqid 1'"
for t in 11 12; do
	expect "tunnel $t: no binding drop" "0 0" \
		"$(lf_tunnel_counter "$NS_A" "$t" rx_drops_binding) $(lf_tunnel_counter "$NS_A" "$t" tx_drops_binding)"
done

# --- 2: client 1's ids, not through client 1's SA -----------------------
# L2TPv2 data (flags, tunnel, session) carrying PPP/IPv4, from
# 192.0.2.2:1701 like both clients, with SO_MARK MARK (0: no policy, so
# cleartext).
forge() {	# MARK TID SID COUNT
	ip netns exec "$NS_B" /usr/bin/python3 -c "
import socket, struct
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.setsockopt(socket.SOL_SOCKET, socket.SO_MARK, $1)
s.bind(('$IP_B', 1701))
p = struct.pack('!HHH', 0x0002, $2, $3) + b'\xff\x03\x00\x21' + b'\x45' + bytes(39)
for i in range($4):
    s.sendto(p, ('$IP_A', 1701))"
}
ppp_rx() { ip netns exec "$NS_A" cat /sys/class/net/lfp1/statistics/rx_packets; }
rx0=$(lf_session_counter "$NS_A" 11 1 rx_packets)
ppp0=$(ppp_rx)
check "5 data packets with tunnel 11's ids through client 2's SA" forge 2 11 1 5
check "5 more in cleartext" forge 0 11 1 5
drops_of_11() { [ "$(lf_tunnel_counter "$NS_A" 11 rx_drops_binding)" = 10 ]; }
check "all 10 dropped, counted on tunnel 11 (rx_drops_binding)" wait_until 5 drops_of_11
expect "session 1 saw none of them" "$rx0" "$(lf_session_counter "$NS_A" 11 1 rx_packets)"
expect "lfp1 received none of them" "$ppp0" "$(ppp_rx)"
expect "tunnel 11 still bound to mark 1, reqid 1, SA in 0xb00001" "1 1 $((0xb00001))" \
	"$(ipsec_of 11 bound_mark) $(ipsec_of 11 bound_reqid) $(ipsec_of 11 spi_in)"
expect "tunnel 12 counted nothing of it" 0 "$(lf_tunnel_counter "$NS_A" 12 rx_drops_binding)"
# Naming no tunnel (0, or an id nobody has) but client 2's session: 6.1's
# l2tp_core looks for the session in the tunnel of whichever socket got it.
ppp3_rx() { ip netns exec "$NS_A" cat /sys/class/net/lfp3/statistics/rx_packets; }
drops_both() {
	echo $(($(lf_tunnel_counter "$NS_A" 11 rx_drops_binding) + \
		$(lf_tunnel_counter "$NS_A" 12 rx_drops_binding)))
}
rx3=$(lf_session_counter "$NS_A" 12 3 rx_packets)
ppp3=$(ppp3_rx)
d0=$(drops_both)
check "5 data packets for session 3 in tunnel 0, through client 1's SA" forge 1 0 3 5
check "5 for session 3 in tunnel 999, through client 1's SA" forge 1 999 3 5
check "5 for session 3 in tunnel 0, in cleartext" forge 0 0 3 5
sleep 1
expect "session 3 saw none of them" "$rx3" "$(lf_session_counter "$NS_A" 12 3 rx_packets)"
expect "lfp3 received none of them" "$ppp3" "$(ppp3_rx)"
case $(uname -r) in
6.1.*)	expect "6.1: all 15 dropped as not through the receiving tunnel's SA" \
		$((d0 + 15)) "$(drops_both)" ;;
esac
check "client 1 still pings" b ping -q -c 3 -i 0.05 -W 2 10.91.0.1
check "client 2 still pings" b ping -q -c 3 -i 0.05 -W 2 10.92.0.1

# --- 3: a bound tunnel sends through its own SA or not at all -----------
check "lf-a: client 2's outbound policy deleted" \
	ip -n "$NS_A" xfrm policy delete src "$IP_A" dst "$IP_B" proto udp \
	sport 1701 dport 1701 dir out mark 2
check "3 pings from lf-a over tunnel 12 are not sent" \
	bash -c "! ip netns exec $NS_A ping -q -c 3 -i 0.05 -W 1 10.92.0.2"
expect "tunnel 12 tx_drops_binding = 3 (no SA: not in cleartext either)" 3 \
	"$(lf_tunnel_counter "$NS_A" 12 tx_drops_binding)"
# A policy for every mark, to an SA of no mark: what an unmarked setup
# would route every client's packets through.
check "lf-a: an unmarked outbound policy and SA" bash -c "
	ip -n $NS_A xfrm state add src $IP_A dst $IP_B proto esp spi 0xa0ff \
		reqid 9 mode transport aead 'rfc4106(gcm(aes))' $KEY 128 &&
	ip -n $NS_A xfrm policy add src $IP_A dst $IP_B proto udp \
		sport 1701 dport 1701 dir out \
		tmpl src $IP_A dst $IP_B proto esp reqid 9 mode transport"
check "3 pings from lf-a over tunnel 12 are not sent through it" \
	bash -c "! ip netns exec $NS_A ping -q -c 3 -i 0.05 -W 1 10.92.0.2"
expect "tunnel 12 tx_drops_binding = 6" 6 "$(lf_tunnel_counter "$NS_A" 12 tx_drops_binding)"
check "client 1 still pings (its marked policy wins)" \
	b ping -q -c 3 -i 0.05 -W 2 10.91.0.1
expect "tunnel 11 sent nothing through the unmarked SA" "$((0xa00001))" "$(ipsec_of 11 spi_out)"

# --- 4: attach refuses a binding that makes no sense ---------------------
# tunnel-attach (op 2): id (1), version (3), fd (4) absent: ipsec-mark
# (12) outside ipsec-mask (13), and a mask alone.
attach_bad() {	# ATTRS...
	test "$(ip netns exec "$NS_A" genl-client l2tpfast 2 1:u32:99 3:u8:2 "$@")" = "error EINVAL"
}
check "ipsec-mark outside ipsec-mask refused (EINVAL)" attach_bad 12:u32:256 13:u32:255
check "ipsec-mask without ipsec-mark refused (EINVAL)" attach_bad 13:u32:255
check "a zero ipsec-mask refused (EINVAL)" attach_bad 12:u32:0 13:u32:0
check "ipsec-mark 0 refused (EINVAL): it would be every unmarked SA's" attach_bad 12:u32:0
v3_mark() {
	test "$(ip netns exec "$NS_A" genl-client l2tpfast 2 1:u32:99 3:u8:3 12:u32:1)" = "error EINVAL"
}
check "ipsec-mark on an L2TPv3 tunnel refused (EINVAL): the binding is v2's" v3_mark


# --- 5: no IPsec, one LAC's two tunnels on one pair -----------------------
# A LAC keeping two tunnels from its one port (xl2tpd, a [lac] section
# each) and an LNS answering both from its own: both ends' sockets share
# the pair and no SA tells them apart; the header's tunnel id does. 6.1's
# l2tp_core alone would look for each session in the tunnel of whichever
# socket UDP picked.
MARK_A=0 MARK_B=0 ATTACH_B=1 check "tunnel 13: PPP up (no IPsec, port 1702)" \
	ppp_l2tpv2 13 23 5 6 1702 10.93.0 --attach
MARK_A=0 MARK_B=0 ATTACH_B=1 check "tunnel 14: PPP up on the same address and port pair" \
	ppp_l2tpv2 14 24 7 8 1702 10.94.0 --attach
check "session 5 tracked" wait_tracked "$NS_A" 13 5
check "session 7 tracked" wait_tracked "$NS_A" 14 7
expect "both of lf-a's sockets are $IP_A:1702 <-> $IP_B:1702" 2 \
	"$(ip netns exec "$NS_A" ss -uan state established | grep -c "$IP_A:1702 *$IP_B:1702")"
both5_7() {
	echo "$(lf_session_counter "$NS_A" 13 5 "$1") $(lf_session_counter "$NS_A" 14 7 "$1")"
}
read -r rx5 rx7 < <(both5_7 rx_packets)
read -r tx5 tx7 < <(both5_7 tx_packets)
ip netns exec "$NS_B" ping -q -c "$N" -i 0.05 -W 2 10.93.0.1 >/tmp/lf-bind-5 2>&1 &
p1=$!
ip netns exec "$NS_B" ping -q -c "$N" -i 0.05 -W 2 10.94.0.1 >/tmp/lf-bind-7 2>&1 &
p2=$!
wait "$p1"
expect "tunnel 13: $N concurrent pings answered" 0 $?
wait "$p2"
expect "tunnel 14: $N concurrent pings answered" 0 $?
read -r a b < <(both5_7 rx_packets)
expect "sessions 5 and 7: exactly $N received each" "$N $N" "$((a - rx5)) $((b - rx7))"
read -r a b < <(both5_7 tx_packets)
expect "... and $N sent each" "$N $N" "$((a - tx5)) $((b - tx7))"
for t in 13 14; do
	expect "tunnel $t: no binding drop" "0 0" \
		"$(lf_tunnel_counter "$NS_A" "$t" rx_drops_binding) $(lf_tunnel_counter "$NS_A" "$t" tx_drops_binding)"
done

done_tap
