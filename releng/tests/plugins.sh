#!/usr/bin/env bash
# A plugin that is not in the product, as a service centre gets it: the example AT + FOTA plugin
# from the signed plugins repository this build makes (zipped), refused until its signer is a
# plugin trust anchor, installed, still there in the next process, updating a simulated ME360S
# module from `flashgate flash`, then removed. Runs the built product.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 1
junit_suite=plugins
. releng/tests/junit.sh
. releng/tests/sim.sh

home=$(mktemp -d)
export FLASHGATE_HOME=$home
sim=""
cleanup() {
    [ -n "$sim" ] && kill "$sim" 2>/dev/null && wait "$sim" 2>/dev/null
}
trap cleanup EXIT

repo=$(ls releng/dev.flashgate.plugins.repository/target/dev.flashgate.plugins.repository-*.zip 2>/dev/null | head -1)
anchor=releng/dev.flashgate.plugins.repository/signing/dev-plugin-signing.pem
feature=dev.flashgate.plugin.atfota.feature
bundle=dev.flashgate.plugin.atfota

plugin_status() { # origin/status of the example plugin as `plugins list` shows it, or "-"
    ./flashgate plugins list --json | python3 -c "
import json, sys
p = [p for p in json.load(sys.stdin) if p['symbolicName'] == '$bundle']
print(p[0]['origin'] + '/' + p[0]['status'] if p else '-')"
}

case_start "theExamplePluginIsInstalledFromTheRepositoryKeptAcrossRestartsAndUpdatesAModule"
./flashgate plugins install "$repo" --feature "$feature" >"$home/untrusted.out" 2>&1
untrusted=$?
if [ -z "$repo" ] || [ ! -f "$anchor" ]; then
    case_fail "the build made no signed plugins repository (releng/dev.flashgate.plugins.repository)"
elif [ "$untrusted" -ne 11 ] || ! grep -q "^PLUGIN_UNTRUSTED" "$home/untrusted.out"; then
    case_fail "a plugin whose signer is no plugin anchor was not refused (exit $untrusted): $(cat "$home/untrusted.out")"
elif ! ./flashgate trust add --plugins "$anchor" >/dev/null \
    || ! ./flashgate plugins install "$repo" --feature "$feature" >"$home/install.out" 2>&1; then
    case_fail "the install failed: $(cat "$home/install.out")"
elif [ "$(plugin_status)" != INSTALLED/ACTIVE ]; then
    case_fail "the next start does not run the installed plugin: $(./flashgate plugins list 2>&1)"
else
    ./flashgate simulate --model ME360S --serial PLUGGED >"$home/sim.out" 2>&1 &
    sim=$!
    imei=$(sim_imei "$home/sim.out")
    { printf 'FGSIMFW ME360S FG_ME360S_B01 2\n'; head -c 200000 /dev/urandom; } >"$home/me360s.bin"
    if [ -z "$imei" ]; then
        case_fail "the simulated module did not start: $(cat "$home/sim.out")"
    elif ! ./flashgate keygen --ca --subject "CN=Module vendor CA" --key-out "$home/ca.key" --cert-out "$home/ca.pem" >/dev/null \
        || ! ./flashgate keygen --subject "CN=Module vendor" --issuer-key "$home/ca.key" --issuer-cert "$home/ca.pem" \
            --key-out "$home/signer.key" --cert-out "$home/signer.pem" >/dev/null \
        || ! ./flashgate pack --vendor "Module vendor" --firmware-version FG_ME360S_B01 --version-code 2 --security-version 2 --plugin at-fota \
            --model ME360S --artifact "images/me360s.bin=$home/me360s.bin:image" -o "$home/me360s.fgp" \
            --key "$home/signer.key" --cert "$home/signer.pem" >"$home/pack.out" 2>&1; then
        case_fail "could not make a package for the module: $(cat "$home/pack.out")"
    elif ! ./flashgate flash "$home/me360s.fgp" --trust "$home/ca.pem" --device "$imei" >"$home/flash.out" 2>&1 \
        || ! grep -q "now runs FG_ME360S_B01" "$home/flash.out"; then
        case_fail "the installed plugin did not update the module: $(cat "$home/flash.out")"
    elif ! ./flashgate plugins remove "$bundle" >"$home/remove.out" 2>&1 || [ "$(plugin_status)" != - ] \
        || ! ./flashgate plugins remove "$bundle.ui" >>"$home/remove.out" 2>&1; then
        case_fail "the plugin was not removed: $(cat "$home/remove.out")"
    else
        case_pass
    fi
fi
cleanup
trap - EXIT
rm -rf "$home"
suite_end
