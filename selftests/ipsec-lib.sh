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
