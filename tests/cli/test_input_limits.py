"""Hostile input through the real command: alias bombs of large strings, files and streams far
over the size cap, deep nesting, a closed stdin. Each ends quickly, in bounded memory, with a
finding (or a one-line usage error) and the valid input beside it still handled."""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

from tests.support.cli import Outcome, sme_migrate
from tests.support.process import sme_migrate_process

FINE = """\
apiVersion: maistra.io/v1
kind: ServiceMeshExtension
metadata: {name: fine, namespace: istio-system}
spec: {config: {a: b}, image: quay.io/example/fine:1, phase: PreAuthN}
"""
HEADER = """\
apiVersion: maistra.io/v1
kind: ServiceMeshExtension
metadata: {name: bomb, namespace: istio-system}
spec:
  image: quay.io/example/bomb:1
  phase: PreAuthN
  config:
"""
MIB = 2**20
MEMORY_MIB = 100  # the tool itself needs about 40; reading a 500 MB file whole took 1,035


def string_bomb(levels: int = 5, fan_out: int = 9) -> str:
    """A 1 MiB string aliased fan_out**levels times: few nodes, 62 GB once written out."""
    lines = [f"    a0: &a0 '{'x' * MIB}'"]
    for level in range(1, levels + 1):
        aliases = ", ".join([f"*a{level - 1}"] * fan_out)
        lines.append(f"    a{level}: &a{level} [{aliases}]")
    return HEADER + "\n".join(lines) + "\n"


def tree(root: Path, files: dict[str, str]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (root / name).write_text(text)
    return root


def digests(root: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.iterdir())}


def sme013(outcome: Outcome, name: str) -> str:
    text = outcome.stdout + outcome.stderr
    lines = [line for line in text.splitlines() if "SME013" in line]
    assert lines, text
    return lines[0]


def test_a_string_alias_bomb_is_a_finding_for_scan(tmp_path: Path) -> None:
    root = tree(tmp_path / "repo", {"bomb.yaml": string_bomb(), "fine.yaml": FINE})
    started = time.monotonic()

    report = sme_migrate("scan", str(root), "--format", "json").json()

    assert time.monotonic() - started < 30
    by_rule = {(f["rule"], f["location"]["path"]) for f in report["findings"] if f["location"]}
    assert ("SME013", str(root / "bomb.yaml")) in by_rule
    assert ("SME001", str(root / "fine.yaml")) in by_rule
    (bomb,) = [f for f in report["findings"] if f["rule"] == "SME013"]
    assert "16 MiB of text" in bomb["message"] and "alias bomb" in bomb["message"]


def test_convert_refuses_a_string_alias_bomb_and_converts_the_rest(tmp_path: Path) -> None:
    root = tree(tmp_path / "repo", {"bomb.yaml": string_bomb(), "fine.yaml": FINE})
    started = time.monotonic()

    outcome = sme_migrate("convert", str(root))

    assert time.monotonic() - started < 30  # writing the bomb out took hours
    assert "alias bomb" in sme013(outcome, "bomb.yaml")
    assert "name: fine" in outcome.stdout and "name: bomb" not in outcome.stdout
    assert len(outcome.stdout) < 10_000


def test_rewrite_leaves_a_string_alias_bomb_untouched(tmp_path: Path) -> None:
    root = tree(tmp_path / "repo", {"bomb.yaml": string_bomb()})
    before = digests(root)
    started = time.monotonic()

    outcome = sme_migrate("rewrite", str(root))

    assert time.monotonic() - started < 30
    assert outcome.exit_code == 1
    assert "alias bomb" in sme013(outcome, "bomb.yaml")
    assert digests(root) == before


