#!/usr/bin/env python3
"""Writes the package fuzzer's seeds: a fuzz CA and signer (OpenSSL, keys thrown away afterwards),
a signed manifest, and one package per class of input the package format accepts or refuses.

Each package seed is called class-<VERDICT>-<what>, where VERDICT is VERIFIED or the error code it
must be refused with; PackageFuzzTest checks every one of them, so a seed that stops being of its
class fails the build. The last byte of a seed picks the fuzzed reader (0 package, 1 manifest,
2 signature). Run it again after changing a class or adding one:

    releng/fuzz/make-seeds.py
"""
import hashlib
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
RESOURCES = os.path.join(HERE, "src/test/resources/dev/flashgate/fuzz")
SEEDS = os.path.join(RESOURCES, "PackageFuzzTestInputs/packageReaders")

IMAGE = b"fuzz seed image, thirty-three b.\n"
LAYOUT = b'<?xml version="1.0"?>\n<data><program/></data>\n\n'


def openssl(work, *args):
    subprocess.run(["openssl", *args], cwd=work, check=True, capture_output=True)


def make_keys(work):
    openssl(work, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", "ca.key", "-out", "ca.pem", "-days", "36500", "-subj", "/O=Flashgate/CN=Fuzz CA",
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    openssl(work, "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", "signer.key", "-out", "signer.csr", "-subj", "/O=Flashgate/CN=Fuzz signer")
    with open(os.path.join(work, "signer.ext"), "w") as f:
        f.write("basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=codeSigning\n")
    openssl(work, "x509", "-req", "-in", "signer.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
            "-out", "signer.pem", "-days", "36500", "-extfile", "signer.ext", "-sha256")


def sign(work, manifest, digest="sha256"):
    with open(os.path.join(work, "m.json"), "wb") as f:
        f.write(manifest)
    openssl(work, "cms", "-sign", "-binary", "-in", "m.json", "-signer", "signer.pem", "-inkey", "signer.key",
            "-md", digest, "-outform", "DER", "-out", "m.p7s")
    with open(os.path.join(work, "m.p7s"), "rb") as f:
        return f.read()


def manifest(artifacts, **fields):
    m = {"format": "flashgate-package/1", "vendor": "Fuzz", "title": "fuzz seed", "version": "F1", "versionCode": 1,
         "created": "2026-11-25T13:01:13Z", "expires": "2126-01-01T00:00:00Z",
         "target": {"plugin": "at-ymodem", "chipset": "MDM9x07", "models": ["HS920S"], "hardwareRevisions": ["A1"]},
         "artifacts": [{"path": p, "size": len(d), "sha256": hashlib.sha256(d).hexdigest(), "type": t}
                       for p, d, t in artifacts]}
    m.update(fields)
    return json.dumps(m, indent=2).encode()


def entry(name, content, deflate=False, hidden=b"", **fields):
    """One entry as the writer below takes it; fields override what a well-behaved writer puts."""
    data = content
    if deflate:
        c = zlib.compressobj(9, zlib.DEFLATED, -15)
        data = c.compress(content) + c.flush() + hidden
    e = {"name": name.encode(), "data": data, "method": 8 if deflate else 0, "crc": zlib.crc32(content),
         "size": len(content), "made_by": 20, "attributes": 0, "extra": b"", "flags": 0}
    e.update(fields)
    e.setdefault("local_crc", e["crc"])
    e.setdefault("local_name", e["name"])
    return e


def write_zip(entries, zip64_end=False):
    out = bytearray()
    offsets = []
    for e in entries:
        offsets.append(len(out))
        out += struct.pack("<IHHHHHIIIHH", 0x04034b50, 20, e["flags"], e["method"], 0, 0, e["local_crc"],
                           len(e["data"]), e["size"], len(e["local_name"]), len(e["extra"]))
        out += e["local_name"] + e["extra"] + e["data"]
    cd_start = len(out)
    for e, offset in zip(entries, offsets):
        out += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014b50, e["made_by"], 20, e["flags"], e["method"], 0, 0,
                           e["crc"], len(e["data"]), e["size"], len(e["name"]), len(e["extra"]), 0, 0, 0,
                           e["attributes"], offset)
        out += e["name"] + e["extra"]
    cd_size = len(out) - cd_start
    if zip64_end:  # as Python's zipfile writes past 2 GiB: no field needs it, the end record keeps true values
        z64 = len(out)
        out += struct.pack("<IQHHIIQQQQ", 0x06064b50, 44, 45, 45, 0, 0, len(entries), len(entries), cd_size, cd_start)
        out += struct.pack("<IIQI", 0x07064b50, 0, z64, 1)
    out += struct.pack("<IHHHHIIH", 0x06054b50, 0, 0, len(entries), len(entries), cd_size, cd_start, 0)
    return bytes(out)


