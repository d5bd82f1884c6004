#!/usr/bin/env bash
# The built product fails closed: a package whose signature is thousands of nested ASN.1 SEQUENCEs
# is refused by verify, inspect, flash and station mode (never exit 0, never a hang, a failed row in
# the journal); with a small heap a tampered package is never reported verified, and a heap below
# what the framework needs is refused up front; started as session leaders (setsid, as a service
# manager starts them), simulate and flash live through a device's reboot and an EDL switch.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 1
junit_suite=fail-closed
. releng/tests/junit.sh
. releng/tests/sim.sh

home=$(mktemp -d)
export FLASHGATE_HOME=$home
sim=""
cleanup() {
    [ -n "$sim" ] && kill "$sim" 2>/dev/null && wait "$sim" 2>/dev/null
    sim=""
}
trap cleanup EXIT

# run SECONDS COMMAND...: the command's status, 124 when it had to be stopped
run() {
    local limit=$1
    shift
    timeout -k 5 "$limit" "$@"
}

ca=$home/demo/demo-ca.pem
good=$home/demo/packages/HS920S-FG_HS920S_A02.fgp
tampered=$home/demo/packages/HS920S-FG_HS920S_A02-corrupted.fgp
deep=$home/deep.fgp
if ! ./flashgate demo >"$home/demo.out" 2>&1; then
    echo "fail-closed: flashgate demo failed: $(tail -5 "$home/demo.out")" >&2
    exit 1
fi
# the demo's hotspot package with its signature replaced by 5000 nested indefinite-length SEQUENCEs
python3 - "$good" "$deep" <<'EOF'
import sys, zipfile
src, dst = sys.argv[1], sys.argv[2]
signature = b'\x30\x80' * 5000 + b'\x00\x00' * 5000
with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, 'w') as zout:
    for info in zin.infolist():
        zout.writestr(info, signature if info.filename == 'manifest.json.p7s' else zin.read(info))
EOF

./flashgate simulate --model HS920S --serial DEEP >"$home/sim.out" 2>&1 &
sim=$!
imei=$(sim_imei "$home/sim.out")

case_start "aDeeplyNestedSignatureIsRefusedByEveryCommand"
problems=""
for command in "verify" "verify --json" "inspect" "inspect --json"; do
    # shellcheck disable=SC2086 # the command and its flags
    run 60 ./flashgate $command "$deep" --trust "$ca" >"$home/out" 2>&1
    status=$?
    if [ "$status" -ne 4 ] || ! grep -q "SIG_INVALID" "$home/out"; then
        problems+="$command exited $status: $(head -c 300 "$home/out"); "
    fi
done
if [ -z "$imei" ]; then
    problems+="the simulated hotspot did not start: $(cat "$home/sim.out"); "
else
    run 90 ./flashgate flash "$deep" --trust "$ca" --device "$imei" >"$home/flash.out" 2>&1
    status=$?
    journaled=$(./flashgate history --json --limit 1 | python3 -c "import json, sys; s = json.load(sys.stdin); print(s[0]['state'], s[0]['code'])")
    if [ "$status" -ne 4 ] || [ "$journaled" != "FAILED SIG_INVALID" ]; then
        problems+="flash exited $status, the journal says '$journaled': $(head -c 300 "$home/flash.out"); "
    fi
    printf '{"trust": ["%s"], "rules": [{"model": "HS920S", "file": "%s"}]}\n' "$ca" "$deep" >"$home/policy.json"
    run 90 ./flashgate station --policy "$home/policy.json" --until-idle 3 >"$home/station.out" 2>&1
    status=$?
    if [ "$status" -ne 4 ] || ! grep -q "FAILED.*SIG_INVALID" "$home/station.out"; then
        problems+="station mode exited $status: $(head -c 300 "$home/station.out"); "
    fi
fi
if [ -n "$problems" ]; then case_fail "$problems"; else case_pass; fi
cleanup

case_start "aSmallHeapNeverVerifiesATamperedPackage"
problems=""
for heap in 16m 20m 24m; do
    FLASHGATE_JAVA_OPTS=-Xmx$heap run 60 ./flashgate verify "$tampered" --trust "$ca" >"$home/out" 2>&1
    status=$?
    if [ "$status" -eq 0 ] || [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
        problems+="-Xmx$heap: verify exited $status: $(head -c 200 "$home/out"); "
    fi
done
for heap in 6m 10m 15m; do
    FLASHGATE_JAVA_OPTS=-Xmx$heap run 60 ./flashgate verify "$good" --trust "$ca" >"$home/out" 2>&1
    status=$?
    if [ "$status" -ne 9 ] || ! grep -q "^HOST_LOW_MEMORY: " "$home/out"; then
        problems+="-Xmx$heap (below the floor): verify exited $status: $(head -c 200 "$home/out"); "
    fi
done
if [ -n "$problems" ]; then case_fail "$problems"; else case_pass; fi

case_start "sessionLeadersLiveThroughRebootsAndEdlSwitches"
# a session leader without a controlling terminal would take the first pty it opens as one, and die
# of SIGHUP when the device behind it re-enumerates
setsid ./flashgate simulate --model HS920S --serial LEADH >"$home/leader-h.out" 2>&1 </dev/null &
sim=$!
setsid ./flashgate simulate --model MF833S --serial LEADM >"$home/leader-m.out" 2>&1 </dev/null &
sim_modem=$!
hotspot=$(sim_imei "$home/leader-h.out")
modem=$(sim_imei "$home/leader-m.out")
problems=""
setsid ./flashgate flash "$good" --trust "$ca" --device "$hotspot" </dev/null >"$home/leader-flash-h.out" 2>&1
status=$?
[ "$status" -eq 0 ] || problems+="flash of the hotspot as a session leader exited $status: $(tail -3 "$home/leader-flash-h.out"); "
setsid ./flashgate flash "$home/demo/packages/MF833S-FG_MF833S_B07.fgp" --trust "$ca" --device "$modem" </dev/null \
    >"$home/leader-flash-m.out" 2>&1
status=$?
[ "$status" -eq 0 ] || problems+="flash of the modem as a session leader exited $status: $(tail -3 "$home/leader-flash-m.out"); "
kill -0 "$sim" 2>/dev/null || problems+="the hotspot's simulator died: $(tail -2 "$home/leader-h.out"); "
kill -0 "$sim_modem" 2>/dev/null || problems+="the modem's simulator died: $(tail -2 "$home/leader-m.out"); "
kill "$sim_modem" 2>/dev/null && wait "$sim_modem" 2>/dev/null
if [ -n "$problems" ]; then case_fail "$problems"; else case_pass; fi
cleanup

trap - EXIT
rm -rf "$home"
suite_end
