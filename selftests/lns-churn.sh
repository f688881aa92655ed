#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Set-ups and tear-downs by Debian's xl2tpd clients, in rounds of PAR at
# once, each round ending another way: the clients close (StopCCN), they
# are killed (the LNS finds out by its retries: max retries = 2, HELLO
# after 2 s), the server's pppds are killed (CDN from the LNS), the
# clients' pppds are killed (CDN from the clients). Afterwards nothing is
# left: no kernel tunnel or session, nothing in l2tpfast-ctl, no pppd; the
# pool is whole (a last round takes every one of its PAR addresses); the
# LNS's fds and RSS are back within a small bound.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lns-lib.sh"
need_root

CYCLES=${L2TPFAST_LNS_CHURN:-1000}
PAR=${L2TPFAST_LNS_CHURN_PAR:-20}
ROUNDS=$(( (CYCLES + PAR - 1) / PAR ))
modprobe l2tpfast
modprobe l2tp_ppp
lns_topo
lns_seed_config
mark=$(dmesg_mark)
# The seed's [lns default], a pool of exactly PAR addresses, one tunnel per
# client port rather than per address, quick to give up on the silent.
last=$((30 + PAR))
sed -i -e 's/^exclusive = yes/exclusive = no/' \
	-e "s/^ip range = .*/ip range = 10.1.20.31-10.1.20.$last/" \
	-e 's/^\[global\]/[global]\nmax retries = 2/' "$ETC_S/xl2tpd/xl2tpd.conf"
sed -i '/10.1.20.32/d' "$ETC_S/ppp/chap-secrets"
ip netns exec "$NS_S" l2tpfastd -D -c /etc/xl2tpd/xl2tpd.conf -r "$LNS_RUN" -H 2 \
	>>"$LNS_RUN/lns.log" 2>&1 &
lns_pid=$!
sleep 0.5
n_fds() { ls "/proc/$lns_pid/fd" | wc -l; }
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$lns_pid/status"; }
users=(alice bob carol dave)

round_up() {
	local i u
	for i in $(seq "$PAR"); do
		u=${users[$((i % 4))]}
		lac_instance "c$i" "$u" "${u}pw" $((2000 + i))
	done
	ppp_up "$NS_C" "$PAR" 90
}

# round_down HOW: every client of the round ends that way.
round_down() {
	local i
	case $1 in
	close) ;;
	kill)
		for i in $(seq "$PAR"); do kill -9 "$(cat "$LNS_RUN/xl2tpd-c$i.pid")" 2>/dev/null; done
		kill -9 $(ns_pppd "$NS_C") 2>/dev/null ;;
	server-pppd) kill $(ns_pppd "$NS_S") 2>/dev/null; wait_for 30 0 n_ppp "$NS_C" >/dev/null ;;
	client-pppd) kill $(ns_pppd "$NS_C") 2>/dev/null; wait_for 30 0 n_ppp "$NS_C" >/dev/null ;;
	esac
	for i in $(seq "$PAR"); do kill "$(cat "$LNS_RUN/xl2tpd-c$i.pid" 2>/dev/null)" 2>/dev/null; done
	client_reset >/dev/null 2>&1
}

# The cheap looks first: l2tpfast-ctl's JSON only once the kernel and the
# process table say so (python starts slowly under TCG).
all_gone() {
	[ -z "$(server_l2tp_tunnels)" ] && [ "$(n_server_pppd)" = 0 ] &&
		[ "$(n_tunnels)" = 0 ] && echo gone
}

hows=(close kill server-pppd client-pppd)
bad=0 cycles=0 t0=$(date +%s) fds0=$(n_fds)
echo "# --- $ROUNDS rounds of $PAR clients: $((ROUNDS * PAR)) set-ups and tear-downs ---"
t_up=0 t_down=0
for r in $(seq "$ROUNDS"); do
	how=${hows[$(( (r - 1) % 4 ))]}
	ta=$(date +%s)
	if ! round_up; then
		bad=$((bad + 1))
		diag "round $r: $(n_ppp "$NS_C") of $PAR clients up"
	fi
	tb=$(date +%s)
	round_down "$how"
	if ! wait_for 60 gone all_gone >/dev/null; then
		bad=$((bad + 1))
		diag "round $r ($how): not all gone: $(n_tunnels) tunnels, $(n_server_pppd) pppds"
	fi
	tc=$(date +%s)
	t_up=$((t_up + tb - ta)) t_down=$((t_down + tc - tb))
	[ "$r" -le 4 ] && diag "round $r: up in $((tb - ta)) s, down ($how) in $((tc - tb)) s"
	cycles=$((cycles + PAR))
	[ "$r" = 1 ] && rss0=$(rss_kb)
done
diag "$cycles set-ups and tear-downs in $(( $(date +%s) - t0 )) s: $t_up s coming up, $t_down s going"
expect "every round came up and went away" 0 "$bad"
expect "no kernel tunnel left" "" "$(server_l2tp_tunnels)"
expect "no kernel session left" "" "$(ip -n "$NS_S" l2tp show session)"
expect "l2tpfast-ctl: no tunnel left" 0 "$(n_tunnels)"
expect "no pppd left on the server" 0 "$(n_server_pppd)"
fds1=$(n_fds)
rss1=$(rss_kb)
diag "l2tpfastd: $fds0 fds before, $fds1 at the end; RSS $rss0 kB after round 1, $rss1 kB at the end"
check "fds back where they were" test "$fds1" -le "$fds0"
check "RSS within 2 MB of round 1's" test $((rss1 - rss0)) -lt 2048
check "the pool is whole: $PAR clients get its $PAR addresses" round_up
round_down close
kill -TERM "$lns_pid"
wait "$lns_pid"
expect "no kernel warnings" "" "$(dmesg_bugs_since "$mark")"
done_tap
