"""The chain view as one self-contained HTML page: inline CSS and a tiny inline script, no
network. One row per workload group, the two chains drawn as boxes in order, differences
highlighted, and a text filter (also read from `#filter=TEXT` or `?filter=TEXT`)."""

from __future__ import annotations

from html import escape

from migrate.report.chains.common import MAX_NAMED, mesh_heading, verdict_text
from migrate.semantics.chainview import ChainView, Entry, Mark, MeshChains, WorkloadGroup

TITLE = "sme-migrate: filter chains, Maistra → Istio"
_MARK_TITLES = {Mark.MOVED: "order changed (SME020)",
                Mark.KNOWN: "known difference (SME033 ext_authz / SME035 cors, fault)"}

CSS = """
:root{--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--bg:#f6f8fa;--plugin:#ddf4ff;
--plugin-b:#54aeff;--moved:#ffebe9;--moved-b:#cf222e;--known:#fff8c5;--known-b:#bf8700;
--ok:#1a7f37}
*{box-sizing:border-box}
body{font:14px/1.4 "DejaVu Sans",system-ui,sans-serif;color:var(--fg);margin:0;background:#fff}
header{position:sticky;top:0;background:#fff;border-bottom:1px solid var(--line);
padding:12px 16px;display:flex;flex-wrap:wrap;gap:8px 24px;align-items:center;z-index:1}
h1{font-size:18px;margin:0}
h2{font-size:15px;margin:16px 16px 8px;color:var(--muted);font-weight:600}
#filter{font:inherit;padding:5px 8px;border:1px solid var(--line);border-radius:6px;width:22em}
.count,.legend{color:var(--muted);font-size:12px}
.legend span{display:inline-block;padding:0 6px;border-radius:4px;border:1px solid;margin-left:4px}
.group{display:grid;grid-template-columns:1fr;gap:6px;
margin:0 16px 10px;padding:10px 10px;border:1px solid var(--line);border-radius:8px;
break-inside:avoid}
.group.moved{border-left:5px solid var(--moved-b)}
.group.known{border-left:5px solid var(--known-b)}
.group.identical{border-left:5px solid var(--ok)}
.verdict{font-weight:600}
.moved .verdict{color:var(--moved-b)}.known .verdict{color:var(--known-b)}
.identical .verdict{color:var(--ok)}
.info{display:flex;flex-wrap:wrap;gap:2px 14px;align-items:baseline}
.workloads{display:flex;flex-wrap:wrap;gap:2px 14px;margin:0;padding:0;list-style:none;
font-size:13px;overflow-wrap:break-word}
.workloads li{font-weight:600}
.workloads summary{cursor:pointer;color:var(--muted)}
.chains{display:grid;grid-template-columns:56px 1fr;gap:6px 8px;align-items:center}
.side{font-size:12px;color:var(--muted);font-weight:600}
ol.chain{display:flex;flex-wrap:wrap;gap:5px 0;margin:0;padding:0;list-style:none}
ol.chain li{display:flex;align-items:center}
ol.chain li+li::before{content:"→";color:var(--muted);padding:0 3px}
.box{border:1px solid var(--plugin-b);background:var(--plugin);border-radius:5px;
padding:2px 6px;font-size:12px;white-space:nowrap}
.box small{color:var(--muted);margin-left:4px;font-size:11px}
.box.builtin{background:var(--bg);border:1px dashed #8c959f;color:var(--muted);padding:2px 5px}
.box.moved{background:var(--moved);border:2px solid var(--moved-b);color:var(--moved-b);
font-weight:600}
.box.known{background:var(--known);border:2px solid var(--known-b)}
.empty{margin:24px;color:var(--muted)}
@media print{header{position:static}#filter,.count{display:none}
.group{margin:0 0 8px}h2{margin:12px 0 6px}
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
"""

SCRIPT = """
(function(){
var input=document.getElementById("filter"),groups=document.querySelectorAll(".group"),
count=document.getElementById("count");
function apply(){var q=input.value.trim().toLowerCase(),shown=0;
groups.forEach(function(g){var hit=!q||g.getAttribute("data-search").indexOf(q)>=0;
g.hidden=!hit;if(hit){shown++;}});
count.textContent=shown+" of "+groups.length+" groups shown";}
var m=/[#?&]filter=([^&]*)/.exec(location.hash+"&"+location.search);
if(m){input.value=decodeURIComponent(m[1].replace(/\\+/g," "));}
input.addEventListener("input",apply);apply();
})();
"""


def _box(entry: Entry) -> str:
    kind = "builtin" if entry.builtin else "plugin"
    classes = f"box {kind}" + ("" if entry.mark is Mark.SAME else f" {entry.mark.value}")
    title = f' title="{escape(_MARK_TITLES[entry.mark])}"' if entry.mark in _MARK_TITLES else ""
    detail = f"<small>{escape(entry.detail)}</small>" if entry.detail else ""
    return f'<li><span class="{classes}"{title}>{escape(entry.name)}{detail}</span></li>'


def _chain(label: str, entries: tuple[Entry, ...]) -> str:
    boxes = "".join(_box(e) for e in entries)
    return f'<div class="side">{label}</div><ol class="chain">{boxes}</ol>'


def _workloads(names: tuple[str, ...]) -> str:
    items = "".join(f"<li>{escape(n)}</li>" for n in names[:MAX_NAMED])
    rest = names[MAX_NAMED:]
    if rest:
        more = "".join(f"<li>{escape(n)}</li>" for n in rest)
        items += f"<li><details><summary>and {len(rest)} more</summary><ul class=\"workloads\">" \
                 f"{more}</ul></details></li>"
    return f'<ul class="workloads">{items}</ul>'


def _search(group: WorkloadGroup) -> str:
    words = [*group.workloads, *(e.name for e in (*group.maistra, *group.istio))]
    return escape(" | ".join(words).lower())


def _group(group: WorkloadGroup) -> str:
    verdict = group.verdict.name.lower()
    return (f'<article class="group {verdict}" data-search="{_search(group)}">'
            f'<div class="info"><span class="verdict">{escape(verdict_text(group))}</span>'
            f"{_workloads(group.workloads)}</div>"
            f'<div class="chains">{_chain("Maistra", group.maistra)}'
            f'{_chain("Istio", group.istio)}</div></article>')


def _mesh(mesh: MeshChains) -> str:
    return f"<section><h2>{escape(mesh_heading(mesh))}</h2>" + "".join(
        _group(g) for g in mesh.groups) + "</section>"


def _header() -> str:
    legend = ('<span class="legend">marks:<span style="border-color:var(--moved-b);'
              'background:var(--moved)">order changed (SME020)</span><span style="border-color:'
              'var(--known-b);background:var(--known)">known difference (SME033/SME035)</span>'
              "</span>")
    return (f"<header><h1>{escape(TITLE)}</h1>"
            '<input id="filter" type="search" placeholder="Filter workloads or plugins…" '
            'aria-label="Filter workloads or plugins">'
            f'<span class="count" id="count"></span>{legend}</header>')


def render(view: ChainView) -> str:
    body = "".join(_mesh(m) for m in view.meshes) or (
        '<p class="empty">No converted ServiceMeshExtension: no filter chain to show.</p>')
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(TITLE)}</title><style>{CSS}</style></head><body>"
            f"{_header()}<main>{body}</main><script>{SCRIPT}</script></body></html>\n")
