"""Module check verdicts kept for the run (identical modules started alike are checked once)
and on disk (a later run re-checks nothing unchanged): `<root>/<key digest>.json`. An entry
that cannot be read, does not parse, fails its checksum or names another key is a miss (and
is removed), never a verdict."""

from __future__ import annotations

import contextlib
import threading
from pathlib import Path

from migrate.modules.cache import write_atomically
from migrate.modules.errors import ModuleError
from migrate.modules.inputs import parse_json, read_capped
from migrate.modules.verdicts import CheckKey, Malformed, Verdict, decode, encode

_ENTRY_BYTES = 1024 * 1024


class VerdictCache:
    """`enabled=False` keeps nothing; `root=None` keeps verdicts for the run only."""

    def __init__(self, root: Path | None, enabled: bool = True) -> None:
        self.root = root if enabled else None
        self.enabled = enabled
        self._known: dict[str, Verdict] = {}
        self._lock = threading.Lock()

    def get(self, key: CheckKey) -> Verdict | None:
        if not self.enabled:
            return None
        with self._lock:
            known = self._known.get(key.digest)
        if known is not None:
            return known
        stored = self._read(key)
        if stored is not None:
            self._remember(key, stored)
        return stored

    def put(self, key: CheckKey, verdict: Verdict) -> None:
        """Kept unless it depends on how loaded the machine was (see Verdict.stable)."""
        if not self.enabled or not verdict.stable:
            return
        self._remember(key, verdict)
        path = self._path(key)
        if path is not None:
            write_atomically(path, encode(key, verdict))

    def _remember(self, key: CheckKey, verdict: Verdict) -> None:
        with self._lock:
            self._known[key.digest] = verdict

    def _read(self, key: CheckKey) -> Verdict | None:
        path = self._path(key)
        if path is None or not path.is_file():
            return None
        try:
            return decode(key, parse_json(read_capped(path, "cached check", _ENTRY_BYTES),
                                          "cached check"))
        except (ModuleError, Malformed):
            with contextlib.suppress(OSError):
                path.unlink(missing_ok=True)
            return None

    def _path(self, key: CheckKey) -> Path | None:
        return self.root / f"{key.digest}.json" if self.root is not None else None
