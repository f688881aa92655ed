#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# l2tpfastd with many calls: tunnel authentication (Challenge / Challenge
# Response from the auth file) and a hidden AVP in SCCRQ, one tunnel
# carrying 3 sessions with exact per-session figures, one xl2tpd keeping
# two tunnels from one address and port, 50 tunnels at once from 50
# xl2tpd clients, and the LNS without l2tpfast.ko.
#
# xl2tpd makes one call per [lac], each in a tunnel of its own, so the
# sessions-in-one-tunnel and challenge cases use selftests/l2tp-lac, a
# small LAC of our own with its own reliable delivery; the 50 tunnels are
# Debian's xl2tpd.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lns-lib.sh"
need_root

N=20
TUNNELS=${L2TPFAST_LNS_TUNNELS:-50}
LAC2_IP=192.0.2.3
modprobe l2tpfast
modprobe l2tp_ppp
lns_topo
ip -n "$NS_C" addr add "$LAC2_IP/24" dev cli0
mark=$(dmesg_mark)

cat >"$ETC_S/xl2tpd/xl2tpd.conf" <<'CONF'
[global]
port = 1701
auth file = /etc/xl2tpd/l2tp-secrets

[lns secured]
lac = 192.0.2.3
challenge = yes
hostname = lns
ip range = 10.1.31.10-10.1.31.20
local ip = 10.1.31.1
require chap = yes
refuse pap = yes
pppoptfile = /etc/ppp/options.lns

[lns default]
hostname = lns
ip range = 10.1.30.10-10.1.30.99
local ip = 10.1.30.1
require chap = yes
refuse pap = yes
pppoptfile = /etc/ppp/options.lns
CONF
# them us secret
printf '%s\n' 'lns * s3cret' >"$ETC_S/xl2tpd/l2tp-secrets"
chmod 600 "$ETC_S/xl2tpd/l2tp-secrets"
# No LCP echoes: an idle link carries nothing, so figures are exact.
printf '%s\n' mtu 1400 mru 1400 nodefaultroute noipv6 noccp >"$ETC_S/ppp/options.lns"
printf '%s\n' 'alice * alicepw *' >"$ETC_S/ppp/chap-secrets"
chmod 600 "$ETC_S/ppp/chap-secrets"
CLIENT_PPP=(noauth name alice password alicepw nodefaultroute noipv6 noccp mtu 1400 mru 1400)

ip netns exec "$NS_S" l2tpfastd -D -c /etc/xl2tpd/xl2tpd.conf -r "$LNS_RUN" \
	>>"$LNS_RUN/lns.log" 2>&1 &
lns_pid=$!
sleep 0.5

# lac NAME LOCAL SESSIONS [OPTION...]: l2tp-lac in lf-cli, its output in $LNS_RUN/NAME.log.
lac() {
	local name=$1 local=$2 n=$3
	shift 3
	ip netns exec "$NS_C" l2tp-lac "$SRV_IP" "$local" "$n" "$@" -- "${CLIENT_PPP[@]}" \
		>"$LNS_RUN/$name.log" 2>&1 &
}

# pings_each: $N pings out of each client ppp interface; the session with
# its address (in any tunnel) counts exactly them each way.
pings_each() {
	local ifc addr sel a b d key ok_all=1
	for ifc in $(ip -n "$NS_C" -4 -o addr show | awk '/ ppp[0-9]+ / {print $2}'); do
		addr=$(ip -n "$NS_C" -4 -o addr show dev "$ifc" | awk '{split($4, a, "/"); print a[1]}')
		sel="[s for t in d['tunnels'] for s in t['sessions'] if s['address'] == '$addr'][0]['counters']"
		b=$(lns_json)
		ip netns exec "$NS_C" ping -q -c "$N" -i 0.05 -W 2 -I "$ifc" 10.1.30.1 >/dev/null || ok_all=0
		a=$(lns_json)
		for key in rx_packets tx_packets; do
			d=$(( $(json_get "$a" "$sel['$key']") - $(json_get "$b" "$sel['$key']") ))
			[ "$d" = "$N" ] || { ok_all=0; diag "$ifc ($addr): $key +$d, want +$N"; }
		done
	done
	[ "$ok_all" = 1 ]
}

