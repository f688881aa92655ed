#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# l2tpfastd where clients and strangers misbehave, with Debian's xl2tpd as
# the clients and the seed's server configuration (exclusive = yes):
#  - a client that crashes and redials from the same port gets a new
#    session at once;
#  - 5,000 spoofed SCCRQs from 354 addresses leave the fd count and RSS
#    bounded and an established session pinging, and are forgotten;
#  - on a host with two addresses, a tunnel answers from the one called;
#  - under 20% loss and reordering of control messages a client comes up;
#  - kill -9 l2tpfastd: no kernel tunnel and no pppd of it lingers; the
#    next start cleans up what was left and says so; one daemon per run
#    directory.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lns-lib.sh"
need_root

SPOOFED=${L2TPFAST_SPOOFED_SCCRQS:-5000}
modprobe l2tpfast
modprobe l2tp_ppp
lns_topo
lns_seed_config
mark=$(dmesg_mark)
ip netns exec "$NS_S" l2tpfastd -D -c /etc/xl2tpd/xl2tpd.conf -r "$LNS_RUN" \
	>>"$LNS_RUN/lns.log" 2>&1 &
lns_pid=$!
sleep 0.5

n_fds() { ls "/proc/$lns_pid/fd" | wc -l; }
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$lns_pid/status"; }

echo "# --- a client crashes and redials from the same port ---"
lac_instance r1 alice alicepw 1701
check "PPP up" ppp_up "$NS_C" 1 40
fds0=$(n_fds)
rss0=$(rss_kb)
kill -9 "$(cat "$LNS_RUN/xl2tpd-r1.pid")" $(ns_pppd "$NS_C") 2>/dev/null
check "the client's PPP is gone" wait_for 10 0 n_ppp "$NS_C"
t0=$(date +%s)
lac_instance r1 alice alicepw 1701
if check "it redials from port 1701 and gets PPP within 20 s" ppp_up "$NS_C" 1 20; then
	diag "PPP up again after $(( $(date +%s) - t0 )) s"
else
	diag "$(grep -v 'pppd\[' "$LNS_RUN/lns.log" | tail -12)"
fi
check "... and the old tunnel is gone (exclusive: replaced)" wait_for 40 1 n_tunnels

# 354 addresses: past 'max half-open' (256) although 'exclusive' gives each one tunnel.
echo "# --- $SPOOFED spoofed SCCRQs from 354 addresses ---"
spoofed_addrs() {
	local i
	for i in $(seq 1 254); do echo "addr $1 198.51.100.$i/32 dev cli0"; done
	for i in $(seq 1 100); do echo "addr $1 203.0.113.$i/32 dev cli0"; done
}
spoofed_addrs add >"$LNS_RUN/addrs-add"
ip -n "$NS_C" -batch "$LNS_RUN/addrs-add"
ip -n "$NS_S" route add 198.51.100.0/24 via "$CLI_IP"
ip -n "$NS_S" route add 203.0.113.0/24 via "$CLI_IP"
ip netns exec "$NS_C" ping -q -c 200 -i 0.1 -W 1 10.1.20.30 >"$LNS_RUN/ping.out" 2>&1 &
pinger=$!
# lac_from NAME USER PASSWORD ADDRESS PORT LNS: an xl2tpd from an address
# of its own (the seed's 'exclusive' allows one tunnel per address).
lac_from() {
	ip -n "$NS_C" addr add "$4/24" dev cli0 2>/dev/null
	printf '[global]\nlisten-addr = %s\nport = %s\n\n[lac %s]\nlns = %s\npppoptfile = /etc/ppp/options.%s\nlength bit = yes\nautodial = yes\nredial = no\n' \
		"$4" "$5" "$1" "$6" "$1" >"$ETC_C/xl2tpd/$1.conf"
	printf '%s\n' noauth "name $2" "password $3" nodefaultroute noipv6 noccp \
		mtu 1400 mru 1400 >"$ETC_C/ppp/options.$1"
	ip netns exec "$NS_C" xl2tpd -D -c "/etc/xl2tpd/$1.conf" -p "$LNS_RUN/xl2tpd-$1.pid" \
		-C "$LNS_RUN/xl2tpd-$1.control" >"$LNS_RUN/xl2tpd-$1.log" 2>&1 &
}
# The listening socket's queue, then the half-open tunnels, at their peak.
peak=$LNS_RUN/fd-peak
( m=0; for _ in $(seq 60); do n=$(n_fds); [ "$n" -gt "$m" ] && m=$n; echo "$m" >"$peak"; sleep 0.1; done ) &
sampler=$!
check "$SPOOFED spoofed SCCRQs sent" ip netns exec "$NS_C" /usr/bin/python3 - "$SPOOFED" "$SRV_IP" <<'PY'
import socket, struct, sys
n, lns = int(sys.argv[1]), sys.argv[2]
def avp(t, v):
    return struct.pack("!HHH", 0x8000 | (6 + len(v)), 0, t) + v
