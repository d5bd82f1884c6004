#!/usr/bin/env bash
# Time from `./flashgate` (the embedded default: sample packages, simulated devices) to the
# workbench window on screen, against the baseline `flashgate --version` (JVM and OSGi start, no UI),
# both measured in this run, median of RUNS (default 3). Uses the display in $DISPLAY, or starts Xvfb.
#   releng/bench/workbench-bench.sh [RUNS]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
runs=${1:-3}
export FLASHGATE_HOME
FLASHGATE_HOME=$(mktemp -d "${TMPDIR:-/tmp}/flashgate-wb.XXXXXX")
xvfb=
cleanup() {
    pkill -f "flashgate.home=$FLASHGATE_HOME" 2>/dev/null || true
    [ -z "$xvfb" ] || kill "$xvfb" 2>/dev/null || true
    rm -rf "$FLASHGATE_HOME"
}
trap cleanup EXIT
if [ -z "${DISPLAY:-}" ]; then
    n=90
    while [ -e "/tmp/.X$n-lock" ]; do n=$((n + 1)); done
    Xvfb ":$n" -screen 0 1400x900x24 -nolisten tcp >/dev/null 2>&1 &
    xvfb=$!
    export DISPLAY=":$n"
    sleep 1
fi
"$root/flashgate" --version >/dev/null # builds when needed; creates the home

now() { date +%s.%N; }
median() { python3 -c 'import sys; v = sorted(map(float, sys.argv[1:])); print(v[len(v) // 2])' "$@"; }

base=()
window=()
for _ in $(seq "$runs"); do
    t0=$(now)
    "$root/flashgate" --version >/dev/null
    base+=("$(python3 -c "print($(now) - $t0)")")

    t0=$(now)
    "$root/flashgate" >/dev/null 2>&1 &
    pid=$!
    until xwininfo -root -tree 2>/dev/null | grep -q '"Flashgate"'; do
        kill -0 "$pid" 2>/dev/null || { echo "the workbench exited before its window appeared" >&2; exit 1; }
        sleep 0.02
    done
    window+=("$(python3 -c "print($(now) - $t0)")")
    pkill -f "flashgate.home=$FLASHGATE_HOME" || true
    wait "$pid" 2>/dev/null || true
done
b=$(median "${base[@]}")
w=$(median "${window[@]}")
python3 -c "
b, w = $b, $w
print(f'flashgate --version (baseline: JVM + OSGi start)   {b:5.2f} s')
print(f'./flashgate until the workbench window is shown      {w:5.2f} s  (ratio {w / b:.2f}; target: under 3 s)')
"
