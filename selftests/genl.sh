#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The l2tpfast generic-netlink family as the kernel registered it matches the
# YAML spec: same ops, same permission flags, the events group. An
# unprivileged caller gets EPERM on every op but version-get (do and dump)
# and on joining the events group, both as an ordinary user and as "root" of
# a user namespace that does not own the network namespace: the figures name
# subscribers. l2tpfast-ctl says so plainly. Requests are validated
# strictly. The kernel's ynl CLI drives the family.
. "$(dirname "$0")/lib.sh"
need_root

modprobe l2tpfast

# What the spec says: "name flags" per op, and the op ids in order.
spec_ops=$(/usr/bin/python3 - "$SPEC" <<'PY'
import sys, yaml
spec = yaml.safe_load(open(sys.argv[1]))
for i, op in enumerate(spec["operations"]["list"], 1):
    if "do" not in op and "dump" not in op:
        continue    # an event: a message the kernel sends, not an op
    print(op.get("value", i), op["name"], ",".join(sorted(op.get("flags", []))) or "-",
          "do" if "do" in op else "", "dump" if "dump" in op else "")
PY
)
diag "spec ops:" "$spec_ops"

# What the kernel says, through ynl and the kernel's own nlctrl spec.
family=$(ynl --spec "$KSRC_YNL/Documentation/netlink/specs/nlctrl.yaml" \
	--schema "$KSRC_YNL/Documentation/netlink/genetlink-legacy.yaml" \
	--do getfamily --json '{"family-name": "l2tpfast"}')
check "ynl nlctrl getfamily finds l2tpfast" test -n "$family"

