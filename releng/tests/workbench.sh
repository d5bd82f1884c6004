#!/usr/bin/env bash
# The built product's workbench on a virtual display, as `./flashgate` starts it with a display: the
# window opens, the embedded default creates the sample packages and plugs in the simulated hotspot
# and modem, nothing is logged as an error; a screenshot is kept in releng/tests/target/screenshots.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 1
junit_suite=workbench
. releng/tests/junit.sh

work=$(mktemp -d)
xvfb=
app=
cleanup() {
    [ -z "$app" ] || kill "$app" 2>/dev/null
    [ -z "$app" ] || wait "$app" 2>/dev/null
    [ -z "$xvfb" ] || kill "$xvfb" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

# waits up to $1 seconds for the command in the other arguments to succeed
within() {
    local deadline=$(($(date +%s) + $1))
    shift
    until "$@"; do
        [ "$(date +%s)" -lt "$deadline" ] || return 1
        kill -0 "$app" 2>/dev/null || return 1
        sleep 0.2
    done
}
window_shown() { xwininfo -root -tree 2>/dev/null | grep -q '"Flashgate"'; }
samples_made() { [ "$(ls "$FLASHGATE_HOME"/demo/packages/*.fgp 2>/dev/null | wc -l)" -eq 3 ]; }
devices_plugged() { ls "$FLASHGATE_HOME"/sim/by-id/ 2>/dev/null | grep -q DEMO0001 && ls "$FLASHGATE_HOME"/sim/by-id/ | grep -q DEMO0002; }

case_start "theWorkbenchOpensOnTheEmbeddedDefault"
if ! command -v Xvfb >/dev/null || ! command -v xwininfo >/dev/null; then
    case_skip "Xvfb or xwininfo is not installed (releng/scripts/install-deps.sh installs them as root)"
else
    n=90
    while [ -e "/tmp/.X$n-lock" ] || [ -e "/tmp/.X11-unix/X$n" ]; do n=$((n + 1)); done
    Xvfb ":$n" -screen 0 1400x900x24 -nolisten tcp >/dev/null 2>&1 &
    xvfb=$!
    export DISPLAY=":$n" FLASHGATE_HOME=$work/home
    sleep 1
    ./flashgate >"$work/out.log" 2>&1 &
    app=$!
    if ! within 30 window_shown; then
        case_fail "no workbench window within 30 s: $(tail -5 "$work/out.log")"
    elif ! within 60 samples_made; then
        case_fail "the embedded default made no sample packages: $(tail -5 "$work/out.log")"
    elif ! within 30 devices_plugged; then
        case_fail "the simulated devices were not plugged in: $(ls "$FLASHGATE_HOME/sim/by-id" 2>&1)"
    else
        sleep 3 # let the views verify and show what they found
        mkdir -p releng/tests/target/screenshots
        command -v import >/dev/null && import -window root -crop 1275x775+0+0 releng/tests/target/screenshots/workbench.png
        if grep -E "Exception|^!ENTRY .* 4 " "$work/out.log" >/dev/null; then
            case_fail "errors were logged: $(grep -E -m3 "Exception|^!ENTRY" "$work/out.log")"
        elif ! kill -0 "$app" 2>/dev/null; then
            case_fail "the workbench exited: $(tail -5 "$work/out.log")"
        else
            case_pass
        fi
    fi
fi
suite_end
