"""What every chains format says the same way: headings, verdicts, the legend."""

from __future__ import annotations

from migrate.semantics.chainview import Entry, Mark, MeshChains, Verdict, WorkloadGroup

MAX_NAMED = 5  # workloads named in a group's heading; the JSON lists all of them
MARK_SIGNS = {Mark.SAME: " ", Mark.MOVED: "!", Mark.KNOWN: "~"}
LEGEND = ("! order changed: the plugin runs at another place (SME020, an error)\n"
          "~ known difference: moved across ext_authz (SME033) or cors/fault (SME035)")


def workload_names(group: WorkloadGroup, limit: int = MAX_NAMED) -> str:
    names = list(group.workloads[:limit])
    if len(group.workloads) > limit:
        names.append(f"and {len(group.workloads) - limit} more")
    return ", ".join(names)


def verdict_text(group: WorkloadGroup) -> str:
    if group.verdict is Verdict.IDENTICAL:
        return "identical"
    return f"{group.verdict.value} ({', '.join(group.rules)})"


def mesh_heading(mesh: MeshChains) -> str:
    count = mesh.workloads
    named = (f"label set{_s(count)} the selectors imply (no workload in the input)"
             if mesh.simulated else f"workload{_s(count)}")
    return f"mesh {mesh.label}: {count} {named} in {len(mesh.groups)} group{_s(len(mesh.groups))}"


def _s(count: int) -> str:
    return "" if count == 1 else "s"


def cell(entry: Entry) -> str:
    return f"{entry.name}  {entry.detail}" if entry.detail else entry.name


def rows(group: WorkloadGroup) -> list[tuple[Entry | None, Entry | None]]:
    """The two chains position by position (the shorter one padded with None)."""
    length = max(len(group.maistra), len(group.istio))
    return [(_at(group.maistra, i), _at(group.istio, i)) for i in range(length)]


def _at(entries: tuple[Entry, ...], index: int) -> Entry | None:
    return entries[index] if index < len(entries) else None
