#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# L2TP/IPsec end to end: strongSwan's charon with the shipped configuration
# (conf/swanctl, PSK) and l2tpfastd on the gateway; charon, xl2tpd and pppd
# on the client, as a Windows client dials (IKEv1 main mode, ESP in
# transport mode for UDP 1701, HMAC-SHA1 without PFS). Nothing of L2TP may
# cross the wire in the clear.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lns-lib.sh"
. "$(dirname "$0")/ipsec-lib.sh"
need_root

N=10
modprobe -a l2tpfast l2tp_ppp
# ESP in transport mode and charon's XFRM netlink; the ciphers load on
# demand.
modprobe -a esp4 xfrm_user
lns_topo
lns_seed_config
# No LCP echoes either way: the pings are the session's only data, so its
# figures are exact.
sed -i 's/^lcp-echo-interval .*/lcp-echo-interval 0/' "$ETC_S/ppp/options.xl2tpd"
# The gateway takes L2TP only through IPsec, enforced by l2tpfast.ko.
sed -i 's/^\[global\]$/[global]\nipsec required = yes/' "$ETC_S/xl2tpd/xl2tpd.conf"
# A stranger on a second link of the gateway's, with no IPsec.
NS_X=lf-x
ns_add "$NS_X"
ip link add srv1 netns "$NS_S" type veth peer name x0 netns "$NS_X"
ip -n "$NS_S" addr add 198.51.100.1/24 dev srv1
ip -n "$NS_X" addr add 198.51.100.2/24 dev x0
ip -n "$NS_S" link set srv1 up
ip -n "$NS_X" link set x0 up
mark=$(dmesg_mark)

stranger_cleanup() {
	rm -rf "/etc/netns/$NS_X"
	ipsec_lns_cleanup
}
trap stranger_cleanup EXIT

# rekey_mid_ping child|ike: the client rekeys that SA during 30 pings;
# no more than one may be lost.
rekey_mid_ping() {
	local ping_pid lost
	ip netns exec "$NS_C" ping -c 30 -i 0.1 -W 2 10.1.20.30 >"$LNS_RUN/ping-rekey.log" 2>&1 &
	ping_pid=$!
	sleep 1
	check "swanctl --rekey --$1 on the client" swanctl_ns "$NS_C" --rekey "--$1" l2tp
	wait "$ping_pid"
	lost=$(awk '/packets transmitted/ {print $1 - $4}' "$LNS_RUN/ping-rekey.log")
	check "no more than one ping of 30 lost across the $1 rekey (lost $lost)" \
		test "${lost:-99}" -le 1
}

# stranger_sends: from lf-x, in the clear, to the gateway's port 1701: 5
# SCCRQ-shaped control packets and 5 data packets carrying the live
# tunnel's and session's ids (TID SID).
stranger_sends() {
	ip netns exec "$NS_X" /usr/bin/python3 -c "
import socket, struct
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(5):
    s.sendto(struct.pack('!HHHHHH', 0xc802, 12, 0, 0, 0, 0), ('198.51.100.1', 1701))
    s.sendto(struct.pack('!HHH', 0x0002, $1, $2) + b'\xff\x03\x00\x21' + bytes(40), ('198.51.100.1', 1701))"
}

echo "# --- the gateway: charon with the shipped configuration, l2tpfastd --- (${SECONDS} s)"
check "charon starts in $NS_S" ipsec_gw_start
out=$(swanctl_ns "$NS_S" --load-all 2>&1)
rc=$?
diag "$out"
expect "swanctl --load-all: exit status" 0 "$rc"
if swanctl_clean "$out" >/dev/null; then
	ok "swanctl --load-all: no warning"
else
	not_ok "swanctl --load-all: no warning"
	diag "$(swanctl_clean "$out")"
fi
check "... and the connection l2tpfast-psk is loaded" \
	grep -q "loaded connection 'l2tpfast-psk'" <<<"$out"
ip netns exec "$NS_S" l2tpfastd -D -c /etc/xl2tpd/xl2tpd.conf -r "$LNS_RUN" \
	>>"$LNS_RUN/lns.log" 2>&1 &
lns_pid=$!

echo "# --- a Windows-like client: IKEv1 main mode, PSK, ESP aes256-sha1 --- (${SECONDS} s)"
check "charon starts in $NS_C" ipsec_client_start l2tp
if ! check "the client brings IKE_SA and CHILD_SA up" ipsec_initiate l2tp; then
	diag "$(tail -30 "$LNS_RUN/charon-$NS_S.log")"
fi
check "both ends have the CHILD_SA installed" ipsec_wait_up 10
gw_sa_read
expect "gateway: CHILD_SA state" INSTALLED "$(gw_child state)"
expect "gateway: transport mode" TRANSPORT "$(gw_child mode)"
expect "gateway: ESP" ESP "$(gw_child protocol)"
expect "gateway: the client's phase 2 (AES-CBC, HMAC-SHA1, no PFS)" \
	"AES_CBC 256 HMAC_SHA1_96 " "$(gw_child encr-alg) $(gw_child encr-keysize) $(gw_child integ-alg) $(gw_child dh-group)"
