#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# DRAFT: per-session statistics of an `ip l2tp` L2TPv3 Ethernet tunnel.
# Run inside a VM with l2tpfast.ko loaded (see the issue3 notes).
#
#   netns a                                    netns b
#   l2tpeth0 192.168.99.1                      l2tpeth0 192.168.99.2
#   tunnel 100 / session 1000  ---- UDP ----   tunnel 200 / session 2000
#   va 10.0.0.1:5000  <------- veth ------->   vb 10.0.0.2:5001
#   (attached to l2tpfast)
set -u
cd "$(dirname "$0")/.."
K=/usr/src/linux-source-6.12
YNL="/usr/bin/python3 $K/tools/net/ynl/cli.py --spec Documentation/netlink/specs/l2tpfast.yaml --schema $K/Documentation/netlink/genetlink-legacy.yaml"
N=${N:-20}
fail=0

a() { ip netns exec a "$@"; }
b() { ip netns exec b "$@"; }
ynl_a() { echo "# a: ynl $*" >&2; a $YNL "$@"; }
ok() { if [ "$1" = "$2" ]; then echo "ok - $3 ($1)"; else echo "not ok - $3: got $1, want $2"; fail=1; fi; }
jget() { python3 -c "import sys,json,ast; d=ast.literal_eval(sys.stdin.read()); d=d[0] if isinstance(d,list) else d; print(eval('d'+sys.argv[1]))" "$1"; }

ip netns add a; ip netns add b
ip link add va netns a type veth peer name vb netns b
a ip addr add 10.0.0.1/24 dev va; a ip link set va up; a ip link set lo up
b ip addr add 10.0.0.2/24 dev vb; b ip link set vb up; b ip link set lo up

a ip l2tp add tunnel tunnel_id 100 peer_tunnel_id 200 encap udp local 10.0.0.1 remote 10.0.0.2 udp_sport 5000 udp_dport 5001
a ip l2tp add session tunnel_id 100 session_id 1000 peer_session_id 2000 name l2tpeth0
b ip l2tp add tunnel tunnel_id 200 peer_tunnel_id 100 encap udp local 10.0.0.2 remote 10.0.0.1 udp_sport 5001 udp_dport 5000
b ip l2tp add session tunnel_id 200 session_id 2000 peer_session_id 1000 name l2tpeth0
a ip addr add 192.168.99.1/24 dev l2tpeth0; a ip link set l2tpeth0 up
b ip addr add 192.168.99.2/24 dev l2tpeth0; b ip link set l2tpeth0 up
# No IPv6 autoconf noise on the tunnel: only our pings.
a sysctl -qw net.ipv6.conf.l2tpeth0.disable_ipv6=1
b sysctl -qw net.ipv6.conf.l2tpeth0.disable_ipv6=1

ynl_a --do version-get
ynl_a --do tunnel-attach --json '{"id": 100, "version": 3, "local-addr": "0a000001", "local-port": 5000, "peer-addr": "0a000002", "peer-port": 5001}'
ok $? 0 "attach by address"
ynl_a --do tunnel-attach --json '{"id": 100, "version": 3, "local-addr": "0a000001", "local-port": 5000, "peer-addr": "0a000002", "peer-port": 5001}' 2>&1 | tail -1
sleep 3	# let the sync read l2tp_core's sessions
ynl_a --dump session-get

# ARP first, so that the counted exchange is exactly N echo + N reply.
a ping -c 1 -W 2 192.168.99.2 >/dev/null
ynl_a --do counters-reset --json '{}'
a ip -s l2tp show session > /tmp/l2f-before.txt
a ping -c $N -i 0.05 -W 2 192.168.99.2 | tail -2
sleep 1
S=$(ynl_a --do session-get --json '{"tunnel-id": 100, "id": 1000}')
echo "$S"
T=$(ynl_a --do tunnel-get --json '{"id": 100}')
echo "$T"
a ip -s l2tp show session
ok "$(echo "$S" | jget "['counters']['rx-data-packets']")" $N "session rx packets = pings"
ok "$(echo "$S" | jget "['counters']['tx-data-packets']")" $N "session tx packets = pings"
ok "$(echo "$S" | jget "['peer-id']")" 2000 "peer session id"
ok "$(echo "$S" | jget "['ifname']")" l2tpeth0 "ifname"
ok "$(echo "$T" | jget "['peer-id']")" 200 "peer tunnel id"
ok "$(echo "$T" | jget "['session-count']")" 1 "session count"

