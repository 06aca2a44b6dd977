"""Replace a converted ServiceMeshExtension's node with its WasmPlugin, in place."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar

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
from migrate.rewrite.yamledit.spans import SpanError, line_start, span_of
from migrate.rewrite.yamledit.style import detect
from migrate.rewrite.yamledit.transform import PLUGIN_RENAMES, Rename, fresh, reshape
from migrate.rewrite.yamledit.verify import edited_document, reads_as
from migrate.rules.ids import RuleId
from migrate.sources.unparsable import Unparsable

REFUSED = RuleId.REWRITE_REFUSED
TEMPLATE_REWRITTEN = RuleId.TEMPLATE_EXTENSION_REWRITTEN
T = TypeVar("T")


def refusal(resource: Resource, why: str) -> Finding:
    return rules.finding(REFUSED, f"not rewritten: {why}", resource.ref, resource.location)


def guarded(resource: Resource, make: Callable[[], T]) -> T | Finding:
    """What `make` makes for one object, or why not; whatever goes wrong with it, the others
    still go on."""
    try:
        return make()
    except (SpanError, Unparsable) as error:
        return refusal(resource, f"the file cannot be parsed again ({error})")
    except Exception as error:  # a bug must cost one object, never the whole run
        return refusal(resource, f"unexpected {type(error).__name__}: {error}")


def template_rewritten(found: TemplateObject) -> Finding:
    resource = found.resource
    return rules.finding(
        TEMPLATE_REWRITTEN,
        f"in OpenShift Template {found.template.name or '(unnamed)'} at objects[{found.index}]: "
        "now a WasmPlugin, its parameters kept; its priority was kept as written: once the "
        "template is processed, check it against the other plugins of the mesh",
        resource.ref, resource.location)


@dataclass(frozen=True)
class Draft:
    """An object's replacement before its proof: the object, what it becomes, and the
    renderings to try in turn (each call of `renderings` starts them afresh)."""

    source: SourceFile
    resource: Resource
    located: Located
    target: Mapping[str, Any]
    label: str
    renderings: Callable[[], Iterator[str]]

    def edit(self, text: str) -> Edit:
        return Edit(*span_of(self.source.text, self.located.node), text)

    @property
    def change(self) -> Change:
        return Change(self.located.document.index, self.located.path, self.target)

    def unit(self, edit: Edit) -> Unit:
        return single(self.label, self.source.path, (edit,), (self.change,))


def replace_object(
    source: SourceFile, resource: Resource, target: Mapping[str, Any], label: str,
    renames: tuple[Rename, ...] = (),
) -> Unit | Finding:
    """A unit that rewrites `resource`'s node so that it reads back as `target`."""
    drafted = draft(source, resource, target, label, renames)
    return drafted if isinstance(drafted, Finding) else prove(drafted)


def draft(source: SourceFile, resource: Resource, target: Mapping[str, Any], label: str,
          renames: tuple[Rename, ...] = ()) -> Draft | Finding:
    located = locate(source, resource)
    if located is None:
        return refusal(resource, "its document could not be found again in the file")
    return Draft(source, resource, located, target, label,
                 partial(_candidates, source, located, target, renames))


def prove(drafted: Draft) -> Unit | Finding:
    """The unit of the first rendering that reads back as the target, its document parsed
    with that edit alone."""
    for text in drafted.renderings():
        edit = drafted.edit(text)
        if reads_back([(drafted, edit)]):
            return drafted.unit(edit)
    return refusal(drafted.resource, "no rendering of it read back as the intended object")


def reads_back(tried: Sequence[tuple[Draft, Edit]]) -> bool:
    """Whether one document (that of every draft here) reads back with each draft's target in
    its place once all their edits are made."""
    located, source = tried[0][0].located, tried[0][0].source
    root = located.document.root
    if root is None:
        return False
    document = edited_document(source.text, span_of(source.text, root), root.column,
                               [edit for _, edit in tried])
    old = source.values[located.document.index]
    return reads_as(document, old, [(d.located.path, d.target) for d, _ in tried])


def _candidates(
    source: SourceFile, located: Located, target: Mapping[str, Any], renames: tuple[Rename, ...]
) -> Iterator[str]:
    """Renderings to try in turn: comment-keeping first, a plain rendering last."""
    text, node = source.text, located.node
    start, end = span_of(text, node)
    style = detect(source.line_ending, node, lambda: source.measures)

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


def plugin_draft(source: SourceFile, resource: Resource, plugin: Mapping[str, Any]
                 ) -> Draft | Finding:
    label = f"ServiceMeshExtension {resource.namespace or '-'}/{resource.name}"
    return draft(source, resource, plugin, label, PLUGIN_RENAMES)
