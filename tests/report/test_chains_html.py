"""The chains page in a real headless Chromium: it loads cleanly, shows every name, filters,
draws (a screenshot lands in test-artifacts/), and never reaches the network."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from migrate.report.chains.html_page import render
from migrate.semantics.chainview import ChainView, Entry, MeshChains, Verdict, WorkloadGroup
from tests.support.browser import load, needs_chromium, screenshot
from tests.support.chains import MIXED, REPO, view_of

ARTIFACTS = REPO / "test-artifacts"
pytestmark = needs_chromium
HOSTILE = '<img src=x onerror="document.title=1">'


@pytest.fixture(scope="module")
def view() -> ChainView:
    return view_of(MIXED, tampered=True)


@pytest.fixture
def page(tmp_path: Path, view: ChainView) -> Path:
    path = tmp_path / "chains.html"
    path.write_text(render(view), encoding="utf-8")
    return path


def _hidden(dom: str) -> list[bool]:
    return [" hidden" in tag for tag in re.findall(r"<article[^>]*>", dom)]


def test_the_page_loads_with_no_console_error_and_every_name(page: Path, view: ChainView
                                                             ) -> None:
    loaded = load(page)
    assert loaded.console_errors == []
    names = {*(w for g in view.groups for w in g.workloads),
             *(e.name for g in view.groups for e in (*g.maistra, *g.istio))}
    assert "Deployment shop/cart" in names and "istio-system/edge-auth" in names
    assert [n for n in names if n not in loaded.dom] == []
    assert _hidden(loaded.dom) == [False] * len(view.groups)
    assert f"{len(view.groups)} of {len(view.groups)} groups shown" in loaded.dom


@pytest.mark.parametrize("query", ["?filter=shop/cart", "#filter=shop%2Fcart"])
def test_the_filter_hides_every_other_group(page: Path, query: str) -> None:
    dom = load(page, query).dom
    shown = [tag for tag in re.findall(r"<article[^>]*>", dom) if " hidden" not in tag]
    assert len(shown) == 1 and "deployment shop/cart" in shown[0]
    assert _hidden(dom).count(True) == len(_hidden(dom)) - 1


def test_a_console_error_would_be_seen(tmp_path: Path) -> None:
    broken = tmp_path / "broken.html"
    broken.write_text("<!DOCTYPE html><script>undefinedFunction()</script>")
    assert load(broken).console_errors


def test_names_are_escaped_not_run(tmp_path: Path) -> None:
    entry = Entry(HOSTILE, builtin=False, detail="AUTHZ 1")
    group = WorkloadGroup((HOSTILE,), (entry,), (entry,), Verdict.IDENTICAL, ())
    path = tmp_path / "hostile.html"
    path.write_text(render(ChainView((MeshChains("istio-system", False, (group,)),))))
    dom = load(path).dom
    assert "<img" not in dom and "&lt;img src=x" in dom
    assert "<title>1</title>" not in dom


def test_the_page_needs_no_network(page: Path) -> None:
    text = page.read_text()
    assert not re.search(r"""(src|href)=|@import|url\(|https?://""", text)


def test_a_screenshot_is_drawn(page: Path) -> None:
    png = screenshot(page, ARTIFACTS / "chains-mixed.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 20_000
