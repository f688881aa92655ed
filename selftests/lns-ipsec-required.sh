#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 'ipsec required = yes' with no IPsec at all: l2tpfastd turns l2tpfast.ko's
# switch on before it listens, and a cleartext client (Debian's xl2tpd +
# pppd) gets no tunnel: its SCCRQs are dropped and counted in the netns's
# figures (l2tpfast-ctl), l2tpfastd never sees them. SIGHUP to 'no' turns the switch off
# (WARNING in the log) and the same client connects; SIGHUP back to 'yes'
# turns it on again. Then ESP keyed by hand (ip xfrm, no IKE daemon): the
# client's tunnel comes up through it; a rekey (new SA with the same reqid,
# then the old one deleted) keeps it; deleting its inbound SA tears it down
# within 5 s (l2tpfastd follows the kernel's xfrm events): kernel tunnel,
# pppd and address gone. The IPsec end-to-end test (charon on both ends)
# is selftests/ipsec.sh.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lns-lib.sh"
need_root

modprobe l2tp_ppp
lns_topo
lns_seed_config
mark=$(dmesg_mark)
conf=$ETC_S/xl2tpd/xl2tpd.conf
sed -i 's/^\[global\]$/[global]\nipsec required = yes/' "$conf"
check "the configuration says 'ipsec required = yes'" grep -q '^ipsec required = yes$' "$conf"

l2tpfastd_start() {
	ip netns exec "$NS_S" l2tpfastd -D -c /etc/xl2tpd/xl2tpd.conf -r "$LNS_RUN" \
		"$@" >>"$LNS_RUN/lns.log" 2>&1 &
	lns_pid=$!
	sleep 0.5
}
# The netns's IPsec figures as l2tpfast-ctl shows them.
net_field() {
	json_get "$(lns_json)" "d['ipsec']['$1']"
}

# Start-up without l2tpfast.ko cannot be had here: l2tpfastd's genl
# lookup of the family loads the module again. The driver harness
# (lns-driver.sh) covers a refused net-set stopping start-up.
modprobe l2tpfast

echo "# --- a cleartext client gets no tunnel ---"
l2tpfastd_start
check "l2tpfastd runs" test -d "/proc/$lns_pid"
check "... and says IPsec is required" grep -q "IPsec required: l2tpfast.ko drops L2TP to port 1701" "$LNS_RUN/lns.log"
expect "l2tpfast-ctl: IPsec required" True "$(net_field required)"
expect "l2tpfast-ctl: on port 1701" 1701 "$(net_field port)"
d0=$(net_field rx_drops_cleartext)
lac_config vpn username secret
xl2tpd_start "$NS_C" cli
if ppp_up "$NS_C" 1 12; then
	not_ok "the cleartext client gets no PPP session"
else
	ok "the cleartext client gets no PPP session"
fi
expect "no tunnel in l2tpfast-ctl" 0 "$(n_tunnels)"
expect "no kernel tunnel on the server" "" "$(server_l2tp_tunnels)"
check "l2tpfastd saw no SCCRQ" bash -c "! grep -q 'SCCRQ from' '$LNS_RUN/lns.log'"
d1=$(net_field rx_drops_cleartext)
diag "rx-drop-cleartext: $d0 before, $d1 after"
check "its SCCRQs are counted as dropped cleartext (l2tpfast-ctl)" test "$d1" -gt "$d0"

echo "# --- SIGHUP to 'no': the switch goes off, the client connects ---"
sed -i 's/^ipsec required = yes$/ipsec required = no/' "$conf"
kill -HUP "$lns_pid"
check "WARNING: L2TP accepted in cleartext" \
	wait_until 5 grep -q "WARNING: 'ipsec required = no'.*cleartext" "$LNS_RUN/lns.log"
expect "l2tpfast-ctl: IPsec not required" False "$(net_field required)"
client_reset	# xl2tpd (redial = no) may have given up on its SCCRQ
lac_config vpn username secret
xl2tpd_start "$NS_C" cli
check "the client's PPP comes up" ppp_up "$NS_C" 1 40
expect "one tunnel in l2tpfast-ctl" 1 "$(n_tunnels)"

echo "# --- SIGHUP to 'yes' again ---"
sed -i 's/^ipsec required = no$/ipsec required = yes/' "$conf"
kill -HUP "$lns_pid"
check "reloaded" wait_until 5 grep -q "SIGHUP: .* reloaded" "$LNS_RUN/lns.log"
expect "l2tpfast-ctl: IPsec required again" True "$(net_field required)"

kill -TERM "$lns_pid"
check "l2tpfastd stops" wait_until 15 test ! -d "/proc/$lns_pid"
check "no kernel tunnel left" test -z "$(server_l2tp_tunnels)"
client_reset

