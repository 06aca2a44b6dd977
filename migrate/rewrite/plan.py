"""Decide every edit of a rewrite, as a pure function of the files' bytes and the migration.

Each unit (one extension, one control plane, one kustomize patch) is proved on its own before it
is kept; then all kept units of a file are spliced and proved together. A file whose units do
not prove together is refused as a whole, and the plan is made again without it, so that a
control plane is never stripped while an extension it still serves stays in a refused file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from typing import TypeVar

from migrate import rules
from migrate.inventory.build import extension_of
from migrate.inventory.patches import PatchEntry, entries
from migrate.inventory.templates import TemplateObject
from migrate.model import (
    ControlPlane,
    Extension,
    Finding,
    Inventory,
    Location,
    Resource,
)
from migrate.rewrite.kustomize import (
    Known,
    Outcome,
    known_extensions,
    not_rewritten,
    retarget,
)
from migrate.rewrite.plugins import (
    REFUSED,
    Draft,
    guarded,
    plugin_draft,
    refusal,
    template_rewritten,
)
from migrate.rewrite.priorities import priority_unit
from migrate.rewrite.smcp import kept_finding, still_served, strip_unit
from migrate.rewrite.source import SourceFile
from migrate.rewrite.templates import template_plugin
from migrate.rewrite.together import prove_all
from migrate.rewrite.units import Unit
from migrate.rewrite.yamledit.edits import EditConflict, splice
from migrate.rewrite.yamledit.verify import means
from migrate.rules.ids import RuleId
from migrate.semantics.outcome import Conversion, Migration, Options, Reordered

T = TypeVar("T")


@dataclass(frozen=True)
class RewriteInput:
    sources: Mapping[str, SourceFile]  # every file the rewrite may edit, by path
    migration: Migration
    inventory: Inventory
    kustomizations: tuple[Resource, ...] = ()
    hidden_extensions: tuple[Location, ...] = ()  # unparsable files that mention an extension
    control_plane_namespace: str = "istio-system"
    withheld: Mapping[str, Finding] = field(default_factory=dict)  # files never to replace
    templates: tuple[TemplateObject, ...] = ()  # extensions in OpenShift Templates
    options: Options = field(default_factory=Options)  # for converting those


@dataclass(frozen=True)
class FileChange:
    path: str
    before: bytes
    after: bytes
    needs_the_others: bool = False  # strips a control plane: write only after all the others
    target: str = ""  # the real path to write, when `path` is a symlink


@dataclass(frozen=True)
class RewritePlan:
    changes: tuple[FileChange, ...]  # in write order: control planes last
    findings: tuple[Finding, ...]
    replaced: tuple[Extension, ...]  # extensions whose documents become WasmPlugins
    remaining: tuple[Extension, ...]  # extensions left as they are
    stripped: tuple[ControlPlane, ...]
    retargeted: int  # kustomize patch entries now aimed at WasmPlugins
    reprioritised: tuple[Reordered, ...] = ()  # earlier-migrated plugins given a new priority
    reported_entries: frozenset[Location] = field(default=frozenset())  # patch entries reported
    retargeted_files: tuple[tuple[str, ...], ...] = ()  # the files each retargeted entry edits
    withheld: tuple[str, ...] = ()  # files left as they are although they needed edits (safety)


@dataclass
class _Attempt:
    """What one planning attempt collects (private, and never leaves `plan_rewrite`)."""

    units: list[Unit] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    replaced: list[Extension] = field(default_factory=list)
    stripped: list[ControlPlane] = field(default_factory=list)
    retargeted: list[tuple[str, ...]] = field(default_factory=list)
    reported: set[Location] = field(default_factory=set)
    reprioritised: list[Reordered] = field(default_factory=list)


def plan_rewrite(given: RewriteInput) -> RewritePlan:
    """A file that would be edited but is withheld (`safety`) is refused like one whose edits
    fail; its objects then get no finding of their own, the file's finding says it all."""
    refused: dict[str, str] = {}
    while True:
        attempt = _attempt(given, refused)
        texts, failed = _combined(attempt.units, given.sources)
        failed.update({path: f"{path} is left as it is (see {given.withheld[path].rule})"
                       for path in texts
                       if path in given.withheld and texts[path] != given.sources[path].text})
        if not failed:
            held = sorted(p for p in refused if p in given.withheld)
            attempt.findings.extend(given.withheld[p] for p in held)
            return replace(_plan(given, attempt, texts), withheld=tuple(held))
        refused.update(failed)


