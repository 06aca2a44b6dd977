"""`sme-migrate rules [RULE]`, run through the real command line."""

from __future__ import annotations

from typer.testing import CliRunner, Result

import migrate.cli.rules_cmd  # noqa: F401  (registers the command)
from migrate.cli.root import app
from migrate.rules.catalogue import catalogue


def run(*args: str) -> Result:
    return CliRunner().invoke(app, ["rules", *args])


def test_lists_every_rule_with_severity_and_title() -> None:
    result = run()
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["ID", "SEVERITY", "TITLE"]
    assert len(lines) == 1 + len(catalogue())
    assert [line.split()[0] for line in lines[1:]] == sorted(catalogue())
    sme001 = next(line for line in lines if line.startswith("SME001"))
    assert sme001.split(maxsplit=2) == ["SME001", "error", "ServiceMeshExtension found"]


def test_explains_one_rule_what_why_and_how_to_fix() -> None:
    result = run("SME002")
    rule = catalogue()["SME002"]
    assert result.exit_code == 0
    text = " ".join(result.stdout.split())
    assert text.startswith("SME002 config-not-representable (error)")
    for part in ("What:", rule.title, "Why:", rule.description, "How to fix:", rule.fix):
        assert part in text
    assert f"Docs: {rule.help_uri}" in result.stdout


def test_a_rule_can_be_named_by_its_name() -> None:
    assert run("no-config").stdout == run("sme007").stdout


def test_an_unknown_rule_is_exit_2_with_a_message_on_stderr() -> None:
    result = run("SME999")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "unknown rule 'SME999'" in result.stderr
