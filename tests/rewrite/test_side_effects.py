"""What a rewrite does to the files around the text it edits: links, owners, modes, encodings,
its own temporaries, and what its summary claims. Real files, links and permissions throughout
(the tests run as root, so ownership can be given away and checked)."""

from __future__ import annotations

import os
import re
import shutil
import stat
import time
from pathlib import Path

import pytest

from migrate.emit.atomic import STALE_AFTER, TOOL
from migrate.rewrite.apply import write_changes
from migrate.rewrite.plan import FileChange
from tests.rewrite.conftest import CASES_DIR
from tests.support.cli import sme_migrate

EXTENSION = """\
apiVersion: maistra.io/v1
kind: ServiceMeshExtension
metadata: {{name: {name}, namespace: istio-system}}
spec: {{config: {{a: b}}, image: quay.io/example/{name}:1, phase: PreAuthN, priority: 5}}
"""
CONTROL_PLANE = """\
apiVersion: maistra.io/v2
kind: ServiceMeshControlPlane
metadata: {name: basic, namespace: istio-system}
spec:
  version: v2.2
  techPreview:
    wasmExtensions:
      enabled: true
"""


def extension(name: str = "fine") -> str:
    return EXTENSION.format(name=name)


def finding_lines(stderr: str, rule: str) -> list[str]:
    """The report's lines of `rule` (by its column, not a mention in another's message)."""
    return [line for line in stderr.splitlines()
            if re.search(rf"\b(error|warning|info)\s+{rule}\b", line)]


def rewritten(path: Path) -> bool:
    return "kind: WasmPlugin" in path.read_text()


def _repository(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    return repo


# --- symlinks -----------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["write", "--check", "--diff"])
def test_a_symlink_leading_out_of_the_tree_is_reported_and_nothing_changes(
    tmp_path: Path, mode: str
) -> None:
    repo, outside = _repository(tmp_path), tmp_path / "outside.yaml"
    outside.write_text(extension())
    (repo / "link.yaml").symlink_to(outside)
    outcome = sme_migrate("rewrite", *([mode] if mode != "write" else []), str(repo))
    assert outcome.exit_code == 1
    (line,) = finding_lines(outcome.stderr, "SME060")
    assert f"{repo}/link.yaml" in line and str(outside) in line
    assert (repo / "link.yaml").is_symlink() and os.readlink(repo / "link.yaml") == str(outside)
    assert outside.read_text() == extension()
    assert "0 file(s): 0 ServiceMeshExtension(s) → WasmPlugin; 1 ServiceMeshExtension(s) left" in (
        outcome.stderr)
    assert "SME026" not in outcome.stderr  # the file's finding says it; no second one per object


def test_a_relative_symlink_climbing_out_is_caught_too(tmp_path: Path) -> None:
    repo = _repository(tmp_path)
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "ext.yaml").write_text(extension())
    (repo / "ext.yaml").symlink_to("../shared/ext.yaml")
    outcome = sme_migrate("rewrite", str(repo))
    assert outcome.exit_code == 1 and finding_lines(outcome.stderr, "SME060")
    assert (tmp_path / "shared" / "ext.yaml").read_text() == extension()


def test_a_named_link_is_the_link_not_its_target(tmp_path: Path) -> None:
    """`sme-migrate rewrite manifests/*.yaml` names links as readily as files."""
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "extension.yaml"
    target.write_text(extension())
    (tmp_path / "link.yaml").symlink_to(target)
    outcome = sme_migrate("rewrite", str(tmp_path / "link.yaml"))
    assert outcome.exit_code == 1 and finding_lines(outcome.stderr, "SME060")
    assert target.read_text() == extension() and (tmp_path / "link.yaml").is_symlink()


def test_the_control_plane_stays_while_its_extension_is_behind_an_outside_link(
    tmp_path: Path
) -> None:
    repo, outside = _repository(tmp_path), tmp_path / "outside.yaml"
    outside.write_text(extension())
    (repo / "link.yaml").symlink_to(outside)
    (repo / "smcp.yaml").write_text(CONTROL_PLANE)
    (repo / "other.yaml").write_text(extension("other"))
    outcome = sme_migrate("rewrite", str(repo))
    assert outcome.exit_code == 1
    assert (repo / "smcp.yaml").read_text() == CONTROL_PLANE
    assert rewritten(repo / "other.yaml") and outside.read_text() == extension()


