"""docs/rules.md is generated from the catalogue, current, and its anchors are the help URIs."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

from migrate.rules.catalogue import catalogue

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "gen_rule_docs.py"
DOCS = REPO / "docs" / "rules.md"


def load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_rule_docs", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def github_anchor(heading: str) -> str:
    """The id GitHub gives a Markdown heading (lower case, punctuation dropped, - for spaces)."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_docs_are_up_to_date() -> None:
    expected = load_script().render_docs(catalogue().values())
    assert DOCS.read_text(encoding="utf-8") == expected, "run: python scripts/gen_rule_docs.py"


def test_every_help_uri_lands_on_its_rules_heading() -> None:
    headings = re.findall(r"^## (.+)$", DOCS.read_text(encoding="utf-8"), flags=re.MULTILINE)
    anchors = {github_anchor(heading) for heading in headings}
    for rule in catalogue().values():
        assert rule.help_uri.rpartition("#")[2] in anchors, rule.id


def run_script(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, str(SCRIPT), *args]
    return subprocess.run(command, capture_output=True, text=True, check=False)


def test_check_mode_fails_on_stale_docs_and_passes_once_regenerated(tmp_path: Path) -> None:
    docs = tmp_path / "rules.md"
    docs.write_text("# Rules\n\nhand-edited\n", encoding="utf-8")
    stale = run_script("--check", str(docs))
    assert stale.returncode == 1 and "is out of date" in stale.stderr
    assert run_script(str(docs)).returncode == 0
    assert run_script("--check", str(docs)).returncode == 0
    assert docs.read_text(encoding="utf-8") == DOCS.read_text(encoding="utf-8")
