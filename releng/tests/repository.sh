#!/usr/bin/env bash
# The vendor repository and station mode as a service centre meets them, on the built product: a
# vendor builds and serves a signed repository on loopback; a station pins its root, follows an
# update and a key rotation, refuses a replayed old copy, imports a copy as an air-gapped station
# would, and in station mode updates two plugged-in hotspots to the newest package while a module
# no rule names is left alone.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 1
junit_suite=repository
. releng/tests/junit.sh

home=$(mktemp -d)
export FLASHGATE_HOME=$home/station
work=$home/vendor
mkdir -p "$work"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do
        kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    done
    pids=()
}
trap cleanup EXIT

fg() { ./flashgate "$@"; }

hotspot_package() { # version code -> package file
    { printf 'FGSIMFW HS920S %s 3\n' "$1"; head -c 300000 /dev/urandom; } >"$work/$1.bin"
    fg pack --vendor "Hotspot vendor" --firmware-version "$1" --version-code "$2" --security-version 3 --plugin at-ymodem \
        --model HS920S --artifact "images/hs920s.bin=$work/$1.bin:image" -o "$work/hs920s-$1.fgp" \
        --key "$work/signer.key" --cert "$work/signer.pem" >/dev/null
}

serve() { # folder -> sets $url; the server runs in the background (the launcher execs the JVM, so $! is its pid)
    ./flashgate repo serve "$1" --port 0 >"$home/serve.out" 2>&1 &
    pids+=($!)
    for _ in $(seq 100); do
        grep -q "serving" "$home/serve.out" && break
        sleep 0.1
    done
    url=$(grep -o 'http://[^ ]*' "$home/serve.out")
}

case_start "aStationFollowsASignedRepositoryAndRefusesAReplayedOldCopy"
fg keygen --ca --subject "CN=Hotspot vendor CA" --key-out "$work/ca.key" --cert-out "$work/ca.pem" >/dev/null
fg keygen --subject "CN=Hotspot vendor" --issuer-key "$work/ca.key" --issuer-cert "$work/ca.pem" \
    --key-out "$work/signer.key" --cert-out "$work/signer.pem" >/dev/null
hotspot_package FG_HS920S_R05 5 && hotspot_package FG_HS920S_R06 6
if ! fg repo init "$work/repo" --keys "$work/keys" >/dev/null \
    || ! fg repo add "$work/repo" "$work/hs920s-FG_HS920S_R05.fgp" --keys "$work/keys" --trust "$work/ca.pem" >"$home/add.out" 2>&1; then
    case_fail "the repository tool failed: $(cat "$home/add.out" 2>/dev/null)"
else
    cp -r "$work/repo" "$work/old-copy"
    fg repo add "$work/repo" "$work/hs920s-FG_HS920S_R06.fgp" --keys "$work/keys" >/dev/null
    fg repo rotate "$work/repo" --keys "$work/keys" --role timestamp >/dev/null
    serve "$work/repo"
    fg trust add "$work/ca.pem" >/dev/null
    if [ -z "$url" ] || ! fg remote add vendor "$url" --root "$work/repo/metadata/1.root.json" >"$home/remote.out" 2>&1 \
        || ! grep -q "root v2, targets v3" "$home/remote.out" || ! grep -q "2 package(s)" "$home/remote.out"; then
        case_fail "the station did not follow the repository: $(cat "$home/serve.out" "$home/remote.out")"
    elif ! fg remote fetch vendor hs920s-FG_HS920S_R06.fgp -o "$home" >"$home/fetch.out" 2>&1 \
        || ! cmp -s "$home/hs920s-FG_HS920S_R06.fgp" "$work/hs920s-FG_HS920S_R06.fgp"; then
        case_fail "fetching a package failed: $(cat "$home/fetch.out")"
    else
        cleanup
        serve "$work/old-copy"
        fg remote remove vendor >/dev/null
        fg remote add vendor "$url" --root "$work/repo/metadata/1.root.json" --no-update >/dev/null
        fg remote import vendor "$work/repo" >/dev/null # what the station trusted before: the new state
        fg remote update vendor >"$home/replay.out" 2>&1
        status=$?
        if [ "$status" -ne 12 ] || ! grep -q "^REPO_" "$home/replay.out"; then
            case_fail "a replayed old copy was not refused (exit $status): $(cat "$home/replay.out")"
        elif ! fg remote targets vendor | grep -q "FG_HS920S_R06"; then
            case_fail "the refusal lost what the station trusted before: $(fg remote targets vendor 2>&1)"
        else
            case_pass
        fi
    fi
fi
cleanup

case_start "stationModeUpdatesThePluggedInDevicesThePolicyNames"
./flashgate simulate --model HS920S --count 2 --serial STA >"$home/sim.out" 2>&1 &
pids+=($!)
./flashgate simulate --model ME360S --serial STB >"$home/sim2.out" 2>&1 &
pids+=($!)
for _ in $(seq 100); do
    [ "$(grep -c IMEI "$home/sim.out")" -ge 2 ] && grep -q IMEI "$home/sim2.out" && break
    sleep 0.2
done
cat >"$home/policy.json" <<JSON
{"parallel": 4, "rules": [{"model": "HS920S", "repository": "vendor"}]}
JSON
fg station --policy "$home/policy.json" --until-idle 3 --json >"$home/station.out" 2>"$home/station.err"
status=$?
succeeded=$(python3 -c "
import json, sys
text = open(sys.argv[1]).read()
board = json.loads(text[text.index('\n[') + 1:])
print(sum(1 for e in board if e['model'] == 'HS920S' and e['stage'] == 'SUCCEEDED' and e['version'] == 'FG_HS920S_R06'),
      sum(1 for e in board if e['model'] == 'ME360S' and e['stage'] == 'NO_RULE'))" "$home/station.out" 2>&1)
if [ "$status" -ne 0 ] || [ "$succeeded" != "2 1" ]; then
    case_fail "station mode did not update the two hotspots and leave the module alone (exit $status, $succeeded): $(cat "$home/station.out" "$home/station.err")"
else
    case_pass
fi
cleanup
trap - EXIT
rm -rf "$home"
suite_end