def test_a_link_inside_the_tree_has_its_target_written_once(tmp_path: Path) -> None:
    alone = _repository(tmp_path)
    (alone / "ext.yaml").write_text(extension())
    assert sme_migrate("rewrite", str(alone)).exit_code == 0
    repo = tmp_path / "linked"
    (repo / "base").mkdir(parents=True)
    (repo / "base" / "ext.yaml").write_text(extension())
    (repo / "overlay.yaml").symlink_to("base/ext.yaml")
    outcome = sme_migrate("rewrite", str(repo))
    assert outcome.exit_code == 0, outcome.stderr
    assert "SME027" not in outcome.stderr  # not "defined twice": it is one file
    assert "rewrote 1 file(s): 1 ServiceMeshExtension(s)" in outcome.stderr
    assert (repo / "overlay.yaml").is_symlink()
    assert os.readlink(repo / "overlay.yaml") == "base/ext.yaml"
    assert (repo / "base" / "ext.yaml").read_bytes() == (alone / "ext.yaml").read_bytes()


def test_a_named_link_into_another_named_path_is_written_through(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "ext.yaml").write_text(extension())
    (tmp_path / "a" / "ext.yaml").symlink_to(tmp_path / "b" / "ext.yaml")
    outcome = sme_migrate("rewrite", str(tmp_path / "a" / "ext.yaml"), str(tmp_path / "b"))
    assert outcome.exit_code == 0, outcome.stderr
    assert (tmp_path / "a" / "ext.yaml").is_symlink() and rewritten(tmp_path / "b" / "ext.yaml")


def test_a_link_retargeted_after_planning_is_not_written(tmp_path: Path) -> None:
    planned, other, link = tmp_path / "planned.yaml", tmp_path / "other.yaml", tmp_path / "l"
    planned.write_text("old\n")
    other.write_text("old\n")
    link.symlink_to(other)
    (failure,) = write_changes([FileChange(str(link), b"old\n", b"new\n",
                                           target=str(planned))]).failures
    assert "now leads to" in failure.reason
    assert planned.read_text() == other.read_text() == "old\n" and link.is_symlink()


# --- ownership and mode -------------------------------------------------------------------


def test_owner_group_and_mode_are_kept(tmp_path: Path) -> None:
    path = _repository(tmp_path) / "ext.yaml"
    path.write_text(extension())
    os.chown(path, 1234, 1234)
    path.chmod(0o640)
    assert sme_migrate("rewrite", str(path.parent)).exit_code == 0
    status = path.stat()
    assert (status.st_uid, status.st_gid, stat.S_IMODE(status.st_mode)) == (1234, 1234, 0o640)
    assert rewritten(path)


def test_a_report_file_keeps_its_owner(tmp_path: Path) -> None:
    (tmp_path / "ext.yaml").write_text(extension())
    report = tmp_path / "report.json"
    report.write_text("{}")
    os.chown(report, 1234, 4321)
    outcome = sme_migrate("scan", str(tmp_path / "ext.yaml"), "--format", "json",
                          "--output-file", str(report), "--fail-on", "never")
    assert outcome.exit_code == 0
    assert (report.stat().st_uid, report.stat().st_gid) == (1234, 4321)
    assert '"findings"' in report.read_text()


def test_a_converted_plugin_file_keeps_its_owner(tmp_path: Path) -> None:
    (tmp_path / "ext.yaml").write_text(extension())
    out = tmp_path / "out"
    assert sme_migrate("convert", str(tmp_path / "ext.yaml"), "--output-dir", str(out)
                       ).exit_code == 0
    (written,) = out.iterdir()
    os.chown(written, 1234, 1234)
    written.write_text("stale\n")
    assert sme_migrate("convert", str(tmp_path / "ext.yaml"), "--output-dir", str(out)
                       ).exit_code == 0
    assert (written.stat().st_uid, written.stat().st_gid) == (1234, 1234)
    assert "kind: WasmPlugin" in written.read_text()


# --- hard links and read-only files -------------------------------------------------------