socks = []
addrs = ["198.51.100.%d" % a for a in range(1, 255)] + ["203.0.113.%d" % a for a in range(1, 101)]
for a in addrs:
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((a, 0))
    socks.append(s)
for i in range(n):
    body = (avp(0, struct.pack("!H", 1)) + avp(2, struct.pack("!H", 0x0100)) +
            avp(3, struct.pack("!I", 3)) + avp(7, b"spoofed") +
            avp(9, struct.pack("!H", 1 + i % 65535)))
    hdr = struct.pack("!HHHHHH", 0xC802, 12 + len(body), 0, 0, 0, 0)
    socks[i % len(socks)].sendto(hdr + body, (lns, 1701))
PY
wait "$sampler"
fds1=$(cat "$peak")
rss1=$(rss_kb)
diag "l2tpfastd: $fds0 fds, $rss0 kB RSS before; $fds1 fds at the peak, $rss1 kB after" \
	"$(grep -c "SCCRQ from host 'spoofed'" "$LNS_RUN/lns.log") SCCRQs taken up (logged), refusals:" \
	"$(sed -n 's/.*refused: //p' "$LNS_RUN/lns.log" | sort | uniq -c | head -5)"
check "the flood made half-open tunnels up to the cap: $fds0 -> $fds1 fds" test "$fds1" -gt $((fds0 + 200))
check "... no more than 'max half-open' (256)" test "$fds1" -le $((fds0 + 256 + 4))
check "RSS grew less than 8 MB: $rss0 -> $rss1 kB" test $((rss1 - rss0)) -lt 8192
check "the established session still pings" \
	ip netns exec "$NS_C" ping -q -c 5 -i 0.2 -W 2 10.1.20.30
check "half-open tunnels forgotten after the setup timeout" wait_for 45 "$fds0" n_fds
wait "$pinger"
lost=$(sed -n 's/.* \([0-9]*\)% packet loss.*/\1/p' "$LNS_RUN/ping.out")
check "pings during the flood: ${lost:-?}% lost (under 10%)" test "${lost:-100}" -lt 10
check "what the flood caused was logged at most 10 lines a second" \
	grep -q "more such messages left out" "$LNS_RUN/lns.log"
spoofed_addrs del >"$LNS_RUN/addrs-del"
ip -n "$NS_C" -batch "$LNS_RUN/addrs-del"

echo "# --- a host with two addresses answers from the one called ---"
ip -n "$NS_S" addr add 192.0.2.11/24 dev srv0
lac_from two bob bobpw 192.0.2.3 1701 192.0.2.11
check "PPP up through 192.0.2.11" ppp_up "$NS_C" 2 40
expect "its tunnel socket is bound to 192.0.2.11:1701" 1 \
	"$(ip netns exec "$NS_S" ss -uan state established | grep -c '192.0.2.11:1701 *192.0.2.3:1701')"