echo "# --- ESP keyed by hand: SA gone, tunnel gone; a rekey keeps it ---"
modprobe esp4 2>/dev/null
l2tpfastd_start
check "l2tpfastd runs, IPsec required" test -d "/proc/$lns_pid"
KEY_CS=0x0102030405060708090a0b0c0d0e0f1011121314
KEY_SC=0x1112131415161718191a1b1c1d1e1f2021222324
KEY_CS2=0x2122232425262728292a2b2c2d2e2f3031323334
SPI_CS=0x0000c001
SPI_SC=0x0000d001
SPI_CS2=0x0000c002
sa_add() {	# SRC DST SPI KEY REQID: the SA in both netns
	local n
	for n in "$NS_S" "$NS_C"; do
		ip -n "$n" xfrm state add src "$1" dst "$2" proto esp spi "$3" \
			reqid "$5" mode transport aead 'rfc4106(gcm(aes))' "$4" 128 || return 1
	done
}
sa_del() {	# SRC DST SPI
	local n
	for n in "$NS_S" "$NS_C"; do
		ip -n "$n" xfrm state delete src "$1" dst "$2" proto esp spi "$3" || return 1
	done
}
pol_add() {	# SRC DST REQID NS_OUT NS_IN: udp/1701 both ends, through ESP
	ip -n "$4" xfrm policy add src "$1" dst "$2" proto udp sport 1701 dport 1701 \
		dir out tmpl src "$1" dst "$2" proto esp reqid "$3" mode transport &&
	ip -n "$5" xfrm policy add src "$1" dst "$2" proto udp sport 1701 dport 1701 \
		dir in tmpl src "$1" dst "$2" proto esp reqid "$3" mode transport
}
check "ESP client->server (reqid 7)" sa_add "$CLI_IP" "$SRV_IP" "$SPI_CS" "$KEY_CS" 7
check "ESP server->client (reqid 8)" sa_add "$SRV_IP" "$CLI_IP" "$SPI_SC" "$KEY_SC" 8
check "policies udp/1701 both ways" bash -c "$(declare -f pol_add); NS_S=$NS_S; NS_C=$NS_C;
	pol_add $CLI_IP $SRV_IP 7 $NS_C $NS_S && pol_add $SRV_IP $CLI_IP 8 $NS_S $NS_C"
lac_config vpn alice alicepw
xl2tpd_start "$NS_C" cli
check "the client's PPP comes up through ESP" ppp_up "$NS_C" 1 60
tunnel_spi_in() { json_get "$(lns_json)" "d['tunnels'][0]['ipsec']['spi_in']"; }
expect "the tunnel shows its inbound SA" $((SPI_CS)) "$(tunnel_spi_in)"
check "pings through ESP" ip netns exec "$NS_C" ping -q -c 3 -i 0.2 -W 2 10.1.20.30
check "rekey: the new client->server SA (same reqid 7) first" \
	sa_add "$CLI_IP" "$SRV_IP" "$SPI_CS2" "$KEY_CS2" 7
check "... then the old one deleted" sa_del "$CLI_IP" "$SRV_IP" "$SPI_CS"
sleep 5
check "rekey: the tunnel stays" test "$(n_tunnels)" = 1
check "rekey: no 'IPsec SA gone' in the log" bash -c "! grep -q 'IPsec SA gone' '$LNS_RUN/lns.log'"
check "pings through the new SA" ip netns exec "$NS_C" ping -q -c 3 -i 0.2 -W 2 10.1.20.30
expect "the tunnel shows the new inbound SA" $((SPI_CS2)) "$(tunnel_spi_in)"
t0=$(date +%s.%N)
check "terminate: the inbound SA deleted" sa_del "$CLI_IP" "$SRV_IP" "$SPI_CS2"
check "kernel tunnel gone within 5 s" wait_for 5 "" server_l2tp_tunnels
diag "$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "tunnel gone %.1f s after the SA", b - a }')"
check "server pppd gone" wait_for 5 0 n_server_pppd
expect "l2tpfast-ctl: no tunnel" 0 "$(n_tunnels)"
check "one log line names the tunnel, the peer, the SPI and the reqid" \
	grep -q "tunnel [0-9]*/[0-9]* $CLI_IP:1701: IPsec SA gone (SPI in 0x0000c002, reqid 7)" "$LNS_RUN/lns.log"

kill -TERM "$lns_pid"
check "l2tpfastd exits" wait_until 15 test ! -d "/proc/$lns_pid"
diag "$(tail -12 "$LNS_RUN/lns.log")"
expect "no kernel warnings" "" "$(dmesg_bugs_since "$mark")"
done_tap