def test_rewrite_never_expands_a_kustomize_patch_that_is_a_bomb(tmp_path: Path) -> None:
    """The scan refuses the patch; the rewrite reads patch files itself and must refuse it too."""
    patch = string_bomb().replace("name: bomb", "name: fine")
    root = tree(tmp_path / "repo", {
        "kustomization.yaml": "resources: [fine.yaml]\npatches:\n- path: patch.yaml\n",
        "fine.yaml": FINE, "patch.yaml": patch})
    started = time.monotonic()

    outcome = sme_migrate("rewrite", str(root))

    assert time.monotonic() - started < 30  # it expanded the patch for minutes
    assert "alias bomb" in sme013(outcome, "patch.yaml")
    assert (root / "patch.yaml").read_text() == patch
    assert (root / "kustomization.yaml").read_text().endswith("- path: patch.yaml\n")


def test_aliases_of_large_strings_below_the_cap_still_convert(tmp_path: Path) -> None:
    shared = HEADER + f"    a: &a '{'y' * 100_000}'\n    b: [*a, *a, *a, *a, *a, *a, *a, *a]\n"
    root = tree(tmp_path / "repo", {"shared.yaml": shared})

    outcome = sme_migrate("convert", str(root))

    assert outcome.exit_code == 0, outcome.stderr
    assert "SME013" not in outcome.stderr
    assert outcome.stdout.count("y" * 100_000) == 9


def test_a_sparse_500_mb_file_is_reported_without_being_held(tmp_path: Path) -> None:
    huge = tmp_path / "huge.yaml"
    with huge.open("wb") as stream:
        stream.truncate(500 * MIB)  # a hole: no disk used
        stream.seek(0, 2)
        stream.write(b"\nkind: ServiceMeshExtension\n")
    (tmp_path / "fine.yaml").write_text(FINE)

    run = sme_migrate_process("scan", str(tmp_path), "--format", "json", timeout=120)

    assert run.exit_code == 1, run.stderr
    assert run.peak_mib < MEMORY_MIB, run.peak_mib
    assert '"SME013"' in run.stdout and "500.0 MiB > 16 MiB" in run.stdout
    assert '"line": 2' in run.stdout  # its first mention, after the hole
    assert '"SME001"' in run.stdout  # the file beside it was still scanned


def test_an_endless_stdin_is_read_up_to_the_cap_only(tmp_path: Path) -> None:
    (tmp_path / "fine.yaml").write_text(FINE)
    with open("/dev/zero", "rb") as zeros:
        run = sme_migrate_process("scan", "-", str(tmp_path), stdin=zeros, timeout=60)

    assert run.exit_code == 1, run.stderr
    assert run.peak_mib < MEMORY_MIB, run.peak_mib
    assert "<stdin>" in run.stdout and "more than 16 MiB: reading stopped there" in run.stdout
    assert "SME001" in run.stdout  # the other path was still scanned


def test_stdin_over_the_cap_points_at_its_first_mention() -> None:
    text = "x: 1\n" * 3 + "kind: ServiceMeshExtension\n" + "#\n" * (9 * MIB)

    report = sme_migrate("scan", "-", "--format", "json", stdin=text).json()

    (finding,) = report["findings"]
    assert finding["rule"] == "SME013" and "reading stopped there" in finding["message"]
    assert finding["location"] == {"path": "<stdin>", "line": 4}


def test_a_closed_stdin_is_a_usage_error() -> None:
    run = sme_migrate_process("scan", "-", close_stdin=True, timeout=60)

    assert run.exit_code == 2
    assert run.stderr.strip().splitlines() == [
        "sme-migrate: `-` reads standard input, but standard input is closed"]


def test_config_file_over_its_cap_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "fine.yaml").write_text(FINE)
    run = sme_migrate_process("scan", "--config", "/dev/zero", str(tmp_path), timeout=60)

    assert run.exit_code == 2
    assert run.stderr.strip().splitlines() == [
        "sme-migrate: config file /dev/zero is larger than 1 MiB; "
        "a settings file is a few lines of YAML"]
    assert run.peak_mib < MEMORY_MIB


DEPTH = 100_000