echo "# --- tunnel authentication: [lns secured] has challenge = yes ---"
lac good "$LAC2_IP:1750" 1 --host lac-good --secret s3cret
lac_pid=$!
check "right secret: the tunnel comes up" wait_until 20 grep -q "tunnel up" "$LNS_RUN/good.log" ||
	diag "$(cat "$LNS_RUN/good.log")"
check "... and the LNS's own Challenge Response was right" \
	bash -c "! grep -q 'Challenge Response is wrong' $LNS_RUN/good.log"
check "... PPP up over it" ppp_up "$NS_C" 1 40
expect "... address from [lns secured]'s range" 10.1.31.10 "$(client_addr)"
kill "$lac_pid"
check "l2tp-lac's StopCCN closes the tunnel" wait_for 20 0 n_tunnels
lac bad "$LAC2_IP:1751" 1 --host lac-bad --secret wrong
check "wrong secret: refused with StopCCN 'not authorized' (4)" \
	wait_until 20 grep -q "StopCCN, result 4: wrong Challenge Response" "$LNS_RUN/bad.log"
lac none "$LAC2_IP:1752" 1 --host lac-none
check "no secret: refused with StopCCN 'not authorized' (4)" \
	wait_until 20 grep -q "StopCCN, result 4: no Challenge Response" "$LNS_RUN/none.log"
expect "l2tpfastd logged both refusals, no other" 2 \
	"$(grep -c 'sending StopCCN: .*Challenge Response' "$LNS_RUN/lns.log")"
check "nothing left of them" wait_for 10 0 n_tunnels
lac hidden "$LAC2_IP:1754" 1 --host lac-hidden --secret s3cret --hide
lac_pid=$!
check "SCCRQ with a hidden Assigned Tunnel ID: unhidden with the peer's secret, tunnel up" \
	wait_until 20 grep -q "tunnel up" "$LNS_RUN/hidden.log" || diag "$(cat "$LNS_RUN/hidden.log")"
kill "$lac_pid"
check "... closed again" wait_for 20 0 n_tunnels

echo "# --- one tunnel, 3 sessions ---"
# The earlier clients' pppds end first: one still there would be counted
# here, or be the one killed below, and no CDN would follow.
check "no ppp interface left on the client" wait_for 20 0 n_ppp "$NS_C"
check "no client pppd left" wait_for 20 "" ns_pppd "$NS_C"
lac three "$CLI_IP:1753" 3 --host lac-three
lac_pid=$!
check "3 PPP sessions up" ppp_up "$NS_C" 3 60
sleep 1
j=$(lns_json)
expect "l2tpfast-ctl: one tunnel" 1 "$(json_get "$j" "len(d['tunnels'])")"
expect "... with 3 sessions" 3 "$(json_get "$j" "len(d['tunnels'][0]['sessions'])")"
expect "... each for alice" "alice alice alice" \
	"$(json_get "$j" "' '.join(s['user'] for s in d['tunnels'][0]['sessions'])")"
expect "... from the peer host l2tp-lac named" "lac-three" \
	"$(json_get "$j" "d['tunnels'][0]['sessions'][0]['peer_host']")"
expect "kernel: one tunnel" 1 "$(ip -n "$NS_S" l2tp show tunnel | grep -c '^Tunnel')"
expect "kernel: 3 sessions" 3 "$(ip -n "$NS_S" l2tp show session | grep -c '^Session')"
# Each client interface carries exactly its pings, seen by its own session.
check "$N pings on each of the 3 sessions: exactly +$N rx and +$N tx on that session" pings_each
# One of l2tp-lac's own pppds (its children), not another client's.
victim=$(pgrep -P "$lac_pid" -x pppd | head -1)
check "a client pppd ends" kill "$victim"
check "l2tp-lac sends a CDN; the LNS closes that session" \
	wait_until 20 grep -q "session closed: peer sent CDN" "$LNS_RUN/lns.log"