def _attempt(given: RewriteInput, refused: Mapping[str, str]) -> _Attempt:
    attempt = _Attempt()
    remaining = _extensions(given, refused, attempt)
    _templates(given, refused, attempt)
    _reprioritise(given, refused, attempt)
    _control_planes(given, remaining, refused, attempt)
    _kustomizations(given, refused, attempt)
    return attempt


def _source(given: RewriteInput, refused: Mapping[str, str], resource: Resource
            ) -> SourceFile | Finding | None:
    path = resource.location.path if resource.location else ""
    if path in refused:
        return None if path in given.withheld else refusal(resource, refused[path])
    source = given.sources.get(path)
    return source if source is not None else refusal(resource, "the file could not be read")


def _extensions(given: RewriteInput, refused: Mapping[str, str], attempt: _Attempt
                ) -> list[Extension]:
    remaining = []
    conversions = given.migration.conversions
    outcomes = _proved([_extension_draft(given, refused, c) for c in conversions])
    for conversion, outcome in zip(conversions, outcomes, strict=True):
        if isinstance(outcome, Unit):
            attempt.units.append(outcome)
            attempt.replaced.append(conversion.extension)
            continue
        remaining.append(conversion.extension)
        if outcome is not None:
            attempt.findings.append(outcome)
    return remaining


def _proved(outcomes: Sequence[Draft | Finding | None]) -> list[Unit | Finding | None]:
    """The drafts proved (those of one document together), the rest as they are, in order."""
    proved = iter(prove_all([o for o in outcomes if isinstance(o, Draft)]))
    return [next(proved) if isinstance(o, Draft) else o for o in outcomes]


def _extension_draft(given: RewriteInput, refused: Mapping[str, str], conversion: Conversion
                     ) -> Draft | Finding | None:
    plugin, resource = conversion.plugin, conversion.extension.resource
    if plugin is None:
        return None  # its findings say why
    clash = _same_name(given, conversion.extension)
    if clash is not None:
        return refusal(resource, f"a WasmPlugin of that name already exists ({clash}); "
                       "a second one would run twice or replace it")
    return _unit_for(given, refused, resource,
                     lambda source: plugin_draft(source, resource, plugin))


def _templates(given: RewriteInput, refused: Mapping[str, str], attempt: _Attempt) -> None:
    outcomes = _proved([_template_draft(given, refused, f) for f in given.templates])
    for found, outcome in zip(given.templates, outcomes, strict=True):
        if isinstance(outcome, Unit):
            attempt.units.append(outcome)
            attempt.replaced.append(extension_of(found.resource))
        if outcome is not None:  # None: withheld, its file's finding says why
            attempt.findings.append(outcome if isinstance(outcome, Finding) else
                                    template_rewritten(found))


def _template_draft(given: RewriteInput, refused: Mapping[str, str], found: TemplateObject
                    ) -> Draft | Finding | None:
    converted = template_plugin(found, given.options)
    if converted.plugin is None:
        return refusal(found.resource, converted.why_not)
    plugin = converted.plugin
    return _unit_for(given, refused, found.resource,
                     lambda source: plugin_draft(source, found.resource, plugin))


def _same_name(given: RewriteInput, extension: Extension) -> str | None:
    """A WasmPlugin of the extension's name in a cluster that reads the extension."""
    scopes = set(extension.resource.scopes)
    for plugin in given.inventory.plugins:
        if (plugin.name, plugin.namespace) == (extension.name, extension.namespace) and (
                scopes.intersection(plugin.resource.scopes)):
            location = plugin.resource.location
            return f"{location.path}:{location.line}" if location else "in the input"
    return None


def _control_planes(given: RewriteInput, remaining: Sequence[Extension],
                    refused: Mapping[str, str], attempt: _Attempt) -> None:
    for plane in given.inventory.control_planes:
        if plane.wasm_extensions is None:
            continue
        kept = still_served(plane, remaining, given.hidden_extensions, given.migration.meshes,
                            given.control_plane_namespace)
        if kept:
            attempt.findings.append(kept_finding(plane, kept))
            continue
        outcome = _unit_for(given, refused, plane.resource,
                            partial(strip_unit, plane=plane))
        if isinstance(outcome, Unit):
            attempt.units.append(outcome)
            attempt.stripped.append(plane)
        elif outcome is not None:
            attempt.findings.append(outcome)


