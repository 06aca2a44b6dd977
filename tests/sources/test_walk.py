"""Walking: git's ignore rules, `.git/`, nested work trees, directory symlinks, unreadable
directories. Observed through read_paths, as a user sees it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from migrate.sources.files import read_paths
from migrate.sources.walk import listed_early, walk
from tests.sources.source_trees import (
    Tree,
    can_run_unprivileged,
    extension_yaml,
    git,
    names,
    scan_in_subprocess,
)

REPO = Path(__file__).resolve().parents[2]


def test_files_git_ignores_are_skipped_but_untracked_ones_are_read(tree: Tree) -> None:
    root = tree(
        {
            ".gitignore": "generated/\n*.local.yaml\n",
            "tracked.yaml": extension_yaml("tracked"),
            "untracked.yaml": extension_yaml("untracked"),
            "generated/out.yaml": extension_yaml("ignored-directory"),
            "dev.local.yaml": extension_yaml("ignored-pattern"),
        }
    )
    git(root, "init", "-q")
    git(root, "add", "tracked.yaml")

    scan = read_paths([str(root)])

    assert names(scan) == ["tracked", "untracked"]
    assert scan.files_scanned == 3  # .gitignore, tracked.yaml, untracked.yaml


def test_a_directory_named_explicitly_is_read_even_when_git_ignores_it(tree: Tree) -> None:
    root = tree({".gitignore": "rendered/\n", "rendered/out.yaml": extension_yaml("rendered")})
    git(root, "init", "-q")

    assert names(read_paths([str(root / "rendered")])) == ["rendered"]


def test_nested_repository_uses_its_own_ignore_rules(tree: Tree) -> None:
    root = tree(
        {
            "outer.yaml": extension_yaml("outer"),
            "vendor/lib/.gitignore": "skip.yaml\n",
            "vendor/lib/skip.yaml": extension_yaml("skipped"),
            "vendor/lib/keep.yaml": extension_yaml("kept"),
        }
    )
    git(root, "init", "-q")
    git(root / "vendor" / "lib", "init", "-q")

    assert names(read_paths([str(root)])) == ["outer", "kept"]


@pytest.mark.parametrize("in_git", [True, False], ids=["git-work-tree", "plain-directory"])
def test_dot_git_directories_are_never_read(tree: Tree, in_git: bool) -> None:
    root = tree({"app.yaml": extension_yaml("real"), "sub/x.yaml": extension_yaml("sub")})
    if in_git:
        git(root, "init", "-q")
    hidden = {
        ".git/refs/ext.yaml": extension_yaml("in-dot-git"),
        "sub/.git/ext.yaml": extension_yaml("in-nested-dot-git"),
    }
    tree(hidden)

    assert sorted(names(read_paths([str(root)]))) == ["real", "sub"]


def test_submodule_contents_are_read(tree: Tree, tmp_path: Path) -> None:
    library = tree({"lib/ext.yaml": extension_yaml("in-submodule")}) / "lib"
    git(library, "init", "-q")
    git(library, "add", ".")
    git(library, "-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-qm", "x")
    outer = tmp_path / "outer"
    outer.mkdir()
    git(outer, "init", "-q")
    git(
        outer,
        "-c",
        "protocol.file.allow=always",
        "submodule",
        "add",
        "-q",
        str(library),
        "vendored",
    )
    (outer / "top.yaml").write_text(extension_yaml("top"))

    assert names(read_paths([str(outer)])) == ["top", "in-submodule"]


@pytest.mark.parametrize("in_git", [True, False], ids=["git-work-tree", "plain-directory"])
def test_directory_symlinks_are_not_followed_so_loops_end(tree: Tree, in_git: bool) -> None:
    root = tree({"apps/ext.yaml": extension_yaml("once")})
    (root / "apps" / "loop").symlink_to("..", target_is_directory=True)
    (root / "apps" / "self").symlink_to(".", target_is_directory=True)
    if in_git:
        git(root, "init", "-q")

    scanned = scan_in_subprocess([str(root)])  # a hang fails the test by timeout, not pytest

    assert scanned["names"] == ["once"]
    assert scanned["findings"] == []


def test_walk_lists_file_symlinks_and_sorts_paths(tree: Tree) -> None:
    root = tree({"b.yaml": "b", "a/c.yaml": "c"})
    (root / "link.yaml").symlink_to("b.yaml")

    assert walk(str(root)).files == tuple(
        str(root / name) for name in ("a/c.yaml", "b.yaml", "link.yaml")
    )


def test_relative_paths_stay_relative(tree: Tree, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tree({"apps/ext.yaml": extension_yaml("ext")})
    monkeypatch.chdir(root)

    assert walk(".").files == ("apps/ext.yaml",)
    assert walk("./apps/").files == ("./apps/ext.yaml",)
    assert read_paths(["apps"]).resources[0].location.path == "apps/ext.yaml"  # type: ignore[union-attr]


@pytest.mark.skipif(not can_run_unprivileged(), reason="cannot drop root's file access here")
@pytest.mark.parametrize("in_git", [True, False], ids=["git-work-tree", "plain-directory"])
def test_unreadable_directory_is_a_finding_and_the_rest_is_scanned(
    shared_tree: Tree, in_git: bool
) -> None:
    root = shared_tree({"ok/ext.yaml": extension_yaml("readable"), "locked/x.yaml": "x"})
    if in_git:
        git(root, "init", "-q")
    (root / "locked").chmod(0)

    # safe.directory: git refuses a work tree owned by another user (root) unless told.
    trust_any_owner = {
        "GIT_CONFIG_COUNT": "1",
        "GIT_CONFIG_KEY_0": "safe.directory",
        "GIT_CONFIG_VALUE_0": "*",
    }
    scanned = scan_in_subprocess([str(root)], as_unprivileged=True, env=trust_any_owner)

    assert scanned["names"] == ["readable"]
    (finding,) = scanned["findings"]
    assert finding["rule"] == "SME021"
    assert finding["location"]["path"] == os.path.join(str(root), "locked")
    assert finding["message"] == "cannot be read: Permission denied"


def test_a_listing_started_early_lists_what_a_walk_lists(tree: Tree) -> None:
    root = tree({".gitignore": "generated/\n", "tracked.yaml": "a: 1\n",
                 "untracked.yaml": "b: 2\n", "generated/out.yaml": "c: 3\n"})
    git(root, "init", "-q")
    git(root, "add", "tracked.yaml")
    fresh = walk(str(root))

    with listed_early(["-o", "json", str(root), "no-such-directory"]):
        early = walk(str(root))

    assert early == fresh
    assert [os.path.basename(path) for path in early.files] == [
        ".gitignore", "tracked.yaml", "untracked.yaml"]


def test_a_directory_git_ignores_is_walked_when_named_even_when_listed_early(tree: Tree) -> None:
    root = tree({".gitignore": "rendered/\n", "rendered/out.yaml": extension_yaml("rendered")})
    git(root, "init", "-q")

    with listed_early([str(root / "rendered")]):
        walked = walk(str(root / "rendered"))

    assert [os.path.basename(path) for path in walked.files] == ["out.yaml"]


def test_an_early_listing_serves_one_walk_and_never_outlives_its_command(tree: Tree) -> None:
    """A file written after the first walk (a rewrite's output) is in the next walk, and
    in a walk after the command, however early the listing was."""
    root = tree({"a.yaml": "a: 1\n"})
    git(root, "init", "-q")

    with listed_early([str(root)]):
        (root / "b.yaml").write_text("b: 2\n")  # git may or may not have listed it yet
        walk(str(root))
        (root / "c.yaml").write_text("c: 3\n")
        second = walk(str(root))
        (root / "d.yaml").write_text("d: 4\n")
    after = walk(str(root))

    assert [os.path.basename(path) for path in second.files] == ["a.yaml", "b.yaml", "c.yaml"]
    assert len(after.files) == 4


def test_a_listing_no_walk_took_is_stopped(tree: Tree) -> None:
    root = tree({"a.yaml": "a: 1\n"})
    git(root, "init", "-q")
    (root / "b.yaml").write_text("b: 2\n")

    with listed_early([str(root)]):
        time.sleep(0.5)  # git has listed the tree; the command stops (say, a usage error)
    (root / "c.yaml").write_text("c: 3\n")

    assert len(walk(str(root)).files) == 3


def test_the_command_line_lists_its_directories_early_and_scans_them(tree: Tree) -> None:
    root = tree({"tracked.yaml": extension_yaml("tracked"), "new.yaml": extension_yaml("new")})
    git(root, "init", "-q")
    git(root, "add", "tracked.yaml")

    done = subprocess.run([sys.executable, "-m", "migrate", "scan", str(root), "-o", "json"],
                          capture_output=True, text=True, cwd=REPO, check=False)

    assert done.returncode == 1, done.stderr
    found = {finding["location"]["path"] for finding in json.loads(done.stdout)["findings"]
             if finding.get("location")}
    assert {os.path.basename(path) for path in found} == {"tracked.yaml", "new.yaml"}


def _with_monitor(root: Path, marker: Path) -> None:
    """A repository whose config names a file-system monitor: a program git would run."""
    hook = root.parent / "monitor.sh"
    hook.write_text(f"#!/bin/sh\ntouch {marker}\necho 0\n")
    hook.chmod(0o755)
    git(root, "config", "core.fsmonitor", str(hook))


def test_scanning_a_repository_runs_no_program_its_git_config_names(tree: Tree,
                                                                    tmp_path: Path) -> None:
    root = tree({"tracked.yaml": extension_yaml("tracked"), "new.yaml": extension_yaml("new")})
    git(root, "init", "-q")
    git(root, "add", "tracked.yaml")
    marker = tmp_path / "monitor-ran"
    _with_monitor(root, marker)

    with listed_early([str(root)]):
        early = read_paths([str(root)])
    late = read_paths([str(root)])

    assert names(early) == names(late) == ["new", "tracked"]
    assert not marker.exists()


def test_a_directory_given_as_an_options_value_is_not_listed_early(
        tree: Tree, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`convert IN --output-dir OUT`: git is not run in OUT, which is not read; IN is listed."""
    root = tree({"in/a.yaml": "a: 1\n", "out/b.yaml": "b: 2\n"})
    for directory in ("in", "out"):
        git(root / directory, "init", "-q")
    trace = tmp_path / "git-trace"
    monkeypatch.setenv("GIT_TRACE2", str(trace))  # git logs each command it runs, -C and all

    with listed_early([str(root / "in"), "--output-dir", str(root / "out"), "-o", "json"]):
        walk(str(root / "in"))

    ran = trace.read_text()
    assert f"-C {root / 'in'} ls-files" in ran
    assert str(root / "out") not in ran
