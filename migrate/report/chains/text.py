"""The chain view for a terminal: the two chains in aligned columns, differences marked."""

from __future__ import annotations

from migrate.report.chains.common import (
    LEGEND,
    MARK_SIGNS,
    cell,
    mesh_heading,
    rows,
    verdict_text,
    workload_names,
)
from migrate.semantics.chainview import ChainView, Entry, Mark, Verdict, WorkloadGroup

HEADINGS = ("Maistra (ServiceMeshExtension)", "Istio (WasmPlugin)")
_COLORS = {Mark.MOVED: "31;1", Mark.KNOWN: "33"}
_VERDICT_COLORS = {Verdict.IDENTICAL: "32", Verdict.KNOWN: "33", Verdict.MOVED: "31;1"}


def _paint(text: str, code: str | None, color: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if color and code else text


def _side(entry: Entry | None, width: int, color: bool) -> str:
    if entry is None:
        return " " * (width + 2)
    text = f"{MARK_SIGNS[entry.mark]} {cell(entry):<{width}}"
    code = _COLORS.get(entry.mark) or ("2" if entry.builtin else None)
    return _paint(text, code, color)


def _group(group: WorkloadGroup, color: bool) -> list[str]:
    width = max(len(HEADINGS[0]), *(len(cell(e)) for e in group.maistra))
    verdict = _paint(verdict_text(group), _VERDICT_COLORS[group.verdict], color)
    lines = [f"{workload_names(group)}: {verdict}",
             f"  {'':>3}   {HEADINGS[0]:<{width}}    {HEADINGS[1]}"]
    for number, (left, right) in enumerate(rows(group), 1):
        line = f"  {number:>3} {_side(left, width, color)}  {_side(right, 0, color)}"
        lines.append(line.rstrip())
    return [*lines, ""]


def render(view: ChainView, color: bool = False) -> str:
    if not view.meshes:
        return "No converted ServiceMeshExtension: no filter chain to show.\n"
    lines: list[str] = []
    for mesh in view.meshes:
        lines += [mesh_heading(mesh), ""]
        for group in mesh.groups:
            lines += _group(group, color)
    if any(g.verdict is not Verdict.IDENTICAL for g in view.groups):
        lines.append(LEGEND)
    return "\n".join(lines).rstrip("\n") + "\n"
