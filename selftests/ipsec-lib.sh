# SPDX-License-Identifier: GPL-2.0
#
# Sourced by the IPsec tests after lib.sh and lns-lib.sh: strongSwan's
# charon in lf-srv with the shipped configuration (conf/swanctl) and in
# lf-cli as a client, the way an L2TP/IPsec client dials the gateway.
#
# Two charons on one machine must share nothing:
#  - /etc/strongswan.conf and /etc/swanctl: each netns gets its own in
#    /etc/netns/NS/, which `ip netns exec` binds over /etc (lns-lib.sh
#    does the same for /etc/ppp and /etc/xl2tpd);
#  - the vici socket: set per netns in that strongswan.conf, and swanctl
#    is told with --uri;
#  - /run/charon.pid, which charon 5.9 has compiled in (no option): charon
#    runs in a mount namespace of its own with $LNS_RUN/run-NS bound over
#    /run, so each pid file is its own and the test can read it.
# Plugins are listed (no load_modular): only what IKEv1 with PSK or
# certificates and the kernel's XFRM need, which starts faster under TCG.

IPSEC_PLUGINS="random nonce openssl pem pkcs1 pkcs8 x509 pubkey revocation constraints kernel-netlink socket-default vici"

# ipsec_etc NS: an empty /etc/swanctl and a strongswan.conf for NS.
ipsec_etc() {
	local ns=$1 etc=/etc/netns/$1 run=$LNS_RUN/run-$1 d
	mkdir -p "$run"
	rm -rf "$etc/swanctl"
	for d in conf.d x509 x509ca x509aa x509ac x509crl x509ocsp private pubkey rsa ecdsa bliss pkcs8 pkcs12; do
		mkdir -p "$etc/swanctl/$d"
	done
	echo 'include conf.d/*.conf' >"$etc/swanctl/swanctl.conf"
	cat >"$etc/strongswan.conf" <<CONF
charon {
	load_modular = no
	load = $IPSEC_PLUGINS
	install_routes = no
	install_virtual_ip = no
	plugins {
		vici {
			socket = unix://$run/charon.vici
		}
	}
	filelog {
		charon {
			path = $LNS_RUN/charon-$ns.log
			time_format = %T
			flush_line = yes
			default = 1
			ike = 2
			cfg = 1
		}
	}
	syslog {
		daemon {
			default = -1
		}
	}
}
swanctl {
	load = pem pkcs1 pkcs8 x509 pubkey openssl random
}
CONF
}

# ipsec_charon NS: start charon in NS (see above for the mounts).
ipsec_charon() {
	local ns=$1 run=$LNS_RUN/run-$1
	# A charon killed (client_reset) leaves its socket behind.
	rm -f "$run/charon.vici" "$run/charon.pid"
	# -m: a mount namespace whose /run is this netns's directory.
	ip netns exec "$ns" unshare -m sh -c "mount --bind '$run' /run && exec /usr/lib/ipsec/charon" \
		>>"$LNS_RUN/charon-$ns.out" 2>&1 &
	wait_until 20 test -S "$run/charon.vici"
}

# swanctl_ns NS ARGS...: swanctl in NS, talking to NS's charon. Only
# --load-* reads files (keys, certificates) and needs NS's plugins; other
# commands start faster under TCG with none but random.
swanctl_ns() {
	local ns=$1 conf=$LNS_RUN/swanctl-query.conf
	shift
	case $1 in
	--load-*) conf=/etc/strongswan.conf ;;
	*) [ -f "$conf" ] || printf 'swanctl {\n\tload = random\n}\n' >"$conf" ;;
	esac
	ip netns exec "$ns" env STRONGSWAN_CONF="$conf" \
		swanctl "$@" --uri "unix://$LNS_RUN/run-$ns/charon.vici"
}