# The kernel's own totals (since creation) grow by the same amounts.
kern() { awk -v w="$1" '$1==w && $2=="packets" {print $3; exit} $1==w && /packets/ {print $0}' ; }
before_rx=$(grep -A1 "RX" /tmp/l2f-before.txt | head -1)
echo "# l2tp_core before: $(tr '\n' ' ' < /tmp/l2f-before.txt)"

# Random session ids: drops, and no new sessions.
b python3 - <<'PY'
import socket, struct, random
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
def send(payload):
    udp = struct.pack('!HHHH', 5001, 5000, 8 + len(payload), 0) + payload
    ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0,
                     socket.inet_aton('10.0.0.2'), socket.inet_aton('10.0.0.1'))
    s.sendto(ip + udp, ('10.0.0.1', 0))
for i in range(1000):
    send(struct.pack('!HHI', 0x0003, 0, random.randint(5000, 2**32 - 1)) + b'x' * 20)
for i in range(7):
    send(b'\x00')                                       # too short
for i in range(5):
    send(struct.pack('!HHHH', 0x0002, 100, 1000, 0) + b'x' * 20)  # v2 on v3
for i in range(3):
    send(struct.pack('!HHIII', 0xc803, 99, 0, 0, 0))    # control, bad length
PY
sleep 1
T=$(ynl_a --do tunnel-get --json '{"id": 100}')
echo "$T"
ok "$(echo "$T" | jget "['counters']['rx-drop-no-session']")" 1000 "random session ids counted as no_session"
ok "$(echo "$T" | jget "['counters']['rx-drop-too-short']")" 7 "too short"
ok "$(echo "$T" | jget "['counters']['rx-drop-version']")" 5 "version"
ok "$(echo "$T" | jget "['counters']['rx-drop-malformed']")" 3 "malformed"
ok "$(echo "$T" | jget "['session-count']")" 1 "no session created by the flood"

# A session added after attach is picked up by the sync.
a ip l2tp add session tunnel_id 100 session_id 1001 peer_session_id 2001 name l2tpeth1
b ip l2tp add session tunnel_id 200 session_id 2001 peer_session_id 1001 name l2tpeth1
sleep 3
ok "$(ynl_a --dump session-get --json '{"tunnel-id": 100}' | grep -c "'id': 100[01]")" 2 "new session tracked"
a ip l2tp del session tunnel_id 100 session_id 1001
sleep 3
ok "$(ynl_a --dump session-get | grep -c "'id': 100[01]")" 1 "deleted session forgotten"

echo "# detach / re-attach"
ynl_a --do tunnel-detach --json '{"id": 100}'; ok $? 0 "detach"
ynl_a --do tunnel-attach --json '{"id": 100, "version": 3, "local-addr": "0a000001", "local-port": 5000, "peer-addr": "0a000002", "peer-port": 5001}'; ok $? 0 "re-attach"

if [ "${RMMOD_UNDER_LOAD:-1}" = 1 ]; then
	echo "# rmmod under load"
	a ping -f -w 6 192.168.99.2 > /tmp/l2f-flood.txt 2>&1 &
	sleep 2
	rmmod l2tpfast; ok $? 0 "rmmod while flooding"
	wait
	tail -2 /tmp/l2f-flood.txt
	a ping -c 3 -i 0.2 -W 2 192.168.99.2 > /dev/null; ok $? 0 "stock tunnel works after rmmod"
	insmod ./l2tpfast.ko; ok $? 0 "insmod again"
	ynl_a --do tunnel-attach --json '{"id": 100, "version": 3, "local-addr": "0a000001", "local-port": 5000, "peer-addr": "0a000002", "peer-port": 5001}'; ok $? 0 "attach again"
fi

echo "# tunnel deleted while attached, then netns deleted while attached"
a ip l2tp del tunnel tunnel_id 100
sleep 3
ok "$(ynl_a --dump tunnel-get | grep -c "'id': 100")" 0 "deleted tunnel forgotten"
a ip l2tp add tunnel tunnel_id 100 peer_tunnel_id 200 encap udp local 10.0.0.1 remote 10.0.0.2 udp_sport 5000 udp_dport 5001
ynl_a --do tunnel-attach --json '{"id": 100, "version": 3, "local-addr": "0a000001", "local-port": 5000, "peer-addr": "0a000002", "peer-port": 5001}'; ok $? 0 "attach new tunnel"
ip netns del a; ip netns del b
sleep 2
rmmod l2tpfast; ok $? 0 "rmmod after netns deletion"
dmesg | grep l2tpfast | tail -20
if dmesg | grep -E "WARNING:|BUG:|Oops|leak"; then
	echo "not ok - kernel warnings"; fail=1
else
	echo "ok - no kernel warnings"
fi
exit $fail
