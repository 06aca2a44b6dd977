"""Every migration rule (SME…) has a fixture in testdata/rules/<ID> that triggers it.

Module rules (MOD…) need a registry and are tested in tests/modules.
"""

import re
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
    **dict.fromkeys(("SME070", "SME071", "SME072", "SME073", "SME074"),
                    "only a cluster scan raises it; see tests/sources/cluster/"
                    "test_rule_fixtures.py (its fixture is a cluster state)"),
}
REWRITE_RULES = ("SME022", "SME025", "SME026")  # raised by `rewrite`, which --check runs dry
MIGRATION_RULES = sorted(rule for rule in rules.catalogue() if rule.startswith("SME"))
FILE_RULES = sorted(set(MIGRATION_RULES) - set(NOT_FROM_INPUT) - set(REWRITE_RULES))


def test_every_migration_rule_has_a_fixture_directory() -> None:
    missing = [rule for rule in MIGRATION_RULES if not (FIXTURES / rule).is_dir()]
    assert missing == []


@pytest.mark.parametrize("rule", FILE_RULES)
def test_fixture_triggers_its_rule(rule: str) -> None:
    outcome = sme_migrate("scan", str(FIXTURES / rule), "--format", "json", "--fail-on", "never")
    assert outcome.exit_code == 0, outcome.stderr
    found = [f for f in outcome.json()["findings"] if f["rule"] == rule]
    assert found, f"{rule} not reported for its fixture"
    assert all(f["severity"] == rules.get(rule).severity.label or rule == "SME008"
               for f in found)
    assert all(f["location"] is None or f["location"]["path"].startswith(str(FIXTURES / rule))
               for f in found)


@pytest.mark.parametrize("rule", REWRITE_RULES)
def test_rewrite_fixture_triggers_its_rule(rule: str) -> None:
    before = {p: p.read_bytes() for p in (FIXTURES / rule).iterdir()}
    outcome = sme_migrate("rewrite", "--check", str(FIXTURES / rule))
    severity = rules.get(rule).severity.label
    assert re.search(rf"\b{severity}\s+{rule}\b", outcome.stderr), outcome.stderr
    assert str(FIXTURES / rule) in outcome.stderr
    assert {p: p.read_bytes() for p in (FIXTURES / rule).iterdir()} == before


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
