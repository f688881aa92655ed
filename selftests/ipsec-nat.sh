#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# L2TP/IPsec clients behind NATs, each a real charon + Debian's xl2tpd
# (from UDP port 1701, as Windows sends) + pppd, against the shipped
# swanctl configuration and l2tpfastd with 'ipsec required = yes'. Once ESP
# is removed, all behind one NAT are 203.0.113.2:1701 -> 203.0.113.1:1701:
# what the gateway's kernel tells apart is the SA each came through, which
# marks its packets (mark_in/mark_out = %unique, set_mark_in = %same).
#
#   lf-n1  c0 10.77.1.2 --- lan1 10.77.1.1 \
#   lf-n2  c0 10.77.2.2 --- lan2 10.77.2.1  lf-nat  wan0 203.0.113.2 --- srv2 203.0.113.1  lf-srv
#   ...                                     /  (nftables masquerade)                  (gateway)
#   lf-n10 c0 10.77.10.2 -- lan10 10.77.10.1
#   lf-m1  c0 10.77.1.2 --- lan1 10.77.1.1  lf-nat2 wan0 198.51.100.2 - srv3 198.51.100.1
#   lf-cli cli0 192.0.2.2 ------------------------------------------ srv0 192.0.2.1
#
# 1. Three clients behind one NAT, all up at once; concurrent pings (N,
#    2N, 3N) counted exactly on each session; each tunnel bound to its own
#    mark and SAs, all three with the NAT's address and port 1701 as peer;
#    on the wire, ESP in UDP 4500 only, no L2TP in the clear.
# 2. Injection of data and control (a StopCCN) carrying alice's tunnel and
#    session ids: from client 2 through its own SA (behind the same NAT),
#    from an IPsec client elsewhere (lf-cli) through its SA, and in
#    cleartext from the NAT's own address and port 1701. Dropped and
#    counted, alice's session counters and binding unmoved, her tunnel up.
# 3. NAT rebinding: mid-ping, the NAT forgets client 1's mapping and gives
#    it a port from another range; charon moves the SAs there, the session
#    carries on (pings lost only around the change, every request counted),
#    the binding stays, the change is counted (nat_changes), multicast
#    (tunnel-nat) and logged by l2tpfastd.
# 4. One of them terminated (swanctl --terminate): its tunnel goes, the
#    other two keep passing traffic; it dials again and works.
# 5. A client behind a second NAT with client 1's private address: both
#    ping at once, each counted exactly on its own session and SAs.
# 6. Ten clients behind one NAT: all ten sessions ping at once, counted
#    exactly, ten marks, ten inbound SAs.
# 7. charon restarts on the gateway (its marks and reqids start from 1
#    again): every tunnel goes with its SA; two clients dial again, each
#    bound to an SA of the new charon, its own, counted exactly.
# 8. charon killed on the gateway (SIGKILL: its SAs stay in the kernel)
#    and started again: a client that dials gets the mark and reqid of
#    another's live tunnel; that tunnel goes at once, never bound to the
#    new client's SA; both dial again and are counted exactly.
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
NS_NAT2=lf-nat2
SRV2_IP=203.0.113.1
NAT_IP=203.0.113.2
SRV3_IP=198.51.100.1
NAT2_IP=198.51.100.2
K=${L2TPFAST_NAT_CLIENTS:-10}
# Client k (1..K) behind lf-nat, m behind lf-nat2, e on the gateway's link.
declare -A USER=([1]=alice [2]=bob [3]=carol [4]=dave [5]=erin [6]=frank
	[7]=grace [8]=heidi [9]=ivan [10]=judy [m]=oscar [e]=peggy)
for u in erin frank grace heidi ivan judy oscar peggy; do
	printf '%s\t*\t%spw\t*\n' "$u" "$u" >>"$ETC_S/ppp/chap-secrets"
