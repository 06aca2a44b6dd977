"""Read files and decide from their raw bytes, before any YAML parsing, which ones matter.

This is the hot path of a scan (every file of a repository passes through it), so it reads into
one reused buffer with plain `os` calls (measured: a third faster than `open().read()`) and only
copies the bytes of files worth parsing. A file larger than the buffer is read whole when it is
within the size cap, and only searched, window by window, when it is over (`bounded`): memory
never holds more than the cap, however large the file.
"""

from __future__ import annotations

import enum
import errno
import functools
import os
import re
from typing import Any, NamedTuple

from migrate.model import Finding, Resource
from migrate.sources.bounded import (
    OPEN_FLAGS,
    Capped,
    finder,
    first_line_of,
    read_capped,
    regular_file,
)
from migrate.sources.kustomize import Kustomization, is_kustomization_file, kustomization_in
from migrate.sources.needles import Needles
from migrate.sources.unparsable import MAX_FILE_BYTES, line_at, stream_too_large, too_large

INTEREST_KINDS = (
    "ServiceMeshExtension",
    "ServiceMeshControlPlane",
    "ServiceMeshMemberRoll",
    "ServiceMeshMember",
    "WasmPlugin",
)
MANIFEST_SUFFIXES = (".yaml", ".yml", ".json", ".YAML", ".YML", ".JSON")
EXTENSION_KIND = b"ServiceMeshExtension"
WORKLOAD_MARK = b"containers"  # every pod template (Deployment, Job, Pod, ...) has one
SERVICE_MARK = b"Service"
STDIN = "<stdin>"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
UTF16_SAMPLE_BYTES = 4096

_INTEREST = tuple(kind.encode() for kind in INTEREST_KINDS)
# What Windows PowerShell's `>` writes, with or without a byte-order mark; Kubernetes reads it.
# Without its last NUL, the little-endian form is also the big-endian one without its first:
# one needle for both, and no needle that ends in NUL (whose search crawls through zeros).
_INTEREST_UTF16 = tuple(kind.encode("utf-16-le")[:-1] for kind in INTEREST_KINDS)
_PREFIXES = (b"ServiceMesh", b"WasmPlugin")  # of every kind: two finds rule out most windows
_KINDS = finder(_PREFIXES, re.compile(b"|".join(map(re.escape, _INTEREST))))
_KINDS_UTF16 = finder(tuple(p.decode().encode("utf-16-le")[:-1] for p in _PREFIXES),
                      re.compile(b"|".join(map(re.escape, _INTEREST_UTF16))))
_BUFFER_BYTES = 1024 * 1024
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)  # not on Windows
# The bytes of workload and Service files are kept for the second look at them (which needs the
# extensions' selectors first), up to this much per reader: reading them again took longer than
# the sniff of every other file.
HELD_BYTES = 32 * 1024 * 1024


def _kind_line(kind: bytes) -> re.Pattern[bytes]:
    """`kind: KIND` as a manifest writes it (YAML, quoted, JSON), not a longer kind's prefix."""
    return re.compile(rb"""kind['"]?\s*:\s*['"]?""" + kind + rb"""\b""")


# Outside .yaml/.json files only a manifest-like mention counts, not prose in a README.
_EXTENSION_KIND_LINE = _kind_line(EXTENSION_KIND)
ISTIO_GROUP = b"istio.io/"  # in the apiVersion of both kinds below
_PLUGIN_MOVERS = tuple(
    (kind, _kind_line(kind), re.compile(content))
    for kind, content in ((b"AuthorizationPolicy", rb"\bCUSTOM\b"),
                          (b"VirtualService", rb"""\b(?:corsPolicy|fault)['"]?\s*:""")))
GATEWAY_KIND = b"Gateway"
_GATEWAY_KIND_LINE = _kind_line(GATEWAY_KIND)  # not GatewayClass
# `kind: Service` itself, not ServiceAccount or ServiceMeshExtension (YAML, flow style, JSON)
_SERVICE_KIND_LINE = re.compile(rb"""kind['"]?\s*:\s*['"]?Service['"]?[ \t]*(?:$|[,}#\r])""",
                                re.MULTILINE)


