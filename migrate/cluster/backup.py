"""One folder per run under the backup directory, never reused: every object apply will change,
as the server returned it (full YAML), and the run's record (what it creates)."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from migrate.cluster.refs import Json, ObjectRef

RECORD = "run.yaml"


@dataclass(frozen=True)
class Backup:
    folder: Path
    objects: tuple[Json, ...]  # as read before the run
    created: tuple[ObjectRef, ...]  # the WasmPlugins the run made (or an earlier one did)
    context: str


def new_folder(root: Path, now: datetime | None = None) -> Path:
    """A fresh `<root>/<UTC timestamp>[-N]`: an earlier backup is never touched."""
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    root.mkdir(parents=True, exist_ok=True)
    for attempt in range(1000):
        folder = root / (stamp if attempt == 0 else f"{stamp}-{attempt}")
        try:
            folder.mkdir()
        except FileExistsError:
            continue
        return folder
    raise FileExistsError(f"{root}: no free folder name for {stamp}")


def write(root: Path, objects: Sequence[Json], created: Sequence[ObjectRef],
          context: str) -> Backup:
    folder = new_folder(root)
    for index, body in enumerate(objects):
        _write_new(folder / _file_name(index, body), yaml.safe_dump(dict(body), sort_keys=False))
    record = {"context": context, "objects": len(objects),
              "created": [_ref_json(r) for r in created]}
    _write_new(folder / RECORD, yaml.safe_dump(record, sort_keys=False))
    return Backup(folder, tuple(objects), tuple(created), context)


def _write_new(path: Path, text: str) -> None:
    with open(path, "x", encoding="utf-8") as stream:  # "x": never overwrite
        stream.write(text)
        stream.flush()
        os.fsync(stream.fileno())


def _file_name(index: int, body: Json) -> str:
    metadata = body.get("metadata") or {}
    return f"{index:03d}-{body.get('kind')}-{metadata.get('namespace')}-{metadata.get('name')}.yaml"


def _ref_json(ref: ObjectRef) -> dict[str, str]:
    return {"apiVersion": ref.api_version, "kind": ref.kind, "plural": ref.plural,
            "namespace": ref.namespace, "name": ref.name}


def latest(root: Path) -> Path:
    """The run to restore: `root` itself when it is one, else its newest run folder."""
    if (root / RECORD).is_file():
        return root
    runs = sorted(p for p in root.iterdir() if (p / RECORD).is_file()) if root.is_dir() else []
    if not runs:
        raise FileNotFoundError(f"{root}: no backup of sme-migrate apply here")
    return runs[-1]


def read(folder: Path) -> Backup:
    record: Mapping[str, Any] = yaml.safe_load((folder / RECORD).read_text()) or {}
    objects = tuple(yaml.safe_load(p.read_text()) for p in sorted(folder.glob("[0-9]*.yaml")))
    created = tuple(ObjectRef(r["apiVersion"], r["kind"], r["plural"], r["namespace"],
                              r["name"]) for r in record.get("created") or [])
    return Backup(folder, objects, created, str(record.get("context") or ""))
