import os
import stat
from pathlib import Path

import pytest

from migrate.emit.atomic import write_atomically


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_existing_file_keeps_its_mode(tmp_path: Path) -> None:
    path = tmp_path / "deploy.yaml"
    path.write_text("old\n")
    path.chmod(0o750)
    write_atomically(path, "new\n")
    assert path.read_text() == "new\n" and mode(path) == 0o750


def test_new_file_is_readable_by_others(tmp_path: Path) -> None:
    path = tmp_path / "report.sarif"
    write_atomically(path, b"{}")
    assert path.read_bytes() == b"{}" and mode(path) == 0o644


def test_bytes_are_written_exactly(tmp_path: Path) -> None:
    path = tmp_path / "crlf.yaml"
    write_atomically(path, "a: 1\r\nb: 2")
    assert path.read_bytes() == b"a: 1\r\nb: 2"


def test_failed_rename_leaves_the_old_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "deploy.yaml"
    path.write_text("old\n")

    def refuse(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OSError, match="disk full"):
        write_atomically(path, "new\n")
    assert path.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["deploy.yaml"]
