"""Test data built at test time: wasm modules from the WAT sources in testdata/modules, and
image layers (gzip tars) in the formats Istio and Maistra use."""

from __future__ import annotations

import functools
import gzip
import io
import tarfile
from collections.abc import Sequence
from pathlib import Path

import wasmtime

TESTDATA = Path(__file__).resolve().parents[2] / "testdata" / "modules"
OCI_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip"
DOCKER_LAYER = "application/vnd.docker.image.rootfs.diff.tar.gzip"
DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json"
WASM_LAYER = "application/vnd.module.wasm.content.layer.v1+wasm"
WASM_CONFIG = "application/vnd.module.wasm.config.v1+json"


@functools.cache
def wat_module(name: str) -> bytes:
    """testdata/modules/wat/<name>.wat compiled; wat2wasm does not validate, so we do."""
    binary = wasmtime.wat2wasm((TESTDATA / "wat" / f"{name}.wat").read_text())
    wasmtime.Module.validate(wasmtime.Engine(), binary)
    return bytes(binary)


@functools.cache
def sdk_module() -> bytes:
    """The AssemblyScript-built filter (root id `add_header`)."""
    return (TESTDATA / "add_header.wasm").read_bytes()


def gzip_tar(files: Sequence[tuple[str, bytes]]) -> bytes:
    """A gzip tar of regular files, in order."""
    return gzip.compress(tar_of([_regular(name, data) for name, data in files]), mtime=0)


def gzip_bomb(inflated_mib: int) -> bytes:
    """A gzip tar that inflates to `inflated_mib` MiB of zeros: one compressed member (a tar
    entry of 1 MiB) repeated, then the end-of-archive blocks; cheap to build."""
    info = tarfile.TarInfo("zeros")
    info.size = 1024 * 1024
    member = gzip.compress(info.tobuf(format=tarfile.GNU_FORMAT) + bytes(info.size), mtime=0)
    return member * inflated_mib + gzip.compress(bytes(1024), mtime=0)


def gzip_tar_entries(entries: Sequence[tuple[tarfile.TarInfo, bytes | None]]) -> bytes:
    return gzip.compress(tar_of(entries), mtime=0)


def tar_of(entries: Sequence[tuple[tarfile.TarInfo, bytes | None]]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.GNU_FORMAT) as archive:
        for info, data in entries:
            archive.addfile(info, io.BytesIO(data) if data is not None else None)
    return buffer.getvalue()


def _regular(name: str, data: bytes) -> tuple[tarfile.TarInfo, bytes]:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o644
    return info, data


def symlink(name: str, target: str) -> tuple[tarfile.TarInfo, None]:
    info = tarfile.TarInfo(name)
    info.type = tarfile.SYMTYPE
    info.linkname = target
    return info, None


def maistra_manifest(
    module: str = "extension.wasm", phase: str = "PreAuthZ", priority: int = 100
) -> bytes:
    return (
        "schemaVersion: 1\n"
        "name: header-append\n"
        "description: Just appends a header based on config\n"
        "version: 1.0.0\n"
        f"phase: {phase}\n"
        f"priority: {priority}\n"
        f"module: {module}\n"
    ).encode()


def maistra_layer(wasm: bytes, module: str = "extension.wasm") -> bytes:
    """The layer of a Maistra 2.0/2.1 image: `COPY manifest.yaml extension.wasm /`."""
    return gzip_tar([("manifest.yaml", maistra_manifest(module)), (module, wasm)])


def compat_layer(wasm: bytes, name: str = "plugin.wasm") -> bytes:
    return gzip_tar([(name, wasm)])


@functools.cache
def padded_module(name: str, functions: int) -> bytes:
    """testdata/modules/wat/<name>.wat plus `functions` unused functions of about 600 bytes
    each: a module as costly to compile as a big SDK build (4,000 make about 2.5 MB)."""
    group = "(local.set 0 (i32.mul (i32.add (local.get 0) (i32.const {})) (local.get 1)))"
    body = " ".join(group.format(k) for k in range(60))
    padding = "\n".join(
        f"(func $pad{i} (param i32 i32) (result i32) {body} (local.get 0))"
        for i in range(functions)
    )
    text = (TESTDATA / "wat" / f"{name}.wat").read_text().rstrip()
    assert text.endswith(")")
    return bytes(wasmtime.wat2wasm(f"{text[:-1]}\n{padding})"))


def with_custom_section(wasm: bytes, name: str, payload: bytes = b"") -> bytes:
    """`wasm` plus a custom section (ignored by every runtime): the same plugin as a distinct
    module, with its own digest."""
    encoded = name.encode()
    body = _leb128(len(encoded)) + encoded + payload
    return wasm + b"\x00" + _leb128(len(body)) + body


def _leb128(value: int) -> bytes:
    out = bytearray()
    while True:
        byte, value = value & 0x7F, value >> 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)
