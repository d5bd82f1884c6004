#!/usr/bin/env bash
# Benchmark: 'flashgate devices' (start-up, scan, AT identity of every port) with 16 simulated HS920S
# hotspots on ptys, against the same command with one (the baseline, measured in the same run).
# Checks that all 16 are identified and distinct. Prints both times and the ratio.
#   releng/bench/discovery-bench.sh [RUNS (default 3)]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
runs=${1:-3}
work=$(mktemp -d "${TMPDIR:-/tmp}/flashgate-discovery.XXXXXX")
sim_pid=""
cleanup() {
    [ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null && wait "$sim_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
export FLASHGATE_HOME="$work/home"
fg() { "$root/flashgate" "$@"; }

simulate() {   # starts N simulated hotspots in the background and waits for their ports
    [ -n "$sim_pid" ] && kill "$sim_pid" && wait "$sim_pid" 2>/dev/null || true
    "$root/flashgate" simulate --model HS920S --count "$1" --serial "B$1X" > "$work/simulate.log" 2>&1 &
    sim_pid=$!
    for _ in $(seq 200); do
        [ "$(find "$FLASHGATE_HOME/sim/by-id" -name "usb-ZTE_HS920S_B$1X*" 2>/dev/null | wc -l)" -ge "$1" ] && return
        sleep 0.05
    done
    echo "the simulators did not come up" >&2
    cat "$work/simulate.log" >&2
    exit 1
}

best_devices() {   # best wall time of 'devices --json', and the number of distinct present HS920S IMEIs
    local best="" t start end count
    for _ in $(seq "$runs"); do
        start=$(date +%s.%N)
        fg devices --json > "$work/devices.json"
        end=$(date +%s.%N)
        t=$(echo "$end - $start" | bc -l)
        if [ -z "$best" ] || [ "$(echo "$t < $best" | bc -l)" = 1 ]; then best=$t; fi
    done
    count=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(len({x["identity"]["imei"] for x in d if x["presence"]=="PRESENT" and x.get("identity",{}).get("model")=="HS920S"}))' "$work/devices.json")
    cp "$work/devices.json" "$work/last.json"; echo "$best $count"
}

fg --version > /dev/null   # build if needed, outside the measurement
simulate 1
read -r t_one n_one < <(best_devices)
simulate 16
read -r t_many n_many < <(best_devices)

printf 'flashgate devices, best of %d runs, %d cores\n' "$runs" "$(nproc)"
printf '  %-44s %6.2f s  (%d identified)\n' "1 simulated hotspot (baseline)" "$t_one" "$n_one"
printf '  %-44s %6.2f s  (%d identified, distinct IMEIs)\n' "16 simulated hotspots" "$t_many" "$n_many"
printf 'ratio 16 devices / 1 device: %.2f\n' "$(echo "$t_many / $t_one" | bc -l)"
[ "$n_many" -eq 16 ] || { echo "expected 16 devices:" >&2; python3 -c 'import json,sys; [print(x["id"], x["presence"], [p["stableName"] for p in x["ports"]]) for x in json.load(open(sys.argv[1]))]' "$work/last.json" >&2; exit 1; }
