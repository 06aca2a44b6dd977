"""The `.sme-migrate.yaml` config file: where it is found and what it may hold.

```yaml
ignore:
  - SME017                      # every finding of a rule (id or name)
  - SME001=legacy-*/*           # the --ignore syntax: RULE=namespace/name, globs allowed
  - rule: no-config             # the same as a mapping; `reason` is for the humans
    namespace: bookinfo
    name: ratings-*
    reason: the plugin treats an empty configuration like null
meshRoots:                      # one folder per cluster (relative to this file), as --mesh-root
  - clusters/prod
  - clusters/stage
```
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

CONFIG_NAME = ".sme-migrate.yaml"
MAX_CONFIG_BYTES = 1024 * 1024
_TOP_LEVEL_KEYS = frozenset({"ignore", "meshRoots"})
_IGNORE_KEYS = frozenset({"rule", "namespace", "name", "reason"})


@dataclass(frozen=True)
class Settings:
    source: Path
    ignore: tuple[str, ...] = ()  # entries in --ignore syntax
    mesh_roots: tuple[str, ...] = ()  # cluster folders, joined to the file's own folder


def config_files(config_path: Path | None, scan_roots: Sequence[str]) -> tuple[Path, ...]:
    """--config when given; else the config file of each scanned directory.

    When no scanned root is a directory (files handed over by pre-commit, or stdin), the
    current directory's config applies: that is the repository being checked.
    """
    if config_path is not None:
        return (config_path,)
    directories = [Path(root) for root in scan_roots if root != "-" and Path(root).is_dir()]
    candidates = [d / CONFIG_NAME for d in directories] if directories else [Path(CONFIG_NAME)]
    found = {path.resolve(): path for path in candidates if path.is_file()}
    return tuple(found.values())


def load_settings(path: Path) -> Settings:
    """The config file's settings; ValueError naming the file and the problem otherwise."""
    text = _read_config(path)
    try:
        content = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise ValueError(f"config file {path} is not valid YAML: {error}") from error
    except RecursionError:
        raise ValueError(f"config file {path} is nested too deeply to be read") from None
    return _settings(path, content)


def _read_config(path: Path) -> str:
    """The file's text, read no further than MAX_CONFIG_BYTES (`--config /dev/zero` ends)."""
    try:
        with path.open("rb") as stream:
            data = stream.read(MAX_CONFIG_BYTES + 1)
    except OSError as error:
        raise ValueError(f"cannot read config file {path}: {error.strerror or error}") from error
    if len(data) > MAX_CONFIG_BYTES:
        raise ValueError(f"config file {path} is larger than {MAX_CONFIG_BYTES // 2**20} MiB; "
                         "a settings file is a few lines of YAML")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ValueError(f"config file {path} is not valid YAML: {error}") from error


def _settings(path: Path, content: Any) -> Settings:
    if content is None:
        return Settings(path)
    if not isinstance(content, Mapping):
        raise ValueError(f"config file {path}: expected a mapping with the key `ignore` (or "
                         "`meshRoots`)")
    unknown = sorted(str(key) for key in content if key not in _TOP_LEVEL_KEYS)
    if unknown:
        raise ValueError(f"config file {path}: unknown key {unknown[0]!r} (known: ignore, "
                         "meshRoots)")
    entries = content.get("ignore") or []
    if not isinstance(entries, list):
        raise ValueError(f"config file {path}: `ignore` must be a list")
    return Settings(path, tuple(_ignore_spec(path, entry) for entry in entries),
                    _mesh_roots(path, content.get("meshRoots")))


def _mesh_roots(path: Path, entries: Any) -> tuple[str, ...]:
    if entries is None:
        return ()
    if not isinstance(entries, list) or not all(isinstance(e, str) and e for e in entries):
        raise ValueError(f"config file {path}: `meshRoots` must be a list of folders")
    return tuple(str(path.parent / entry) for entry in entries)


def config_mesh_roots(config_path: Path | None, scan_roots: Sequence[str]
                      ) -> tuple[tuple[str, ...], tuple[Path, ...]]:
    """The `meshRoots` of the config files that apply, and the files that set them."""
    roots: list[str] = []
    sources: list[Path] = []
    for path in config_files(config_path, scan_roots):
        found = load_settings(path).mesh_roots
        roots.extend(found)
        sources.extend([path] if found else [])
    return tuple(dict.fromkeys(roots)), tuple(sources)


def _ignore_spec(path: Path, entry: Any) -> str:
    if isinstance(entry, str):
        return entry
    if not isinstance(entry, Mapping) or not isinstance(entry.get("rule"), str):
        raise ValueError(
            f"config file {path}: each `ignore` entry is RULE, RULE=namespace/name, "
            f"or a mapping with `rule` (and optionally `namespace`, `name`); got {entry!r}"
        )
    unknown = sorted(str(key) for key in entry if key not in _IGNORE_KEYS)
    if unknown:
        raise ValueError(f"config file {path}: unknown key {unknown[0]!r} in an `ignore` entry")
    if "namespace" not in entry and "name" not in entry:
        return str(entry["rule"])
    return f"{entry['rule']}={entry.get('namespace', '*')}/{entry.get('name', '*')}"