class Verdict(enum.Enum):
    PARSE = "parse"  # mentions a kind this tool checks
    WORKLOAD = "workload"  # a manifest that looks like it holds pod templates or Istio Gateways;
    # parsed on demand
    SERVICES = "services"  # a manifest with Services and no pod template; parsed on demand
    KUSTOMIZATION = "kustomization"  # a kustomization file of no other interest
    LINK = "link"  # a symbolic link to nothing of interest (links are counted once: files.py)
    UNREADABLE = "unreadable"
    UNPARSABLE = "unparsable"


Parsed = tuple[tuple[Resource, ...], tuple[Finding, ...]]  # a file's objects, or why none


class Sniffed(NamedTuple):
    """One file's verdict. A named tuple, not a frozen dataclass: one is built for nearly every
    file of a tree (twice for the other core's), and a frozen dataclass's __init__ took 1.7 µs
    where this takes 0.45."""

    path: str
    verdict: Verdict
    data: bytes = b""  # the bytes of a PARSE file until parsed, and of WORKLOAD/SERVICES when held
    reason: str = ""  # for UNREADABLE and UNPARSABLE
    line: int | None = None
    kustomization: Kustomization | None = None  # of a kustomization file, when it is one
    link: bool = False  # the path is a symbolic link
    parsed: Parsed | None = None  # for PARSE: what parsing gave, if the core that read it parsed


_Searchable = bytes | bytearray
_Columns = tuple[list[Any], ...]


def as_columns(found: list[Sniffed]) -> _Columns:
    """The fields of each Sniffed as one list per field (see halves.Codec); a verdict goes as
    itself: pickle writes each member once and refers to it after."""
    rows = [(f.path, f.verdict, f.data, f.reason, f.line, _listing(f.kustomization),
             f.link, f.parsed) for f in found]
    return tuple(map(list, zip(*rows, strict=True))) if rows else ()


def from_columns(columns: object) -> list[Sniffed]:
    rows = zip(*columns, strict=True) if isinstance(columns, tuple) else ()
    return [Sniffed(path, verdict, data, reason, line,
                    None if listing is None else Kustomization(
                        listing[0], listing[1], frozenset(listing[2]), listing[3]),
                    link, parsed)
            for path, verdict, data, reason, line, listing, link, parsed in rows]


def _listing(kustomization: Kustomization | None
             ) -> tuple[str, str | None, tuple[str, ...], bool] | None:
    if kustomization is None:
        return None
    return (kustomization.directory, kustomization.namespace, tuple(kustomization.listed),
            kustomization.patches)


def mentions_interest_kind(view: _Searchable, size: int) -> bool:
    if view.find(b"ServiceMesh", 0, size) < 0 and view.find(b"WasmPlugin", 0, size) < 0:
        return _may_be_utf16(view, size) and utf16_codec(
            view[:min(size, UTF16_SAMPLE_BYTES)]) is not None and any(
            view.find(kind, 0, size) >= 0 for kind in _INTEREST_UTF16)
    return any(view.find(kind, 0, size) >= 0 for kind in _INTEREST)


def _may_be_utf16(view: _Searchable, size: int) -> bool:
    """utf16_codec's first test, without copying the sample out of the buffer."""
    return (view.startswith(UTF16_BOMS, 0, size)
            or view.find(b"\0", 0, min(size, UTF16_SAMPLE_BYTES)) >= 0)


def utf16_codec(head: bytes | bytearray) -> str | None:
    """The codec of a file that starts like UTF-16 text, from its byte-order mark or, without
    one, from where its NUL bytes fall (mostly-ASCII text: the high byte of nearly every
    character, hardly ever the low one); None for anything else (binary data has NULs anywhere
    or nowhere)."""
    if head[:2] in UTF16_BOMS:
        return "utf-16"
    if head.find(b"\0") < 0:  # nearly every file: decided without a copy
        return None
    sample = head[: len(head) - len(head) % 2]
    even, odd = sample[0::2], sample[1::2]
    if len(even) < 2:
        return None
    if _mostly_nul(odd) and _rarely_nul(even):
        return "utf-16-le"
    if _mostly_nul(even) and _rarely_nul(odd):
        return "utf-16-be"
    return None


def _mostly_nul(data: bytes | bytearray) -> bool:
    return data.count(0) * 4 >= len(data) * 3


def _rarely_nul(data: bytes | bytearray) -> bool:
    return data.count(0) * 16 <= len(data)


def first_mention(view: _Searchable, size: int) -> int:
    wide = utf16_codec(view[:min(size, UTF16_SAMPLE_BYTES)]) is not None
    offsets = [view.find(kind, 0, size) for kind in (_INTEREST_UTF16 if wide else _INTEREST)]
    return min((offset for offset in offsets if offset >= 0), default=0)