done
# wan NAT_NS GW_DEV GW_IP NAT_IP: the NAT's WAN link to the gateway.
wan() {
	ns_add "$1"
	ip link add "$2" netns "$NS_S" type veth peer name wan0 netns "$1"
	ip -n "$NS_S" addr add "$3/24" dev "$2"
	ip -n "$1" addr add "$4/24" dev wan0
	ip -n "$NS_S" link set "$2" up
	ip -n "$1" link set wan0 up
	quiet_link "$NS_S" "$2" "$1" wan0 "$3" "$4"
	nat_masquerade "$1" wan0
}
# lan NAT_NS NS K: NS behind NAT_NS as 10.77.K.2.
lan() {
	ns_add "$2"
	ip link add "lan$3" netns "$1" type veth peer name c0 netns "$2"
	ip -n "$1" addr add "10.77.$3.1/24" dev "lan$3"
	ip -n "$2" addr add "10.77.$3.2/24" dev c0
	ip -n "$1" link set "lan$3" up
	ip -n "$2" link set c0 up
	quiet_link "$1" "lan$3" "$2" c0 "10.77.$3.1" "10.77.$3.2"
	ip -n "$2" route add default via "10.77.$3.1"
	rm -rf "/etc/netns/$2"
	mkdir -p "/etc/netns/$2/ppp" "/etc/netns/$2/xl2tpd"
}
wan "$NS_NAT" srv2 "$SRV2_IP" "$NAT_IP"
wan "$NS_NAT2" srv3 "$SRV3_IP" "$NAT2_IP"
for k in $(seq "$K"); do
	lan "$NS_NAT" "lf-n$k" "$k"
done
lan "$NS_NAT2" lf-m1 1
nat_cleanup() {
	ipsec_lns_cleanup
	rm -rf /etc/netns/lf-n[0-9]* /etc/netns/lf-m1
}
trap nat_cleanup EXIT
mark=$(dmesg_mark)

# cl K CMD...: a client helper of lns-lib/ipsec-lib run for client K.
cl() {
	local k=$1
	shift
	case $k in
	e) "$@" ;;
	m) NS_C=lf-m1 ETC_C=/etc/netns/lf-m1 CLI_IP=10.77.1.2 SRV_IP=$SRV3_IP "$@" ;;
	*) NS_C=lf-n$k ETC_C=/etc/netns/lf-n$k CLI_IP=10.77.$k.2 SRV_IP=$SRV2_IP "$@" ;;
	esac
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
	cl "$1" ipsec_client_start "n$1" &&
		cl "$1" ipsec_initiate "n$1" >/dev/null &&
		cl "$1" dial vpn "${USER[$1]}" "${USER[$1]}pw"
}
# up_all K...: up for each K at once; a check for each.
up_all() {
	local k pid
	declare -A pids
	for k in "$@"; do
		up "$k" >"$LNS_RUN/up-$k.log" 2>&1 &
		pids[$k]=$!
	done
	for k in "$@"; do
		wait "${pids[$k]}"
		if ! check "client $k: IKE, ESP, PPP up (${USER[$k]})" test $? = 0; then
			diag "$(cat "$LNS_RUN/up-$k.log")"
		fi
	done
}
# hang_up K: client K's IKE_SA ends, then everything of the client.
hang_up() { cl "$1" hang_up_here "n$1"; }
hang_up_here() {
	swanctl_ns "$NS_C" --terminate --ike "$1" --timeout 10 >/dev/null 2>&1
	client_reset
}
# ns_of K: client K's netns.
ns_of() {
	case $1 in
	e) echo "$NS_C" ;;
	m) echo lf-m1 ;;
	*) echo "lf-n$1" ;;
	esac
}
tunnel_of() {	# USER KEY: a figure of USER's tunnel
	json_get "$(lns_json)" "$(user_tunnel "$1")$2"
}
rx_of() { json_get "$(lns_json)" "$(user_session "$1")['counters']['rx_packets']"; }
# pings_at_once K...: N pings from each K at once, none lost, each counted
# exactly on its own session.
pings_at_once() {
	local k
	declare -A r0 pids
	for k in "$@"; do
		r0[$k]=$(rx_of "${USER[$k]}")
	done
	for k in "$@"; do
		ip netns exec "$(ns_of "$k")" ping -q -c "$N" -i 0.05 -W 2 10.1.20.30 \
			>"$LNS_RUN/ping-$k.log" 2>&1 &
		pids[$k]=$!
	done
	for k in "$@"; do
		wait "${pids[$k]}"
		expect "client $k: $N pings at the same time as the others', none lost" 0 $?
	done
	for k in "$@"; do
		expect "${USER[$k]}'s session counted exactly its $N" "$N" \
			$(($(rx_of "${USER[$k]}") - ${r0[$k]}))
	done
}
# distinct KEY USER...: how many different values of the tunnels' ipsec KEY.
distinct() {
	local key=$1 u
	shift
	for u in "$@"; do
		tunnel_of "$u" "['ipsec']['$key']"
	done | sort -u | grep -c .
}

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
	check "client $k (10.77.$k.2): IKE, ESP, PPP up (${USER[$k]})" up "$k"
