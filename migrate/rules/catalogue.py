"""The rule catalogue (data in `rules/*.yaml`) and the factory for findings."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import yaml

from migrate import REPOSITORY_URL
from migrate.model import Finding, Location, ResourceRef, Severity
from migrate.rules.ids import RuleId

DOCS_URL = f"{REPOSITORY_URL}/blob/main/docs/rules.md"


@dataclass(frozen=True)
class Rule:
    id: str
    name: str
    severity: Severity
    title: str
    description: str
    fix: str

    @property
    def help_uri(self) -> str:
        return f"{DOCS_URL}#{self.id.lower()}-{self.name}"


def _catalogue_files() -> list[Path]:
    # migrate/catalogue is a link to the top-level rules/ folder; wheels carry the files
    catalogue_dir = resources.files("migrate") / "catalogue"
    return sorted(Path(str(p)) for p in catalogue_dir.iterdir() if p.name.endswith(".yaml"))


def _parse_rule(entry: dict[str, str]) -> Rule:
    return Rule(
        id=entry["id"],
        name=entry["name"],
        severity=Severity.parse(entry["severity"]),
        title=entry["title"],
        description=" ".join(entry["description"].split()),
        fix=" ".join(entry["fix"].split()),
    )


@functools.cache
def catalogue() -> dict[str, Rule]:
    rules: dict[str, Rule] = {}
    for path in _catalogue_files():
        for entry in yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader) or []:
            rule = _parse_rule(entry)
            if rule.id in rules:
                raise ValueError(f"rule {rule.id} defined twice ({path})")
            rules[rule.id] = rule
    return rules


def get(rule_id: str) -> Rule:
    return catalogue()[rule_id]


def lookup(text: str) -> str | None:
    """The catalogue id for a rule id or name, any case; None when there is no such rule."""
    wanted = text.strip().lower()
    for rule in catalogue().values():
        if wanted in (rule.id.lower(), rule.name.lower()):
            return rule.id
    return None


def finding(
    rule_id: RuleId,
    message: str,
    resource: ResourceRef | None = None,
    location: Location | None = None,
    severity: Severity | None = None,
) -> Finding:
    """A finding of a catalogue rule; its severity is the rule's unless given."""
    rule = get(rule_id)
    return Finding(rule.id, severity or rule.severity, message, resource, location)
