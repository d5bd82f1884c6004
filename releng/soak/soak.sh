#!/usr/bin/env bash
# Soak: SESSIONS update sessions (default 1000) against simulated devices at once, each with a random
# fault knob (line drop, stall, refused command, power loss mid-transfer, a corrupted write, and for
# hotspots full storage and power loss mid-apply, or none):
#  - hotspot (default): four HS920S; passes when no device is ever left unbootable;
#  - modem: three MF833S; a modem may need recovery through emergency download, and the recovery
#    session must then always succeed.
# Both also require every session journaled with a final state. `./run-tests` runs short ones
# (24 sessions each) as part of the OSGi tests.
#   releng/soak/soak.sh [SESSIONS] [SEED] [hotspot|modem]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
. releng/scripts/jdk.sh
sessions=${1:-1000}
seed=${2:-$RANDOM$RANDOM}
case ${3:-hotspot} in
    hotspot) test=HotspotSoakTest ;;
    modem) test=ModemSoakTest ;;
    *) echo "usage: $0 [SESSIONS] [SEED] [hotspot|modem]" >&2; exit 2 ;;
esac
FLASHGATE_FUZZ=0 ./mvnw -B verify -Dtest="$test" -DfailIfNoTests=false -Dsurefire.failIfNoSpecifiedTests=false \
    -Dflashgate.soak.sessions="$sessions" -Dflashgate.soak.seed="$seed" 2>&1 \
    | grep -E "^soak:|Tests run:|FAIL|BUILD" | grep -v "Tests run: 0,"
