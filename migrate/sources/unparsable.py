"""Why a file could not be turned into resources, and on which line."""

from __future__ import annotations

MIB = 1024 * 1024
MAX_FILE_BYTES = 16 * MIB


class Unparsable(Exception):
    """A file that cannot be parsed; `reason` is a user-facing sentence, `line` is 1-based."""

    def __init__(self, reason: str, line: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line


def line_at(data: bytes | bytearray, offset: int) -> int:
    """The 1-based line that holds byte `offset`."""
    return data.count(b"\n", 0, offset) + 1


def text_line_at(text: str, offset: int) -> int:
    """The 1-based line that holds character `offset`."""
    return text.count("\n", 0, offset) + 1


def too_large(size: int, line: int | None) -> Unparsable:
    return Unparsable(
        f"too large to parse ({size / MIB:.1f} MiB > {MAX_FILE_BYTES // MIB} MiB); "
        "split it into smaller files so it can be checked",
        line,
    )


def stream_too_large(line: int | None) -> Unparsable:
    return Unparsable(
        f"too large to parse (more than {MAX_FILE_BYTES // MIB} MiB: reading stopped there); "
        "split it into smaller files so it can be checked",
        line,
    )


def binary(line: int | None) -> Unparsable:
    return Unparsable(
        "binary data (it holds NUL bytes), not a YAML or JSON manifest, so it was not checked",
        line,
    )


def not_utf16(offset: int) -> Unparsable:
    return Unparsable(
        f"starts like UTF-16 text but is not (invalid data at byte {offset}); "
        "save it as UTF-8 so it can be checked",
        None,
    )


def not_utf8(data: bytes, offset: int) -> Unparsable:
    line = line_at(data, offset)
    column = offset - (data.rfind(b"\n", 0, offset) + 1) + 1
    return Unparsable(
        f"not UTF-8 text (invalid byte 0x{data[offset]:02x} at line {line}, column {column}); "
        "save it as UTF-8 so it can be checked",
        line,
    )