done
expect "three IKE_SAs on the gateway" 3 "$(n_gw_ike)"
expect "three sessions" 3 "$(n_sessions)"
declare -A r0
for k in 1 2 3; do
	r0[$k]=$(rx_of "${USER[$k]}")
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
	expect "${USER[$k]}'s session counted exactly its $((k * N))" $((k * N)) \
		$(($(rx_of "${USER[$k]}") - ${r0[$k]}))
done
marks=""
for k in 1 2 3; do
	u=${USER[$k]}
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

# --- 2: alice's ids from others ------------------------------------------
echo "# --- injection: alice's tunnel and session ids from others --- (${SECONDS} s)"
# forge NS SRC DST TID SID: 5 L2TPv2 data packets (PPP, IPv4) and a StopCCN
# naming tunnel TID (session SID), from SRC:1701 to DST:1701, as a client's
# xl2tpd sends them (through its SA, if NS has one for that pair).
forge() {
	ip netns exec "$1" /usr/bin/python3 - "$2" "$3" "$4" "$5" <<'PY'
import socket, struct, sys
src, dst, tid, sid = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((src, 1701))
data = struct.pack("!HHH", 0x0002, tid, sid) + b"\xff\x03\x00\x21\x45" + bytes(39)
for i in range(5):
    s.sendto(data, (dst, 1701))
def avp(t, v):
    return struct.pack("!HHH", 0x8000 | (6 + len(v)), 0, t) + v
body = avp(0, struct.pack("!H", 4)) + avp(1, struct.pack("!H", 1)) + avp(9, struct.pack("!H", 1))
s.sendto(struct.pack("!HHHHHH", 0xC802, 12 + len(body), tid, 0, 0, 0) + body, (dst, 1701))
PY
}
sum_of() { json_get "$(lns_json)" "sum(t['counters']['$1'] for t in d['tunnels'])"; }
a_tid=$(tunnel_of alice "['tunnel_id']")
a_sid=$(json_get "$(lns_json)" "$(user_session alice)['session_id']")
a_bind() {
	json_get "$(lns_json)" "' '.join(str($(user_tunnel alice)['ipsec'][k]) for k in ('bound_mark', 'bound_reqid', 'spi_in'))"
}
bind0=$(a_bind)
r0=$(rx_of alice)
check "an IPsec client elsewhere (lf-cli, on the gateway's link): up (${USER[e]})" up e
check "client 2 sends alice's ids through its own SA" \
	forge lf-n2 10.77.2.2 "$SRV2_IP" "$a_tid" "$a_sid"
check "all 6 dropped, counted on alice's tunnel (rx_drops_binding)" \
	wait_for 5 6 tunnel_of alice "['counters']['rx_drops_binding']"
expect "bob's and carol's tunnels counted none of it" "0 0" \
	"$(tunnel_of bob "['counters']['rx_drops_binding']") $(tunnel_of carol "['counters']['rx_drops_binding']")"
check "${USER[e]} sends alice's ids through her own SA" \
	forge "$NS_C" "$CLI_IP" "$SRV_IP" "$a_tid" "$a_sid"
check "all 6 dropped, counted on the tunnel they came to, hers" \
	wait_for 5 6 tunnel_of "${USER[e]}" "['counters']['rx_drops_binding']"
c0=$(sum_of rx_drops_cleartext)
check "the NAT itself sends alice's ids from $NAT_IP:1701 in cleartext" \
	forge "$NS_NAT" "$NAT_IP" "$SRV2_IP" "$a_tid" "$a_sid"