def _reprioritise(given: RewriteInput, refused: Mapping[str, str], attempt: _Attempt) -> None:
    for reordered in given.migration.priority_updates:
        outcome = _unit_for(given, refused, reordered.plugin.resource,
                            partial(priority_unit, reordered=reordered))
        if isinstance(outcome, Unit):
            attempt.units.append(outcome)
            attempt.reprioritised.append(reordered)
        elif outcome is not None:
            attempt.findings.append(outcome)


def _unit_for(given: RewriteInput, refused: Mapping[str, str], resource: Resource,
              make: Callable[[SourceFile], T]) -> T | Finding | None:
    """What `make` builds from the resource's file (a unit, or a draft of one), or why there is
    none (None: the file's own finding says why)."""
    source = _source(given, refused, resource)
    if source is None or isinstance(source, Finding):
        return source
    return guarded(resource, lambda: make(source))


def _kustomizations(given: RewriteInput, refused: Mapping[str, str], attempt: _Attempt) -> None:
    known = known_extensions(given.migration.conversions, attempt.replaced,
                             given.inventory.plugins)
    for kustomization in given.kustomizations:
        for entry in entries(kustomization):
            outcome = _retarget(entry, given.sources, known)
            if outcome is None:
                continue
            if outcome.location is not None:
                attempt.reported.add(outcome.location)
            blocked = [refused[p] for p in (outcome.unit.paths if outcome.unit else ())
                       if p in refused]
            if outcome.unit is not None and not blocked:
                attempt.units.append(outcome.unit)
                attempt.retargeted.append(tuple(outcome.unit.paths))
                attempt.findings.append(outcome.finding)
            else:
                attempt.findings.append(_blocked(outcome.finding, blocked))


def _retarget(entry: PatchEntry, sources: Mapping[str, SourceFile], known: Sequence[Known]
              ) -> Outcome | None:
    try:
        return retarget(entry, sources, known)
    except Exception as error:  # a bug must cost one patch, never the whole run
        return not_rewritten(entry, f"unexpected {type(error).__name__}: {error}")


def _blocked(finding: Finding, reasons: Sequence[str]) -> Finding:
    if not reasons:
        return finding
    return rules.finding(RuleId.KUSTOMIZE_PATCH_TARGET, finding.message.split(": ", 1)[0] +
                         f": not rewritten: {reasons[0]}", finding.resource, finding.location)


def _combined(units: Iterable[Unit], sources: Mapping[str, SourceFile]
              ) -> tuple[dict[str, str], dict[str, str]]:
    """Every edited file's new text, and the files whose units do not prove together."""
    by_path: dict[str, list[Unit]] = {}
    for unit in units:
        for path in unit.paths:
            by_path.setdefault(path, []).append(unit)
    texts, failed = {}, {}
    for path, file_units in by_path.items():
        source = sources[path]
        edits = [e for u in file_units for e in u.edits[path]]
        changes = [c for u in file_units for c in u.changes[path]]
        try:
            text = splice(source.text, edits)
        except EditConflict as conflict:
            failed[path] = f"two edits of this file overlap ({conflict})"
            continue
        if not means(text, source.values, changes):
            failed[path] = "the file's edits did not read back together as intended"
        texts[path] = text
    return texts, failed


def _plan(given: RewriteInput, attempt: _Attempt, texts: Mapping[str, str]) -> RewritePlan:
    stripped_paths = {p.resource.location.path for p in attempt.stripped if p.resource.location}
    changes = [FileChange(path, given.sources[path].data, given.sources[path].encode(text),
                          path in stripped_paths, given.sources[path].target)
               for path, text in sorted(texts.items(), key=lambda i: (i[0] in stripped_paths,
                                                                      i[0]))]
    replaced_ids = {id(e) for e in attempt.replaced}
    return RewritePlan(
        changes=tuple(c for c in changes if c.before != c.after),
        findings=tuple(attempt.findings),
        replaced=tuple(attempt.replaced),
        remaining=tuple(c.extension for c in given.migration.conversions
                        if id(c.extension) not in replaced_ids),
        stripped=tuple(attempt.stripped),
        retargeted=len(attempt.retargeted),
        retargeted_files=tuple(attempt.retargeted),
        reported_entries=frozenset(attempt.reported),
        reprioritised=tuple(attempt.reprioritised),
    )


__all__ = ["REFUSED", "FileChange", "RewriteInput", "RewritePlan", "plan_rewrite"]
