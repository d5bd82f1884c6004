#!/usr/bin/env bash
# Station mode benchmark: eight simulated devices of mixed families (four MF833S modems, four HS920S
# hotspots) plugged in and updated at once by `flashgate station`, from a signed repository served on
# loopback, against one device alone (the baseline: the slower of one modem alone and one hotspot
# alone, each updated by station mode the same way). Times come from the session journal: first
# session start to last session end. Medians of three runs each, all in this run.
#   releng/bench/station-bench.sh [MiB per package (default 8)] [modem flash MiB/s (default 4)]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
mib=${1:-8}
flash_rate=${2:-4}
work=$(mktemp -d "${TMPDIR:-/tmp}/flashgate-station.XXXXXX")
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT
export FLASHGATE_HOME="$work/home"
fg() { "$root/flashgate" "$@"; }
py() { python3 -c "$@"; }

fg demo > /dev/null
demo=$FLASHGATE_HOME/demo
sign=(--key "$demo/demo-signer.key.pem" --cert "$demo/demo-signer.pem")
unzip -p "$demo/packages/MF833S-FG_MF833S_B07.fgp" firehose/prog_nand_firehose_9x07.mbn > "$work/prog.mbn"

# a modem package: a 1 MiB modem image with the firmware header and MiB into the system partition
{ printf 'FGSIMFW MF833S FG_MF833S_ST1 3\n'; head -c $((1 << 20)) /dev/urandom; } > "$work/modem.ubi"
head -c $((mib << 20)) /dev/urandom > "$work/system.img"
cat > "$work/layout.xml" <<XML
<?xml version="1.0" ?>
<data>
  <program SECTOR_SIZE_IN_BYTES="2048" filename="images/modem.ubi" label="modem" num_partition_sectors="$(( ($(stat -c %s "$work/modem.ubi") + 2047) / 2048 ))" physical_partition_number="0" start_sector="8448"/>
  <program SECTOR_SIZE_IN_BYTES="2048" filename="images/system.img" label="system" num_partition_sectors="$(( (mib << 20) / 2048 ))" physical_partition_number="0" start_sector="39168"/>
</data>
XML
fg pack -o "$work/mf833s-st1.fgp" --vendor Bench --firmware-version FG_MF833S_ST1 --version-code 900 --security-version 3 \
    --plugin qualcomm-firehose --chipset MDM9x07 --model MF833S \
    --artifact "firehose/prog_nand_firehose_9x07.mbn=$work/prog.mbn:programmer" \
    --artifact "firehose/rawprogram_nand.xml=$work/layout.xml:layout" \
    --artifact "images/modem.ubi=$work/modem.ubi:image" --artifact "images/system.img=$work/system.img:image" "${sign[@]}" > /dev/null
# a hotspot package of the same size
{ printf 'FGSIMFW HS920S FG_HS920S_ST1 3\n'; head -c $(((mib + 1) << 20)) /dev/urandom; } > "$work/hs920s.bin"
fg pack -o "$work/hs920s-st1.fgp" --vendor Bench --firmware-version FG_HS920S_ST1 --version-code 900 --security-version 3 \
    --plugin at-ymodem --model HS920S --artifact "images/hs920s.bin=$work/hs920s.bin:image" "${sign[@]}" > /dev/null

fg repo init "$work/repo" --keys "$work/keys" > /dev/null
fg repo add "$work/repo" "$work/mf833s-st1.fgp" "$work/hs920s-st1.fgp" --keys "$work/keys" --trust "$demo/demo-ca.pem" > /dev/null
"$root/flashgate" repo serve "$work/repo" --port 0 > "$work/serve.log" 2>&1 & pids+=($!)
for _ in $(seq 100); do grep -q serving "$work/serve.log" && break; sleep 0.1; done
fg remote add vendor "$(grep -o 'http://[^ ]*' "$work/serve.log")" --root "$work/repo/metadata/1.root.json" > /dev/null
cat > "$work/policy.json" <<JSON
{"parallel": 8, "trust": ["$demo/demo-ca.pem"],
 "rules": [{"model": "MF833S", "repository": "vendor"}, {"model": "HS920S", "repository": "vendor"}]}
JSON

station() { # modems hotspots -> seconds from the first session's start to the last one's end
    local modems=$1 hotspots=$2 sims=()
    local run=$RANDOM$RANDOM # fresh serials: simulated devices keep their firmware across runs
    if [ "$modems" -gt 0 ]; then
        "$root/flashgate" simulate --model MF833S --count "$modems" --serial "M$run" --fault "flash-mibps=$flash_rate" \
            > "$work/m$run.log" 2>&1 & pids+=($!); sims+=($!)
    fi
    if [ "$hotspots" -gt 0 ]; then
        "$root/flashgate" simulate --model HS920S --count "$hotspots" --serial "H$run" > "$work/h$run.log" 2>&1 & pids+=($!); sims+=($!)
    fi
    for _ in $(seq 300); do
        [ "$(cat "$work/m$run.log" "$work/h$run.log" 2>/dev/null | grep -c IMEI)" -ge $((modems + hotspots)) ] && break
        sleep 0.1
    done
    if ! fg station --policy "$work/policy.json" --until-idle 2 --json > "$work/station$run.out" 2> "$work/station$run.err"; then
        echo "station mode failed:" >&2
        cat "$work/station$run.out" "$work/station$run.err" >&2
        exit 1
    fi
    py '
import json, subprocess, sys
from datetime import datetime
text = open(sys.argv[1]).read()
board = [e for e in json.loads(text[text.index("\n[") + 1:]) if e["session"]]
assert len(board) == int(sys.argv[2]), board
t = lambda v: datetime.fromisoformat(v.replace("Z", "+00:00")).timestamp()
spans = []
for e in board:
    s = json.loads(subprocess.run([sys.argv[3], "history", "--session", e["session"], "--json"], capture_output=True, check=True).stdout)
    assert s["state"] == "SUCCEEDED", s
    spans.append((t(s["started"]), t(s["ended"])))
print(max(b for a, b in spans) - min(a for a, b in spans))' "$work/station$run.out" $((modems + hotspots)) "$root/flashgate"
    for p in "${sims[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done # unplug them
}

median() { py "import sys; print(sorted(map(float, sys.argv[1:]))[len(sys.argv[1:]) // 2])" "$@"; }
modem=(); hotspot=(); eight=()
for _ in 1 2 3; do
    modem+=("$(station 1 0)")
    hotspot+=("$(station 0 1)")
    eight+=("$(station 4 4)")
done
py "
modem, hotspot, eight = $(median "${modem[@]}"), $(median "${hotspot[@]}"), $(median "${eight[@]}")
one = max(modem, hotspot)
print(f'one MF833S modem alone ({$mib + 1} MiB, flash at {$flash_rate} MiB/s)   {modem:6.2f} s')
print(f'one HS920S hotspot alone ({$mib + 1} MiB)                 {hotspot:6.2f} s')
print(f'eight at once: 4 modems + 4 hotspots            {eight:6.2f} s  (ratio {eight / one:.2f} to the slower single, {one:.2f} s)')
"