check "all 6 dropped as cleartext (rx_drops_cleartext)" \
	wait_for 5 $((c0 + 6)) sum_of rx_drops_cleartext
expect "alice's tunnel: still 6 binding drops, the same tunnel" "6 $a_tid" \
	"$(tunnel_of alice "['counters']['rx_drops_binding']") $(tunnel_of alice "['tunnel_id']")"
expect "alice's session received none of the 18" "$r0" "$(rx_of alice)"
expect "her binding did not move (mark, reqid, inbound SA)" "$bind0" "$(a_bind)"
r0=$(rx_of alice)
check "client 1 still pings: $N" ip netns exec lf-n1 ping -q -c "$N" -i 0.05 -W 2 10.1.20.30
expect "...counted exactly on alice's session" "$N" $(($(rx_of alice) - r0))
hang_up e
check "${USER[e]}'s tunnel goes" wait_for 10 3 n_gw_tunnels

# --- 3: client 1's NAT mapping moves (NAT rebinding) ---------------------
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
	expect "${USER[$k]}: no NAT change" 0 "$(tunnel_of "${USER[$k]}" "['ipsec']['nat_changes']")"
done
r0=$(rx_of alice)
check "$N more pings from client 1, none lost" \
	ip netns exec lf-n1 ping -q -c "$N" -i 0.05 -W 2 10.1.20.30
expect "...counted exactly" "$N" $(($(rx_of alice) - r0))

# --- 4: one of them goes, and comes back ----------------------------------
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

# --- 5: a second NAT, the same private address ---------------------------
echo "# --- a client behind $NAT2_IP with client 1's private address --- (${SECONDS} s)"
check "client m (10.77.1.2 behind $NAT2_IP): IKE, ESP, PPP up (${USER[m]})" up m
expect "${USER[m]}'s peer is $NAT2_IP:1701" "$NAT2_IP:1701" "$(tunnel_of "${USER[m]}" "['peer']")"
pings_at_once 1 m
expect "two marks, two inbound SAs" "2 2" \
	"$(distinct bound_mark alice "${USER[m]}") $(distinct spi_in alice "${USER[m]}")"
hang_up m
check "${USER[m]}'s tunnel goes" wait_for 10 3 n_gw_tunnels

# --- 6: ten behind one NAT --------------------------------------------------
echo "# --- $K clients behind $NAT_IP --- (${SECONDS} s)"
up_all $(seq 4 "$K")
expect "$K sessions" "$K" "$(n_sessions)"
pings_at_once $(seq "$K")
users=()
for k in $(seq "$K"); do
	users+=("${USER[$k]}")
done
expect "$K marks, $K inbound SAs" "$K $K" \
	"$(distinct bound_mark "${users[@]}") $(distinct spi_in "${users[@]}")"
expect "nothing dropped for binding but the 6 forged" "6 0" \
	"$(sum_of rx_drops_binding) $(sum_of tx_drops_binding)"
hpids=()
for k in $(seq 4 "$K"); do
	hang_up "$k" &
	hpids+=($!)
done
for p in "${hpids[@]}"; do
	wait "$p"
done
check "their tunnels go" wait_for 10 3 n_gw_tunnels

# --- 7: charon restarts on the gateway -------------------------------------
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
	check "client $k dials again (${USER[$k]})" up "$k"
done
expect "two sessions" 2 "$(n_sessions)"
gw_in=$(ip -n "$NS_S" xfrm state list dst "$SRV2_IP" proto esp | awk '$1 == "proto" {print $4}')
for k in 1 2; do
	u=${USER[$k]}
	spi=$(printf '0x%08x' "$(tunnel_of "$u" "['ipsec']['spi_in']")")
	check "$u's tunnel came through an SA of the new charon ($spi)" grep -qx "$spi" <<<"$gw_in"
	r0=$(rx_of "$u")
	check "client $k: $N pings" ip netns exec "lf-n$k" ping -q -c "$N" -i 0.05 -W 2 10.1.20.30
	expect "...counted exactly on $u's session, nothing dropped for binding" "$N 0 0" \
		"$(($(rx_of "$u") - r0)) $(tunnel_of "$u" "['counters']['rx_drops_binding']") $(tunnel_of "$u" "['counters']['tx_drops_binding']")"
