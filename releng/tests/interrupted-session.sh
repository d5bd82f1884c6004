#!/usr/bin/env bash
# kill -9 of `flashgate flash` in the middle of a transfer: the next start shows the session as
# INTERRUPTED at TRANSFERRING, and once the device is power-cycled a retry completes the update.
# Runs the built product against a simulated hotspot in another process.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 1
junit_suite=interrupted-session
. releng/tests/junit.sh
. releng/tests/sim.sh

home=$(mktemp -d)
export FLASHGATE_HOME=$home
sim=""
flash=""
cleanup() {
    [ -n "$flash" ] && kill -9 "$flash" 2>/dev/null
    [ -n "$sim" ] && kill "$sim" 2>/dev/null && wait "$sim" 2>/dev/null
}
trap cleanup EXIT

simulate() {
    ./flashgate simulate --model HS920S --serial KILL "$@" >"$home/sim.out" 2>&1 &
    sim=$!
    imei=$(sim_imei "$home/sim.out")
    [ -n "$imei" ]
}

history_field() { # field of the newest session of the device
    ./flashgate history --device "$imei" --json | python3 -c "import json, sys; s = json.load(sys.stdin); print(s[$1]['$2'] if len(s) > $1 else '-')"
}

case_start "killMidTransferIsInterruptedAndARetryCompletes"
pkg=$home/demo/packages/HS920S-FG_HS920S_A02.fgp
ca=$home/demo/demo-ca.pem
if ! ./flashgate demo >"$home/demo.out" 2>&1; then
    case_fail "flashgate demo failed: $(tail -5 "$home/demo.out")"
elif ! simulate --fault stall-after=600000 --fault stall-ms=60000; then
    case_fail "the simulator did not start: $(cat "$home/sim.out")"
else
    ./flashgate flash "$pkg" --trust "$ca" --device "$imei" --stall-timeout 120 >"$home/flash.out" 2>&1 &
    flash=$!
    for _ in $(seq 150); do
        grep -q "uploading" "$home/flash.out" && break
        sleep 0.2
    done
    sleep 1 # the device stalls 600 kB into the upload
    kill -9 "$flash"
    wait "$flash" 2>/dev/null
    flash=""
    kill "$sim" && wait "$sim" 2>/dev/null # power-cycle the device: same serial, same flash contents
    sim=""
    state=$(history_field 0 state)
    reached=$(history_field 0 lastActive)
    if [ "$state" != INTERRUPTED ] || [ "$reached" != TRANSFERRING ]; then
        case_fail "after kill -9 the newest session is $state (reached $reached), expected INTERRUPTED at TRANSFERRING; flash said: $(cat "$home/flash.out")"
    elif ! simulate; then
        case_fail "the simulator did not come back: $(cat "$home/sim.out")"
    elif ! ./flashgate flash "$pkg" --trust "$ca" --device "$imei" >"$home/retry.out" 2>&1; then
        case_fail "the retry failed: $(cat "$home/retry.out")"
    elif ! grep -q "now runs FG_HS920S_A02" "$home/retry.out"; then
        case_fail "the retry did not report the new revision: $(cat "$home/retry.out")"
    elif [ "$(history_field 0 state)" != SUCCEEDED ] || [ "$(history_field 1 state)" != INTERRUPTED ]; then
        case_fail "history does not show the retry after the interrupted session: $(./flashgate history --device "$imei")"
    else
        case_pass
    fi
fi
cleanup
trap - EXIT
rm -rf "$home"
suite_end
