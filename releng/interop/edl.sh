#!/usr/bin/env bash
# Runs bkerler/edl, an independent Sahara/Firehose host, against a simulated MF833S over its EDL
# pty, as an outsider would: EDL switch over DIAG, Sahara with command mode (HW ID, PK hash, chip
# serial) and the programmer upload, configure, storage info, the NAND partition table, a read of
# the modem partition by name, a write and read-back of sectors in system, and a reset back to
# the modem's own ports under the same IMEI.
#
#   releng/interop/edl.sh EDL_CHECKOUT
#
# edl is not in the package registries this project may use, so this is not part of ./run-tests:
# check edl out yourself (github bkerler/edl) and install its Python dependencies (Debian:
# python3-serial python3-usb python3-docopt python3-pycryptodome python3-lxml python3-colorama
# python3-capstone python3-qrcode python3-requests python3-passlib). The script works on a copy
# and patches only edl's serial transport for ptys (see pty-transport below), never its protocol
# logic.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
src=${1:?usage: releng/interop/edl.sh EDL_CHECKOUT}
work=$(mktemp -d)
home=$work/home
sim=""
cleanup() {
    [ -n "$sim" ] && kill "$sim" 2>/dev/null && wait "$sim" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

cp -r "$src/edl.py" "$src/edlclient" "$work/"
mkdir -p "$work/logs" "$work/shim"
# Debian ships pycryptodome as Cryptodome; edl imports Crypto
ln -s /usr/lib/python3/dist-packages/Cryptodome "$work/shim/Crypto"
# pty-transport: edl's serial class assumes USB semantics that a pty does not have. Three changes:
# wait for an answer instead of returning nothing at once; drain written bytes instead of
# discarding them (tcflush) before the other end read them; read only the bytes still missing, and
# one XML document per read, as one USB transfer returns.
python3 - "$work/edlclient/Library/Connection/seriallib.py" <<'PY'
import sys
p = sys.argv[1]
s = open(p).read()
s = s.replace("""        if length is None:
            length = self.device.in_waiting
            if length == 0:
                return b\"\"""", """        if length is None:
            deadline = time.time() + 2
            while self.device.in_waiting == 0 and time.time() < deadline:
                time.sleep(0.005)
            length = self.device.in_waiting
            if length == 0:
                return b\"\"""")
s = s.replace("        self.device.flushOutput()", "        self.device.flush()")
s = s.replace("""                while b"response " not in res or res[-7:] != b"</data>":""", """                while res[-7:] != b"</data>":""")
s = s.replace("                val = epr(bytestoread)", "                val = epr(bytestoread - len(res))")
open(p, "w").write(s)
PY

# the demo's modem package carries the programmer the simulated boot ROM accepts
FLASHGATE_HOME=$home "$root/flashgate" demo >"$work/demo.out" 2>&1
unzip -q -o -d "$work" "$(ls "$home"/demo/packages/MF833S-*.fgp | head -1)" firehose/prog_nand_firehose_9x07.mbn
FLASHGATE_HOME=$home "$root/flashgate" simulate --model MF833S --serial INTEROP >"$work/sim.out" 2>&1 &
sim=$!
for _ in $(seq 100); do grep -q IMEI "$work/sim.out" && break; sleep 0.2; done
imei=$(grep -o 'IMEI [0-9]*' "$work/sim.out" | head -1 | cut -d' ' -f2)
diag=$(ls "$home"/sim/by-id/*-if00-port0)
python3 - "$diag" <<'PY'
import os, sys, time, tty
fd = os.open(sys.argv[1], os.O_RDWR | os.O_NOCTTY)
tty.setraw(fd)
os.write(fd, bytes.fromhex("4b650100540f7e"))  # DIAG: reboot to emergency download
time.sleep(0.3)
os.close(fd)
PY
for _ in $(seq 50); do ls "$home"/sim/by-id/*Qualcomm* >/dev/null 2>&1 && break; sleep 0.2; done
edl_port=$(ls "$home"/sim/by-id/*Qualcomm*)
edl() {
    (cd "$work" && PYTHONPATH="$work/shim" timeout 120 /usr/bin/python3 edl.py --serial --portname="$edl_port" "$@")
}
step() { echo "== $*"; }
step "printgpt (Sahara command mode, programmer upload, configure, storage info, partition table)"
edl --loader="$work/firehose/prog_nand_firehose_9x07.mbn" --memory=nand printgpt | tee "$work/gpt.out" | grep -E "HWID|CPU detected|PK_HASH|Serial|modem |efs2 |system "
step "read the modem partition by name"
edl --memory=nand r modem "$work/modem.bin" | tail -1
step "write and read back 128 sectors of system"
head -c 262144 /dev/urandom >"$work/w.bin"
edl --memory=nand ws 46848 "$work/w.bin" | tail -1
edl --memory=nand rs 46848 128 "$work/r.bin" | tail -1
cmp "$work/w.bin" "$work/r.bin" && echo "read back as written"
step "reset"
edl reset | tail -1 || true
for _ in $(seq 50); do [ "$(ls "$home"/sim/by-id/ | grep -c ZTE)" -eq 2 ] && break; sleep 0.2; done
FLASHGATE_HOME=$home "$root/flashgate" devices | grep -q "$imei.*MODEM" && echo "back in modem mode under IMEI $imei"
