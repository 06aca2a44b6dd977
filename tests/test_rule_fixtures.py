"""Every migration rule (SME…) has a fixture in testdata/rules/<ID> that triggers it.

Module rules (MOD…) need a registry and are tested in tests/modules.
"""

import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from migrate import rules
from migrate.inventory.build import build_inventory
from migrate.semantics import meshchecks
from migrate.semantics.migration import migrate
from migrate.semantics.outcome import Conversion, Options
from tests.support.cli import sme_migrate
from tests.support.resources import resources

FIXTURES = Path(__file__).resolve().parent.parent / "testdata" / "rules"
NOT_FROM_INPUT = {
    "SME020": "guards the conversion itself; see test_equivalence_violation",
    **dict.fromkeys(("SME070", "SME071", "SME072", "SME073", "SME090"),
                    "only a cluster scan raises it; see tests/sources/cluster/"
                    "test_rule_fixtures.py (its fixture is a cluster state)"),
}
# raised by `rewrite`, which --check runs dry
REWRITE_RULES = ("SME022", "SME025", "SME026", "SME060", "SME061", "SME062", "SME082")
CONVERT_RULES = ("SME043",)  # raised by `convert` when it prints one stream
MIGRATION_RULES = sorted(rule for rule in rules.catalogue() if rule.startswith("SME"))
FILE_RULES = sorted(set(MIGRATION_RULES) - set(NOT_FROM_INPUT) - set(REWRITE_RULES)
                    - set(CONVERT_RULES))


def test_every_migration_rule_has_a_fixture_directory() -> None:
    missing = [rule for rule in MIGRATION_RULES if not (FIXTURES / rule).is_dir()]
    assert missing == []


@pytest.mark.parametrize("rule", FILE_RULES)
def test_fixture_triggers_its_rule(rule: str) -> None:
    args_file = FIXTURES / rule / "args"  # e.g. a target version the rule needs
    args = args_file.read_text().split() if args_file.exists() else []
    outcome = sme_migrate("scan", str(FIXTURES / rule), *args, "--format", "json",
                          "--fail-on", "never")
    assert outcome.exit_code == 0, outcome.stderr
    found = [f for f in outcome.json()["findings"] if f["rule"] == rule]
    assert found, f"{rule} not reported for its fixture"
    assert all(f["severity"] == rules.get(rule).severity.label or rule == "SME008"
               for f in found)
    assert all(f["location"] is None or f["location"]["path"].startswith(str(FIXTURES / rule))
               for f in found)


def _hard_linked(fixture: Path) -> None:
    os.link(fixture / "extension.yaml", fixture.parent / "elsewhere.yaml")


def _read_only(fixture: Path) -> None:
    (fixture / "extension.yaml").chmod(0o444)


PREPARED: dict[str, Callable[[Path], None]] = {"SME061": _hard_linked, "SME062": _read_only}


def _fixture(rule: str, tmp_path: Path) -> Path:
    """The fixture itself, or a copy with what git cannot store (hard links, modes) added."""
    if rule not in PREPARED:
        return FIXTURES / rule
    copy = tmp_path / rule
    shutil.copytree(FIXTURES / rule, copy, symlinks=True)
    PREPARED[rule](copy)
    return copy


@pytest.mark.parametrize("rule", REWRITE_RULES)
def test_rewrite_fixture_triggers_its_rule(rule: str, tmp_path: Path) -> None:
    fixture = _fixture(rule, tmp_path)
    before = {p: p.read_bytes() for p in fixture.iterdir()}
    outcome = sme_migrate("rewrite", "--check", str(fixture))
    severity = rules.get(rule).severity.label
    assert re.search(rf"\b{severity}\s+{rule}\b", outcome.stderr), outcome.stderr
    assert str(fixture) in outcome.stderr
    assert {p: p.read_bytes() for p in fixture.iterdir()} == before


@pytest.mark.parametrize("rule", CONVERT_RULES)
def test_convert_fixture_triggers_its_rule(rule: str) -> None:
    outcome = sme_migrate("convert", str(FIXTURES / rule))
    severity = rules.get(rule).severity.label
    assert re.search(rf"\b{severity}\s+{rule}\b", outcome.stderr), outcome.stderr
    assert outcome.exit_code == 0 and outcome.stdout.startswith("---\n# sme-migrate cluster: ")


def test_equivalence_violation_is_reported_for_a_tampered_conversion() -> None:
    text = (FIXTURES / "SME005" / "extensions.yaml").read_text()
    inventory = build_inventory(resources(text))
    options = Options()
    result = migrate(inventory, options)
    assert not [f for f in result.findings if f.rule == "SME020"]
    first, second = result.conversions
    swapped = [_with_priority(first, second), _with_priority(second, first)]
    found = meshchecks.equivalence_findings(inventory, result.meshes, swapped, options)
    assert found and all(f.rule == "SME020" for f in found)
    assert "after-authn" in found[0].message and "before-authz" in found[0].message


def _with_priority(conversion: Conversion, other: Conversion) -> Conversion:
    assert conversion.plugin is not None and other.plugin is not None
    plugin = dict(conversion.plugin)
    plugin["spec"] = {**plugin["spec"], "priority": other.plugin["spec"]["priority"]}
    return Conversion(conversion.extension, plugin, conversion.findings, conversion.mesh_root,
                      conversion.phase, conversion.priority)
