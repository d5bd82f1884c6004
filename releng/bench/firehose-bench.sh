#!/usr/bin/env bash
# Benchmark of the MDM9x07 plugin against simulated MF833S modems on ptys, all figures measured in
# this run and read from the session journal:
#  1. programming speed (TRANSFERRING to VERIFYING_DEVICE of a session writing MiB of images) against
#     the raw copy speed of the same bytes through a socat pty pair (the baseline), five times, each
#     programming right after its raw copy; the ratio is the median of the five pairs' ratios;
#  2. eight modems updated at once (one `flashgate flash` with eight --device) against one alone: the
#     span from the first session's start to the last one's end, over the single session's duration;
#     once with the simulated flash as fast as this machine's disk (the simulators then compete with
#     the host for its cores), once with the flash programming at a real NAND's pace (flash-mibps),
#     as real modems do, so the host's own parallelism is what is measured;
#  3. at the real NAND's pace, a re-flash of the same package on the same modem against its first
#     flash: ranges that hold the package's bytes already are read back, not written again.
#   releng/bench/firehose-bench.sh [MiB (default 64)] [MiB for the eight (default 16)] [flash MiB/s (default 4)]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
mib=${1:-64}
each=${2:-16}
flash_rate=${3:-4}
work=$(mktemp -d "${TMPDIR:-/tmp}/flashgate-firehose.XXXXXX")
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT
export FLASHGATE_HOME="$work/home"
fg() { "$root/flashgate" "$@"; }
py() { python3 -c "$@"; }

# Baseline: raw copy through a socat pty pair, one before each programming (the pair's ratio is
# taken, so both see the machine in the same state).
head -c $((mib << 20)) /dev/urandom > "$work/payload"
socat pty,raw,echo=0,link="$work/a" pty,raw,echo=0,link="$work/b" & pids+=($!)
for _ in $(seq 100); do [ -e "$work/a" ] && [ -e "$work/b" ] && break; sleep 0.05; done
raw_copy() { # -> seconds
    (head -c $((mib << 20)) < "$work/b" > "$work/received") & local reader=$!
    local start
    start=$(date +%s.%N)
    dd if="$work/payload" of="$work/a" bs=64k status=none
    wait "$reader"
    py "import sys; print(float(sys.argv[2]) - float(sys.argv[1]))" "$start" "$(date +%s.%N)"
}

fg demo > /dev/null
demo=$FLASHGATE_HOME/demo
unzip -p "$demo/packages/MF833S-FG_MF833S_B07.fgp" firehose/prog_nand_firehose_9x07.mbn > "$work/prog.mbn"

# A package: a small modem image (with the firmware header) and SIZE MiB into the system partition.
package() { # name size_mib
    local dir=$work/$1
    mkdir -p "$dir"
    { printf 'FGSIMFW MF833S FG_MF833S_BENCH 3\n'; head -c $((1 << 20)) /dev/urandom; } > "$dir/modem.ubi"
    head -c $(($2 << 20)) /dev/urandom > "$dir/system.img"
    local modem_sectors=$(( ($(stat -c %s "$dir/modem.ubi") + 2047) / 2048 ))
    cat > "$dir/layout.xml" <<XML
<?xml version="1.0" ?>
<data>
  <program SECTOR_SIZE_IN_BYTES="2048" filename="images/modem.ubi" label="modem" num_partition_sectors="$modem_sectors" physical_partition_number="0" start_sector="8448"/>
  <program SECTOR_SIZE_IN_BYTES="2048" filename="images/system.img" label="system" num_partition_sectors="$(( ($2 << 20) / 2048 ))" physical_partition_number="0" start_sector="46848"/>
</data>
XML
    fg pack -o "$work/$1.fgp" --vendor Bench --firmware-version FG_MF833S_BENCH --version-code 900 --security-version 3 \
        --plugin qualcomm-firehose --chipset MDM9x07 --model MF833S \
        --artifact "firehose/prog_nand_firehose_9x07.mbn=$work/prog.mbn:programmer" \
        --artifact "firehose/rawprogram_nand.xml=$dir/layout.xml:layout" \
        --artifact "images/modem.ubi=$dir/modem.ubi:image" --artifact "images/system.img=$dir/system.img:image" \
        --key "$demo/demo-signer.key.pem" --cert "$demo/demo-signer.pem" > /dev/null
}

simulate() { # count serial-prefix [fault...] -> IMEIs on stdout
    local count=$1 prefix=$2
    shift 2
    # the launcher itself in the background (it execs the JVM), so the pid kept is the simulators'
    "$root/flashgate" simulate --model MF833S --count "$count" --serial "$prefix" "$@" > "$work/$prefix.log" 2>&1 & pids+=($!)
    for _ in $(seq 300); do [ "$(grep -c IMEI "$work/$prefix.log")" -ge "$count" ] && break; sleep 0.1; done
    grep -o 'IMEI [0-9]*' "$work/$prefix.log" | cut -d' ' -f2
}

