"""Local inputs (option files, registry configs, module files) read with a size cap, and small
JSON documents parsed without letting a deeply nested one crash the run."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from migrate.modules.errors import ModuleError
from migrate.rules.ids import RuleId

MAX_OPTION_FILE_BYTES = 1024 * 1024


def read_capped(
    path: Path, what: str, limit: int = MAX_OPTION_FILE_BYTES,
    too_large: RuleId = RuleId.UNREADABLE_INPUT,
) -> bytes:
    """At most `limit` bytes of `path` (never more held in memory); a longer file is an error
    (reported as rule `too_large`): /dev/zero or a FIFO passed as a file cannot exhaust memory."""
    try:
        with path.open("rb") as stream:
            declared = os.fstat(stream.fileno()).st_size  # a regular file's size: refuse at once
            data = stream.read(limit + 1) if declared <= limit else b""
    except OSError as exc:
        raise ModuleError(RuleId.UNREADABLE_INPUT,
                          f"cannot read {what} {path}: {exc.strerror}") from None
    if max(declared, len(data)) > limit:
        raise ModuleError(too_large, f"{what} {path} is larger than {_size(limit)}")
    return data


def parse_json(data: bytes | str, what: str) -> Any:
    try:
        return json.loads(data)
    except RecursionError:
        raise ModuleError(RuleId.UNREADABLE_INPUT,
                          f"{what} nests too deeply to be parsed") from None
    except (ValueError, UnicodeDecodeError):
        raise ModuleError(RuleId.UNREADABLE_INPUT, f"{what} is not valid JSON") from None


def json_object_option(text: str, option: str) -> dict[str, Any]:
    """A JSON object given inline or as `@FILE` (an option such as `--plugin-config`)."""
    if text.startswith("@"):
        data: bytes | str = read_capped(Path(text[1:]), f"{option} file")
    else:
        data = text
    value = parse_json(data, option)
    if not isinstance(value, dict):
        raise ModuleError(RuleId.UNREADABLE_INPUT, f"{option} must be a JSON object")
    return value


def _size(limit: int) -> str:
    return f"{limit // (1024 * 1024)} MiB" if limit % (1024 * 1024) == 0 else f"{limit} bytes"
