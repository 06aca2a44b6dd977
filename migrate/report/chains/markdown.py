"""The chain view in GitHub-flavoured Markdown: a table per workload group, for pull request
bodies and the job summary; cut to a size limit, saying what was left out."""

from __future__ import annotations

from migrate.report.chains.common import (
    LEGEND,
    MARK_SIGNS,
    mesh_heading,
    rows,
    verdict_text,
    workload_names,
)
from migrate.semantics.chainview import ChainView, Entry, Mark, Verdict, WorkloadGroup

STEP_SUMMARY_LIMIT = 1024 * 1024  # bytes GitHub keeps of one step's summary
_ICONS = {Verdict.IDENTICAL: "✅", Verdict.KNOWN: "⚠️", Verdict.MOVED: "❌"}


def _code(text: str) -> str:
    return "`" + text.replace("`", "'").replace("|", "\\|") + "`"


def _cell(entry: Entry | None) -> str:
    if entry is None:
        return ""
    name = entry.name if entry.builtin else _code(entry.name)
    text = f"{name} {entry.detail}".strip()
    return f"**{MARK_SIGNS[entry.mark]} {text}**" if entry.mark is not Mark.SAME else text


def _group(group: WorkloadGroup) -> list[str]:
    heading = (f"**{_ICONS[group.verdict]} {workload_names(group)}**: "
               f"{verdict_text(group)}")
    table = ["| # | Maistra (ServiceMeshExtension) | Istio (WasmPlugin) |", "|--:|---|---|"]
    table += [f"| {n} | {_cell(a)} | {_cell(b)} |" for n, (a, b) in enumerate(rows(group), 1)]
    return [heading, "", *table, ""]


def _blocks(view: ChainView) -> list[tuple[str, bool]]:
    """(text, is a group) in order: mesh headings and one block per group."""
    blocks: list[tuple[str, bool]] = []
    for mesh in view.meshes:
        blocks.append((f"#### {mesh_heading(mesh)}\n\n", False))
        blocks += [("\n".join(_group(g)) + "\n", True) for g in mesh.groups]
    return blocks


def render(view: ChainView, limit: int = STEP_SUMMARY_LIMIT) -> str:
    """At most `limit` characters (UTF-8 bytes, so it holds for either limit)."""
    if not view.meshes:
        return "No converted ServiceMeshExtension: no filter chain to show.\n"
    legend = "\n" + LEGEND.replace("\n", "  \n") + "\n" if any(
        g.verdict is not Verdict.IDENTICAL for g in view.groups) else ""
    blocks, kept, size = _blocks(view), [], len(legend.encode()) + 200
    for text, _ in blocks:
        if size + len(text.encode()) > limit:
            break
        kept.append(text)
        size += len(text.encode())
    left_out = sum(1 for _, group in blocks[len(kept):] if group)
    note = (f"\n… {left_out} more workload group(s) left out (the size limit); run "
            "`sme-migrate chains -o html` for all of them.\n") if left_out else ""
    return "".join(kept).rstrip("\n") + "\n" + note + legend
