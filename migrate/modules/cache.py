"""An on-disk cache of blobs by digest. Entries are re-verified when read, so a corrupted or
tampered cache is a miss, never a wrong module. Module check verdicts live next to it
(verdict_dir, see verdict_cache)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from migrate.modules.digests import is_digest
from migrate.modules.digests import verify as verify_digest
from migrate.modules.errors import ModuleError


def default_cache_dir() -> Path:
    return _cache_home() / "blobs"


def verdict_dir(cache_dir: Path | None) -> Path:
    """Where module check verdicts go: next to the default blob cache, inside a given one."""
    return cache_dir / "checks" if cache_dir is not None else _cache_home() / "checks"


def _cache_home() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "sme-migrate"


class BlobCache:
    """Content-addressed files `<root>/<algorithm>/<hex>`; `root=None` caches nothing."""

    def __init__(self, root: Path | None) -> None:
        self.root = root

    def get(self, digest: str) -> bytes | None:
        path = self._path(digest)
        if path is None or not path.is_file():
            return None
        try:
            data = path.read_bytes()
            verify_digest(data, digest, "cached blob")
        except (OSError, ModuleError):
            path.unlink(missing_ok=True)
            return None
        return data

    def put(self, digest: str, data: bytes) -> None:
        path = self._path(digest)
        if path is not None:
            write_atomically(path, data)

    def _path(self, digest: str) -> Path | None:
        if self.root is None or not is_digest(digest):
            return None
        algorithm, hex_digest = digest.split(":", 1)
        return self.root / algorithm / hex_digest


def write_atomically(path: Path, data: bytes) -> None:
    """Readers see the whole file or none (a file only this user can read); a cache that
    cannot be written is skipped, not an error."""
    temporary: Path | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as handle:
            temporary = Path(handle.name)
            handle.write(data)
        os.replace(temporary, path)
    except OSError:
        if temporary is not None:
            temporary.unlink(missing_ok=True)
