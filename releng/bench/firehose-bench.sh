#!/usr/bin/env bash
# Benchmark of the MDM9x07 plugin against simulated MF833S modems on ptys, all figures measured in
# this run and read from the session journal:
#  1. programming speed (TRANSFERRING to VERIFYING_DEVICE of one session writing MiB of images)
#     against the raw copy speed of the same bytes through a socat pty pair (the baseline);
#  2. eight modems updated at once (one `flashgate flash` with eight --device) against one alone: the
#     span from the first session's start to the last one's end, over the single session's duration.
#   releng/bench/firehose-bench.sh [MiB (default 64)] [MiB for the eight (default 16)]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
mib=${1:-64}
each=${2:-16}
work=$(mktemp -d "${TMPDIR:-/tmp}/flashgate-firehose.XXXXXX")
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
    rm -rf "$work"
}
trap cleanup EXIT
export FLASHGATE_HOME="$work/home"
fg() { "$root/flashgate" "$@"; }
py() { python3 -c "$@"; }

# Baseline: raw copy through a socat pty pair.
head -c $((mib << 20)) /dev/urandom > "$work/payload"
socat pty,raw,echo=0,link="$work/a" pty,raw,echo=0,link="$work/b" & pids+=($!)
for _ in $(seq 100); do [ -e "$work/a" ] && [ -e "$work/b" ] && break; sleep 0.05; done
(head -c $((mib << 20)) < "$work/b" > "$work/received") & reader=$!
start=$(date +%s.%N)
dd if="$work/payload" of="$work/a" bs=64k status=none
wait "$reader"
raw=$(py "import sys; print(float(sys.argv[2]) - float(sys.argv[1]))" "$start" "$(date +%s.%N)")

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
  <program SECTOR_SIZE_IN_BYTES="2048" filename="images/system.img" label="system" num_partition_sectors="$(( ($2 << 20) / 2048 ))" physical_partition_number="0" start_sector="39168"/>
</data>
XML
    fg pack -o "$work/$1.fgp" --vendor Bench --firmware-version FG_MF833S_BENCH --version-code 900 --security-version 3 \
        --plugin qualcomm-firehose --chipset MDM9x07 --model MF833S \
        --artifact "firehose/prog_nand_firehose_9x07.mbn=$work/prog.mbn:programmer" \
        --artifact "firehose/rawprogram_nand.xml=$dir/layout.xml:layout" \
        --artifact "images/modem.ubi=$dir/modem.ubi:image" --artifact "images/system.img=$dir/system.img:image" \
        --key "$demo/demo-signer.key.pem" --cert "$demo/demo-signer.pem" > /dev/null
}

simulate() { # count serial-prefix -> IMEIs on stdout
    fg simulate --model MF833S --count "$1" --serial "$2" > "$work/$2.log" 2>&1 & pids+=($!)
    for _ in $(seq 300); do [ "$(grep -c IMEI "$work/$2.log")" -ge "$1" ] && break; sleep 0.1; done
    grep -o 'IMEI [0-9]*' "$work/$2.log" | cut -d' ' -f2
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
imei=$(simulate 1 BIGM)
read -r _ _ transferring verifying <<< "$(times "$(flash "$work/big.fgp" "$imei")")"
program=$(py "import sys; print(float(sys.argv[2]) - float(sys.argv[1]))" "$transferring" "$verifying")

package each "$each"
mapfile -t eight < <(simulate 9 EIGHT)
one_id=$(flash "$work/each.fgp" "${eight[8]}")
read -r one_start one_end _ _ <<< "$(times "$one_id")"
args=()
for i in $(seq 0 7); do args+=(--device "${eight[$i]}"); done
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

bytes=$(((mib + 1) << 20))
py "
raw, program, one, span, mib, each = $raw, $program, $one, $span, $mib, $each
rawrate = mib * 2**20 / raw / 2**20
rate = $bytes / program / 2**20
print(f'raw pty copy of {mib} MiB (baseline)      {rawrate:7.1f} MiB/s')
print(f'Firehose programming of {mib + 1} MiB          {rate:7.1f} MiB/s  (ratio {rate / rawrate:.2f})')
print(f'one modem, {each + 1} MiB, whole session      {one:7.2f} s  (baseline)')
print(f'eight modems at once, same package  {span:7.2f} s  (ratio {span / one:.2f})')
"
