#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# L2TP/IPsec client profiles beside ipsec.sh's Windows- and macOS-like PSK
# clients, each a real charon + xl2tpd + pppd against the shipped swanctl
# configuration and l2tpfastd with 'ipsec required = yes':
#
#   (c) certificates made here with strongSwan's pki (an ECDSA CA, the
#       gateway's certificate with its address as subjectAltName and
#       serverAuth, a client's): the opt-in l2tpfast-cert.inc turned on.
#       Session, pings, SA shown; swanctl --terminate: gone within 5 s;
#       the client dials again at once and has a session again.
#   (d) a client that offers only 3DES, SHA1 and MODP1024: refused by the
#       default configuration, accepted once l2tpfast-weak.inc is included.
#   two clients at once, one on the gateway's link, one behind a NAT
#       (nftables masquerade: IKE moves to UDP 4500, ESP in UDP): both
#       sessions up, concurrent pings counted exactly per session, each
#       tunnel bound to its own SAs, the NAT-T port shown, and on the wire
#       ESP and ESP in UDP 4500 only, no L2TP in the clear.
#
#   lf-cli  cli0 192.0.2.2 ---------------------------- srv0 192.0.2.1  lf-srv
#   lf-c2   c20 10.77.0.2 --- lan0 10.77.0.1  lf-nat   (gateway)
#                             wan0 203.0.113.2 -------- srv2 203.0.113.1
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lns-lib.sh"
. "$(dirname "$0")/ipsec-lib.sh"
need_root

