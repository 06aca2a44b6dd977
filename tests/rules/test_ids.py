"""The typed rule table and the catalogue agree both ways, and code names only real rules."""

from __future__ import annotations

import re
from pathlib import Path

from migrate.rules import RuleId, catalogue

PACKAGE = Path(__file__).resolve().parents[2] / "migrate"
RULE_ID = re.compile(r"\b(?:SME|MOD)\d{3}\b")


def test_every_table_entry_is_a_catalogue_rule_and_back() -> None:
    assert {rule.value for rule in RuleId} == set(catalogue())


def test_each_member_is_named_after_its_rule() -> None:
    names = {rule.upper().replace("-", "_") for rule in (r.name for r in catalogue().values())}
    assert {member.name for member in RuleId} == names
    assert all(catalogue()[member.value].name.upper().replace("-", "_") == member.name
               for member in RuleId)


def test_no_code_names_a_rule_that_does_not_exist() -> None:
    named = {match for path in PACKAGE.rglob("*.py")
             for match in RULE_ID.findall(path.read_text(encoding="utf-8"))}
    assert named and named <= set(catalogue())
