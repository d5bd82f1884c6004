#!/usr/bin/env bash
# Benchmark: YMODEM upload speed of a whole `flashgate flash` to a simulated HS920S hotspot over a
# pty, against raw pty copy speed (the baseline: the same socat pty pair, bytes copied with dd and
# cat, no protocol), both measured in this run. The upload time is read from the session journal
# (TRANSFERRING to VERIFYING_DEVICE). Prints both rates and the ratio.
#   releng/bench/ymodem-bench.sh [MiB (default 16)]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
mib=${1:-16}
work=$(mktemp -d "${TMPDIR:-/tmp}/flashgate-ymodem.XXXXXX")
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT
export FLASHGATE_HOME="$work/home"
fg() { "$root/flashgate" "$@"; }
rate() { python3 -c "import sys; print(f'{int(sys.argv[1]) / float(sys.argv[2]) / 2**20:.2f}')" "$@"; }

# Baseline: raw copy through a socat pty pair.
head -c $((mib << 20)) /dev/urandom > "$work/payload"
socat pty,raw,echo=0,link="$work/a" pty,raw,echo=0,link="$work/b" & pids+=($!)
for _ in $(seq 100); do [ -e "$work/a" ] && [ -e "$work/b" ] && break; sleep 0.05; done
stty -F "$work/b" raw -echo 2>/dev/null || true
(head -c $((mib << 20)) < "$work/b" > "$work/received") & reader=$!
start=$(date +%s.%N)
dd if="$work/payload" of="$work/a" bs=64k status=none
wait "$reader"
raw=$(python3 -c "import sys; print(float(sys.argv[2]) - float(sys.argv[1]))" "$start" "$(date +%s.%N)")
cmp -s "$work/payload" "$work/received" || { echo "raw copy corrupted the payload" >&2; exit 1; }

# Flashgate: a signed package of the same size, flashed to a simulated hotspot.
fg demo > /dev/null
{ printf 'FGSIMFW HS920S FG_HS920S_BENCH 2\n'; head -c $(((mib << 20) - 33)) /dev/urandom; } > "$work/image.bin"
fg pack -o "$work/bench.fgp" --vendor Bench --firmware-version FG_HS920S_BENCH --version-code 9 --security-version 2 \
    --plugin at-ymodem --model HS920S --artifact "images/hs920s.bin=$work/image.bin:image" \
    --key "$FLASHGATE_HOME/demo/demo-signer.key.pem" --cert "$FLASHGATE_HOME/demo/demo-signer.pem" > /dev/null
"$root/flashgate" simulate --model HS920S --serial BENCH > "$work/simulate.log" 2>&1 & pids+=($!) # the launcher execs the JVM: this pid is it
for _ in $(seq 200); do grep -q IMEI "$work/simulate.log" && break; sleep 0.1; done
imei=$(grep -o 'IMEI [0-9]*' "$work/simulate.log" | head -1 | cut -d' ' -f2)
fg flash "$work/bench.fgp" --trust "$FLASHGATE_HOME/demo/demo-ca.pem" --device "$imei" --json > "$work/flash.json"
id=$(python3 -c "import json, sys; print(json.load(open(sys.argv[1]))['id'])" "$work/flash.json")
ymodem=$(fg history --session "$id" --json | python3 -c '
import json, sys
from datetime import datetime
t = {x["state"]: datetime.fromisoformat(x["at"].replace("Z", "+00:00")) for x in json.load(sys.stdin)["transitions"]}
print((t["VERIFYING_DEVICE"] - t["TRANSFERRING"]).total_seconds())')

bytes=$((mib << 20))
echo "payload                 $mib MiB"
echo "raw pty copy (baseline) $(rate $bytes "$raw") MiB/s  ($(printf '%.3f' "$raw") s)"
echo "YMODEM upload           $(rate $bytes "$ymodem") MiB/s  ($ymodem s, 1 KiB blocks, CRC-16, one ACK per block)"
python3 -c "import sys; print(f'ratio YMODEM / raw      {float(sys.argv[1]) / float(sys.argv[2]):.2f}x the raw rate')" "$raw" "$ymodem"