@pytest.mark.parametrize("mode", ["write", "--check"])
def test_a_hard_linked_file_is_refused_and_both_names_keep_their_text(
    tmp_path: Path, mode: str
) -> None:
    repo, elsewhere = _repository(tmp_path), tmp_path / "elsewhere.yaml"
    path = repo / "ext.yaml"
    path.write_text(extension())
    os.link(path, elsewhere)
    outcome = sme_migrate("rewrite", *([mode] if mode != "write" else []), str(repo))
    assert outcome.exit_code == 1
    (line,) = finding_lines(outcome.stderr, "SME061")
    assert str(path) in line and "2 hard links" in line
    assert path.stat().st_nlink == 2 and path.samefile(elsewhere)
    assert elsewhere.read_text() == extension()


@pytest.mark.parametrize("mode", [0o444, 0o400, 0o044])
def test_a_read_only_file_is_refused(tmp_path: Path, mode: int) -> None:
    repo = _repository(tmp_path)
    path, other = repo / "ext.yaml", repo / "other.yaml"
    path.write_text(extension())
    other.write_text(extension("other"))
    path.chmod(mode)
    outcome = sme_migrate("rewrite", str(repo))
    assert outcome.exit_code == 1
    (line,) = finding_lines(outcome.stderr, "SME062")
    assert str(path) in line and f"{mode:04o}" in line
    assert path.read_text() == extension() and stat.S_IMODE(path.stat().st_mode) == mode
    assert rewritten(other)


def test_a_read_only_control_plane_is_left_and_the_run_says_it_is_not_done(
    tmp_path: Path
) -> None:
    repo = _repository(tmp_path)
    (repo / "ext.yaml").write_text(extension())
    (repo / "smcp.yaml").write_text(CONTROL_PLANE)
    (repo / "smcp.yaml").chmod(0o444)
    outcome = sme_migrate("rewrite", str(repo))
    assert outcome.exit_code == 1
    assert finding_lines(outcome.stderr, "SME062") and finding_lines(outcome.stderr, "SME011")
    assert (repo / "smcp.yaml").read_text() == CONTROL_PLANE and rewritten(repo / "ext.yaml")


def test_a_read_only_file_the_rewrite_need_not_change_is_not_reported(tmp_path: Path) -> None:
    repo = _repository(tmp_path)
    (repo / "ext.yaml").write_text(extension())
    kustomization = repo / "kustomization.yaml"
    kustomization.write_text("resources:\n- ext.yaml\n")
    kustomization.chmod(0o444)
    outcome = sme_migrate("rewrite", str(repo))
    assert outcome.exit_code == 0, outcome.stderr
    assert "SME062" not in outcome.stderr and rewritten(repo / "ext.yaml")


def test_a_file_made_read_only_after_planning_is_not_written(tmp_path: Path) -> None:
    path = tmp_path / "ext.yaml"
    path.write_text("old\n")
    path.chmod(0o444)
    (failure,) = write_changes([FileChange(str(path), b"old\n", b"new\n")]).failures
    assert "read-only" in failure.reason and path.read_text() == "old\n"


# --- encodings ----------------------------------------------------------------------------


@pytest.mark.parametrize(("bom", "codec"), [(b"\xff\xfe", "utf-16-le"),
                                            (b"\xfe\xff", "utf-16-be")])
def test_a_utf16_file_keeps_its_encoding(tmp_path: Path, bom: bytes, codec: str) -> None:
    plain = _repository(tmp_path) / "ext.yaml"
    plain.write_text(extension())
    assert sme_migrate("rewrite", str(plain)).exit_code == 0
    wide = tmp_path / "wide" / "ext.yaml"
    wide.parent.mkdir()
    wide.write_bytes(bom + extension().encode(codec))
    diff = sme_migrate("rewrite", "--diff", str(wide))
    assert diff.exit_code == 0 and "+kind: WasmPlugin" in diff.stdout
    assert sme_migrate("rewrite", str(wide)).exit_code == 0
    data = wide.read_bytes()
    assert data.startswith(bom) and data[len(bom):].decode(codec) == plain.read_text()


# --- our temporary files ------------------------------------------------------------------


