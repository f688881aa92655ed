# SPDX-License-Identifier: GPL-2.0
#
# Sourced by the LNS tests after lib.sh: a server netns running an LNS and
# a client netns running Debian's xl2tpd as LAC with pppd, the way a Linux
# L2TP client does it.
#
#   lf-srv  srv0 192.0.2.1 ------------------------ cli0 192.0.2.2  lf-cli
#   LNS (UDP 1701), ppp interfaces                  xl2tpd LAC, pppd
#
# Configuration files are where the real programs look for them: `ip netns
# exec` binds /etc/netns/NS/ENTRY over /etc/ENTRY, so each namespace gets
# its own /etc/ppp and /etc/xl2tpd and the host's are never touched.

NS_S=lf-srv
NS_C=lf-cli
SRV_IP=192.0.2.1
CLI_IP=192.0.2.2
LNS_RUN=/tmp/lf-lns
ETC_S=/etc/netns/$NS_S
ETC_C=/etc/netns/$NS_C

srv() { say ip netns exec "$NS_S" "$@"; }
cli() { say ip netns exec "$NS_C" "$@"; }

lns_topo() {
	ns_add "$NS_S" && ns_add "$NS_C" || return 1
	ip link add srv0 netns "$NS_S" type veth peer name cli0 netns "$NS_C"
	ip -n "$NS_S" addr add "$SRV_IP/24" dev srv0
	ip -n "$NS_C" addr add "$CLI_IP/24" dev cli0
	ip -n "$NS_S" link set srv0 up
	ip -n "$NS_C" link set cli0 up
	quiet_link "$NS_S" srv0 "$NS_C" cli0 "$SRV_IP" "$CLI_IP"
	rm -rf "$ETC_S" "$ETC_C" "$LNS_RUN"
	mkdir -p "$ETC_S/ppp" "$ETC_S/xl2tpd" "$ETC_C/ppp" "$ETC_C/xl2tpd" "$LNS_RUN"
}

lns_cleanup() {
	pkill -f "xl2tpd .*$LNS_RUN" 2>/dev/null
	pkill -f "l2tpfastd .*$LNS_RUN" 2>/dev/null
	sleep 0.5
	pkill pppd 2>/dev/null
	rm -rf "$ETC_S" "$ETC_C" "$LNS_RUN"
	ns_cleanup
}
trap lns_cleanup EXIT

# The server side of ../shared/seeds/openwrt-xl2tpd-libreswan.txt, as it is
# (xl2tpd.conf, options.xl2tpd, chap-secrets), plus test users.
lns_seed_config() {
	cat >"$ETC_S/xl2tpd/xl2tpd.conf" <<'CONF'
[global]
port = 1701
auth file = /etc/xl2tpd/xl2tp-secrets
access control = no

[lns default]
exclusive = yes
ip range = 10.1.20.31-10.1.20.50
hidden bit = no
local ip = 10.1.20.30
length bit = yes
require chap = yes
refuse pap = yes
name = vpn
ppp debug = yes
pppoptfile = /etc/ppp/options.xl2tpd
CONF
	: >"$ETC_S/xl2tpd/xl2tp-secrets"
	cat >"$ETC_S/ppp/options.xl2tpd" <<'OPTS'
lock
noauth
#debug
dump
logfd 2
#logfile /var/log/xl2tpd.log
mtu 1400
mru 1400
ms-dns 192.168.1.1
lcp-echo-failure 12
lcp-echo-interval 5
require-mschap-v2
nomppe
OPTS
	cat >"$ETC_S/ppp/chap-secrets" <<'SECRETS'
#USERNAME  PROVIDER  PASSWORD  IPADDRESS
username	vpn	secret	10.1.20.32
alice	*	alicepw	*
bob	*	bobpw	*
carol	*	carolpw	*
dave	*	davepw	*
SECRETS
	chmod 600 "$ETC_S/ppp/chap-secrets"
}

# lac_config NAME USER PASSWORD [PPPD_OPTION...]: an xl2tpd LAC section in
# lf-cli dialling the LNS at start-up.
lac_config() {
	local name=$1 user=$2 pass=$3
	shift 3
	cat >>"$ETC_C/xl2tpd/xl2tpd.conf" <<CONF
[lac $name]
lns = $SRV_IP
ppp debug = yes
pppoptfile = /etc/ppp/options.$name
length bit = yes
autodial = yes
redial = no
CONF
	{
		printf '%s\n' noauth "name $user" "password $pass" nodefaultroute \
			noipv6 noccp mtu 1400 mru 1400 "ipparam $name" "$@"
	} >"$ETC_C/ppp/options.$name"
}

