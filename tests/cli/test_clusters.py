"""Cluster folders on the command line: `--mesh-root` and `meshRoots:` checked before anything
is read, one output folder per cluster, a stream that names each document's cluster, and the
chain view and `verify` per cluster."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from tests.support.cli import sme_migrate
from tests.support.gitrepo import git

TESTDATA = Path(__file__).resolve().parents[2] / "testdata"
BY_CONTROL_PLANE = TESTDATA / "convert" / "clusters-by-control-plane" / "input.tree"
OVERLAYS = TESTDATA / "convert" / "clusters-kustomize-overlays" / "input.tree"
NAMED_IN_SETTINGS = TESTDATA / "scan" / "clusters-named-in-settings" / "input"


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The two-cluster tree, copied, as the current directory."""
    shutil.copytree(BY_CONTROL_PLANE, tmp_path / "repo")
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "repo")
    return tmp_path / "repo"


@pytest.mark.parametrize(("args", "message"), [
    (["--mesh-root", "clusters/prod/mesh/control-plane.yaml"],
     "--mesh-root clusters/prod/mesh/control-plane.yaml: not a directory (name the folder that "
     "holds one cluster's manifests)"),
    (["--mesh-root", "../elsewhere"], "--mesh-root ../elsewhere is outside the paths read "
     "(clusters): it would hold nothing"),
    (["--mesh-root", "clusters", "--mesh-root", "clusters/prod"],
     "--mesh-root clusters/prod lies inside clusters: one cluster's folder cannot hold another's"),
])
def test_a_mesh_root_that_cannot_be_a_cluster_folder_is_a_usage_error(
        repo: Path, args: list[str], message: str) -> None:
    before = {p: p.read_bytes() for p in repo.rglob("*.yaml")}
    for command in ("scan", "convert", "rewrite", "chains"):
        outcome = sme_migrate(command, "clusters", *args)
        assert (outcome.exit_code, outcome.stdout) == (2, ""), command
        assert outcome.stderr == f"sme-migrate: {message}\n", command
    assert {p: p.read_bytes() for p in repo.rglob("*.yaml")} == before  # rewrite wrote nothing


def test_mesh_roots_name_folders_not_a_cluster_read(repo: Path) -> None:
    outcome = sme_migrate("scan", "--cluster", "--mesh-root", "clusters/prod")
    assert outcome.exit_code == 2 and "--mesh-root names folders of files" in outcome.stderr


def test_mesh_roots_in_the_settings_file_are_relative_to_it(repo: Path) -> None:
    (repo / ".sme-migrate.yaml").write_text("meshRoots: [clusters/prod]\n")
    outcome = sme_migrate("scan", ".", "--format", "json", "--fail-on", "never")
    (found,) = [f for f in outcome.json()["findings"] if f["rule"] == "SME042"]
    assert found["message"].startswith("clusters/prod is taken as a cluster of its own (named "
                                       "by meshRoots in .sme-migrate.yaml)")
    assert "the files outside them are read as one more cluster" in found["message"]
    (repo / ".sme-migrate.yaml").write_text("meshRoots: clusters/prod\n")
    outcome = sme_migrate("scan", ".")
    assert outcome.exit_code == 2
    assert "`meshRoots` must be a list of folders" in outcome.stderr


def test_the_option_wins_over_the_settings_file(repo: Path) -> None:
    (repo / ".sme-migrate.yaml").write_text("meshRoots: [clusters/prod]\n")
    outcome = sme_migrate("scan", ".", "--mesh-root", "clusters", "--format", "json",
                          "--fail-on", "never")
    messages = [f["message"] for f in outcome.json()["findings"] if f["rule"] == "SME042"]
    assert messages == ["clusters is taken as a cluster of its own (named by --mesh-root): each "
                        "one's meshes are ordered, checked and migrated on their own"]
    assert any(f["rule"] == "SME027" for f in outcome.json()["findings"])  # one cluster again


def test_output_dir_holds_one_folder_per_cluster(repo: Path, tmp_path: Path) -> None:
    outcome = sme_migrate("convert", ".", "--output-dir", str(tmp_path / "out"))
    assert outcome.exit_code == 0 and outcome.stdout == ""
    assert "SME043" not in outcome.stderr  # nothing shares a stream
    written = {str(p.relative_to(tmp_path / "out")): yaml.safe_load(p.read_text())
               for p in (tmp_path / "out").rglob("*.yaml")}
    assert sorted(written) == [
        "prod/bookinfo.audit-log.wasmplugin.yaml", "prod/bookinfo.header-append.wasmplugin.yaml",
        "prod/istio-system.ip-allowlist.wasmplugin.yaml",
        "prod/istio-system.jwt-claims.wasmplugin.yaml",
        "prod/istio-system.rate-limit.wasmplugin.yaml",
        "stage/bookinfo.audit-log.wasmplugin.yaml",
        "stage/bookinfo.debug-headers.wasmplugin.yaml",
        "stage/bookinfo.header-append.wasmplugin.yaml",
        "stage/istio-system.ip-allowlist.wasmplugin.yaml",
        "stage/istio-system.jwt-claims.wasmplugin.yaml",
    ]
    assert written["prod/istio-system.jwt-claims.wasmplugin.yaml"]["spec"]["priority"] == 20
    assert written["stage/istio-system.jwt-claims.wasmplugin.yaml"]["spec"]["priority"] == 10