def test_deep_nesting_anywhere_in_the_input_is_a_finding(tmp_path: Path) -> None:
    flow = "[" * DEPTH + "]" * DEPTH
    head = "apiVersion: maistra.io/v1\nkind: ServiceMeshExtension\nmetadata: {name: deep}\n"
    block = "".join(" " * (2 * level) + f"k{level}:\n" for level in range(3000))
    as_json = ('{"apiVersion": "maistra.io/v1", "kind": "ServiceMeshExtension", '
               f'"spec": {{"config": {flow}}}}}')
    root = tree(tmp_path / "repo", {
        "flow.yaml": head + f"spec: {{config: {flow}}}\n", "block.yaml": head + "spec:\n" + block,
        "deep.json": as_json, "fine.yaml": FINE})

    report = sme_migrate("scan", str(root), "-", "--format", "json", stdin=head + flow).json()

    refused = {f["location"]["path"] for f in report["findings"] if f["rule"] == "SME013"}
    assert refused == {str(root / name) for name in ("flow.yaml", "block.yaml", "deep.json")} | {
        "<stdin>"}
    assert report["summary"]["extensions"] == 1  # fine.yaml


def test_a_deeply_nested_config_string_is_not_converted(tmp_path: Path) -> None:
    nested = "[" * DEPTH + "]" * DEPTH
    text = FINE.replace("maistra.io/v1", "maistra.io/v1alpha1").replace(
        "config: {a: b}", f"config: '{nested}'")
    root = tree(tmp_path / "repo", {"deep.yaml": text})

    outcome = sme_migrate("convert", str(root))

    assert outcome.exit_code == 1
    assert "SME002" in outcome.stderr and "nested too deeply" in outcome.stderr


def test_a_deeply_nested_config_file_is_a_usage_error(tmp_path: Path) -> None:
    config = tmp_path / "settings.yaml"
    config.write_text("ignore: " + "[" * DEPTH + "]" * DEPTH + "\n")

    outcome = sme_migrate("scan", "--config", str(config), str(tmp_path))

    assert outcome.exit_code == 2
    assert outcome.stderr.strip().splitlines() == [
        f"sme-migrate: config file {config} is nested too deeply to be read"]


def test_rewrite_looks_for_extensions_in_a_file_over_the_cap_without_holding_it(
        tmp_path: Path) -> None:
    huge = tmp_path / "huge.yaml"
    with huge.open("wb") as stream:
        stream.write(b"kind: ServiceMeshExtension\n")
        stream.truncate(500 * MIB)
    (tmp_path / "fine.yaml").write_text(FINE)

    run = sme_migrate_process("rewrite", "--check", str(tmp_path), timeout=120)

    assert run.exit_code == 1, run.stderr  # fine.yaml would change
    assert run.peak_mib < MEMORY_MIB, run.peak_mib
    assert str(huge) in run.stderr  # it still holds an extension the rewrite cannot see


def test_a_kustomization_that_never_ends_does_not_hang_the_scan(tmp_path: Path) -> None:
    tree(tmp_path / "apps" / "team", {"fine.yaml": FINE})
    (tmp_path / "apps" / "kustomization.yaml").symlink_to("/dev/zero")
    os.mkfifo(tmp_path / "apps" / "team" / "kustomization.yml")

    run = sme_migrate_process("scan", str(tmp_path), "--format", "json", timeout=60)

    assert run.exit_code == 1, run.stderr
    assert run.peak_mib < MEMORY_MIB, run.peak_mib
    assert '"SME001"' in run.stdout


def test_rewrite_does_not_hold_a_patch_file_over_the_cap(tmp_path: Path) -> None:
    tree(tmp_path, {"fine.yaml": FINE,
                    "kustomization.yaml": "resources: [fine.yaml]\npatches:\n- path: huge.yaml\n"})
    with (tmp_path / "huge.yaml").open("wb") as stream:
        stream.write(b"kind: ServiceMeshExtension\nmetadata: {name: fine}\n")
        stream.truncate(500 * MIB)

    run = sme_migrate_process("rewrite", "--check", str(tmp_path), timeout=120)

    assert run.exit_code == 2, run.stderr  # a file the rewrite must read could not be
    assert run.peak_mib < MEMORY_MIB, run.peak_mib
    assert "huge.yaml: not read: larger than 16 MiB, or not a regular file" in run.stderr