done
check "their marks differ" test "$(tunnel_of alice "['ipsec']['bound_mark']")" != \
	"$(tunnel_of bob "['ipsec']['bound_mark']")"

# --- 8: charon killed on the gateway: its SAs stay -------------------------
echo "# --- charon killed on the gateway (SIGKILL: its SAs stay) --- (${SECONDS} s)"
a_tid=$(tunnel_of alice "['tunnel_id']")
a_bind="$(tunnel_of alice "['ipsec']['bound_mark']") $(tunnel_of alice "['ipsec']['bound_reqid']")"
n_sa() { ip -n "$NS_S" xfrm state | grep -c '^src'; }
n0=$(n_sa)
check "the gateway's charon is killed (SIGKILL)" kill -9 "$(cat "$LNS_RUN/run-$NS_S/charon.pid")"
sleep 1
expect "its $n0 SAs stay in the kernel" "$n0" "$(n_sa)"
check "charon starts again, the shipped configuration loaded" gw_charon_again
b_tid=$(tunnel_of bob "['tunnel_id']")
hang_up 2
# The gateway still has bob's old tunnel (its SAs stay, and nothing tells
# it bob hung up but its unanswered HELLOs): his newest one is read.
newest() {	# USER KEY: a figure of USER's newest tunnel
	json_get "$(lns_json)" "sorted([t for t in d['tunnels'] for s in t['sessions'] if s['user'] == '$1'], key=lambda t: t['sessions'][0]['start_ns'] or 0)[-1]$2"
}
new_rx() { newest "$1" "['sessions'][0]['counters']['rx_packets']"; }
n_tunnels_of() {
	json_get "$(lns_json)" "len([t for t in d['tunnels'] for s in t['sessions'] if s['user'] == '$1'])"
}
check "client 2 dials again (bob)" up 2
expect "the new charon gave bob alice's mark and reqid (it counts from 1 again)" "$a_bind" \
	"$(newest bob "['ipsec']['bound_mark']") $(newest bob "['ipsec']['bound_reqid']")"
expect "alice's tunnel went at once: it was bound to what is now bob's SA" 0 \
	"$(json_get "$(lns_json)" "len([t for t in d['tunnels'] if t['tunnel_id'] == $a_tid])")"
check "l2tpfastd said why" grep -q "tunnel $a_tid/.*mark .* now leads to another client's SA" "$LNS_RUN/lns.log"
r0=$(new_rx bob)
check "client 2: $N pings" ip netns exec lf-n2 ping -q -c "$N" -i 0.05 -W 2 10.1.20.30
expect "...counted exactly on bob's new session, nothing dropped for binding" "$N 0 0" \
	"$(($(new_rx bob) - r0)) $(newest bob "['counters']['rx_drops_binding']") $(newest bob "['counters']['tx_drops_binding']")"
hang_up 1
check "client 1 dials again (alice)" up 1
check "bob's old tunnel went once alice got its mark" wait_for 10 1 n_tunnels_of bob
check "... displaced, as l2tpfastd said" \
	grep -q "tunnel $b_tid/.*mark .* now leads to another client's SA" "$LNS_RUN/lns.log"
r0=$(new_rx alice)
check "client 1: $N pings" ip netns exec lf-n1 ping -q -c "$N" -i 0.05 -W 2 10.1.20.30
expect "...counted exactly on alice's session" "$N" $(($(new_rx alice) - r0))
# What an operator does after such a crash: charon stopped, the SAs the
# killed one left flushed.
check "the gateway's charon stops" gw_charon_stop
ip -n "$NS_S" xfrm state flush
ip -n "$NS_S" xfrm policy flush
check "every tunnel goes with its SA within 5 s" wait_for 5 0 n_gw_tunnels

for k in 1 2; do
	hang_up "$k"
done
check "no tunnel left on the gateway" wait_for 10 0 n_gw_tunnels
kill -TERM "$lns_pid" 2>/dev/null
wait "$lns_pid"
expect "no kernel warnings" "" "$(dmesg_bugs_since "$mark")"
done_tap