N=10
modprobe -a l2tpfast l2tp_ppp esp4 xfrm_user
lns_topo
lns_seed_config
sed -i 's/^lcp-echo-interval .*/lcp-echo-interval 0/' "$ETC_S/ppp/options.xl2tpd"
sed -i 's/^\[global\]$/[global]\nipsec required = yes/' "$ETC_S/xl2tpd/xl2tpd.conf"
NS_2=lf-c2
NS_NAT=lf-nat
ETC_2=/etc/netns/$NS_2
SRV2_IP=203.0.113.1
NAT_IP=203.0.113.2
CLI2_IP=10.77.0.2
ns_add "$NS_2"
ns_add "$NS_NAT"
ip link add srv2 netns "$NS_S" type veth peer name wan0 netns "$NS_NAT"
ip link add lan0 netns "$NS_NAT" type veth peer name c20 netns "$NS_2"
ip -n "$NS_S" addr add "$SRV2_IP/24" dev srv2
ip -n "$NS_NAT" addr add "$NAT_IP/24" dev wan0
ip -n "$NS_NAT" addr add 10.77.0.1/24 dev lan0
ip -n "$NS_2" addr add "$CLI2_IP/24" dev c20
for l in "$NS_S srv2" "$NS_NAT wan0" "$NS_NAT lan0" "$NS_2 c20"; do
	ip -n ${l% *} link set ${l#* } up
done
quiet_link "$NS_S" srv2 "$NS_NAT" wan0 "$SRV2_IP" "$NAT_IP"
quiet_link "$NS_NAT" lan0 "$NS_2" c20 10.77.0.1 "$CLI2_IP"
ip -n "$NS_2" route add default via 10.77.0.1
nat_masquerade "$NS_NAT" wan0
rm -rf "$ETC_2"
mkdir -p "$ETC_2/ppp" "$ETC_2/xl2tpd"
clients_cleanup() {
	ipsec_lns_cleanup
	rm -rf "$ETC_2"
}
trap clients_cleanup EXIT
mark=$(dmesg_mark)

# in_c2 CMD...: run a client helper of lns-lib/ipsec-lib against the
# second client (lf-c2 on the gateway's second link) instead of lf-cli.
in_c2() {
	NS_C=$NS_2 ETC_C=$ETC_2 CLI_IP=$CLI2_IP SRV_IP=$SRV2_IP "$@"
}

# load_gw: swanctl --load-all on the gateway, with no warning.
load_gw() {
	local out rc
	out=$(swanctl_ns "$NS_S" --load-all 2>&1)
	rc=$?
	[ "$rc" -eq 0 ] && swanctl_clean "$out" >/dev/null && return 0
	diag "$out"
	return 1
}
gw_include() {	# FILE: uncomment its include in the installed l2tpfast.conf
	sed -i "s/^#include $1\$/include $1/" "$ETC_S/swanctl/conf.d/l2tpfast.conf" &&
		grep -qx "include $1" "$ETC_S/swanctl/conf.d/l2tpfast.conf"
}

# --- certificates, made at test time ------------------------------------
PKI=$LNS_RUN/pki
mkdir -p "$PKI"
make_certs() {
	local p="pki"
	cd "$PKI" || return 1
	$p --gen --type ecdsa --size 256 --outform pem >ca.key &&
	$p --self --ca --lifetime 30 --in ca.key --type ecdsa \
		--dn "C=XX, O=l2tpfast selftest, CN=l2tpfast test CA" --outform pem >ca.pem &&
	$p --gen --type ecdsa --size 256 --outform pem >gw.key &&
	$p --pub --in gw.key --type ecdsa |
		$p --issue --lifetime 30 --cacert ca.pem --cakey ca.key \
			--dn "C=XX, O=l2tpfast selftest, CN=$SRV_IP" --san "$SRV_IP" \
			--flag serverAuth --flag ikeIntermediate --outform pem >gw.pem &&
	$p --gen --type ecdsa --size 256 --outform pem >client.key &&
	$p --pub --in client.key --type ecdsa |
		$p --issue --lifetime 30 --cacert ca.pem --cakey ca.key \
			--dn "C=XX, O=l2tpfast selftest, CN=client1" --san client1@l2tpfast.test \
			--flag clientAuth --outform pem >client.pem
	local rc=$?
	cd - >/dev/null
	return $rc
}

# cert_client_start: charon in lf-cli with a certificate connection
# (IKEv1 main mode, the Windows proposals), loaded.
cert_client_start() {
	local etc=$ETC_C/swanctl
	ipsec_etc "$NS_C"
	cp "$PKI/client.pem" "$etc/x509/" && cp "$PKI/client.key" "$etc/ecdsa/" &&
		cp "$PKI/ca.pem" "$etc/x509ca/" || return 1
	cat >"$etc/conf.d/cert.conf" <<CONF
connections {
	cert {
		version = 1
		aggressive = no
		local_addrs = $CLI_IP
		remote_addrs = $SRV_IP
		proposals = aes256-sha256-modp2048
		local {
			auth = pubkey
			certs = client.pem
		}
		remote {
			auth = pubkey
			id = "C=XX, O=l2tpfast selftest, CN=$SRV_IP"
		}
		children {
			cert {
				mode = transport
				local_ts = dynamic[udp/1701]
				remote_ts = dynamic[udp/1701]
				esp_proposals = aes256-sha1
			}
		}
	}
}
CONF
	ipsec_charon "$NS_C" && swanctl_ns "$NS_C" --load-all >"$LNS_RUN/swanctl-cli.out" 2>&1
}

# dial NAME USER PASS: xl2tpd in the client netns dials, pppd up.
xl2tpd_role() { [ "$NS_C" = lf-cli ] && echo cli || echo "$NS_C"; }
dial() {
	lac_config "$1" "$2" "$3" lcp-echo-interval 0
	xl2tpd_start "$NS_C" "$(xl2tpd_role)"
	if ! ppp_up "$NS_C" 1 40; then
		diag "$(tail -20 "$LNS_RUN/lns.log")"
		diag "$(tail -20 "$LNS_RUN/xl2tpd-$(xl2tpd_role).log")"
		return 1
	fi
}

# sa_shown USER GW_IP: USER's tunnel shows an inbound SA the gateway has
# toward GW_IP and an outbound one it has toward the client.
sa_shown() {
	local user=$1 gw=$2 cli=$3 t spi_in spi_out
	t=$(user_tunnel "$user")
	read -r spi_in spi_out < <(json_get "$(lns_json)" \
		"'%d %d' % ($t['ipsec']['spi_in'], $t['ipsec']['spi_out'])")
	diag "$user: spi in $(hex8 "$spi_in"), out $(hex8 "$spi_out")"
	gw_has_spi "$gw" "$spi_in" && gw_has_spi "$cli" "$spi_out"
}
user_spi_in() {
	json_get "$(lns_json)" "$(user_tunnel "$1")['ipsec']['spi_in']"
}
hang_up() {	# IKE: the client's IKE_SA ends, then everything of the client
	swanctl_ns "$NS_C" --terminate --ike "$1" --timeout 10 >/dev/null 2>&1
	client_reset
	wait_for 10 0 n_gw_ike >/dev/null
	wait_for 10 "" server_l2tp_sessions >/dev/null
}

echo "# --- the gateway: the shipped configuration with the certificate connection on --- (${SECONDS} s)"
check "pki makes a CA, the gateway's certificate and a client's" make_certs
check "charon starts in $NS_S" ipsec_gw_start
cp "$PKI/gw.pem" "$ETC_S/swanctl/x509/l2tpfast-gateway.pem"
cp "$PKI/gw.key" "$ETC_S/swanctl/ecdsa/l2tpfast-gateway.key"
cp "$PKI/ca.pem" "$ETC_S/swanctl/x509ca/l2tpfast-test-ca.pem"
check "include l2tpfast-cert.inc in l2tpfast.conf" gw_include l2tpfast-cert.inc
check "swanctl --load-all: no warning" load_gw
conns() { swanctl_ns "$NS_S" --list-conns 2>/dev/null | grep -o '^l2tpfast-[a-z]*:' | tr '\n' ' '; }
expect "... both connections loaded" "l2tpfast-psk: l2tpfast-cert: " "$(conns)"
ip netns exec "$NS_S" l2tpfastd -D -c /etc/xl2tpd/xl2tpd.conf -r "$LNS_RUN" \
	>>"$LNS_RUN/lns.log" 2>&1 &
lns_pid=$!

echo "# --- (c) a client with a certificate --- (${SECONDS} s)"
check "charon starts in $NS_C with the client's certificate" cert_client_start
if ! check "the client brings IKE_SA and CHILD_SA up (certificates both ways)" ipsec_initiate cert; then
	diag "$(tail -30 "$LNS_RUN/charon-$NS_S.log")"
fi
check "both ends have the CHILD_SA installed" ipsec_wait_up 10
gw_sa_read
gw_ike_of() { swanctl_ns "$NS_S" --list-sas --ike "$1" --raw 2>/dev/null | grep -c 'list-sa event'; }
expect "gateway: the client's IKE_SA is on l2tpfast-cert" 1 "$(gw_ike_of l2tpfast-cert)"
expect "... not on l2tpfast-psk" 0 "$(gw_ike_of l2tpfast-psk)"
check "gateway: the client proved CN=client1 with its certificate" \
	grep -q 'remote-id=C=XX, O=l2tpfast selftest, CN=client1' \
	<<<"$(swanctl_ns "$NS_S" --list-sas --raw 2>/dev/null)"
check "client's PPP is up" dial vpn alice alicepw
addr0=$(client_addr)
session_pings alice
check "l2tpfast shows alice's SAs, the gateway's (ip xfrm)" sa_shown alice "$SRV_IP" "$CLI_IP"

echo "# --- (c) terminate, then dial again at once --- (${SECONDS} s)"
t0=$SECONDS
check "the client deletes its IKE_SA" swanctl_ns "$NS_C" --terminate --ike cert --timeout 10
if check "within 5 s the gateway's tunnel is gone" wait_for 5 0 n_gw_tunnels; then
	diag "gone $((SECONDS - t0)) s after the terminate"
fi
check "... its pppd" wait_for 3 0 n_server_pppd
check "... and its session" wait_for 3 0 n_sessions
kill "$(cat "$LNS_RUN/xl2tpd-cli.pid")" 2>/dev/null
wait_until 5 test ! -e "/proc/$(cat "$LNS_RUN/xl2tpd-cli.pid" 2>/dev/null)"
rm -f "$ETC_C"/xl2tpd/*.conf "$ETC_C"/ppp/options.*
t0=$SECONDS
check "the client brings IKE and CHILD_SA up again" ipsec_initiate cert
check "client's PPP is up again" dial vpn alice alicepw
diag "dialled again in $((SECONDS - t0)) s"
expect "alice has her address again (freed with the tunnel)" "$addr0" "$(client_addr)"
session_pings alice
check "l2tpfast shows the new SAs" sa_shown alice "$SRV_IP" "$CLI_IP"
hang_up cert

echo "# --- (d) a client with only weak proposals --- (${SECONDS} s)"
WEAK_IKE=3des-sha1-modp1024
WEAK_ESP=3des-sha1
check "charon starts in $NS_C offering only $WEAK_IKE / $WEAK_ESP" \
	ipsec_client_start weak "$WEAK_IKE" "$WEAK_ESP"
refused() { ! ipsec_initiate weak >"$LNS_RUN/weak-initiate.out" 2>&1; }
check "refused by the default configuration" refused
expect "... no IKE_SA on the gateway" 0 "$(n_gw_ike)"
check "... charon's log says why (no proposal chosen)" \
	grep -qiE "no (acceptable |matching )?proposal (found|chosen)|NO_PROPOSAL_CHOSEN" "$LNS_RUN/charon-$NS_S.log"
check "include l2tpfast-weak.inc in l2tpfast.conf" gw_include l2tpfast-weak.inc
check "swanctl --load-all: no warning" load_gw
if ! check "the weak client is accepted now" ipsec_initiate weak; then
	diag "$(tail -20 "$LNS_RUN/charon-$NS_S.log")"
fi
check "both ends have the CHILD_SA installed" ipsec_wait_up 10
gw_sa_read
expect "gateway: 3DES and HMAC-SHA1 in ESP" "3DES_CBC HMAC_SHA1_96" \
	"$(gw_child encr-alg) $(gw_child integ-alg)"
check "client's PPP is up" dial vpn bob bobpw
session_pings bob
check "l2tpfast shows bob's SAs" sa_shown bob "$SRV_IP" "$CLI_IP"
hang_up weak

echo "# --- two clients at once, one of them behind a NAT --- (${SECONDS} s)"
check "client 1 ($CLI_IP): charon, Windows proposals" ipsec_client_start one
check "client 2 ($CLI2_IP behind $NAT_IP): charon, macOS proposals with PFS" \
	in_c2 ipsec_client_start two aes256-sha256-modp2048 aes128-sha1-ecp256
check "client 1 brings its SAs up" ipsec_initiate one
check "client 2 brings its SAs up" in_c2 ipsec_initiate two
expect "the gateway has two IKE_SAs" 2 "$(n_gw_ike)"
CAPTURE_IF=any capture_start two.pcap
check "client 1's PPP is up (carol)" dial vpn carol carolpw
check "client 2's PPP is up (dave)" in_c2 dial vpn dave davepw
expect "two sessions on the gateway" 2 "$(n_sessions)"
read -r c0 d0 < <(json_get "$(lns_json)" "'%d %d' % ($(user_session carol)['counters']['rx_packets'], $(user_session dave)['counters']['rx_packets'])")
ip netns exec "$NS_C" ping -q -c "$N" -i 0.05 -W 2 10.1.20.30 >"$LNS_RUN/ping-1.log" 2>&1 &
p1=$!
ip netns exec "$NS_2" ping -q -c $((2 * N)) -i 0.05 -W 2 10.1.20.30 >"$LNS_RUN/ping-2.log" 2>&1 &
p2=$!
wait "$p1"
expect "client 1: $N pings at the same time as client 2's, none lost" 0 $?
wait "$p2"
expect "client 2: $((2 * N)) pings at the same time, none lost" 0 $?
read -r c1 d1 < <(json_get "$(lns_json)" "'%d %d' % ($(user_session carol)['counters']['rx_packets'], $(user_session dave)['counters']['rx_packets'])")
expect "carol's session counted exactly her $N, dave's his $((2 * N))" \
	"$N $((2 * N))" "$((c1 - c0)) $((d1 - d0))"
check "carol's tunnel is bound to client 1's SAs" sa_shown carol "$SRV_IP" "$CLI_IP"
check "dave's tunnel is bound to client 2's SAs (toward the NAT)" sa_shown dave "$SRV2_IP" "$NAT_IP"
check "... different ones" test "$(user_spi_in carol)" != "$(user_spi_in dave)"
expect "dave's peer is the NAT's address" "$NAT_IP" \
	"$(json_get "$(lns_json)" "$(user_tunnel dave)['peer'].rsplit(':', 1)[0]")"
expect "dave's SA is ESP in UDP: the NAT's NAT-T port shown" 4500 \
	"$(json_get "$(lns_json)" "$(user_tunnel dave)['ipsec']['natt_peer_port']")"
expect "carol's is not" None "$(json_get "$(lns_json)" "$(user_tunnel carol)['ipsec']['natt_peer_port']")"
check "show prints dave's NAT-T ports" \
	bash -c "ip netns exec $NS_S l2tpfast-ctl show | grep -q 'nat-t 4500 -> 4500'"
capture_stop
capture_checks "udp port 1701"
n4500=$(pcap_count udp port 4500 and host "$NAT_IP")
check "ESP in UDP 4500 under NAT: at least dave's pings each way ($n4500 packets)" \
	test "$n4500" -ge $((2 * 3 * N))
hang_up one
in_c2 hang_up two
check "no tunnel left on the gateway" wait_for 10 0 n_gw_tunnels

kill -TERM "$lns_pid" 2>/dev/null
wait "$lns_pid"
expect "no kernel warnings" "" "$(dmesg_bugs_since "$mark")"
done_tap
