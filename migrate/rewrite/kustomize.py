"""Retarget kustomize patches of converted ServiceMeshExtensions to their WasmPlugins.

Every patch entry of a kustomization that patches an extension becomes either a unit (the entry's
target and the patch text, inline or in its own file, edited scalar by scalar) or a finding that
says why a person has to do it. `patchmap` says what counts as mechanical.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from migrate import rules
from migrate.inventory.annotations import SOURCE_ANNOTATION
from migrate.inventory.patches import SME_KIND, PatchEntry
from migrate.model import ConfigKind, ExistingPlugin, Extension, Finding, Location
from migrate.rewrite.patchmap import (
    PLUGIN_GROUP,
    PLUGIN_KIND,
    PLUGIN_VERSION,
    NotMechanical,
    PatchTarget,
    map_operations,
    map_strategic,
)
from migrate.rewrite.patchtext import (
    Part,
    PatchText,
    document_index,
    kustomization_root,
    kustomization_source,
    patch_text,
)
from migrate.rewrite.scalars import scalar_edit, scalar_edits
from migrate.rewrite.source import SourceFile
from migrate.rewrite.units import Unit
from migrate.rewrite.yamledit.edits import Change, Edit, splice
from migrate.rewrite.yamledit.spans import SpanError
from migrate.rewrite.yamledit.verify import means
from migrate.rules.ids import RuleId
from migrate.semantics.outcome import Conversion
from migrate.sources.unparsable import Unparsable

NOT_REWRITTEN = RuleId.KUSTOMIZE_PATCH_TARGET
RETARGETED = RuleId.KUSTOMIZE_PATCH_RETARGETED


@dataclass(frozen=True)
class Known:
    """An extension a patch may name, and what it became (None: not converted)."""

    name: str
    namespace: str | None
    target: PatchTarget | None


@dataclass(frozen=True)
class Outcome:
    location: Location | None  # the kustomization entry
    unit: Unit | None
    finding: Finding


def retarget(
    entry: PatchEntry, sources: Mapping[str, SourceFile], known: Sequence[Known]
) -> Outcome | None:
    """What to do with one patch entry; None when it does not patch an extension."""
    location = entry.kustomization.location_of(entry.key)
    try:
        text = patch_text(entry, sources)
        if text is None or not _patches_extension(entry, text):
            return None
        unit = _unit(entry, text, sources, known)
    except (NotMechanical, SpanError, Unparsable) as reason:
        return not_rewritten(entry, str(reason))
    return Outcome(location, unit, _finding(entry, RETARGETED, _retargeted(entry, text)))


def not_rewritten(entry: PatchEntry, reason: str) -> Outcome:
    location = entry.kustomization.location_of(entry.key)
    return Outcome(location, None, _finding(entry, NOT_REWRITTEN, f"not rewritten: {reason}"))


def _finding(entry: PatchEntry, rule: RuleId, message: str) -> Finding:
    # no resource: a kustomization's file is its name, and the location says which file
    return rules.finding(rule, f"{entry.field}[{entry.index}]: {message}",
                         location=entry.kustomization.location_of(entry.key))


def _retargeted(entry: PatchEntry, text: PatchText) -> str:
    names = sorted({name for name, _ in _names(entry, text)})
    note = (" (/spec/image became /spec/url with the oci:// scheme, as in the converted plugin)"
            if "image" in text.text else "")
    return f"now patches the WasmPlugin {', '.join(names)}{note}"


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _target(entry: PatchEntry) -> Mapping[str, Any] | None:
    target = _mapping(entry.entry).get("target")
    return target if isinstance(target, Mapping) else None


def _patches_extension(entry: PatchEntry, text: PatchText) -> bool:
    target = _target(entry)
    if target is not None:
        return target.get("kind") == SME_KIND
    return any(_mapping(value).get("kind") == SME_KIND for value in text.values)


def _names(entry: PatchEntry, text: PatchText) -> Iterator[tuple[str, str | None]]:
    target = _target(entry)
    if target is not None:
        yield str(target.get("name") or ""), target.get("namespace")
        return
    for value in text.values:
        if _mapping(value).get("kind") == SME_KIND:
            meta = _mapping(_mapping(value).get("metadata"))
            yield str(meta.get("name") or ""), meta.get("namespace")


def _unit(entry: PatchEntry, text: PatchText, sources: Mapping[str, SourceFile],
          known: Sequence[Known]) -> Unit:
    target = _target(entry)
    if target is not None:
        _check_selector(target)
    new_values, edits = list(text.values), list[Edit]()
    for index, (value, document) in enumerate(zip(text.values, text.documents, strict=True)):
        mapped = _mapped_document(value, target, known)
        if mapped is not None and document.root is not None:
            edits.extend(scalar_edits(document.root, value, mapped))
            new_values[index] = mapped
    parts = [text.place(tuple(edits), new_values)]
    if target is not None:
        parts.append(_target_part(entry, sources))
    return _checked_unit(entry, parts, sources)


def _check_selector(target: Mapping[str, Any]) -> None:
    if target.get("labelSelector") or target.get("annotationSelector"):
        raise NotMechanical("it selects extensions by label or annotation")
    if not target.get("name"):
        raise NotMechanical("it patches every ServiceMeshExtension, not one by name")


def _mapped_document(value: Any, target: Mapping[str, Any] | None,
                     known: Sequence[Known]) -> Any:
    if isinstance(value, list):
        if target is None:
            raise NotMechanical("a JSON 6902 patch without a target")
        return map_operations(value, resolve(target.get("name"), target.get("namespace"), known))
    if isinstance(value, Mapping) and (target is not None or value.get("kind") == SME_KIND):
        meta = _mapping(value.get("metadata"))
        name = (target or {}).get("name") or meta.get("name")
        namespace = (target or {}).get("namespace") or meta.get("namespace")
        return map_strategic(value, resolve(name, namespace, known))
    return None


def resolve(name: Any, namespace: Any, known: Sequence[Known]) -> PatchTarget:
    """The plugin that extension `name` (in `namespace`, when given) became."""
    found = [k for k in known if k.name == name and (not namespace or k.namespace == namespace)]
    if not found:
        raise NotMechanical(f"no ServiceMeshExtension {name} in the input; scan the base it "
                            "patches together with the overlay")
    targets = [k.target for k in found if k.target is not None]
    if len(targets) < len(found):
        unconverted = next(k for k in found if k.target is None)
        raise NotMechanical(f"ServiceMeshExtension {unconverted.namespace or '-'}/{name} "
                            "is not converted")
    if len({(t.config_is_object, t.has_selector) for t in targets}) > 1:
        raise NotMechanical(f"several extensions named {name} became different plugins")
    return targets[0]


def _target_part(entry: PatchEntry, sources: Mapping[str, SourceFile]) -> Part:
    """`kind: WasmPlugin`, and its group and version where the target names them."""
    source = kustomization_source(entry, sources)
    root = kustomization_root(entry, source)
    node = root.at(entry.field, entry.index, "target") if root else None
    if source is None or node is None:
        raise NotMechanical("the kustomization entry could not be found again in the file")
    base = (entry.field, entry.index, "target")
    edits, changes = [], []
    for key, new in (("kind", PLUGIN_KIND), ("group", PLUGIN_GROUP), ("version", PLUGIN_VERSION)):
        value = node.get(key)
        if value is not None:
            edits.append(scalar_edit(value, new))
            changes.append(Change(document_index(entry), (*base, key), new))
    return Part(source.path, tuple(edits), tuple(changes))


def _checked_unit(entry: PatchEntry, parts: Sequence[Part],
                  sources: Mapping[str, SourceFile]) -> Unit:
    edits: dict[str, tuple[Edit, ...]] = {}
    changes: dict[str, tuple[Change, ...]] = {}
    for part in parts:
        edits[part.path] = edits.get(part.path, ()) + part.edits
        changes[part.path] = changes.get(part.path, ()) + part.changes
    for path, file_edits in edits.items():
        source = sources[path]
        if not means(splice(source.text, file_edits), source.values, changes[path]):
            raise NotMechanical("the edited patch did not read back as intended")
    label = f"{entry.field}[{entry.index}]"
    return Unit(label, edits, changes)


def known_extensions(conversions: Sequence[Conversion], replaced: Sequence[Extension],
                     plugins: Sequence[ExistingPlugin]) -> list[Known]:
    """Every extension a patch may name: converted and replaced, or not (then a patch of it
    stays); plus plugins an earlier, interrupted run already wrote."""
    replaced_ids = {id(e) for e in replaced}
    known = []
    for conversion in conversions:
        ext = conversion.extension
        target = _patch_target(ext, conversion) if id(ext) in replaced_ids else None
        known.append(Known(ext.name, ext.namespace, target))
    for plugin in plugins:
        source = _mapping(plugin.resource.metadata.get("annotations")).get(SOURCE_ANNOTATION)
        if isinstance(source, str):
            config_is_object = source.startswith("maistra.io/v1 ")
            known.append(Known(plugin.name, plugin.namespace,
                               PatchTarget(plugin.resource.body, config_is_object)))
    return known


def _patch_target(extension: Extension, conversion: Conversion) -> PatchTarget | None:
    if conversion.plugin is None:
        return None
    v1 = extension.resource.api_version == "maistra.io/v1"
    config_is_object = v1 and extension.config.kind in (ConfigKind.OBJECT, ConfigKind.ABSENT)
    return PatchTarget(conversion.plugin, config_is_object)
