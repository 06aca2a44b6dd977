"""Replace a converted ServiceMeshExtension's node with its WasmPlugin, in place."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from ruamel.yaml.error import YAMLError as RuamelError

from migrate import rules
from migrate.inventory.templates import TemplateObject
from migrate.model import Finding, Resource
from migrate.rewrite.locate import Located, locate
from migrate.rewrite.source import SourceFile
from migrate.rewrite.units import Unit, single
from migrate.rewrite.yamledit.edits import Change, Edit, Path
from migrate.rewrite.yamledit.inplace import NotInPlace, edit_in_place
from migrate.rewrite.yamledit.render import render_block, render_fresh, render_json
from migrate.rewrite.yamledit.spans import line_start, span_of
from migrate.rewrite.yamledit.style import detect
from migrate.rewrite.yamledit.transform import PLUGIN_RENAMES, Rename, fresh, reshape
from migrate.rewrite.yamledit.verify import means_locally
from migrate.rules.ids import RuleId

REFUSED = RuleId.REWRITE_REFUSED
TEMPLATE_REWRITTEN = RuleId.TEMPLATE_EXTENSION_REWRITTEN


def refusal(resource: Resource, why: str) -> Finding:
    return rules.finding(REFUSED, f"not rewritten: {why}", resource.ref, resource.location)


def template_rewritten(found: TemplateObject) -> Finding:
    resource = found.resource
    return rules.finding(
        TEMPLATE_REWRITTEN,
        f"in OpenShift Template {found.template.name or '(unnamed)'} at objects[{found.index}]: "
        "now a WasmPlugin, its parameters kept; its priority was kept as written: once the "
        "template is processed, check it against the other plugins of the mesh",
        resource.ref, resource.location)


def replace_object(
    source: SourceFile, resource: Resource, target: Mapping[str, Any], label: str,
    renames: tuple[Rename, ...] = (),
) -> Unit | Finding:
    """A unit that rewrites `resource`'s node so that it reads back as `target`."""
    located = locate(source, resource)
    if located is None:
        return refusal(resource, "its document could not be found again in the file")
    start, end = span_of(source.text, located.node)
    change = Change(located.document.index, located.path, target)
    for text in _candidates(source, located, target, renames):
        edit = Edit(start, end, text)
        if _proved(source, located, edit, target):
            return single(label, source.path, (edit,), (change,))
    return refusal(resource, "no rendering of it read back as the intended object")


def _proved(source: SourceFile, located: Located, edit: Edit, target: Mapping[str, Any]
            ) -> bool:
    root = located.document.root
    if root is None:
        return False
    old = source.values[located.document.index]
    return means_locally(source.text, span_of(source.text, root), root.column, edit, old,
                         located.path, target)


def _candidates(
    source: SourceFile, located: Located, target: Mapping[str, Any], renames: tuple[Rename, ...]
) -> Iterator[str]:
    """Renderings to try in turn: comment-keeping first, a plain rendering last."""
    text, node = source.text, located.node
    start, end = span_of(text, node)
    style = detect(text, node, lambda: source.measures)

    def reshaped(tree: Any) -> Any:
        return reshape(tree, target, renames)

    old = _value_at(source.values[located.document.index], located.path)
    attempts: list[Callable[[], str]] = [
        lambda: edit_in_place(text, node, old, target, style, renames),
        lambda: render_block(text[start:end], node.column, style, reshaped),
        lambda: render_fresh(fresh(target), node.column, style),
    ]
    if node.flow:
        indentation = _indentation(text, start)
        attempts = [lambda: render_json(text[start:end], indentation, style, reshaped),
                    lambda: render_json("{}", 0, style, lambda _: dict(target))]
    for attempt in attempts:
        try:
            yield attempt()
        except (RuamelError, NotInPlace):
            continue


def _value_at(value: Any, path: Path) -> Any:
    for step in path:
        value = value[step]
    return value


def _indentation(text: str, offset: int) -> int:
    line = text[line_start(text, offset):offset]
    return len(line) - len(line.lstrip(" "))


def plugin_unit(
    source: SourceFile, resource: Resource, plugin: Mapping[str, Any]
) -> Unit | Finding:
    label = f"ServiceMeshExtension {resource.namespace or '-'}/{resource.name}"
    return replace_object(source, resource, plugin, label, PLUGIN_RENAMES)