def nested_sequences(depth):
    inner = b""
    for _ in range(depth):
        n = len(inner)
        length = bytes([n]) if n < 0x80 else b"\x82" + struct.pack(">H", n) if n < 0x10000 else b"\x83" + n.to_bytes(3, "big")
        inner = b"\x30" + length + inner
    return inner


def unicode_path(name, other):
    return struct.pack("<HHBI", 0x7075, 5 + len(other), 1, zlib.crc32(name)) + other


def main():
    work = tempfile.mkdtemp(prefix="flashgate-seeds")
    try:
        make_keys(work)
        shutil.copy(os.path.join(work, "ca.pem"), os.path.join(RESOURCES, "fuzz-ca.pem"))
        files = [("images/a.bin", IMAGE, "image"), ("layout/l.xml", LAYOUT, "layout")]
        m = manifest(files)
        with open(os.path.join(RESOURCES, "signed-manifest.json"), "wb") as f:
            f.write(m)
        p7s = sign(work, m)

        def package(*more, m=m, p7s=p7s, deflate=False, change=lambda e: e):
            entries = [entry("manifest.json", m, deflate), entry("manifest.json.p7s", p7s)]
            entries += [change(entry(p, d, deflate)) for p, d, _ in files]
            return entries + list(more)

        hostile = manifest(files, notes="Verdict  VERIFIED\n\x1b[8mhidden\x1b[0m \u202eeton", title="T\x00\x1b]0;x\x07")
        seeds = {
            "VERIFIED-stored": write_zip(package()),
            "VERIFIED-deflated": write_zip(package(deflate=True)),
            "VERIFIED-zip64-end-records": write_zip(package(), zip64_end=True),
            "VERIFIED-unicode-path-repeating-the-name": write_zip(package(
                change=lambda e: dict(e, extra=unicode_path(e["name"], e["name"])))),
            "VERIFIED-hostile-text": write_zip(package(m=hostile, p7s=sign(work, hostile))),
            "SIG_INVALID-nested-sequences": write_zip(package(p7s=nested_sequences(5000))),
            "SIG_INVALID-bytes-after-the-signature": write_zip(package(p7s=p7s + b"\x00\x00")),
            "SIG_ALGORITHM_REJECTED-sha1-digest": write_zip(package(p7s=sign(work, m, "sha1"))),
            "PKG_NOT_ZIP-local-header-names-another-file": write_zip(package(
                change=lambda e: dict(e, local_name=e["name"][:-1] + b"x"))),
            "PKG_CORRUPT-bytes-after-the-deflate-stream": write_zip(package(
                change=lambda e: entry(e["name"].decode(), e["data"], True, b"hidden"))),
            "PKG_CORRUPT-crc-lies-about-the-data": write_zip(package(
                change=lambda e: dict(e, crc=e["crc"] ^ 1, local_crc=e["crc"] ^ 1))),
            "PKG_CORRUPT-local-crc-disagrees": write_zip(package(change=lambda e: dict(e, local_crc=e["crc"] ^ 1))),
            "PKG_BAD_ENTRY_NAME-trailing-dot": write_zip(package(entry("images/a.bin.", IMAGE))),
            "PKG_BAD_ENTRY_NAME-zero-width-space": write_zip(package(entry("images/a\u200b.bin", IMAGE))),
            "PKG_BAD_ENTRY_NAME-windows-device": write_zip(package(entry("images/aux.bin", IMAGE))),
            "PKG_BAD_ENTRY_NAME-unicode-path-names-another-file": write_zip(package(
                change=lambda e: dict(e, extra=unicode_path(e["name"], b"images/other.bin")))),
            "PKG_BAD_ENTRY_NAME-symbolic-link": write_zip(package(
                change=lambda e: dict(e, made_by=3 << 8 | 30, attributes=0o120777 << 16))),
            "PKG_DUPLICATE_ENTRY-file-and-folder": write_zip(package(entry("images/a.bin/b", IMAGE))),
            "PKG_UNLISTED_ENTRY-folder-with-data": write_zip(package(entry("images/", b"", True, b"", size=0,
                                                                             data=b"\x4b\x04\x00"))),
        }
        for name in os.listdir(SEEDS):
            if name.startswith("class-"):
                os.remove(os.path.join(SEEDS, name))
        for name, data in seeds.items():
            with open(os.path.join(SEEDS, "class-" + name), "wb") as f:
                f.write(data + b"\x00")
        with open(os.path.join(SEEDS, "manifest"), "wb") as f:
            f.write(m + b"\x01")
        with open(os.path.join(SEEDS, "signature"), "wb") as f:
            f.write(p7s + b"\x02")
    finally:
        shutil.rmtree(work)


if __name__ == "__main__":
    sys.exit(main())
