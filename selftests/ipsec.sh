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
mark=$(dmesg_mark)

# swanctl_clean OUT: swanctl's output says only what it loaded. Anything
# else (a key it does not know, a file it cannot read, a proposal it
# refuses) is a warning.
swanctl_clean() {
	! grep -vE '^(loaded (ike secret|connection|certificate|.* key from) |no (authorities|pools) found, 0 unloaded$|successfully loaded [0-9]+ connections, 0 unloaded$)' <<<"$1"
}

# gw_child KEY: KEY of the gateway's first CHILD_SA (swanctl --raw).
gw_child() {
	swanctl_ns "$NS_S" --list-sas --raw 2>/dev/null | sed -n 's/.*child-sas {//p' |
		grep -o " $1=[^ }]*" | head -1 | cut -d= -f2
}
n_gw_ike() { swanctl_ns "$NS_S" --list-sas --raw 2>/dev/null | grep -c 'list-sa event'; }

echo "# --- the gateway: charon with the shipped configuration, l2tpfastd ---"
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

echo "# --- a Windows-like client: IKEv1 main mode, PSK, ESP aes256-sha1 ---"
check "charon starts in $NS_C" ipsec_client_start l2tp
if ! check "the client brings IKE_SA and CHILD_SA up" ipsec_initiate l2tp; then
	diag "$(tail -30 "$LNS_RUN/charon-$NS_S.log")"
fi
check "both ends have the CHILD_SA installed" ipsec_wait_up 10
expect "gateway: CHILD_SA state" INSTALLED "$(gw_child state)"
expect "gateway: transport mode" TRANSPORT "$(gw_child mode)"
expect "gateway: ESP" ESP "$(gw_child protocol)"
expect "gateway: the client's phase 2 (AES-CBC, HMAC-SHA1, no PFS)" \
	"AES_CBC 256 HMAC_SHA1_96 " "$(gw_child encr-alg) $(gw_child encr-keysize) $(gw_child integ-alg) $(gw_child dh-group)"
diag "$(swanctl_ns "$NS_S" --list-sas 2>&1)"
# TODO(ipsec-required): with l2tpfast's `ipsec required` switch on, the
# tunnel socket here refuses what did not come through an SA.

# Everything on the gateway's wire from before L2TP's first packet.
ip netns exec "$NS_S" tcpdump -i srv0 -n -U -Z root -w "$LNS_RUN/srv0.pcap" \
	2>"$LNS_RUN/tcpdump.err" &
tcpdump_pid=$!
check "tcpdump listens on srv0" wait_until 10 grep -q "listening on" "$LNS_RUN/tcpdump.err"

echo "# --- L2TP and PPP through ESP ---"
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
tid=$(json_get "$j" "d['tunnels'][0]['tunnel_id']")
sid=$(json_get "$j" "$sess['session_id']")
r0=$(json_get "$j" "$sess['counters']['rx_packets']")
t0=$(json_get "$j" "$sess['counters']['tx_packets']")
check "$N pings through PPP, L2TP and ESP" \
	cli ping -q -c "$N" -i 0.05 -W 2 10.1.20.30
j=$(lns_json)
k=$(ip netns exec "$NS_S" l2tp-peer stats "$tid" "$sid")
expect "session: exactly the $N echo requests received" \
	"$N" $(( $(json_get "$j" "$sess['counters']['rx_packets']") - r0 ))
expect "session: exactly the $N echo replies sent" \
	"$N" $(( $(json_get "$j" "$sess['counters']['tx_packets']") - t0 ))
for key in rx_packets rx_bytes tx_packets tx_bytes; do
	expect "session $key equals the kernel's L2TP_ATTR_STATS" \
		"$(json_get "$k" "d['$key']")" "$(json_get "$j" "$sess['counters']['$key']")"
done
# TODO(sa-figures): the session's SA as l2tpfast-ctl shows it (SPIs,
# ESP packets and bytes) against `swanctl --list-sas` and `ip xfrm state`.

kill -INT "$tcpdump_pid"
wait "$tcpdump_pid"
pcap_count() {
	ip netns exec "$NS_S" tcpdump -n -r "$LNS_RUN/srv0.pcap" "$@" 2>/dev/null | wc -l
}
n_esp=$(pcap_count esp)
check "ESP on the wire: at least the $N pings each way ($n_esp packets)" \
	test "$n_esp" -ge $((2 * N))
expect "no L2TP in the clear (udp port 1701) either way" 0 "$(pcap_count udp port 1701)"
diag "$(ip netns exec "$NS_S" tcpdump -n -r "$LNS_RUN/srv0.pcap" 2>/dev/null | head -8)"

echo "# --- the client goes: StopCCN, then IKE Delete ---"
kill "$(cat "$LNS_RUN/xl2tpd-cli.pid")"
check "l2tpfast-ctl: the tunnel is gone" wait_for 20 0 n_tunnels
check "the client deletes its IKE_SA" \
	swanctl_ns "$NS_C" --terminate --ike l2tp --timeout 10
check "the gateway has no IKE_SA left" wait_for 10 0 n_gw_ike
client_reset

echo "# --- a macOS-like client: L2TP from an ephemeral port ---"
# TODO: xl2tpd 1.3.18 and port = 0 (below); a floating-port client.

kill -TERM "$lns_pid" 2>/dev/null
wait "$lns_pid"
diag "$(grep -iE 'warn|error|fail' "$LNS_RUN/charon-$NS_S.log" | head -10)"
expect "no kernel warnings" "" "$(dmesg_bugs_since "$mark")"
done_tap
