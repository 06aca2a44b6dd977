"""The documentation users get stands alone: every link resolves inside the repository, and
every rule's help link lands on its heading in docs/rules.md."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from migrate import REPOSITORY_URL
from migrate.rules.catalogue import DOCS_URL, catalogue

REPO = Path(__file__).resolve().parents[1]
RULES_DOC = REPO / "docs" / "rules.md"
DOCUMENTS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
LINK = re.compile(r"\]\(([^)\s]+)\)")
FENCE = re.compile(r"^```.*?^```", re.M | re.S)


def github_anchors(markdown: str) -> set[str]:
    """The ids GitHub gives the headings: lower case, punctuation but `-` and `_` dropped,
    spaces become `-`; a repeated id gets `-1`, `-2`, ..."""
    seen: dict[str, int] = {}
    anchors = set()
    for heading in re.findall(r"^#{1,6}\s+(.+?)\s*#*\s*$", FENCE.sub("", markdown), re.M):
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        anchors.add(slug if count == 0 else f"{slug}-{count}")
    return anchors


def test_the_anchor_rule_is_githubs() -> None:
    text = "# Rules\n## SME001 servicemeshextension-found\n## A `code`, (note)!\n## Rules\n"
    assert github_anchors(text) == {
        "rules", "sme001-servicemeshextension-found", "a-code-note", "rules-1",
    }


def test_every_rule_links_to_its_heading_in_docs_rules_md() -> None:
    anchors = github_anchors(RULES_DOC.read_text(encoding="utf-8"))
    assert f"{REPOSITORY_URL}/blob/main/docs/rules.md" == DOCS_URL
    for rule in catalogue().values():
        page, _, anchor = rule.help_uri.partition("#")
        assert page == DOCS_URL, rule.id
        assert anchor in anchors, f"{rule.id}: no heading #{anchor} in docs/rules.md"


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda path: path.name)
def test_relative_links_resolve_inside_the_repository(document: Path) -> None:
    for target in LINK.findall(FENCE.sub("", document.read_text(encoding="utf-8"))):
        if re.match(r"[a-z]+:", target) or target.startswith("#"):
            continue
        path = (document.parent / target.partition("#")[0]).resolve()
        assert path.is_relative_to(REPO), f"{document.name} links outside the repository: {target}"
        assert path.exists(), f"{document.name} links to a missing file: {target}"
