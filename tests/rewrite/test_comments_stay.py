"""Every comment above or beside a key of an extension is still above or beside that key (under
its new name) once the extension is a WasmPlugin; inserted keys never split a comment from the key
it describes. Checked with PyYAML's own positions, independently of the rewriter."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

from tests.rewrite.conftest import CASES_DIR
from tests.support.cli import sme_migrate

Step = str | int

CASE = CASES_DIR / "long-commented"
FILE = "extensions.yaml"
RENAMES: dict[tuple[Step, ...], str] = {
    ("spec", "workloadSelector"): "selector", ("spec", "selector", "labels"): "matchLabels",
    ("spec", "image"): "url", ("spec", "config"): "pluginConfig",
    ("spec", "imagePullSecrets"): "imagePullSecret"}
GONE = ("imagePullSecret",)  # a list that becomes one name: its items' comments go with it


@dataclass(frozen=True)
class Commented:
    document: int
    path: tuple[Step, ...]
    above: str  # the full-line comment right above the key's line ("" when none)
    beside: str  # the comment at the end of the key's line ("" when none)


def _keys(node: yaml.Node, path: tuple[Step, ...]) -> Iterator[tuple[tuple[Step, ...], int]]:
    """Every key's path (renamed) and 0-based line, depth first."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            name = RENAMES.get((*path, str(key.value)), str(key.value))
            yield (*path, name), key.start_mark.line
            yield from _keys(value, (*path, name))
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            yield from _keys(item, (*path, index))


def _beside(line: str) -> str:
    return line[line.index(" #"):].strip() if " #" in line else ""


def _above(lines: list[str], line: int) -> str:
    previous = lines[line - 1].strip() if line > 0 else ""
    return previous if previous.startswith("#") else ""


def commented_keys(text: str) -> dict[tuple[int, tuple[Step, ...]], Commented]:
    lines = text.splitlines()
    found = {}
    for document, root in enumerate(yaml.compose_all(text)):
        for path, line in _keys(root, ()):
            entry = Commented(document, path, _above(lines, line), _beside(lines[line]))
            found[(document, path)] = entry
    return found


def _rewritten(tmp_path: Path) -> str:
    work = tmp_path / "repo"
    shutil.copytree(CASE / "input", work)
    outcome = sme_migrate("rewrite", str(work))
    assert outcome.exit_code == 0, outcome.stderr
    return (work / FILE).read_text()


def test_every_comment_stays_with_its_key(tmp_path: Path) -> None:
    before = commented_keys((CASE / "input" / FILE).read_text())
    after = commented_keys(_rewritten(tmp_path))
    checked = {where: entry for where, entry in before.items()
               if (entry.above or entry.beside) and not set(GONE) & set(map(str, where[1]))}
    assert len(checked) >= 35  # the case documents every key: the walk must see them
    assert {where: after.get(where) for where in checked} == checked


def test_the_walk_notices_a_comment_that_moves() -> None:
    text = (CASE / "input" / FILE).read_text()
    moved = text.replace("  # The filter image, pinned.\n  image:",
                         "  image:", 1).replace("  phase: PreAuthN", "  # The filter image, "
                                                "pinned.\n  phase: PreAuthN", 1)
    before, after = commented_keys(text), commented_keys(moved)
    assert before[(0, ("spec", "url"))] != after[(0, ("spec", "url"))]