diag "$(swanctl_ns "$NS_S" --list-sas 2>&1)"
expect "l2tpfast: IPsec required on port 1701 (l2tpfastd's ipsec required = yes)" \
	"True 1701" "$(json_get "$(lns_json)" "'%s %s' % (d['ipsec']['required'], d['ipsec']['port'])")"

capture_start srv0.pcap

echo "# --- L2TP and PPP through ESP --- (${SECONDS} s)"
lac_config vpn username secret lcp-echo-interval 0
xl2tpd_start "$NS_C" cli
if ! check "client's PPP is up" ppp_up "$NS_C" 1 40; then
	diag "$(tail -20 "$LNS_RUN/lns.log")"
	diag "$(tail -20 "$LNS_RUN/xl2tpd-cli.log")"
fi
sleep 1
j=$(lns_json)
sess="[s for t in d['tunnels'] for s in t['sessions']][0]"
expect "l2tpfast-ctl: the session's user" username "$(json_get "$j" "$sess['user']")"
session_pings
spi_in=$(live_ipsec spi_in)
spi_out=$(live_ipsec spi_out)
diag "gateway's SAs: in $(gw_spi "$SRV_IP" | tr '\n' ' ')out $(gw_spi "$CLI_IP" | tr '\n' ' ')"
check "l2tpfast: the tunnel's inbound SA ($(hex8 "$spi_in")) is the gateway's (ip xfrm)" \
	gw_has_spi "$SRV_IP" "$spi_in"
check "l2tpfast: the tunnel's outbound SA ($(hex8 "$spi_out")) is the gateway's" \
	gw_has_spi "$CLI_IP" "$spi_out"
check "show prints the SA beside the session" \
	bash -c "ip netns exec $NS_S l2tpfast-ctl show | grep -q '    ipsec: spi in $(hex8 "$spi_in")'"

echo "# --- a stranger in the clear: dropped, counted, nothing else --- (${SECONDS} s)"
j=$(lns_json)
read -r tid ptid psid drops0 rx0 < <(json_get "$j" "' '.join(map(str, (
	[t for t in d['tunnels'] if t['sessions']][0]['tunnel_id'],
	[t for t in d['tunnels'] if t['sessions']][0]['peer_tunnel_id'],
	[s for t in d['tunnels'] for s in t['sessions']][0]['peer_session_id'],
	d['ipsec']['rx_drops_cleartext'],
	[s for t in d['tunnels'] for s in t['sessions']][0]['counters']['rx_packets'])))")
log0=$(wc -l <"$LNS_RUN/lns.log")
stranger_sends "$tid" "$(json_get "$j" "[s for t in d['tunnels'] for s in t['sessions']][0]['session_id']")"
cleartext_counted() { [ "$(json_get "$(lns_json)" "d['ipsec']['rx_drops_cleartext']")" = $((drops0 + 10)) ]; }
check "10 cleartext packets dropped, counted on the netns" wait_until 5 cleartext_counted
expect "the session's figures did not move" "$rx0" \
	"$(json_get "$(lns_json)" "[s for t in d['tunnels'] for s in t['sessions']][0]['counters']['rx_packets']")"
expect "l2tpfastd logged nothing of them" "$log0" "$(wc -l <"$LNS_RUN/lns.log")"
# Then a real one: Debian's xl2tpd in lf-x dials the gateway with no IPsec.
ETC_X=/etc/netns/$NS_X
mkdir -p "$ETC_X/xl2tpd" "$ETC_X/ppp"
NS_C=$NS_X ETC_C=$ETC_X SRV_IP=198.51.100.1 lac_config stranger alice alicepw
xl2tpd_start "$NS_X" x
stranger_counted() { [ "$(json_get "$(lns_json)" "d['ipsec']['rx_drops_cleartext']")" -ge $((drops0 + 12)) ]; }
check "xl2tpd in the clear: its SCCRQ and a retransmission dropped, counted on the netns" \
	wait_until 15 stranger_counted
kill "$(cat "$LNS_RUN/xl2tpd-x.pid")"
rm -rf "$ETC_X"
expect "... l2tpfastd logged nothing of it" "$log0" "$(wc -l <"$LNS_RUN/lns.log")"
expect "... one tunnel on the gateway still, the session's figures unmoved" "1 $rx0" \
	"$(n_gw_tunnels) $(json_get "$(lns_json)" "$(user_session)['counters']['rx_packets']")"

echo "# --- the client rekeys its CHILD_SA mid-ping --- (${SECONDS} s)"
spi0=$(live_ipsec spi_in)
rekey_mid_ping child
check "the SA shown follows the rekey" test "$(live_ipsec spi_in)" != "$spi0"
check "... and counts the change" test "$(live_ipsec changes)" -ge 1
check "... and is one of the gateway's inbound SAs" \
	gw_has_spi "$SRV_IP" "$(live_ipsec spi_in)"

