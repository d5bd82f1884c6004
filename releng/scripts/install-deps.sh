#!/usr/bin/env bash
# Installs the Debian packages Flashgate's build and tests use, when missing and when we may (root).
# Tests that need a missing tool skip themselves, so a developer without root still gets a run.
set -euo pipefail

# xvfb, xauth, libgtk-3-0, x11-utils: the workbench and its SWT tests on a virtual display; imagemagick: screenshots
packages=(openssl zip unzip util-linux socat lrzsz python3 postgresql xvfb xauth libgtk-3-0 x11-utils imagemagick)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
    echo "install-deps: not root; missing packages: ${missing[*]} (tests needing them will be skipped)" >&2
    exit 0
fi
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
