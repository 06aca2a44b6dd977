"""`sme-migrate chains` output, compared with golden files in testdata/chains/<case>/.

Regenerate with `UPDATE_GOLDEN=1 pytest tests/report/test_chains_golden.py` and read every
changed file before committing it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from migrate.report.chains import ChainsFormat, render_chains
from migrate.report.chains.markdown import render as markdown
from migrate.semantics.chainview import ChainView, Verdict
from tests.support.chains import CHAINS_DATA, GITOPS, MIXED, view_of

CASES = {"gitops": (GITOPS, False), "mixed": (MIXED, True)}  # (input, tampered)
SUFFIXES = {ChainsFormat.TEXT: "txt", ChainsFormat.MARKDOWN: "md", ChainsFormat.JSON: "json"}


def _check(path: Path, actual: str) -> None:
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.write_text(actual, encoding="utf-8", newline="")
        return
    assert path.exists(), f"no golden file {path}: run with UPDATE_GOLDEN=1 and read it"
    assert actual == path.read_text(encoding="utf-8"), f"output differs from {path}"


def _view(case: str) -> ChainView:
    path, tampered = CASES[case]
    return view_of(path, tampered)


@pytest.mark.parametrize("fmt", list(SUFFIXES))
@pytest.mark.parametrize("case", list(CASES))
def test_output_matches_the_golden_file(case: str, fmt: ChainsFormat) -> None:
    _check(CHAINS_DATA / case / f"expected.{SUFFIXES[fmt]}", render_chains(_view(case), fmt))


def test_the_example_repository_keeps_every_chain() -> None:
    view = _view("gitops")
    assert [g.verdict for g in view.groups] == [Verdict.IDENTICAL] * 3
    assert not view.order_changed


def test_the_tampered_mesh_names_each_difference_with_its_rule() -> None:
    document = json.loads(render_chains(_view("mixed"), ChainsFormat.JSON))
    groups = document["meshes"][0]["groups"]
    rules = {tuple(g["workloads"]): g["rules"] for g in groups}
    assert rules[("Deployment bookinfo/reviews-v1", "Deployment bookinfo/reviews-v2")] == [
        "SME020"]
    assert rules[("Deployment shop/cart", "Deployment shop/web")] == ["SME033"]
    assert document["order_changed"] is True
    moved = [e["name"] for e in groups[0]["istio"] if e["mark"] == "moved"]
    assert moved == ["istio-system/before-authz", "istio-system/after-authn"]


def test_text_is_coloured_only_when_asked() -> None:
    view = _view("mixed")
    assert "\x1b[" not in render_chains(view, ChainsFormat.TEXT)
    assert "\x1b[31;1m" in render_chains(view, ChainsFormat.TEXT, color=True)


def test_markdown_cut_to_a_limit_says_how_many_groups_it_left_out() -> None:
    view = _view("mixed")
    whole = markdown(view)
    cut = markdown(view, limit=1500)
    assert len(cut.encode()) <= 1500 < len(whole.encode())
    assert "more workload group(s) left out" in cut
    assert cut.count("| # |") + int(cut.split("… ")[1].split()[0]) == len(view.groups)
