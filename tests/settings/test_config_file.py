"""The `.sme-migrate.yaml` config file: discovery and validation."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from migrate.settings.config_file import (
    CONFIG_NAME,
    Settings,
    config_files,
    config_mesh_roots,
    load_settings,
)


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_each_scanned_directory_contributes_its_config(tmp_path: Path) -> None:
    first, second, bare = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    for directory in (first, second, bare):
        directory.mkdir()
    write(first / CONFIG_NAME, "ignore: [SME001]\n")
    write(second / CONFIG_NAME, "ignore: [SME002]\n")
    found = config_files(None, [str(first), str(second), str(bare), str(first)])
    assert found == (first / CONFIG_NAME, second / CONFIG_NAME)


def test_when_only_files_are_scanned_the_current_directory_config_applies(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path / CONFIG_NAME, "ignore: [SME001]\n")
    manifest = write(tmp_path / "sme.yaml", "kind: ServiceMeshExtension\n")
    monkeypatch.chdir(tmp_path)
    assert [p.resolve() for p in config_files(None, [str(manifest)])] == [tmp_path / CONFIG_NAME]
    assert os.path.samefile(config_files(None, ["-"])[0], tmp_path / CONFIG_NAME)


def test_entries_in_both_spellings(tmp_path: Path) -> None:
    path = write(
        tmp_path / "c.yaml",
        "ignore:\n  - SME017\n  - rule: SME001\n    name: old-*\n"
        "  - {rule: SME007, namespace: b}\n",
    )
    assert load_settings(path) == Settings(path, ("SME017", "SME001=*/old-*", "SME007=b/*"))


def test_an_empty_file_is_no_settings(tmp_path: Path) -> None:
    path = write(tmp_path / "c.yaml", "# nothing yet\n")
    assert load_settings(path) == Settings(path)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("ignore: [SME001\n", "is not valid YAML"),
        ("- SME001\n", "expected a mapping with the key `ignore`"),
        ("ignores: [SME001]\n", "unknown key 'ignores'"),
        ("ignore: SME001\n", "`ignore` must be a list"),
        ("ignore:\n  - namespace: a\n", "each `ignore` entry is RULE"),
        ("ignore:\n  - {rule: SME001, nmespace: a}\n", "unknown key 'nmespace'"),
        ("meshRoots: clusters/prod\n", "`meshRoots` must be a list of folders"),
        ("meshRoots: [clusters/prod, {path: x}]\n", "`meshRoots` must be a list of folders"),
    ],
)
def test_mistakes_are_reported_with_the_file(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path / "c.yaml", text)
    with pytest.raises(ValueError, match=message) as error:
        load_settings(path)
    assert str(path) in str(error.value)


def test_a_file_that_is_not_utf8_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_bytes(b"ignore: [\xff]\n")
    with pytest.raises(ValueError, match="is not valid YAML"):
        load_settings(path)


def test_mesh_roots_are_folders_next_to_the_file(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    write(repo / CONFIG_NAME, "meshRoots:\n  - clusters/prod\n  - clusters/stage\n")
    roots, sources = config_mesh_roots(None, [str(repo)])
    assert roots == (str(repo / "clusters/prod"), str(repo / "clusters/stage"))
    assert sources == (repo / CONFIG_NAME,)
    assert config_mesh_roots(None, [str(tmp_path)]) == ((), ())  # no config file there