def _aged(path: Path, text: str) -> Path:
    path.write_text(text)
    moment = time.time() - STALE_AFTER - 60
    os.utime(path, (moment, moment))
    return path


def test_our_abandoned_temporaries_are_removed_and_look_alikes_stay(tmp_path: Path) -> None:
    repo = _repository(tmp_path)
    (repo / "ext.yaml").write_text(extension())
    (repo / "untouched").mkdir()
    ours = _aged(repo / f".ext.yaml.{TOOL}-5f3a9c01.tmp", "half a file")
    kept = [_aged(repo / ".ext.yaml.x1y2z3w4.tmp", "an editor's"),
            _aged(repo / f".ext.yaml.{TOOL}-5f3a9c01.tmp~", "a backup"),
            _aged(repo / f".other.yaml.{TOOL}-5f3a9c01.tmp", "not this file's"),
            _aged(repo / "untouched" / f".ext.yaml.{TOOL}-5f3a9c01.tmp", "nothing written here")]
    assert sme_migrate("rewrite", str(repo)).exit_code == 0
    assert not ours.exists()
    assert all(path.exists() for path in kept)
    assert not list(repo.glob(f".ext.yaml.{TOOL}-*.tmp"))


def test_a_fresh_temporary_may_belong_to_a_running_rewrite_and_stays(tmp_path: Path) -> None:
    repo = _repository(tmp_path)
    (repo / "ext.yaml").write_text(extension())
    fresh = repo / f".ext.yaml.{TOOL}-5f3a9c01.tmp"
    fresh.write_text("being written")
    assert sme_migrate("rewrite", str(repo)).exit_code == 0
    assert fresh.read_text() == "being written"


# --- honest counts ------------------------------------------------------------------------


def test_a_failed_write_is_not_counted_as_rewritten(tmp_path: Path) -> None:
    """A name so long that the temporary beside it cannot be created (ENAMETOOLONG) is a real
    write failure even as root, who may write anywhere."""
    repo = _repository(tmp_path)
    (repo / "fine.yaml").write_text(extension())
    long = repo / ("x" * 240 + ".yaml")
    long.write_text(extension("long"))
    outcome = sme_migrate("rewrite", str(repo))
    assert outcome.exit_code == 2
    assert re.search(r"sme-migrate: .*x{240}\.yaml: .*too long", outcome.stderr)
    assert ("rewrote 1 file(s): 1 ServiceMeshExtension(s) → WasmPlugin; "
            "1 ServiceMeshExtension(s) left as they are") in outcome.stderr
    assert f"rewrote {long}" not in outcome.stderr
    assert long.read_text() == extension("long") and rewritten(repo / "fine.yaml")
    assert "SME001" in outcome.stderr  # its extension is still there, and still reported


def test_outcomes_name_each_change_written_or_not(tmp_path: Path) -> None:
    written, gone = tmp_path / "written.yaml", tmp_path / "gone.yaml"
    written.write_text("old\n")
    result = write_changes([FileChange(str(gone), b"old\n", b"new\n"),
                            FileChange(str(written), b"old\n", b"new\n")])
    assert [(o.change.path, o.written) for o in result.outcomes] == [
        (str(gone), False), (str(written), True)]
    assert result.paths == {str(written)}



def test_a_patch_file_outside_the_named_paths_is_not_rewritten(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(CASES_DIR / "kustomize" / "input", repo)
    prod = repo / "overlays" / "prod"
    (repo / "shared").mkdir()
    shared = (prod / "header-value.yaml").rename(repo / "shared" / "header-value.yaml")
    kustomization = prod / "kustomization.yaml"
    kustomization.write_text(kustomization.read_text().replace(
        "- header-value.yaml", "- ../../shared/header-value.yaml"))
    before = shared.read_bytes()
    outcome = sme_migrate("rewrite", str(repo / "base"), str(repo / "overlays"))
    (line,) = finding_lines(outcome.stderr, "SME060")
    assert str(shared) in line and "outside the paths named" in line
    assert f"not rewritten: {shared} is left as it is (see SME060)" in outcome.stderr  # SME024
    assert shared.read_bytes() == before
    assert "kind: WasmPlugin" in (repo / "base" / "extensions.yaml").read_text()
