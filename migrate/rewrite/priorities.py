"""Give a WasmPlugin that an earlier run migrated the priority this run's order requires.

Only the priority's scalar is replaced, so nothing else in the document moves; when there is no
plain scalar to replace, the plugin's node is rewritten as a whole, comments kept.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from migrate.model import Finding
from migrate.rewrite.locate import locate
from migrate.rewrite.plugins import refusal, replace_object
from migrate.rewrite.source import SourceFile
from migrate.rewrite.units import Unit, single
from migrate.rewrite.yamledit.edits import Change, Edit, splice
from migrate.rewrite.yamledit.verify import means

if TYPE_CHECKING:
    from migrate.semantics.outcome import Reordered

PRIORITY_PATH = ("spec", "priority")


def priority_unit(source: SourceFile, reordered: Reordered) -> Unit | Finding:
    plugin = reordered.plugin
    label = f"WasmPlugin {plugin.namespace or '-'}/{plugin.name}"
    located = locate(source, plugin.resource)
    if located is None:
        return refusal(plugin.resource, "its document could not be found again in the file")
    node = located.node.at(*PRIORITY_PATH)
    if node is not None and not node.empty and node.style == "":
        edit = Edit(node.start, node.end, str(reordered.priority))
        change = Change(located.document.index, located.path + PRIORITY_PATH,
                        reordered.priority)
        if means(splice(source.text, [edit]), source.values, [change]):
            return single(label, source.path, (edit,), (change,))
    return replace_object(source, plugin.resource, reordered.updated_body(), label)