# xl2tpd_start NS ROLE: Debian's xl2tpd in the foreground, its control
# pipe and pid in $LNS_RUN.
xl2tpd_start() {
	ip netns exec "$1" xl2tpd -D -c /etc/xl2tpd/xl2tpd.conf \
		-p "$LNS_RUN/xl2tpd-$2.pid" -C "$LNS_RUN/xl2tpd-$2.control" \
		>"$LNS_RUN/xl2tpd-$2.log" 2>&1 &
}

# ppp_up NS COUNT [SECONDS]: wait for COUNT ppp interfaces with an address.
ppp_up() {
	local ns=$1 n=$2 secs=${3:-30} i
	for i in $(seq $((secs * 5))); do
		[ "$(ip -n "$ns" -4 -o addr show 2>/dev/null | grep -c ' ppp[0-9]* ')" -ge "$n" ] &&
			return 0
		sleep 0.2
	done
	return 1
}

# The address the client got on its first ppp interface.
client_addr() {
	ip -n "$NS_C" -4 -o addr show | awk '/ ppp[0-9]+ / {split($4, a, "/"); print a[1]; exit}'
}

# Stop everything of the client netns (xl2tpd, pppd) and forget its config.
client_reset() {
	local pids
	pids=$(ip netns pids "$NS_C")
	[ -n "$pids" ] && kill $pids 2>/dev/null
	sleep 0.5
	pids=$(ip netns pids "$NS_C")
	[ -n "$pids" ] && kill -9 $pids 2>/dev/null
	rm -f "$ETC_C"/xl2tpd/*.conf "$ETC_C"/ppp/options.* "$LNS_RUN"/xl2tpd-cli.*
}

# n_ppp NS: ppp interfaces with an address.
n_ppp() {
	ip -n "$1" -4 -o addr show 2>/dev/null | grep -c ' ppp[0-9]* '
}

# wait_for SECONDS WANT CMD...: poll until CMD prints WANT (CMD runs anew
# each time; wait_until's arguments are expanded once, by the caller).
wait_for() {
	local secs=$1 want=$2 i
	shift 2
	for i in $(seq $((secs * 5))); do
		[ "$("$@" 2>/dev/null)" = "$want" ] && return 0
		sleep 0.2
	done
	echo "after $secs s: '$("$@" 2>/dev/null)', want '$want'"
	return 1
}

# What l2tpfast-ctl shows on the server: tunnels, sessions.
lns_json() { ip netns exec "$NS_S" l2tpfast-ctl show --json; }
n_tunnels() { json_get "$(lns_json)" "len(d['tunnels'])"; }
n_sessions() { json_get "$(lns_json)" "sum(len(t['sessions']) for t in d['tunnels'])"; }
n_server_pppd() { ns_pppd "$NS_S" | wc -l; }
server_l2tp_tunnels() { ip -n "$NS_S" l2tp show tunnel; }

# pppd processes of a netns (pgrep alone sees every netns).
ns_pppd() {
	local p
	for p in $(ip netns pids "$1"); do
		[ "$(cat "/proc/$p/comm" 2>/dev/null)" = pppd ] && echo "$p"
	done
}

# lac_instance NAME USER PASSWORD PORT [PPPD_OPTION...]: an xl2tpd of its
# own in lf-cli, from UDP port PORT: one tunnel per instance, as clients
# behind one NAT each get a port of their own.
lac_instance() {
	local name=$1 user=$2 pass=$3 port=$4
	shift 4
	printf '[global]\nport = %s\n\n' "$port" >"$ETC_C/xl2tpd/$name.conf"
	cat >>"$ETC_C/xl2tpd/$name.conf" <<CONF
[lac $name]
lns = $SRV_IP
pppoptfile = /etc/ppp/options.$name
length bit = yes
autodial = yes
redial = no
CONF
	printf '%s\n' noauth "name $user" "password $pass" nodefaultroute \
		noipv6 noccp mtu 1400 mru 1400 "ipparam $name" "$@" \
		>"$ETC_C/ppp/options.$name"
	ip netns exec "$NS_C" xl2tpd -D -c "/etc/xl2tpd/$name.conf" \
		-p "$LNS_RUN/xl2tpd-$name.pid" -C "$LNS_RUN/xl2tpd-$name.control" \
		>"$LNS_RUN/xl2tpd-$name.log" 2>&1 &
}
