import os
import stat
import time
from pathlib import Path

import pytest

from migrate.emit.atomic import (
    STALE_AFTER,
    TOOL,
    is_our_temporary,
    temporary_name,
    write_atomically,
)


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


def test_owner_and_group_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "deploy.yaml"
    path.write_text("old\n")
    os.chown(path, 1234, 1234)
    path.chmod(0o640)
    write_atomically(path, "new\n")
    status = path.stat()
    assert (status.st_uid, status.st_gid, mode(path)) == (1234, 1234, 0o640)
    assert path.read_text() == "new\n"


def test_a_setgid_bit_survives_the_change_of_owner(tmp_path: Path) -> None:
    path = tmp_path / "tool.sh"
    path.write_text("old\n")
    os.chown(path, 1234, 4321)
    path.chmod(0o2755)
    write_atomically(path, "new\n")
    assert mode(path) == 0o2755 and path.stat().st_gid == 4321


def test_a_new_file_belongs_to_the_writer(tmp_path: Path) -> None:
    path = tmp_path / "report.sarif"
    write_atomically(path, "{}")
    assert (path.stat().st_uid, path.stat().st_gid) == (os.getuid(), os.getgid())


def _age(path: Path, seconds: float) -> None:
    moment = time.time() - seconds
    os.utime(path, (moment, moment))


def test_an_abandoned_temporary_of_ours_is_removed(tmp_path: Path) -> None:
    path = tmp_path / "deploy.yaml"
    path.write_text("old\n")
    stale = tmp_path / f".deploy.yaml.{TOOL}-0123abcd.tmp"
    stale.write_text("half a file")
    _age(stale, STALE_AFTER + 60)
    write_atomically(path, "new\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["deploy.yaml"]


@pytest.mark.parametrize("name", [
    f".deploy.yaml.{TOOL}-0123abcd.tmp.bak",  # not our suffix
    f".deploy.yaml.{TOOL}-0123ABCD.tmp",  # our random part is lower-case hex
    f".deploy.yaml.{TOOL}-0123abc.tmp",  # seven characters, not eight
    f".other.yaml.{TOOL}-0123abcd.tmp",  # another file's temporary
    f"deploy.yaml.{TOOL}-0123abcd.tmp",  # not hidden
    ".deploy.yaml.k3j9x0qa.tmp",  # what mkstemp makes: not recognisably ours
])
def test_a_look_alike_file_is_left_alone(tmp_path: Path, name: str) -> None:
    path = tmp_path / "deploy.yaml"
    path.write_text("old\n")
    other = tmp_path / name
    other.write_text("someone else's\n")
    _age(other, STALE_AFTER + 60)
    write_atomically(path, "new\n")
    assert other.read_text() == "someone else's\n"


def test_a_recent_temporary_may_still_be_written_and_stays(tmp_path: Path) -> None:
    path = tmp_path / "deploy.yaml"
    path.write_text("old\n")
    fresh = tmp_path / f".deploy.yaml.{TOOL}-0123abcd.tmp"
    fresh.write_text("another run is writing this\n")
    write_atomically(path, "new\n")
    assert fresh.read_text() == "another run is writing this\n"


def test_a_symlink_with_our_temporary_name_is_not_followed_or_removed(tmp_path: Path) -> None:
    path, precious = tmp_path / "deploy.yaml", tmp_path / "precious"
    path.write_text("old\n")
    precious.write_text("keep\n")
    link = tmp_path / f".deploy.yaml.{TOOL}-0123abcd.tmp"
    link.symlink_to(precious)
    os.utime(link, (1.0, 1.0), follow_symlinks=False)
    write_atomically(path, "new\n")
    assert link.is_symlink() and precious.read_text() == "keep\n"


def test_the_temporary_name_is_recognised_as_ours(tmp_path: Path) -> None:
    name = temporary_name("deploy.yaml")
    assert is_our_temporary(name, "deploy.yaml")
    assert not is_our_temporary(name, "deploy.yml")