check "2 sessions left in l2tpfast-ctl" wait_for 10 2 n_sessions
check "2 server pppd left" wait_for 10 2 n_server_pppd
kill "$lac_pid"
check "StopCCN from l2tp-lac: the tunnel is gone" wait_for 20 0 n_tunnels
check "... and its pppd" wait_for 20 0 n_server_pppd
expect "kernel: no tunnel" "" "$(ip -n "$NS_S" l2tp show tunnel)"
client_reset

echo "# --- one xl2tpd, two tunnels from one address and port ---"
# Debian's xl2tpd makes a tunnel per [lac], all from its one port, and
# sends every tunnel's messages to the port it called, whatever port
# answered (RFC 2661 8.1 lets the LNS answer from another). The second
# tunnel shares the first's four-tuple; l2tpfast hands each packet to the
# tunnel it names. (Only on 6.12: a 6.1 client's l2tp_core looks for a
# session in the tunnel of whichever of its two sockets UDP picked, so one
# of xl2tpd's tunnels would lose the LNS's data there, whatever the LNS.)
check "the last tunnel's pppd is gone" wait_for 20 0 n_server_pppd
printf '[global]\nport = 1790\n' >"$ETC_C/xl2tpd/two.conf"
for x in a b; do
	printf '\n[lac two%s]\nlns = %s\npppoptfile = /etc/ppp/options.two\nlength bit = yes\nautodial = yes\nredial = no\n' \
		"$x" "$SRV_IP" >>"$ETC_C/xl2tpd/two.conf"
done
printf '%s\n' "${CLIENT_PPP[@]}" >"$ETC_C/ppp/options.two"
ip netns exec "$NS_C" xl2tpd -D -c /etc/xl2tpd/two.conf -p "$LNS_RUN/xl2tpd-two.pid" \
	-C "$LNS_RUN/xl2tpd-two.control" >"$LNS_RUN/xl2tpd-two.log" 2>&1 &
if ! check "2 PPP sessions up" ppp_up "$NS_C" 2 60; then
	diag "$(grep -v 'pppd\[' "$LNS_RUN/lns.log" | tail -12)"
	diag "$(tail -12 "$LNS_RUN/xl2tpd-two.log")"
fi
sleep 1
j=$(lns_json)
expect "two tunnels, both from $CLI_IP:1790" "$CLI_IP:1790 $CLI_IP:1790" \
	"$(json_get "$j" "' '.join(sorted(t['peer'] for t in d['tunnels']))")"
expect "a session in each" "1 1" \
	"$(json_get "$j" "' '.join(str(len(t['sessions'])) for t in d['tunnels'])")"
expect "both tunnel sockets are $SRV_IP:1701 <-> $CLI_IP:1790" 2 \
	"$(ip netns exec "$NS_S" ss -uan state established | grep -c "$SRV_IP:1701 *$CLI_IP:1790")"
check "$N pings through each tunnel: exactly +$N rx and +$N tx on its session" pings_each
expect "nothing dropped for binding" "0 0" \
	"$(json_get "$(lns_json)" "' '.join(str(t['counters']['rx_drops_binding']) for t in d['tunnels'])")"
check "xl2tpd ends (SIGTERM: StopCCN for both)" kill -TERM "$(cat "$LNS_RUN/xl2tpd-two.pid")"
check "both tunnels go" wait_for 20 0 n_tunnels
check "... and their pppd" wait_for 20 0 n_server_pppd
client_reset

echo "# --- $TUNNELS tunnels at once, one xl2tpd each ---"
t0=$(date +%s)
for i in $(seq "$TUNNELS"); do
	lac_instance "c$i" alice alicepw $((1800 + i))
