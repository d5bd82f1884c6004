#!/usr/bin/env bash
# The session journal in PostgreSQL, as a service centre shares one: a throwaway PostgreSQL server
# on a free loopback port, the built product pointed at it with FLASHGATE_HISTORY_URL, the
# embedded default's update sessions journaled there (and no H2 journal made), history read back.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 1
junit_suite=postgres-journal
. releng/tests/junit.sh

pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
work=$(mktemp -d)
data=$work/data
pg() { # PostgreSQL refuses to run as root
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
cleanup() {
    [ -n "$pgbin" ] && [ -f "$data/postmaster.pid" ] && pg "$pgbin/pg_ctl" -D "$data" -m immediate stop >/dev/null 2>&1
    rm -rf "$work"
}
trap cleanup EXIT

case_start "sessionsAreJournaledInPostgresql"
if [ -z "$pgbin" ] || { [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; }; then
    case_skip "PostgreSQL is not installed (releng/scripts/install-deps.sh installs it as root)"
else
    mkdir -p "$data"
    [ "$(id -u)" -eq 0 ] && chown -R postgres "$work"
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    export FLASHGATE_HOME=$work/home
    export FLASHGATE_HISTORY_URL="jdbc:postgresql://127.0.0.1:$port/flashgate"
    export FLASHGATE_HISTORY_USER=flashgate
    if ! pg "$pgbin/initdb" -D "$data" -U flashgate --auth=trust >"$work/initdb.log" 2>&1 \
        || ! pg "$pgbin/pg_ctl" -D "$data" -w -l "$data/server.log" \
            -o "-p $port -k $data -c listen_addresses=127.0.0.1" start >/dev/null 2>&1 \
        || ! pg "$pgbin/createdb" -h 127.0.0.1 -p "$port" -U flashgate flashgate; then
        case_fail "could not start PostgreSQL: $(tail -5 "$work/initdb.log" "$data/server.log" 2>/dev/null)"
    elif ! ./flashgate demo >"$work/demo.out" 2>&1 || ! grep -q "now runs FG_HS920S_A02" "$work/demo.out"; then
        case_fail "the embedded default did not update the hotspot with the journal in PostgreSQL: $(tail -20 "$work/demo.out")"
    else
        rows=$(pg "$pgbin/psql" -h 127.0.0.1 -p "$port" -U flashgate -d flashgate -tAc \
            "SELECT session_state || ' ' || (SELECT count(*) FROM fg_transition t WHERE t.session_id = s.id) FROM fg_session s")
        facts=$(pg "$pgbin/psql" -h 127.0.0.1 -p "$port" -U flashgate -d flashgate -tAc \
            "SELECT count(*) FROM fg_fact WHERE name IN ('qualcomm.chipSerial', 'qualcomm.msmHwId', 'qualcomm.oemPkHash')")
        state=$(./flashgate history --json | python3 -c "import json, sys; s = json.load(sys.stdin); print(s[0]['state'] if s else '-')")
        if [ "$(echo "$rows" | sort | uniq -c | tr -s ' ')" != " 2 SUCCEEDED 8" ]; then
            case_fail "PostgreSQL holds '$rows', expected the two SUCCEEDED sessions of the embedded default, 8 transitions each"
        elif [ "$facts" != 3 ]; then
            case_fail "PostgreSQL holds $facts facts of the modem's chip, expected its serial, MSM HW ID and OEM PK hash"
        elif [ "$state" != SUCCEEDED ]; then
            case_fail "flashgate history read '$state' from PostgreSQL"
        elif [ -e "$FLASHGATE_HOME/history" ]; then
            case_fail "an H2 journal was made although FLASHGATE_HISTORY_URL points elsewhere"
        else
            case_pass
        fi
    fi
fi
cleanup
trap - EXIT
suite_end
