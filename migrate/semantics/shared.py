"""Objects several cluster scopes read (a kustomize base that their overlays list).

Each scope orders the object among its own extensions. One file holds one WasmPlugin (and one
priority), so an extension is converted only when every scope that reads it gives it the same
plugin, and an earlier plugin is renumbered only when they agree on its new priority; otherwise
it is a finding, and neither scope's answer is picked.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from migrate import rules
from migrate.model import Extension, Finding
from migrate.rules.ids import RuleId
from migrate.semantics.outcome import Conversion, Reordered

MAX_LISTED = 3
ScopeConversions = tuple[str, Sequence[Extension], Sequence[Conversion]]


@dataclass(frozen=True)
class Decided:
    final: dict[int, Conversion]  # by id(extension): what the run reports and writes
    overridden: dict[int, Conversion] = field(default_factory=dict)  # replaces every scope's own


def _union(findings: Iterable[Iterable[Finding]]) -> tuple[Finding, ...]:
    return tuple(dict.fromkeys(f for group in findings for f in group))


def _listed(names: Sequence[str]) -> str:
    shown = sorted(set(names))
    if len(shown) > MAX_LISTED:
        return ", ".join(shown[:MAX_LISTED]) + f" and {len(shown) - MAX_LISTED} more"
    return " and ".join([", ".join(shown[:-1]), shown[-1]]) if len(shown) > 1 else shown[0]


def _fields(plugin: Any) -> dict[str, Any]:
    return {**{f"spec.{k}": v for k, v in plugin["spec"].items()},
            "metadata.namespace": plugin["metadata"].get("namespace")}


def _different(copies: Sequence[tuple[str, Conversion]]) -> list[str]:
    found = [_fields(c.plugin) for _, c in copies if c.plugin is not None]
    keys = sorted({k for fields in found for k in fields})
    return [k for k in keys if any(f.get(k) != found[0].get(k) for f in found)]


def _shown(value: object) -> str:
    return value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))


def _outcome(conversion: Conversion, keys: Sequence[str]) -> str:
    if conversion.plugin is None:
        return "not converted"
    fields = _fields(conversion.plugin)
    return ", ".join(f"{key.split('.', 1)[1]} {_shown(fields.get(key, '(none)'))}"
                     for key in keys)


def _differs(extension: Extension, copies: Sequence[tuple[str, Conversion]]) -> Finding:
    keys = _different(copies) or ["spec.phase", "spec.priority"]  # converted in one only
    each = "; ".join(f"{scope}: {_outcome(c, keys)}" for scope, c in copies)
    resource = extension.resource
    return rules.finding(
        RuleId.SHARED_EXTENSION_DIFFERS,
        f"its file is read by {_listed([s for s, _ in copies])}, and ordered in each cluster "
        f"its WasmPlugin would differ ({each}); one file holds one WasmPlugin, so it is not "
        "converted", resource.ref, resource.location)


def _decided(extension: Extension, copies: Sequence[tuple[str, Conversion]]
             ) -> tuple[Conversion, bool]:
    """The extension's one conversion, and whether it overrides the scopes' own."""
    first = copies[0][1]
    everything = _union(c.findings for _, c in copies)
    if len(copies) == 1:
        return first, False
    converted = [c for _, c in copies if c.plugin is not None]
    if not converted:
        return Conversion(extension, None, everything), False
    if len(converted) == len(copies) and all(c.plugin == converted[0].plugin for c in converted):
        return replace(converted[0], findings=everything), False
    common = [f for f in converted[0].findings if all(f in c.findings for c in converted)]
    blocked = _union(c.findings for _, c in copies if c.plugin is None)
    findings = _union([blocked, common, [_differs(extension, copies)]])
    return Conversion(extension, None, findings), True


def decide_conversions(extensions: Sequence[Extension], parts: Sequence[ScopeConversions]
                       ) -> Decided:
    copies: dict[int, list[tuple[str, Conversion]]] = {}
    for scope, read, conversions in parts:
        for extension, conversion in zip(read, conversions, strict=True):
            copies.setdefault(id(extension), []).append((scope, conversion))
    final, overridden = {}, {}
    for extension in extensions:
        conversion, overrides = _decided(extension, copies[id(extension)])
        final[id(extension)] = conversion
        if overrides:
            overridden[id(extension)] = conversion
    return Decided(final, overridden)


@dataclass(frozen=True)
class Renumbered:
    """The earlier plugins whose new priority every scope agrees on (by id(plugin))."""

    kept: frozenset[int]
    findings: tuple[Finding, ...]

    def merged(self, parts: Iterable[Sequence[Reordered]]) -> list[Reordered]:
        seen: dict[int, Reordered] = {}
        for reordered in (r for part in parts for r in part):
            if id(reordered.plugin) in self.kept:
                seen.setdefault(id(reordered.plugin), reordered)
        return list(seen.values())


def _disagreement(copies: Sequence[tuple[str, Reordered]]) -> Finding:
    plugin = copies[0][1].plugin
    each = "; ".join(f"{scope}: {r.priority}" for scope, r in copies)
    return rules.finding(
        RuleId.SHARED_EXTENSION_DIFFERS,
        f"its file is read by {_listed([s for s, _ in copies])}, and ordered in each cluster "
        f"it would need another priority ({each}); one file holds one priority, so it is left "
        f"at {plugin.priority}", plugin.resource.ref, plugin.resource.location_of("spec.priority"))


def decide_reordered(parts: Sequence[tuple[str, Sequence[Reordered]]]) -> Renumbered:
    copies: dict[int, list[tuple[str, Reordered]]] = {}
    for scope, reordered in parts:
        for again in reordered:
            copies.setdefault(id(again.plugin), []).append((scope, again))
    agreed = {key for key, found in copies.items()
              if len({r.priority for _, r in found}) == 1}
    findings = tuple(_disagreement(found) for key, found in copies.items() if key not in agreed)
    return Renumbered(frozenset(agreed), findings)