done
check "$TUNNELS PPP sessions up on the client" ppp_up "$NS_C" "$TUNNELS" 300
diag "$(n_ppp "$NS_C") of $TUNNELS up after $(( $(date +%s) - t0 )) s"
sleep 1
j=$(lns_json)
expect "l2tpfast-ctl: $TUNNELS tunnels" "$TUNNELS" "$(json_get "$j" "len(d['tunnels'])")"
expect "l2tpfast-ctl: $TUNNELS sessions, each with its own address" "$TUNNELS" \
	"$(json_get "$j" "len(set(s['address'] for t in d['tunnels'] for s in t['sessions']))")"
expect "kernel: $TUNNELS tunnels" "$TUNNELS" "$(ip -n "$NS_S" l2tp show tunnel | grep -c '^Tunnel')"
expect "server: $TUNNELS pppd" "$TUNNELS" "$(ns_pppd "$NS_S" | wc -l)"
check "ping through the last one" ip netns exec "$NS_C" ping -q -c 3 -i 0.1 -W 2 \
	-I "$(ip -n "$NS_C" -o link show | awk -F': ' '/ppp[0-9]/ {i=$2} END {print i}')" 10.1.30.1
diag "l2tpfastd resident: $(awk '/VmRSS/ {print $2, $3}' "/proc/$lns_pid/status")"
check "SIGTERM l2tpfastd" kill -TERM "$lns_pid"
check "l2tpfastd exits" wait_until 20 test ! -d "/proc/$lns_pid"
wait "$lns_pid"
expect "exit status 0" 0 $?
expect "every xl2tpd saw the StopCCN" "$TUNNELS" \
	"$(grep -l "LNS shutting down" "$LNS_RUN"/xl2tpd-c[0-9]*.log | wc -l)"
expect "no kernel tunnel left on the server" "" "$(ip -n "$NS_S" l2tp show tunnel)"
check "no pppd left on the server" wait_for 30 0 n_server_pppd

echo "# --- without l2tpfast.ko: calls work, figures are unavailable ---"
# The family lookup loads the module again (MODULE_ALIAS_GENL_FAMILY), so
# it is put out of reach, as on a gateway without it: only in the VM, whose
# /lib is a throwaway overlay.
client_reset
ko=$(modinfo -n l2tpfast 2>/dev/null)
if ! grep -q virtme /proc/cmdline || [ ! -f "$ko" ]; then
	skip "the LNS without l2tpfast.ko" "moves the module file away: only inside the test VM"
else
	check "rmmod l2tpfast" rmmod l2tpfast
	mv "$ko" "$ko.away"
	: >"$LNS_RUN/lns.log"
	ip netns exec "$NS_S" l2tpfastd -D -c /etc/xl2tpd/xl2tpd.conf -r "$LNS_RUN" \
		>>"$LNS_RUN/lns.log" 2>&1 &
	lns_pid=$!
	lac plain "$CLI_IP:1755" 1 --host lac-plain
	lac_pid=$!
	check "PPP up without the module" ppp_up "$NS_C" 1 40
	check "ping through it" ip netns exec "$NS_C" ping -q -c 3 -i 0.1 -W 2 10.1.30.1
	expect "l2tpfast is not loaded" "" "$(grep '^l2tpfast ' /proc/modules)"
	check "l2tpfastd says figures are unavailable" \
		grep -q "l2tpfast.ko is not loaded: tunnels work, per-session figures are unavailable" "$LNS_RUN/lns.log"
	kill "$lac_pid"
	check "StopCCN from the client: tunnel gone" wait_for 20 "" server_l2tp_tunnels
	kill -TERM "$lns_pid"
	wait "$lns_pid"
	expect "l2tpfastd exit status 0" 0 $?
	mv "$ko.away" "$ko"
	check "modprobe l2tpfast again" modprobe l2tpfast
fi

diag "$(grep -v 'pppd\[' "$LNS_RUN/lns.log" | tail -8)"
expect "no kernel warnings" "" "$(dmesg_bugs_since "$mark")"
done_tap