kernel_ops=$(/usr/bin/python3 -c '
import json, sys
fam = json.load(sys.stdin)
m = {"admin-perm": "admin-perm", "uns-admin-perm": "uns-admin-perm"}
# ynl renders indexed nests as [{"1": {...}}, {"2": {...}}].
for item in fam.get("ops", []):
    op = next(iter(item.values()))
    fl = set(op.get("flags", []))
    perm = ",".join(sorted(f for f in fl if f in m)) or "-"
    print(op["id"], perm, "do" if "cmd-cap-do" in fl else "", "dump" if "cmd-cap-dump" in fl else "")
' <<<"$family")
expect "kernel ops and flags match the spec" \
	"$(awk '{$2=""; print}' <<<"$spec_ops" | tr -s ' ' | sed 's/ *$//')" \
	"$(tr -s ' ' <<<"$kernel_ops" | sed 's/ *$//')"

groups=$(/usr/bin/python3 -c '
import json, sys
groups = json.load(sys.stdin).get("mcast-groups", [])
print(" ".join(next(iter(g.values()))["name"] for g in groups))' <<<"$family")
expect "multicast groups" "events" "$groups"

# The whole genl registry through a ynl dump: l2tpfast is one of them.
check "ynl nlctrl dump lists l2tpfast" bash -c "
	/usr/bin/python3 '$YNL_CLI' --output-json \
		--spec '$KSRC_YNL/Documentation/netlink/specs/nlctrl.yaml' \
		--schema '$YNL_SCHEMA' --dump getfamily | grep -q '\"family-name\": \"l2tpfast\"'"

reply=$(ynl_l2tpfast --do version-get)
diag "ynl --do version-get: $reply"
check "ynl version-get with our spec" grep -q '"api-version": 1' <<<"$reply"

# Permissions: every admin op refused to the unprivileged, as a do and as a
# dump; version-get answered. Ops are sent without attributes: the
# permission check comes first.
nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
n_admin=0
while read -r id name flags modes; do
	if [ "$flags" = "-" ]; then
		expect "$name: answered for an unprivileged user" "ok 1" \
			"$(nobody genl-client l2tpfast "$id")"
		continue
	fi
	n_admin=$((n_admin + 1))
	expect "$name: EPERM for an unprivileged user" "error EPERM" \
		"$(nobody genl-client l2tpfast "$id")"
	expect "$name: EPERM for root of a user namespace" "error EPERM" \
		"$(unshare --user --map-root-user genl-client l2tpfast "$id")"
	[[ $modes == *dump* ]] || continue
	expect "$name dump: EPERM for an unprivileged user" "error EPERM" \
		"$(nobody genl-client l2tpfast "$id" --dump)"
	expect "$name dump: EPERM for root of a user namespace" "error EPERM" \
		"$(unshare --user --map-root-user genl-client l2tpfast "$id" --dump)"
done <<<"$spec_ops"
diag "$n_admin admin ops"
expect "root reads: tunnel-get dump answered" "ok 0" "$(genl-client l2tpfast 4 --dump)"

expect "events group: EPERM for an unprivileged user" "error EPERM" \
	"$(nobody genl-client l2tpfast --join events)"
expect "events group: EPERM for root of a user namespace" "error EPERM" \
	"$(unshare --user --map-root-user genl-client l2tpfast --join events)"
expect "events group: root joins" "ok joined" "$(genl-client l2tpfast --join events)"
out=$(nobody l2tpfast-ctl show 2>&1)
expect "l2tpfast-ctl show as a user: fails" 1 "$?"
check "... saying why and what to do" grep -q "permission denied.*needs CAP_NET_ADMIN.*root" <<<"$out"
diag "$out"
out=$(nobody l2tpfast-ctl show --json 2>&1)
check "l2tpfast-ctl show --json as a user: no JSON, no figures" \
	bash -c '! grep -q tunnels <<<"$1"' _ "$out"
out=$(nobody l2tpfast-ctl monitor 2>&1)
check "l2tpfast-ctl monitor as a user: refused, saying why" \
	grep -q "permission denied.*CAP_NET_ADMIN" <<<"$out"

# Strict validation: an attribute the op has no policy for is refused.
expect "version-get with an attribute it does not take: EINVAL" "error EINVAL" \
	"$(genl-client l2tpfast 1 1:str:x)"
expect "attribute type beyond the family's range: EINVAL" "error EINVAL" \
	"$(genl-client l2tpfast 1 200:u32:1)"
expect "unknown command: EOPNOTSUPP" "error EOPNOTSUPP" \
	"$(genl-client l2tpfast 250)"

# ynl dumps the family's own objects: a tunnel made with ip l2tp, attached,
# comes back from a tunnel-get and a session-get dump with its ids.
modprobe l2tp_eth
topo_veth
check "L2TPv3 pseudowire in lf-a and lf-b" l2tpv3_eth 31 32 310 320 1731 10.31.0
check "attach tunnel 31" a l2tpfast-ctl attach 31
check "session 310 tracked" wait_tracked "$NS_A" 31 310
tunnels=$(ynl_l2tpfast -n "$NS_A" --dump tunnel-get)
diag "ynl --dump tunnel-get: $tunnels"
expect "ynl tunnel-get dump: tunnel 31, peer 32, version 3, 1 session" "31 32 3 1" \
	"$(json_get "$tunnels" "' '.join(str(t.get(k)) for t in d for k in ('id', 'peer-id', 'version', 'session-count'))")"
sessions=$(ynl_l2tpfast -n "$NS_A" --dump session-get)
expect "ynl session-get dump: session 310 of tunnel 31, peer 320" "31 310 320" \
	"$(json_get "$sessions" "' '.join(str(s.get(k)) for s in d for k in ('tunnel-id', 'id', 'peer-id'))")"
expect "ynl tunnel-get dump in the init netns: nothing attached there" "[]" \
	"$(ynl_l2tpfast --dump tunnel-get)"
check "ynl tunnel-detach 31" ynl_l2tpfast -n "$NS_A" --do tunnel-detach --json '{"id": 31}'
expect "ynl tunnel-get dump after the detach: empty" "[]" \
	"$(ynl_l2tpfast -n "$NS_A" --dump tunnel-get)"
check "the kernel's tunnel 31 carries on" bash -c "ip -n $NS_A l2tp show tunnel tunnel_id 31 | grep -q 'Tunnel 31'"

echo "# --- attach takes only l2tp_core's own sockets, and the tunnel's own version ---"
mark=$(dmesg_mark)
attach_raw() {	# ID VERSION LOCAL_PORT: attach by address, as genl-client says
	ip netns exec "$NS_A" genl-client l2tpfast 2 "1:u32:$1" "3:u8:$2" \
		"5:ip4:$IP_A" "6:u16:$3" "7:ip4:$IP_B" "8:u16:1731"
}
modprobe fou
check "a fou socket on port 1735 in lf-a (another UDP encapsulation)" \
	ip -n "$NS_A" fou add port 1735 ipproto 4
expect "attach tunnel 31 to the fou socket: refused, its sk_user_data never read" \
	"error ENOTCONN" "$(attach_raw 31 3 1735)"
expect "attach tunnel 31 (L2TPv3) as L2TPv2: taken at first" "ok 0" "$(attach_raw 31 2 1731)"
gone31() { [ "$(ip netns exec "$NS_A" genl-client l2tpfast 4 1:u32:31)" = "error ENOENT" ]; }
check "... then let go of once l2tp_core says it is L2TPv3" wait_until 10 gone31
check "... saying so in the kernel log" \
	bash -c "dmesg | sed -n '/$mark/,\$p' | grep -q 'tunnel 31 is L2TPv3, attached as L2TPv2: detached'"
expect "... and no warning" "" "$(dmesg_bugs_since "$mark")"

echo "# --- l2tpfast's own netlink sockets (to follow l2tp_core) take nothing from strangers ---"
# While a tunnel is attached, l2tpfast listens to l2tp_netlink from two
# kernel sockets in the netns. An admin of the netns (root in a user
# namespace) can unicast to any port: both refuse everyone but the kernel.
refused_ports() {	# generic netlink ports of lf-a refusing our unicasts
	ip netns exec "$NS_A" /usr/bin/python3 -c '
import errno, socket
me = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 16)
me.bind((0, 0))
ports = [int(f[2]) for f in (l.split() for l in open("/proc/net/netlink").readlines()[1:])
         if f[1] == "16" and f[2] not in ("0", str(me.getsockname()[0]))]
junk = bytes.fromhex("14000000" "1000" "0100" "00000000" "00000000" "03010000")
refused = 0
for p in ports:
    try:
        for _ in range(100):
            me.sendto(junk, socket.MSG_DONTWAIT, (p, 0))
    except OSError as e:
        refused += e.errno == errno.ECONNREFUSED
print(refused)'
}
check "attach tunnel 31 again" a l2tpfast-ctl attach 31
wait_refused() { [ "$(refused_ports)" = "$1" ]; }
check "l2tpfast's two sockets refuse a stranger's unicasts" wait_until 10 wait_refused 2
check "session 310 still tracked after them" wait_tracked "$NS_A" 31 310
check "detach tunnel 31" a l2tpfast-ctl detach 31
check "no tunnel attached: l2tpfast's sockets are gone" wait_until 10 wait_refused 0
ns_cleanup

echo "# --- a stranger flooding l2tp_netlink's events: new sessions are tracked all the same ---"
# l2tp_netlink multicasts every netns's notifications to every netns, and
# anyone may make a netns of their own (unshare -Urn) with a tunnel in it:
# TUNNEL_MODIFY on it in a loop overruns the events socket l2tpfast reads
# in each netns with an attached tunnel, and keeps refilling it. Each
# flooder also attaches its own tunnel, as anyone may in their netns: one
# more of l2tpfast's readers of every notification, all of them sharing
# the CPUs with the flood (l2tp_netlink's ops run one at a time, under
# genl's mutex; a reader alone would keep up with them). Sessions made
# meanwhile on an attached tunnel in lf-a that carries no traffic (no
# packet tells of them) are all tracked within the resync gap (10 s) and a
# margin, while the flood goes on.
FLOODERS=4
NEW=20
topo_veth
check "tunnel 40 (L2TPv3) in lf-a, attached" bash -c "
	ip -n $NS_A l2tp add tunnel tunnel_id 40 peer_tunnel_id 41 encap udp \
		local $IP_A remote $IP_B udp_sport 1740 udp_dport 1740 &&
	ip netns exec $NS_A l2tpfast-ctl attach 40"
as=(setpriv --reuid=65534 --regid=65534 --clear-groups)
if ! nobody unshare -Urn true 2>/dev/null; then
	as=()
	diag "unprivileged user namespaces are off here: root floods, from a netns of its own all the same"
fi
flooder() {	# I: a netns of its own, tunnel 7700+I in it, attached, TUNNEL_MODIFY on it
	local tid=$((7700 + $1))
	# exec: the pid the test kills (then reads the count of) is genl-client's.
	exec "${as[@]}" unshare -Urn bash -c "ip link set lo up &&
		ip l2tp add tunnel tunnel_id $tid peer_tunnel_id 1 encap udp \
			local 127.0.0.1 remote 127.0.0.2 udp_sport $((10000 + tid)) udp_dport 1701 &&
		{ l2tpfast-ctl attach $tid || echo 'attach $tid failed'; } &&
		exec genl-client l2tp 3 --for 90 9:u32:$tid"
}
# l2tpfast's generic netlink sockets in lf-a: queued bytes and drops.
nl_queues() {
	ip netns exec "$NS_A" awk 'NR > 1 && $2 == 16 && $3 != 0 {printf "rmem %s drops %s; ", $5, $9}' \
		/proc/net/netlink
}
tracked40() { ip netns exec "$NS_A" genl-client l2tpfast 5 --dump 1:u32:40; }
mark=$(dmesg_mark)
flooders=()
for i in $(seq "$FLOODERS"); do
	flooder "$i" >"/tmp/lf-genl-flood-$i.out" 2>&1 &
	flooders+=($!)
done
sleep 3
diag "$FLOODERS flooders; l2tpfast's sockets in lf-a: $(nl_queues)"
for i in $(seq "$NEW"); do
	ip -n "$NS_A" l2tp add session tunnel_id 40 session_id $((4000 + i)) \
		peer_session_id $((4000 + i)) || break
done
made=$(date +%s)
expect "$NEW sessions made on tunnel 40 during the flood" "$NEW" \
	"$(ip -n "$NS_A" l2tp show session | grep -c '^Session')"
all_tracked() {	# within 20 s of the last one made (wall time: TCG is slow)
	while [ "$(date +%s)" -le $((made + 20)) ]; do
		[ "$(tracked40)" = "ok $NEW" ] && return 0
		sleep 0.5
	done
	return 1
}
check "all $NEW tracked within 20 s, no packet on them, the flood going on" all_tracked
diag "l2tpfast tracks: $(tracked40), $(( $(date +%s) - made )) s after the last was made;" \
	"l2tpfast's sockets in lf-a: $(nl_queues)"
alive=0
for p in "${flooders[@]}"; do
	kill -0 "$p" 2>/dev/null && alive=$((alive + 1))
done
expect "the flood went on all along" "$FLOODERS" "$alive"
kill "${flooders[@]}" 2>/dev/null
wait "${flooders[@]}" 2>/dev/null
diag "flooders: $(cat /tmp/lf-genl-flood-*.out | tr '\n' ' ')" \
	"$(dmesg | sed -n "/$mark/,\$p" | grep -c 'lost track of l2tp_core') resyncs told of in the kernel log"
expect "no kernel warnings" "" "$(dmesg_bugs_since "$mark")"
ns_cleanup

# Per netns: the family answers in a fresh network namespace too.
ns_add lf-genl-ns
expect "version-get in another netns" "ok 1" \
	"$(ip netns exec lf-genl-ns genl-client l2tpfast 1)"

done_tap
