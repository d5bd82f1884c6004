#!/usr/bin/env bash
# Soak: SESSIONS update sessions (default 1000) against four simulated HS920S hotspots at once, each
# with a random fault knob (line drop, stall, refused command, full storage, power loss mid-transfer
# or mid-apply, or none). Passes when no device is left unbootable and every session is journaled
# with a final state. `./run-tests` runs a short one (24 sessions) as part of the OSGi tests.
#   releng/soak/soak.sh [SESSIONS] [SEED]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
. releng/scripts/jdk.sh
sessions=${1:-1000}
seed=${2:-$RANDOM$RANDOM}
./mvnw -B verify -Dtest=HotspotSoakTest -DfailIfNoTests=false -Dsurefire.failIfNoSpecifiedTests=false \
    -Dflashgate.soak.sessions="$sessions" -Dflashgate.soak.seed="$seed" 2>&1 \
    | grep -E "^soak:|Tests run:|FAIL|BUILD" | grep -v "Tests run: 0,"
