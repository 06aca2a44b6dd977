"""Read a gzip-compressed tar layer in memory, safely: nothing is written to disk, links are
never followed, traversal paths are refused, and decompression stops at a byte limit."""

from __future__ import annotations

import gzip
import io
import posixpath
import tarfile
import zlib
from dataclasses import dataclass

from migrate.modules.errors import ModuleError
from migrate.rules.ids import RuleId


@dataclass(frozen=True)
class ArchiveFile:
    path: str  # normalised, relative to the image root, e.g. "plugin.wasm"
    data: bytes


@dataclass(frozen=True)
class RefusedEntry:
    name: str  # as written in the archive (shown to the user, never used as a path)
    reason: str
    is_link: bool  # links are common in images; escaping paths never are


@dataclass(frozen=True)
class ArchiveListing:
    files: tuple[ArchiveFile, ...]
    refused: tuple[RefusedEntry, ...]


_HEADER_ALLOWANCE = 1024 * 1024  # tar headers and padding around files of up to `limit` bytes


class _BoundedReader(io.RawIOBase):
    """Decompressed bytes, counted: more than `limit` is a decompression bomb."""

    def __init__(self, source: gzip.GzipFile, limit: int) -> None:
        self._source = source
        self._limit = limit
        self._count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        data = self._source.read(len(buffer))
        self._count += len(data)
        if self._count > self._limit:
            raise ModuleError(RuleId.SIZE_LIMIT_EXCEEDED,
                              f"the layer decompresses to more than {self._limit} bytes")
        buffer[: len(data)] = data
        return len(data)


def read_gzip_tar(blob: bytes, limit: int) -> ArchiveListing:
    """Regular files of a gzip tar, in archive order. Corrupt input raises ModuleError(MOD007)."""
    source = gzip.GzipFile(fileobj=io.BytesIO(blob), mode="rb")
    stream = io.BufferedReader(_BoundedReader(source, limit + _HEADER_ALLOWANCE))
    try:
        with tarfile.open(fileobj=stream, mode="r|") as archive:
            return _collect(archive, limit)
    except (tarfile.TarError, OSError, EOFError, zlib.error) as exc:
        raise ModuleError(RuleId.IMAGE_FORMAT_UNSUPPORTED,
                          f"the layer is not a readable gzip tar ({exc})") from None


def _collect(archive: tarfile.TarFile, limit: int) -> ArchiveListing:
    files: list[ArchiveFile] = []
    refused: list[RefusedEntry] = []
    for member in archive:
        refusal = _refusal(member, limit)
        if refusal:
            refused.append(refusal)
        elif member.isreg():
            files.append(ArchiveFile(_normalise(member.name), _read(archive, member)))
    return ArchiveListing(tuple(files), tuple(refused))


def _refusal(member: tarfile.TarInfo, limit: int) -> RefusedEntry | None:
    if member.issym() or member.islnk():
        return RefusedEntry(member.name, f"is a link to {member.linkname!r}, not followed", True)
    if not _is_contained(member.name):
        return RefusedEntry(member.name, "points outside the image root", False)
    if member.isreg() and member.size > limit:
        raise ModuleError(
            RuleId.SIZE_LIMIT_EXCEEDED,
            f"archive entry {member.name!r} is {member.size} bytes, over the limit"
        )
    return None


def _read(archive: tarfile.TarFile, member: tarfile.TarInfo) -> bytes:
    handle = archive.extractfile(member)
    return handle.read() if handle else b""


def _is_contained(name: str) -> bool:
    normal = posixpath.normpath(name.replace("\\", "/"))
    return not (normal.startswith("/") or normal == ".." or normal.startswith("../"))


def _normalise(name: str) -> str:
    return posixpath.normpath(name.replace("\\", "/"))