echo "# --- the client rekeys its IKE_SA mid-ping --- (${SECONDS} s)"
# IKEv1 has no IKE rekey proper: charon authenticates a new IKE_SA and
# moves (or makes anew) the CHILD_SA under it, then deletes the old one.
tid0=$(json_get "$(lns_json)" "$(user_tunnel)['tunnel_id']")
rekey_mid_ping ike
check "the gateway is left with one IKE_SA" wait_for 10 1 n_gw_ike
sleep 2	# past l2tpfastd's SA check after the old SAs' deletion
expect "the tunnel and its session carry on" "$tid0 1" \
	"$(json_get "$(lns_json)" "'%d %d' % ($(user_tunnel)['tunnel_id'], len($(user_tunnel)['sessions']))")"
check "... and its SA shown is one of the gateway's inbound SAs" \
	gw_has_spi "$SRV_IP" "$(live_ipsec spi_in)"
session_pings
capture_stop
capture_checks "udp port 1701"

echo "# --- swanctl --terminate on the client: SA gone, tunnel gone --- (${SECONDS} s)"
t0=$SECONDS
check "the client deletes its IKE_SA" \
	swanctl_ns "$NS_C" --terminate --ike l2tp --timeout 10
check "the gateway has no IKE_SA left" wait_for 10 0 n_gw_ike
if check "within 5 s the gateway's tunnel is gone" wait_for 5 0 n_gw_tunnels; then
	diag "gone $((SECONDS - t0)) s after the terminate"
else
	diag "$(tail -5 "$LNS_RUN/lns.log")"
fi
check "... and its pppd" wait_for 3 0 n_server_pppd
check "l2tpfastd says why" grep -q "IPsec SA gone" "$LNS_RUN/lns.log"
kill "$(cat "$LNS_RUN/xl2tpd-cli.pid")"
client_reset

echo "# --- a client from an ephemeral port (as macOS/iOS), with PFS (ECP) --- (${SECONDS} s)"
# xl2tpd binds its ports as configured; l2tp-lac binds port 0 and keeps
# the one socket for control and data, as a floating-port client does.
# Its charon asks for UDP from any port (the gateway's remote_ts).
IPSEC_CLIENT_TS="dynamic[udp]" check "charon starts in $NS_C" \
	ipsec_client_start mac aes128-sha256-ecp256 aes128-sha1-ecp256
if ! check "the client brings IKE_SA and CHILD_SA up" ipsec_initiate mac; then
	diag "$(tail -30 "$LNS_RUN/charon-$NS_S.log")"
fi
check "both ends have the CHILD_SA installed" ipsec_wait_up 10
gw_sa_read
expect "gateway: transport mode" TRANSPORT "$(gw_child mode)"
expect "gateway: the client's phase 2 with PFS" "AES_CBC 128 HMAC_SHA1_96 ECP_256" \
	"$(gw_child encr-alg) $(gw_child encr-keysize) $(gw_child integ-alg) $(gw_child dh-group)"
capture_start srv0-2.pcap
ip netns exec "$NS_C" l2tp-lac "$SRV_IP" "$CLI_IP:0" 1 -- noauth name alice \
	password alicepw nodefaultroute noipv6 noccp mtu 1400 mru 1400 \
	lcp-echo-interval 0 >"$LNS_RUN/lac.log" 2>&1 &
lac_pid=$!
if ! check "L2TP tunnel up" wait_until 30 grep -q "tunnel up" "$LNS_RUN/lac.log"; then
	diag "$(cat "$LNS_RUN/lac.log")"
	diag "$(tail -20 "$LNS_RUN/lns.log")"
fi
check "client's PPP is up" ppp_up "$NS_C" 1 40
j=$(lns_json)
# The tunnel with a session: the first client's may still be closing.
peer=$(json_get "$j" "[t for t in d['tunnels'] if t['sessions']][0]['peer']")
port=${peer##*:}
check "the client's L2TP port is an ephemeral one ($peer)" \
	test "$port" -ne 1701 -a "$port" -ge 1024
check "... which the gateway's CHILD_SA covers" \
	grep -q "$CLI_IP/32\[udp\]" <<<"$(gw_child remote-ts)"
session_pings
capture_stop
capture_checks "udp port $port or udp port 1701"
kill "$lac_pid"
check "the gateway's session is gone" wait_for 20 "" server_l2tp_sessions
check "the client deletes its IKE_SA" \
	swanctl_ns "$NS_C" --terminate --ike mac --timeout 10
check "the gateway has no IKE_SA left" wait_for 10 0 n_gw_ike
client_reset

kill -TERM "$lns_pid" 2>/dev/null
wait "$lns_pid"
diag "$(grep -iE 'warn|error|fail' "$LNS_RUN/charon-$NS_S.log" | head -10)"
expect "no kernel warnings" "" "$(dmesg_bugs_since "$mark")"
done_tap
