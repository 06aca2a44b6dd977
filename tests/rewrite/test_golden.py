"""Golden rewrites: testdata/rewrite/<case>/input becomes exactly <case>/expected.

Every case also proves: nothing outside the edited spans moved (checked independently of the
rewriter's code), a second run changes nothing, every written WasmPlugin is valid against the
Istio CRD and equal (deepdiff) to what `convert` computes, and `scan` is clean afterwards.
"""

from __future__ import annotations

from pathlib import Path

from deepdiff import DeepDiff

from migrate.inventory.patches import find_patches
from migrate.pipeline.request import InputRequest
from migrate.pipeline.stages import run_migration
from migrate.sources.documents import parse_resources
from tests.rewrite.conftest import CASES_DIR, expected_exit, tree
from tests.rewrite.identity import problems
from tests.support.cli import sme_migrate
from tests.support.crd import wasmplugin_validator


def test_rewrite_produces_the_expected_tree(case: Path, work: Path) -> None:
    outcome = sme_migrate("rewrite", str(work))
    assert tree(work) == tree(case / "expected")
    assert outcome.exit_code == expected_exit(case), outcome.stderr
    assert outcome.stdout == ""


def test_nothing_outside_the_edited_spans_changes(case: Path) -> None:
    before, after = tree(case / "input"), tree(case / "expected")
    found = {name: problems(before[name].decode(), after[name].decode()) for name in before}
    assert {name: found_here for name, found_here in found.items() if found_here} == {}


def test_a_second_run_changes_nothing(case: Path, work: Path) -> None:
    sme_migrate("rewrite", str(work))
    first = tree(work)
    again = sme_migrate("rewrite", str(work))
    assert tree(work) == first
    assert "rewrote 0 file(s)" in again.stderr
    assert sme_migrate("rewrite", "--check", str(work)).exit_code == expected_exit(case)


def test_scan_after_the_rewrite_finds_no_extension_left(case: Path, work: Path) -> None:
    sme_migrate("rewrite", str(work))
    outcome = sme_migrate("scan", str(work), "--format", "json", "--fail-on", "never")
    rules = {f["rule"] for f in outcome.json()["findings"]}
    if expected_exit(case) == 0:
        assert rules.isdisjoint({"SME001", "SME011"})


def _patch_files(root: Path) -> frozenset[str]:
    kustomizations = [r for path in root.rglob("kustomization.yaml")
                      for r in parse_resources(path.read_bytes(), str(path))]
    return find_patches(kustomizations).patch_files


def _written_plugins(case: Path) -> dict[tuple[str, str | None, str], dict[str, object]]:
    """The WasmPlugins in the expected tree (patches are fragments, templates not YAML)."""
    found, patches = {}, _patch_files(case / "expected")
    for path in sorted((case / "expected").rglob("*")):
        manifest = path.suffix in (".yaml", ".json") and "templates" not in path.parts
        if manifest and str(path) not in patches:
            for resource in parse_resources(path.read_bytes(), str(path)):
                if resource.kind == "WasmPlugin":
                    relative = str(path.relative_to(case / "expected"))
                    found[(relative, resource.metadata.get("namespace"), resource.name)] = dict(
                        resource.body)
    return found


def test_every_written_plugin_is_valid_against_the_istio_crd(case: Path) -> None:
    validator = wasmplugin_validator()
    errors = {key: validator.errors(plugin) for key, plugin in _written_plugins(case).items()}
    assert errors and all(e == [] for e in errors.values()), errors


def test_every_written_plugin_equals_the_conversion(case: Path, work: Path) -> None:
    migration = run_migration(InputRequest((str(work),))).migration
    written = _written_plugins(case)
    converted = {}
    for conversion in migration.conversions:
        resource = conversion.extension.resource
        if conversion.plugin is not None and resource.location is not None:
            relative = str(Path(resource.location.path).relative_to(work))
            key = (relative, resource.metadata.get("namespace"), resource.name)
            converted[key] = conversion.plugin
    assert set(converted) <= set(written)
    assert {k: DeepDiff(dict(v), written[k]).to_dict() for k, v in converted.items()} == {
        k: {} for k in converted}


def test_the_identity_check_notices_changes_outside_the_spans() -> None:
    case = CASES_DIR / "multi-document"
    before = (case / "input" / "mesh.yaml").read_text()
    after = (case / "expected" / "mesh.yaml").read_text()
    assert problems(before, after) == []
    assert problems(before, after.replace('enabled: "yes"', "enabled: 'yes'"))
    assert problems(before, after.replace("# Audits every", "# audits every"))
    assert problems(before, after.replace("...\n---\n", "---\n"))


def test_the_identity_check_notices_a_reindented_line_inside_an_extension() -> None:
    case = CASES_DIR / "mixed-list-styles"
    before = (case / "input" / "threescale.yaml").read_text()
    after = (case / "expected" / "threescale.yaml").read_text()
    assert problems(before, after) == []
    indented = after.replace("      - no_body", "        - no_body")
    assert problems(before, indented) == [
        "document 0: line 34 kept its content but not its bytes: '      - no_body'"]