flash() { # pkg imei -> session id; a failed session stops the benchmark with its log
    if ! fg flash "$1" --trust "$demo/demo-ca.pem" --device "$2" --json > "$work/flash-$2.json" 2> "$work/flash-$2.log"; then
        echo "the session on $2 failed:" >&2
        cat "$work/flash-$2.log" "$work/flash-$2.json" >&2
        return 1
    fi
    py "import json, sys; print(json.load(open(sys.argv[1]))['id'])" "$work/flash-$2.json"
}

times() { # session ids -> started ended transferring verifying (epoch seconds), one line each
    for id in "$@"; do
        fg history --session "$id" --json | py '
import json, sys
from datetime import datetime
s = json.load(sys.stdin)
t = lambda v: datetime.fromisoformat(v.replace("Z", "+00:00")).timestamp()
x = {e["state"]: t(e["at"]) for e in s["transitions"]}
assert s["state"] == "SUCCEEDED", s
print(t(s["started"]), t(s["ended"]), x["TRANSFERRING"], x["VERIFYING_DEVICE"])'
    done
}

package big "$mib"
bytes=$(((mib + 1) << 20)) # the modem image and the MiB of system image
simulate 5 BIGM > "$work/BIGM.imeis"
mapfile -t bigs < "$work/BIGM.imeis"
raws=()
programs=()
for imei in "${bigs[@]}"; do # five modems, one session each, each after a raw copy
    raws+=("$(raw_copy)")
    read -r _ _ transferring verifying <<< "$(times "$(flash "$work/big.fgp" "$imei")")"
    programs+=("$(py "import sys; print(float(sys.argv[2]) - float(sys.argv[1]))" "$transferring" "$verifying")")
done
median() { py "import sys, statistics; print(statistics.median(map(float, sys.argv[1:])))" "$@"; }
raw=$(median "${raws[@]}")
program=$(median "${programs[@]}")
# the median over the five pairs of (programming rate / raw rate of the copy just before it)
ratio=$(py "
import statistics, sys
raws, programs = sys.argv[1].split(), sys.argv[2].split()
print(statistics.median(($bytes / float(p)) / ($((mib << 20)) / float(r)) for r, p in zip(raws, programs)))" "${raws[*]}" "${programs[*]}")
kill "${pids[-1]}" && wait "${pids[-1]}" 2>/dev/null || true

package each "$each"
at_once() { # serial-prefix [fault...] -> sets $one (one alone, s), $again (the same again on it, s), $span (eight at once, s)
    local prefix=$1
    shift
    simulate 9 "$prefix" "$@" > "$work/$prefix.imeis"
    mapfile -t nine < "$work/$prefix.imeis"
    local one_id
    one_id=$(flash "$work/each.fgp" "${nine[8]}")
    read -r one_start one_end _ _ <<< "$(times "$one_id")"
    local args=()
    for i in $(seq 0 7); do args+=(--device "${nine[$i]}"); done
    if ! fg flash "$work/each.fgp" --trust "$demo/demo-ca.pem" "${args[@]}" --json > "$work/eight.json" 2> "$work/eight.log"; then
        echo "updating eight modems at once failed:" >&2
        cat "$work/eight.log" >&2
        exit 1
    fi
    mapfile -t ids < <(py "import json, sys; [print(s['id']) for s in json.load(open(sys.argv[1]))]" "$work/eight.json")
    span=$(times "${ids[@]}" | py '
import sys
rows = [list(map(float, l.split())) for l in sys.stdin if l.strip()]
assert len(rows) == 8, rows
print(max(r[1] for r in rows) - min(r[0] for r in rows))')
    one=$(py "import sys; print(float(sys.argv[2]) - float(sys.argv[1]))" "$one_start" "$one_end")
    read -r again_start again_end _ _ <<< "$(times "$(flash "$work/each.fgp" "${nine[8]}")")"
    again=$(py "import sys; print(float(sys.argv[2]) - float(sys.argv[1]))" "$again_start" "$again_end")
    kill "${pids[-1]}" && wait "${pids[-1]}" 2>/dev/null || true # unplug these nine
}
at_once PACED --fault "flash-mibps=$flash_rate"
one_paced=$one
again_paced=$again
span_paced=$span
at_once EIGHT

py "
raw, program, one, span, mib, each, ratio = $raw, $program, $one, $span, $mib, $each, $ratio
one_paced, span_paced, again_paced, rate_limit = $one_paced, $span_paced, $again_paced, $flash_rate
rawrate = mib * 2**20 / raw / 2**20
rate = $bytes / program / 2**20
print(f'raw pty copy of {mib} MiB (baseline)      {rawrate:7.1f} MiB/s')
print(f'Firehose programming of {mib + 1} MiB          {rate:7.1f} MiB/s  (ratio {ratio:.2f})')
print(f'one modem, {each + 1} MiB, whole session      {one:7.2f} s  (baseline)')
print(f'eight modems at once, same package  {span:7.2f} s  (ratio {span / one:.2f})')
print(f'with flash at {rate_limit} MiB/s: one modem      {one_paced:7.2f} s  (baseline)')
print(f'with flash at {rate_limit} MiB/s: eight at once  {span_paced:7.2f} s  (ratio {span_paced / one_paced:.2f})')
print(f'with flash at {rate_limit} MiB/s: the same again  {again_paced:7.2f} s  (ratio {again_paced / one_paced:.2f}: nothing rewritten)')
"