def is_manifest_name(path: str) -> bool:
    return path.endswith(MANIFEST_SUFFIXES)


def verdict_of(view: _Searchable, size: int, manifest: bool) -> Verdict | None:
    """What to do with a file, from its bytes and whether it is named (or given) as a manifest;
    None: nothing of interest."""
    if manifest:
        if mentions_interest_kind(view, size):
            return Verdict.PARSE
        istio = view.find(ISTIO_GROUP, 0, size) >= 0  # one search rules out nearly every file
        if istio and _moves_plugins(view, size):
            return Verdict.PARSE
        return _workload_verdict(view, size, istio)
    if view.find(EXTENSION_KIND, 0, size) >= 0 and _EXTENSION_KIND_LINE.search(view, 0, size):
        return Verdict.PARSE
    return None


def _moves_plugins(view: _Searchable, size: int) -> bool:
    """A CUSTOM AuthorizationPolicy (ext_authz) or a VirtualService with corsPolicy or fault:
    the filters WasmPlugins are now placed around differently (SME033, SME035)."""
    for kind, kind_line, content in _PLUGIN_MOVERS:  # find() first: faster than the pattern
        if (view.find(kind, 0, size) >= 0 and kind_line.search(view, 0, size)
                and content.search(view, 0, size)):
            return True
    return False


def _workload_verdict(view: _Searchable, size: int, istio: bool) -> Verdict | None:
    """Pod templates or Istio Gateways (which gateway pods a route's CORS and fault filters run
    on), or else Services (they decide where Maistra ran an extension). `istio`: the bytes
    name an Istio API group."""
    if view.find(WORKLOAD_MARK, 0, size) >= 0 or (istio and _is_gateway(view, size)):
        return Verdict.WORKLOAD
    if view.find(SERVICE_MARK, 0, size) >= 0 and _SERVICE_KIND_LINE.search(view, 0, size):
        return Verdict.SERVICES
    return None


def _is_gateway(view: _Searchable, size: int) -> bool:
    return (view.find(GATEWAY_KIND, 0, size) >= 0
            and _GATEWAY_KIND_LINE.search(view, 0, size) is not None)


def sniff_stdin(read: Capped, name: str = STDIN) -> Sniffed | None:
    """Standard input cannot be read twice, so workloads in it are parsed right away too.
    `name` is the path its findings show (`--stdin-filename`).

    Input that goes on past the cap is reported whatever it holds: what it mentions beyond the
    cap was never read.
    """
    data, size = read.data, len(read.data)
    if read.more:
        mentioned = mentions_interest_kind(data, size)
        problem = stream_too_large(line_at(data, first_mention(data, size)) if mentioned else None)
        return Sniffed(name, Verdict.UNPARSABLE, reason=problem.reason, line=problem.line)
    if not (mentions_interest_kind(data, size) or data.find(WORKLOAD_MARK) >= 0):
        return None
    return Sniffed(name, Verdict.PARSE, data)


def unreadable(path: str, error: OSError) -> Sniffed | None:
    """A finding for a path that could not be read; None when it vanished since it was listed."""
    if error.errno == errno.ENOENT and not os.path.lexists(path):
        return None  # e.g. a file git still tracks but that was deleted from the work tree
    reason = error.strerror or str(error)
    if error.errno == errno.ELOOP:
        reason = f"symbolic link loop ({reason})"
    elif error.errno == errno.ENOENT:
        reason = f"broken symbolic link (its target {os.readlink(path)!r} does not exist)"
    return Sniffed(path, Verdict.UNREADABLE, reason=reason)