echo "# --- 20% loss and reordering on the control channel ---"
# control_loss NS DEV MATCH add|del: netem on L2TP control messages only
# (T bit set in the first byte after an option-less IPv4 header, UDP, the
# lossy client's address as MATCH: "src ADDR" or "dst ADDR"); PPP's own
# negotiation over the data channel cannot survive every loss (a lost CHAP
# Success leaves the client waiting for good, RFC 1994), which is pppd's
# matter, not the control channel's.
control_loss() {
	local ns=$1 dev=$2 match=$3
	if [ "$4" = del ]; then
		ip netns exec "$ns" tc qdisc del dev "$dev" root
		return
	fi
	ip netns exec "$ns" tc qdisc add dev "$dev" root handle 1: prio bands 3 \
		priomap 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 &&
	ip netns exec "$ns" tc qdisc add dev "$dev" parent 1:3 handle 30: \
		netem loss 20% delay 20ms 10ms reorder 25% 50% &&
	ip netns exec "$ns" tc filter add dev "$dev" parent 1: protocol ip prio 1 u32 \
		match u8 0x05 0x0f at 0 match ip protocol 17 0xff \
		match ip $match/32 match u8 0x80 0x80 at 28 flowid 1:3
}
if modprobe sch_netem 2>/dev/null && modprobe sch_prio 2>/dev/null &&
	modprobe cls_u32 2>/dev/null; then
	control_loss "$NS_C" cli0 "src 192.0.2.4" add
	control_loss "$NS_S" srv0 "dst 192.0.2.4" add
	lac_from lossy carol carolpw 192.0.2.4 1701 "$SRV_IP"
	if ! check "a client comes up through the loss" ppp_up "$NS_C" 3 90; then
		diag "$(sed 's/^/client xl2tpd: /' "$LNS_RUN/xl2tpd-lossy.log" | tail -20)"
		diag "$(grep '192.0.2.4' "$LNS_RUN/lns.log" | tail -30)"
	fi
	netem=$(ip netns exec "$NS_S" tc -s qdisc show dev srv0 | grep -A1 netem |
		sed -n 's/^ *Sent [0-9]* bytes \([0-9]*\) pkt (dropped \([0-9]*\).*/\1 \2/p')
	diag "the LNS's control messages through netem: ${netem% *} sent, ${netem#* } dropped"
	check "... netem had the LNS's control messages to it (SCCRP, ICRP, acks)" \
		test $(( ${netem% *} + ${netem#* } )) -ge 3
	control_loss "$NS_C" cli0 "" del
	control_loss "$NS_S" srv0 "" del
else
	skip "a client comes up through the loss" "sch_netem, sch_prio or cls_u32 is not available in this kernel"
fi

echo "# --- kill -9 l2tpfastd with live sessions ---"
check "sessions live" test "$(n_server_pppd)" -ge 2
kill -9 "$lns_pid"
wait "$lns_pid" 2>/dev/null
check "no kernel tunnel of it lingers" wait_for 10 "" server_l2tp_tunnels
check "no pppd of it lingers" wait_for 20 0 n_server_pppd
expect "the pid file still names it" "$lns_pid" "$(cat "$LNS_RUN/l2tpfastd.pid" 2>/dev/null)"
killed=$lns_pid
# What a pppd of it that is slow to go looks like: a pppd carrying the run
# directory's and the killed daemon's marks (a pty for a line, so it
# waits); and one of another daemon's, which must be left alone.
orphan() {
	ip netns exec "$NS_S" /usr/sbin/pppd nodetach noauth nodefaultroute noipv6 \
		set "L2TPFAST_RUN=$LNS_RUN" set "L2TPFAST_PID=$1" pty "sleep 120" >/dev/null 2>&1 &
}
orphan "$killed"
slow=$!
orphan 1
other=$!
# pppd forks for its pty command: until the child has exec'ed, it is a
# second pppd with the same marks (the clean-up would rightly count 2).
pty_started() {
	local p
	for p in "$slow" "$other"; do
		[ -n "$(pgrep -P "$p")" ] && [ -z "$(pgrep -P "$p" -x pppd)" ] || return 1
	done
}
wait_until 10 pty_started || diag "the fake pppds' pty commands did not start"
starts=$(grep -c "listening on" "$LNS_RUN/lns.log")
ip netns exec "$NS_S" l2tpfastd -D -c /etc/xl2tpd/xl2tpd.conf -r "$LNS_RUN" \
	>>"$LNS_RUN/lns.log" 2>&1 &
lns_pid=$!
started() { grep -c "listening on" "$LNS_RUN/lns.log"; }
check "it starts again" wait_for 10 $((starts + 1)) started
check "... and says it cleaned up after the killed one: its pppd ended, its options file removed" \
	grep -q "an earlier l2tpfastd (pid $killed) did not stop cleanly: cleaned up after it: 1 pppd ended, 1 options files removed" "$LNS_RUN/lns.log" ||
	diag "$(grep 'earlier l2tpfastd' "$LNS_RUN/lns.log")"
check "... the orphan pppd is gone" wait_until 5 test ! -d "/proc/$slow"
check "... another daemon's pppd is not" test -d "/proc/$other"
kill "$other"
expect "... one options file in the run directory: the new one's" 1 "$(ls "$LNS_RUN" | grep -c '^pppd-options\.')"
ip netns exec "$NS_S" l2tpfastd -D -c /etc/xl2tpd/xl2tpd.conf -r "$LNS_RUN" \
	>"$LNS_RUN/second.log" 2>&1
expect "a second l2tpfastd on the same run directory does not start (exit 1)" 1 $?
check "... and says which runs" grep -q "another l2tpfastd (pid $lns_pid) runs with run directory $LNS_RUN" "$LNS_RUN/second.log"
kill -TERM "$lns_pid"
wait "$lns_pid"
expect "a clean stop empties the pid file" "" "$(cat "$LNS_RUN/l2tpfastd.pid")"
wait "$slow" "$other" 2>/dev/null

expect "no kernel warnings" "" "$(dmesg_bugs_since "$mark")"
done_tap
