"""Migrating in two steps with the real CLI: the second step keeps the first step's order."""

import shutil
from pathlib import Path

import yaml

from tests.support.cli import sme_migrate

FIXTURE = Path(__file__).resolve().parents[2] / "testdata" / "rules" / "SME028"


def test_convert_also_prints_the_earlier_plugin_with_its_new_priority() -> None:
    outcome = sme_migrate("convert", str(FIXTURE))
    plugins = {p["metadata"]["name"]: p for p in yaml.safe_load_all(outcome.stdout)}
    assert set(plugins) == {"authz-check", "identity-headers"}
    assert plugins["identity-headers"]["spec"]["priority"] > plugins["authz-check"]["spec"][
        "priority"]
    assert plugins["identity-headers"]["spec"]["pluginConfig"] == {"header": "x-identity"}


def test_rewrite_edits_only_the_priority_of_the_earlier_plugin(tmp_path: Path) -> None:
    work = tmp_path / "repo"
    shutil.copytree(FIXTURE, work)
    before = (work / "earlier.yaml").read_text()
    outcome = sme_migrate("rewrite", str(work))
    assert outcome.exit_code == 0, outcome.stderr
    after = (work / "earlier.yaml").read_text()
    assert after == before.replace("  priority: 10\n", "  priority: 20\n")
    assert "1 earlier WasmPlugin priority(ies) updated" in outcome.stderr
    again = sme_migrate("rewrite", str(work))
    assert "rewrote 0 file(s)" in again.stderr
    scan = sme_migrate("scan", str(work), "--format", "json", "--fail-on", "never").json()
    assert not {"SME001", "SME014", "SME020", "SME028"} & {f["rule"] for f in scan["findings"]}
