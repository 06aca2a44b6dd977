"""Suppressions: which findings a user has chosen to accept for now.

Three sources: `--ignore RULE` / `--ignore RULE=namespace/name` (fnmatch globs), the config
file (see migrate.settings.config_file), and the annotation `sme-migrate.io/ignore:
"RULE,RULE"` on the resource a finding is about. Rules are named by id (SME001) or name
(servicemeshextension-found).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path

from migrate import rules
from migrate.model import Finding, Resource, ResourceRef
from migrate.settings.config_file import config_files, load_settings

ANNOTATION = "sme-migrate.io/ignore"
_SYNTAX = "RULE or RULE=namespace/name (globs allowed, e.g. SME001=legacy-*/*)"


@dataclass(frozen=True)
class Ignore:
    """One suppression: a rule, for every resource or for resources matching the globs."""

    rule: str
    namespace: str | None = None  # glob; None (with name None) means every finding of the rule
    name: str | None = None

    @property
    def everywhere(self) -> bool:
        return self.namespace is None and self.name is None

    def matches(self, finding: Finding) -> bool:
        if finding.rule != self.rule:
            return False
        if self.everywhere:
            return True
        return finding.resource is not None and self._matches_resource(finding.resource)

    def _matches_resource(self, ref: ResourceRef) -> bool:
        return fnmatchcase(ref.namespace or "", self.namespace or "*") and fnmatchcase(
            ref.name, self.name or "*"
        )


@dataclass(frozen=True)
class Suppressions:
    ignores: tuple[Ignore, ...] = ()

    def suppresses(self, finding: Finding) -> bool:
        return any(ignore.matches(finding) for ignore in self.ignores)


def parse_ignore(spec: str) -> Ignore:
    """One --ignore value; ValueError saying what is wrong when it is not one."""
    rule_text, has_target, target = spec.partition("=")
    rule = rules.lookup(rule_text)
    if rule is None:
        raise ValueError(f"unknown rule {rule_text.strip()!r} (see `sme-migrate rules`)")
    if not has_target:
        return Ignore(rule)
    namespace, slash, name = target.strip().partition("/")
    if not slash or not namespace or not name or "/" in name:
        raise ValueError(f"expected {_SYNTAX}")
    return Ignore(rule, namespace, name)


def _parse_all(specs: Sequence[str], origin: str) -> tuple[Ignore, ...]:
    ignores = []
    for spec in specs:
        try:
            ignores.append(parse_ignore(spec))
        except ValueError as error:
            raise ValueError(f"{origin} {spec!r}: {error}") from error
    return tuple(ignores)


def load_suppressions(
    ignore_flags: Sequence[str], config_path: Path | None, scan_roots: Sequence[str]
) -> Suppressions:
    """Suppressions from the flags and the config file; ValueError on a bad flag or config."""
    ignores = list(_parse_all(ignore_flags, "--ignore"))
    for path in config_files(config_path, scan_roots):
        settings = load_settings(path)
        ignores.extend(_parse_all(settings.ignore, f"config file {path}: ignore"))
    return Suppressions(tuple(dict.fromkeys(ignores)))


def annotated_rules(annotations: Mapping[str, str]) -> frozenset[str]:
    """Rule ids listed in a resource's ignore annotation; names it does not know never match."""
    value = annotations.get(ANNOTATION)
    if not value:
        return frozenset()
    resolved = (rules.lookup(token) for token in str(value).split(",") if token.strip())
    return frozenset(rule for rule in resolved if rule is not None)


def _annotation_suppresses(
    finding: Finding, annotations: Mapping[ResourceRef, Mapping[str, str]]
) -> bool:
    if finding.resource is None:
        return False
    return finding.rule in annotated_rules(annotations.get(finding.resource, {}))


def apply(
    findings: Sequence[Finding],
    suppressions: Suppressions,
    annotations: Mapping[ResourceRef, Mapping[str, str]],
) -> tuple[tuple[Finding, ...], tuple[Finding, ...]]:
    """(kept, suppressed), each in the order given."""
    kept: list[Finding] = []
    suppressed: list[Finding] = []
    for finding in findings:
        hidden = suppressions.suppresses(finding) or _annotation_suppresses(finding, annotations)
        (suppressed if hidden else kept).append(finding)
    return tuple(kept), tuple(suppressed)


def annotations_of(resources: Iterable[Resource]) -> dict[ResourceRef, dict[str, str]]:
    """Each resource's annotations (where the ignore annotation is read), by reference."""
    found: dict[ResourceRef, dict[str, str]] = {}
    for resource in resources:
        annotations = resource.metadata.get("annotations")
        if isinstance(annotations, Mapping) and annotations:
            found[resource.ref] = {str(k): str(v) for k, v in annotations.items()}
    return found