# ipsec_gw_start [PSK]: the gateway: the shipped configuration installed
# by `make install-swanctl` into lf-srv's /etc/swanctl, a secrets drop-in
# with the PSK, charon. Loading is the test's (swanctl --load-all).
IPSEC_PSK=${IPSEC_PSK:-l2tpfast-selftest-psk-0123456789}
ipsec_gw_start() {
	local psk=${1:-$IPSEC_PSK} etc=$ETC_S/swanctl
	ipsec_etc "$NS_S"
	make -s -C "$top" install-swanctl DESTDIR="$LNS_RUN/gw-root" >/dev/null || return 1
	cp "$LNS_RUN"/gw-root/etc/swanctl/conf.d/* "$etc/conf.d/" || return 1
	cat >"$etc/conf.d/l2tpfast-test-psk.conf" <<CONF
secrets {
	ike-test {
		secret = "$psk"
	}
}
CONF
	ipsec_charon "$NS_S"
}

# ipsec_client_start NAME [IKE_PROPOSALS [ESP_PROPOSALS [PSK]]]: charon in
# lf-cli with a connection NAME as a built-in client makes it: IKEv1 main
# mode, PSK, transport mode for L2TP from UDP 1701 (IPSEC_CLIENT_TS:
# another selector, dynamic[udp] for a floating port) to 1701. The default
# proposals are a Windows 10 client's (IKE aes256-sha256-modp2048, ESP
# aes256-sha1 without PFS). Loaded; initiated by ipsec_initiate.
ipsec_client_start() {
	local name=$1 ike=${2:-aes256-sha256-modp2048} esp=${3:-aes256-sha1}
	local psk=${4:-$IPSEC_PSK} etc=$ETC_C/swanctl
	ipsec_etc "$NS_C"
	cat >"$etc/conf.d/$name.conf" <<CONF
connections {
	$name {
		version = 1
		aggressive = no
		local_addrs = $CLI_IP
		remote_addrs = $SRV_IP
		proposals = $ike
		local {
			auth = psk
		}
		remote {
			auth = psk
		}
		children {
			$name {
				mode = transport
				local_ts = ${IPSEC_CLIENT_TS:-dynamic[udp/1701]}
				remote_ts = dynamic[udp/1701]
				esp_proposals = $esp
			}
		}
	}
}
secrets {
	ike-$name {
		secret = "$psk"
	}
}
CONF
	ipsec_charon "$NS_C" && swanctl_ns "$NS_C" --load-all >"$LNS_RUN/swanctl-cli.out" 2>&1
}

# ipsec_initiate NAME: the client brings its IKE_SA and CHILD_SA up.
ipsec_initiate() {
	swanctl_ns "$NS_C" --initiate --child "$1" --timeout 30
}

# ipsec_child_state NS: the states of NS's CHILD_SAs (INSTALLED...).
ipsec_child_state() {
	swanctl_ns "$1" --list-sas --raw 2>/dev/null |
		grep -o 'child-sas {[^{]*{[^}]*state=[A-Z]*' | grep -o 'state=[A-Z]*' | cut -d= -f2
}

# ipsec_wait_up [SECONDS]: both ends have an installed CHILD_SA.
ipsec_sa_installed() {
	ipsec_child_state "$NS_S" | grep -qx INSTALLED &&
		ipsec_child_state "$NS_C" | grep -qx INSTALLED
}
ipsec_wait_up() {
	wait_until "${1:-30}" ipsec_sa_installed
}

# Stop both charons (by their pid files: pgrep would see every netns's).
ipsec_cleanup() {
	local f
	for f in "$LNS_RUN"/run-*/charon.pid; do
		[ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null
	done
	for f in "$LNS_RUN"/run-*/charon.pid; do
		[ -f "$f" ] && wait_until 5 test ! -e "$f"
	done
	rm -rf "$ETC_S/swanctl" "$ETC_C/swanctl" "$ETC_S/strongswan.conf" "$ETC_C/strongswan.conf"
}
ipsec_lns_cleanup() {
	ipsec_cleanup
	lns_cleanup
}
trap ipsec_lns_cleanup EXIT

# nat_masquerade NS WAN: NS forwards, and masquerades what leaves by WAN
# (nftables): clients behind it share WAN's address.
nat_masquerade() {
	ip netns exec "$1" sysctl -qw net.ipv4.ip_forward=1 &&
	ip netns exec "$1" nft -f - <<NFT
table ip nat {
	chain post {
		type nat hook postrouting priority srcnat;
		oifname "$2" masquerade
	}
}
NFT
}

# --- what the IPsec tests read and check ----------------------------------

# swanctl_clean OUT: swanctl's output says only what it loaded. Anything
# else (a key it does not know, a file it cannot read, a proposal it
# refuses) is a warning.
swanctl_clean() {
	! grep -vE '^(loaded (ike secret|connection|certificate|.* key from) |no (authorities|pools) found, 0 unloaded$|successfully loaded [0-9]+ connections, 0 unloaded$)' <<<"$1"
}

# gw_sa_read, then gw_child KEY: KEY of the gateway's first CHILD_SA as
# swanctl --list-sas --raw said when read.
gw_sa_read() {
	gw_sa=$(swanctl_ns "$NS_S" --list-sas --raw 2>/dev/null | sed -n 's/.*child-sas {//p')
}
gw_child() {
	grep -o " $1=[^ }]*" <<<"$gw_sa" | head -1 | cut -d= -f2
}
# The gateway's kernel sessions. (l2tpfastd keeps a tunnel a full
# retransmission cycle after the peer's StopCCN, to ack it again if need
# be: its sessions go at once.)
server_l2tp_sessions() { ip -n "$NS_S" l2tp show session; }
n_gw_ike() { swanctl_ns "$NS_S" --list-sas --raw 2>/dev/null | grep -c 'list-sa event'; }
n_gw_tunnels() { ip -n "$NS_S" l2tp show tunnel | grep -c '^Tunnel'; }

# The gateway's SPIs (0x........) of its ESP SAs toward DST, one a line.
gw_spi() {
	ip -n "$NS_S" xfrm state list dst "$1" proto esp |
		awk '$1 == "proto" {print $4}'
}
# gw_has_spi DST SPI: the gateway has an ESP SA toward DST with SPI.
gw_has_spi() { gw_spi "$1" | grep -qx "$(hex8 "$2")"; }
# live_ipsec KEY: the IPsec figure KEY of the tunnel that has a session.
live_ipsec() {
	json_get "$(lns_json)" "[t for t in d['tunnels'] if t['sessions']][0]['ipsec']['$1']"
}
hex8() { printf '0x%08x' "$1"; }

# capture_start FILE: everything on the gateway's wire from now on.
# (CAPTURE_IF: another interface, "any" for all.)
capture_start() {
	pcap=$LNS_RUN/$1
	ip netns exec "$NS_S" tcpdump -i "${CAPTURE_IF:-srv0}" -n -U -Z root -w "$pcap" \
		2>"$LNS_RUN/tcpdump.err" &
	tcpdump_pid=$!
	check "tcpdump listens on ${CAPTURE_IF:-srv0}" wait_until 10 grep -q "listening on" "$LNS_RUN/tcpdump.err"
}
capture_stop() {
	kill -INT "$tcpdump_pid"
	wait "$tcpdump_pid"
}
pcap_count() {
	ip netns exec "$NS_S" tcpdump -n -r "$pcap" "$@" 2>/dev/null | wc -l
}
# capture_checks L2TP_FILTER: the pings went as ESP, and nothing of L2TP
# (L2TP_FILTER) nor any UDP but IKE's crossed the wire in the clear.
capture_checks() {
	local n_esp
	n_esp=$(pcap_count esp)
	check "ESP on the wire: at least the $N pings each way ($n_esp packets)" \
		test "$n_esp" -ge $((2 * N))
	expect "no L2TP in the clear ($1) either way" 0 "$(pcap_count "$1")"
	expect "no UDP in the clear but IKE's" 0 \
		"$(pcap_count udp and not port 500 and not port 4500)"
}

# session_pings [USER [NS]]: N pings from the client (NS, lf-cli by
# default) to the gateway's PPP address; USER's session (the first one if
# none given) counts exactly them in l2tpfast-ctl (no LCP echoes) and its
# figures equal the kernel's own.
session_pings() {
	local user=${1:-} ns=${2:-$NS_C} j k sess live tid sid r0 t0 r1 t1 keys
	# The client's IPCP can be up before the gateway's ip-up script has
	# named the session's user: wait for it, not count from nothing.
	[ -z "$user" ] || wait_until 10 user_shown "$user"
	sess=$(user_session "$user")
	live=$(user_tunnel "$user")
	keys="('rx_packets', 'rx_bytes', 'tx_packets', 'tx_bytes')"
	j=$(lns_json)
	read -r tid sid r0 t0 < <(json_get "$j" "' '.join(map(str, ($live['tunnel_id'], \
		$sess['session_id'], $sess['counters']['rx_packets'], $sess['counters']['tx_packets'])))")
	check "$N pings through PPP, L2TP and ESP${user:+ ($user)}" \
		say ip netns exec "$ns" ping -q -c "$N" -i 0.05 -W 2 10.1.20.30
	j=$(lns_json)
	k=$(ip netns exec "$NS_S" l2tp-peer stats "$tid" "$sid")
	read -r r1 t1 < <(json_get "$j" \
		"' '.join(map(str, ($sess['counters']['rx_packets'], $sess['counters']['tx_packets'])))")
	expect "session${user:+ of $user}: exactly the $N echo requests received and the $N replies sent" \
		"$N $N" "$((r1 - r0)) $((t1 - t0))"
	expect "session's packets and bytes each way equal the kernel's L2TP_ATTR_STATS" \
		"$(json_get "$k" "[d[k] for k in $keys]")" \
		"$(json_get "$j" "[$sess['counters'][k] for k in $keys]")"
}

user_shown() {
	[ "$(json_get "$(lns_json)" "len($(user_session_list "$1"))")" -ge 1 ] 2>/dev/null
}
user_session_list() {
	echo "[s for t in d['tunnels'] for s in t['sessions'] if s['user'] == '$1']"
}
# user_session [USER], user_tunnel [USER]: Python expressions (for
# json_get on lns_json) of USER's session and its tunnel; with no USER,
# the first session and the tunnel that has it.
user_session() {
	echo "[s for t in d['tunnels'] for s in t['sessions']${1:+ if s['user'] == '$1'}][0]"
}
user_tunnel() {
	echo "[t for t in d['tunnels'] if [s for s in t['sessions']${1:+ if s['user'] == '$1'}]][0]"
}