def test_a_plugin_several_clusters_read_goes_into_each_folder(tmp_path: Path) -> None:
    outcome = sme_migrate("convert", str(OVERLAYS), "--output-dir", str(tmp_path / "out"))
    assert outcome.exit_code == 0
    written = sorted(str(p.relative_to(tmp_path / "out")) for p in (tmp_path / "out").rglob("*"))
    assert "prod/istio-system.jwt-claims.wasmplugin.yaml" in written
    assert "stage/istio-system.jwt-claims.wasmplugin.yaml" in written
    assert "stage/istio-system.rate-limit.wasmplugin.yaml" not in written


def test_one_json_list_cannot_say_which_cluster_a_plugin_is_for(repo: Path) -> None:
    outcome = sme_migrate("convert", ".", "-o", "json")
    assert (outcome.exit_code, outcome.stdout) == (2, "")
    assert outcome.stderr == (
        "sme-migrate: the extensions are of 2 clusters (clusters/prod, clusters/stage, see "
        "SME042) and one JSON List cannot say which cluster each plugin is for: use -o yaml "
        "(each document names its cluster) or --output-dir DIR (one folder per cluster)\n")
    assert sme_migrate("convert", "clusters/prod", "-o", "json").exit_code == 0


def test_the_yaml_stream_names_each_documents_cluster_and_warns(repo: Path) -> None:
    outcome = sme_migrate("convert", ".")
    documents = outcome.stdout.split("---\n")[1:]
    comment = "# sme-migrate cluster: clusters/"
    assert [d.splitlines()[0] for d in documents] == [comment + "prod"] * 5 + [
        comment + "stage"] * 5
    assert "warning  SME043  the stream holds the WasmPlugins of 2 clusters" in outcome.stderr
    assert outcome.exit_code == 0
    assert sme_migrate("convert", ".", "--fail-on", "warning").exit_code == 1


def test_the_chain_view_shows_each_cluster_on_its_own(repo: Path) -> None:
    outcome = sme_migrate("chains", ".")
    headings = [line for line in outcome.stdout.splitlines() if line.startswith("mesh ")]
    assert [h.split(":")[0] for h in headings] == ["mesh istio-system in clusters/prod",
                                                   "mesh istio-system in clusters/stage"]
    meshes = json.loads(sme_migrate("chains", ".", "-o", "json").stdout)["meshes"]
    assert [(m["root"], m["cluster"]) for m in meshes] == [
        ("istio-system", "clusters/prod"), ("istio-system", "clusters/stage")]


def test_verify_checks_each_cluster_against_its_own_plugins(repo: Path) -> None:
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "before")
    git(repo, "tag", "before")
    assert sme_migrate("rewrite", ".").exit_code == 0
    git(repo, "commit", "-qam", "after")
    outcome = sme_migrate("verify", "--before", "before", "--after", "main")
    assert outcome.exit_code == 0, outcome.stdout
    assert "(10 extension(s) compared)" in outcome.stderr
    told = sme_migrate("verify", "--before", "before", "--after", "main", "-o", "json").json()
    assert [f["message"].split(" (")[0] for f in told["findings"]] == [
        "clusters/prod and clusters/stage are taken as separate clusters"]  # SME042, as scan says
    one = sme_migrate("verify", "--before", "before", "--after", "main", "--mesh-root", ".",
                      "-o", "json")
    assert one.exit_code == 1  # read as one cluster, the copies tie: the proof says so
    missing = sme_migrate("verify", "--before", "before", "--after", "main", "--mesh-root",
                          "clusters/qa")
    assert missing.exit_code == 2
    assert missing.stderr == "sme-migrate: --mesh-root clusters/qa (at before): no such directory\n"


def test_verify_reads_the_cluster_folders_the_settings_file_names(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(NAMED_IN_SETTINGS, tmp_path / "repo")
    monkeypatch.chdir(tmp_path / "repo")
    git(tmp_path / "repo", "init", "-q", "-b", "main")
    git(tmp_path / "repo", "add", "-A")
    git(tmp_path / "repo", "commit", "-qm", "before")
    git(tmp_path / "repo", "tag", "before")
    assert sme_migrate("rewrite", ".").exit_code == 0  # east and west, each ordered on its own
    git(tmp_path / "repo", "commit", "-qam", "after")
    outcome = sme_migrate("verify", "--before", "before", "--after", "main")
    assert outcome.exit_code == 0, outcome.stdout
    as_one = sme_migrate("verify", "--before", "before", "--after", "main", "--mesh-root", ".")
    assert as_one.exit_code == 1  # the settings file is what made them two clusters
    (tmp_path / "repo" / ".sme-migrate.yaml").write_text("meshRoots: [clusters/north]\n")
    git(tmp_path / "repo", "commit", "-qam", "a cluster folder that does not exist")
    git(tmp_path / "repo", "tag", "-f", "before")
    missing = sme_migrate("verify", "--before", "before", "--after", "main")
    assert missing.exit_code == 2
    assert missing.stderr == ("sme-migrate: meshRoots in .sme-migrate.yaml (at before) "
                              "clusters/north: no such directory\n")
