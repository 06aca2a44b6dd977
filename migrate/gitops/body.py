"""The pull request's title and body: what changed, what needs a human, the proof's verdict,
and a hidden marker by which the bot knows its own pull requests."""

from __future__ import annotations

from collections.abc import Iterable

from migrate.model import Finding, Severity
from migrate.modules.copies import Delivery, Repackaged
from migrate.report.chains import markdown
from migrate.rules import RuleId
from migrate.semantics.chainview import ChainView
from migrate.semantics.outcome import Conversion

MARKER = "<!-- sme-migrate:pull-request -->"
TITLE = "Migrate ServiceMeshExtensions to WasmPlugins"
GITHUB_BODY_LIMIT = 65_536  # characters; GitLab allows far more
CHAINS_MARGIN = 300  # characters kept free after the chains (and for line ends)
MIN_CHAINS = 1_000  # less room than this: no chains section at all
_NOT_FOR_HUMANS = {RuleId.SERVICEMESHEXTENSION_FOUND, RuleId.EQUIVALENCE_VIOLATION}


def _conversion_row(conversion: Conversion) -> str:
    ext, plugin = conversion.extension, conversion.plugin or {}
    spec = plugin.get("spec", {})
    phase = conversion.phase.name if conversion.phase is not None else "?"
    before = f"{phase} {conversion.priority}"
    after = f"{spec.get('phase', '?')} {spec.get('priority', '?')}"
    name = f"{ext.namespace or '(no namespace)'}/{ext.name}"
    return f"| `{name}` | {before} | {after} |"


def _changes(conversions: Iterable[Conversion]) -> list[str]:
    rows = [_conversion_row(c) for c in conversions]
    return ["| ServiceMeshExtension → WasmPlugin | Maistra phase, priority | "
            "WasmPlugin phase, priority |", "|---|---|---|", *rows]


def _human(findings: Iterable[Finding]) -> list[str]:
    wanted = [f for f in findings if f.severity >= Severity.WARNING and f.rule not in
              _NOT_FOR_HUMANS]
    if not wanted:
        return ["Nothing: every change is mechanical."]
    return [f"- **{f.rule}** ({f.severity.label}) {_subject(f)}{f.message}" for f in wanted]


def _subject(finding: Finding) -> str:
    return f"`{finding.resource.display}`: " if finding.resource else ""


def _proof(findings: Iterable[Finding]) -> list[str]:
    broken = [f for f in findings if f.rule == RuleId.EQUIVALENCE_VIOLATION]
    if not broken:
        return ["Every workload the selectors imply keeps its filter order: the Maistra and "
                "Istio chains were simulated per namespace and label set and are identical."]
    return ["**The simulated filter chains differ** (do not merge as is):",
            *(f"- {f.message}" for f in broken)]


def _images(repackaged: Iterable[Repackaged]) -> list[str]:
    """The Istio copies the plugins point at (the same words whether this run pushed a copy
    or found it there, so that a second run leaves the body as it is)."""
    rows = [f"| `{copy.source}` | `{copy.destination}` |"
            + (" not pushed yet (dry run) |" if copy.delivery is Delivery.PLANNED else " pushed |")
            for copy in repackaged]
    if not rows:
        return []
    return ["## Images repackaged for Istio",
            "Istio cannot load these Maistra-format images: each was rebuilt (one layer holding "
            "`/plugin.wasm`) and the WasmPlugins point at the copy by digest.", "",
            "| Maistra-format image | Istio copy | |", "|---|---|---|", *rows, ""]


def pull_request_body(conversions: Iterable[Conversion], findings: Iterable[Finding],
                      root: str = "", limit: int = GITHUB_BODY_LIMIT,
                      chains: ChainView | None = None,
                      repackaged: Iterable[Repackaged] = ()) -> str:
    """The body; `root` (the clone the rewrite ran in) is cut from the paths messages name.
    With `chains`, the filter chains follow, cut to what the limit leaves them; with
    `repackaged`, the images pushed for Istio."""
    findings = tuple(findings)
    lines = [MARKER, "This pull request was opened by `sme-migrate pr`.", "",
             "## What changed", *_changes(conversions), "", *_images(repackaged),
             "## Needs a human", *_human(findings), "",
             "## Equivalence proof", *_proof(findings), ""]
    if root:
        lines = [line.replace(root.rstrip("/") + "/", "") for line in lines]
    if chains is not None and chains.meshes:
        lines += _chains(chains, limit - len("\n".join(lines)))
    return _within(lines, limit)


def _chains(view: ChainView, room: int) -> list[str]:
    """The chains section in `room` characters (nothing when too little is left)."""
    opening = ["## Filter chains", "", "<details><summary>What every workload runs, under "
               "Maistra and under Istio (`sme-migrate chains`)</summary>", ""]
    closing = ["", "</details>", ""]
    budget = room - len("\n".join([*opening, *closing])) - CHAINS_MARGIN
    if budget < MIN_CHAINS:
        return []
    return [*opening, *markdown.render(view, budget).rstrip("\n").split("\n"), *closing]


def _within(lines: list[str], limit: int) -> str:
    text = "\n".join(lines)
    if len(text) <= limit:
        return text
    kept: list[str] = []
    for line in lines:
        if len("\n".join([*kept, line])) > limit - 200:
            break
        kept.append(line)
    left_out = len(lines) - len(kept)
    return "\n".join([*kept, "", f"… {left_out} more lines left out (the body size limit); "
                      "run `sme-migrate scan` for all of it."])