class Reader:
    """Reads files into one reused buffer; one instance per thread. It keeps the bytes of
    workload and Service files up to `held_bytes` in all."""

    def __init__(self, held_bytes: int = HELD_BYTES) -> None:
        self._buffer = bytearray(_BUFFER_BYTES)
        self._hold_left = held_bytes
        self._link = False

    def sniff(self, path: str, as_manifest: bool = False) -> Sniffed | None:
        """What to do with the file at `path`; `as_manifest` for a file the user named."""
        manifest = as_manifest or is_manifest_name(path)
        self._link = False
        try:
            size = self._read_into_buffer(path)
            found = (self._sniff_large(path, manifest) if size == _BUFFER_BYTES
                     else self._sniffed(path, self._buffer, size, manifest))
        except IsADirectoryError:
            found = None  # a directory symlink (not followed) or a submodule
        except OSError as error:
            found = unreadable(path, error)
        if not self._link:
            return found
        return found._replace(link=True) if found else Sniffed(path, Verdict.LINK, link=True)

    def _sniffed(self, path: str, view: _Searchable, size: int, manifest: bool
                 ) -> Sniffed | None:
        verdict = verdict_of(view, size, manifest)
        kustomization = None
        if is_kustomization_file(path):
            kustomization = kustomization_in(path, _copy(view, size))
            verdict = verdict or Verdict.KUSTOMIZATION
        if verdict is None:
            return None
        return Sniffed(path, verdict, self._kept(verdict, view, size), kustomization=kustomization)

    def _kept(self, verdict: Verdict, view: _Searchable, size: int) -> bytes:
        if verdict is Verdict.PARSE:
            return _copy(view, size)
        if verdict in (Verdict.WORKLOAD, Verdict.SERVICES) and size <= self._hold_left:
            self._hold_left -= size
            return _copy(view, size)
        return b""

    def read_if_contains(self, path: str, needles: Needles) -> bytes | None:
        """The file's bytes when they contain one of `needles`; raises OSError."""
        size = self._read_into_buffer(path)
        if size == _BUFFER_BYTES:
            return self._read_large_if_contains(path, needles)
        if needles.found_in(self._buffer, size):
            return bytes(memoryview(self._buffer)[:size])
        return None

    def _read_into_buffer(self, path: str) -> int:
        descriptor = self._open(path)
        try:
            return os.readv(descriptor, [self._buffer])
        finally:
            os.close(descriptor)

    def _open(self, path: str) -> int:
        """A descriptor of the file at `path`; notes whether the path is a symbolic link: with
        O_NOFOLLOW that costs nothing for the files that are not (no lstat per file)."""
        if not _NOFOLLOW:
            self._link = os.path.islink(path)
            return os.open(path, OPEN_FLAGS)
        try:
            return os.open(path, OPEN_FLAGS | _NOFOLLOW)
        except OSError:
            if not os.path.islink(path):
                raise
        self._link = True
        return os.open(path, OPEN_FLAGS)

    def _sniff_large(self, path: str, manifest: bool) -> Sniffed | None:
        with regular_file(path) as descriptor:
            if descriptor is None:
                return None  # a device or a FIFO: nothing to parse
            size = os.fstat(descriptor).st_size
            whole = _read_within_cap(descriptor, size)
            if whole is None:
                return _oversized(path, descriptor, size, manifest)
            return self._sniffed(path, whole, len(whole), manifest)

    def _read_large_if_contains(self, path: str, needles: Needles) -> bytes | None:
        with regular_file(path) as descriptor:
            if descriptor is None:
                return None
            whole = _read_within_cap(descriptor, os.fstat(descriptor).st_size)
            return whole if whole is not None and needles.found_in(whole, len(whole)) else None


def _copy(view: _Searchable, size: int) -> bytes:
    if isinstance(view, bytes) and len(view) == size:
        return view
    return bytes(memoryview(view)[:size])


def _read_within_cap(descriptor: int, size: int) -> bytes | None:
    """The whole file when it is within MAX_FILE_BYTES (it may have grown since it was sized);
    None, with the file position back at its start, when it is over."""
    if size <= MAX_FILE_BYTES:
        read = read_capped(functools.partial(os.read, descriptor), MAX_FILE_BYTES)
        if not read.more:
            return read.data
    os.lseek(descriptor, 0, os.SEEK_SET)
    return None


def _oversized(path: str, descriptor: int, size: int, manifest: bool) -> Sniffed | None:
    """A too-large finding at the first mention of a kind, found without holding the file."""
    wide = utf16_codec(os.pread(descriptor, UTF16_SAMPLE_BYTES, 0)) is not None
    if manifest:
        search = _KINDS_UTF16 if wide else _KINDS
    else:
        search = finder((EXTENSION_KIND,), _EXTENSION_KIND_LINE)
    line = first_line_of(descriptor, search)
    if line is None:
        return None
    problem = too_large(max(size, MAX_FILE_BYTES + 1), line)
    return Sniffed(path, Verdict.UNPARSABLE, reason=problem.reason, line=problem.line)
