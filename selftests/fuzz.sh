#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Host test. libFuzzer, with ASan and UBSan, on two targets:
#  - selftests/fuzz/ctrl-parse-fuzz.c, l2tpfastd's control message parser,
#    from the seeds in selftests/fuzz/corpus-ctrl-parse-fuzz (an SCCRQ; one
#    with a hidden Host Name, parsed with the secret and as the listening
#    socket does; one with a second Message Type AVP, hidden; an ICRQ; a
#    StopCCN; a ZLB). L2TPFAST_FUZZ_RUNS sets the number of executions
#    (default, and least in CI, 1000000).
#  - selftests/fuzz/lns-fuzz.c, the whole engine on the model of the system
#    (selftests/unit/lns-model.c): scripts of messages from four LACs,
#    time, timers, pppd exits and reloads, after which nothing may be left.
#    Seeds in selftests/fuzz/corpus-lns-fuzz; L2TPFAST_LNS_FUZZ_RUNS
#    executions (default 30000).
# Deterministic (-seed=1).
. "$(dirname "$0")/lib.sh"

min_runs=1000000
runs=${L2TPFAST_FUZZ_RUNS:-$min_runs}
# The engine's runs are slower (an LNS set up and shut down each): its own count.
lns_runs=${L2TPFAST_LNS_FUZZ_RUNS:-30000}
if ! [[ $runs =~ ^[1-9][0-9]*$ ]]; then
	not_ok "L2TPFAST_FUZZ_RUNS is a positive number"
	diag "L2TPFAST_FUZZ_RUNS=$runs"
	done_tap
fi
if [ "${CI:-}" = true ] && [ "$runs" -lt "$min_runs" ]; then
	diag "CI: L2TPFAST_FUZZ_RUNS=$runs is below $min_runs; running $min_runs"
	runs=$min_runs
fi

u=$top/userspace/l2tpfastd
out=$top/build/fuzz
apt_cmd="sudo apt-get install --no-install-recommends clang libclang-rt-14-dev"
sanitize=("-fsanitize=fuzzer,address,undefined" -fno-sanitize-recover=all)
rm -rf "$out"
mkdir -p "$out"

# clang and its libFuzzer runtime: without them, a skip that says how to
# get them rather than a failure.
if ! command -v clang >/dev/null; then
	skip "fuzz target builds" "clang not installed: $apt_cmd"
	done_tap
fi
printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n);\n%s\n' \
	'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { return d && n > 1000000; }' \
	>"$out/probe.c"
if ! clang "${sanitize[@]}" -o "$out/probe" "$out/probe.c" >"$out/probe.log" 2>&1; then
	skip "fuzz target builds" "clang cannot link libFuzzer (libclang_rt.fuzzer): $apt_cmd"
	diag "$(tail -n 5 "$out/probe.log")"
	done_tap
fi

# fuzz NAME RUNS SOURCES...: build selftests/fuzz/NAME.c with SOURCES,
# run it RUNS times from its seeds (selftests/fuzz/corpus-NAME, if any).
fuzz() {
	local name=$1 runs=$2 bin=$out/$1 log=$out/$1.log rc start wall
	local done_runs final eps desc rate took units f
	shift 2
	mkdir -p "$out/$name-corpus" "$out/$name-artifacts"
	if clang -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -g -O1 -fno-omit-frame-pointer \
		"${sanitize[@]}" -I"$u" -I"$top/userspace/lib" -I"$top/include/uapi" \
		-I"$top/selftests/unit" $(pkg-config --cflags libnl-genl-3.0) \
		-o "$bin" "$top/selftests/fuzz/$name.c" "$@" >"$out/$name-build.log" 2>&1; then
		ok "$name builds"
	else
		not_ok "$name builds"
		diag "$(cat "$out/$name-build.log")"
		return
	fi
	# libFuzzer adds what it finds to the corpus directory: a scratch
	# copy, never the seeds in the tree.
	if [ -d "$top/selftests/fuzz/corpus-$name" ]; then
		cp "$top/selftests/fuzz/corpus-$name/"* "$out/$name-corpus/"
	fi
	start=$EPOCHREALTIME
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 \
		"${norand[@]}" "$bin" -runs="$runs" -max_len=1024 -len_control=0 -seed=1 -reload=0 -print_final_stats=1 \
		-artifact_prefix="$out/$name-artifacts/" "$out/$name-corpus" >"$log" 2>&1
	rc=$?
	wall=$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
	done_runs=$(sed -n 's/^Done \([0-9]*\) runs in .*/\1/p' "$log" | tail -n 1)
	final=$(grep -E '^#[0-9]+[[:space:]]+DONE ' "$log" | tail -n 1)
	eps=$(sed -n 's/^stat::average_exec_per_sec:[[:space:]]*//p' "$log" | tail -n 1)
	desc="$runs executions of $name with no finding"
	if [ "$rc" -eq 0 ] && [ "$done_runs" = "$runs" ]; then
		ok "$desc"
		diag "$final"
		rate=$(awk -v n="$done_runs" -v t="$wall" 'BEGIN { printf "%d", (t > 0) ? n / t : 0 }')
		took=$(sed -n 's/^Done [0-9]* runs in //p' "$log" | tail -n 1)
		diag "$done_runs executions in $wall s wall: $rate exec/s (libFuzzer's own count: ${eps:-?} exec/s, $took)"
		return
	fi
	not_ok "$desc"
	units=$(sed -n 's/^stat::number_of_executed_units:[[:space:]]*//p' "$log" | tail -n 1)
	diag "libFuzzer exited $rc after $wall s and ${units:-an unknown number of} executions; from $log:"
	# The sanitizer's report without ASan's shadow map, then the end.
	diag "$(sed -n '/ERROR: \|runtime error:\|deadly signal/,/^SUMMARY:/p' "$log" | head -n 40)"
	diag "..."
	diag "$(grep -v ' l2tpfastd ' "$log" | tail -n 15)"
	for f in "$out/$name-artifacts/"*; do
		[ -f "$f" ] || continue
		diag "$(basename "$f") ($(stat -c %s "$f") bytes):"
		diag "$(od -A x -t x1 -v "$f" | head -n 40)"
		diag "reproduce: ${norand[*]} $bin $f"
	done
}

# -seed=1 alone does not make a run repeatable. UBSan's pointer-overflow
# checks compare addresses, libFuzzer records what is compared to mutate
# inputs with, and ASLR moves the addresses from run to run: setarch -R.
# libFuzzer also rereads its corpus directory every second, which makes
# the run depend on the machine's speed: -reload=0. With both, the same
# executions every time (the engine's random tunnel and session ids aside).
norand=()
if setarch "$(uname -m)" -R true 2>/dev/null; then
	norand=(setarch "$(uname -m)" -R)
else
	diag "setarch -R refused here: ASLR stays on, and this run may not be repeatable"
fi

fuzz ctrl-parse-fuzz "$runs" "$u/avp.c" "$u/md5.c"
fuzz lns-fuzz "$lns_runs" "$top/selftests/unit/lns-model.c" "$u/tunnel.c" "$u/session.c" \
	"$u/lns.c" "$u/avp.c" "$u/md5.c" "$u/config.c" "$u/pool.c" "$u/secrets.c" \
	"$u/log.c" "$u/reliable.c"

done_tap
