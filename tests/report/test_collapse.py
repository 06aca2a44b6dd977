"""--min-severity hides findings from the text output; repeated info findings show once."""

from __future__ import annotations

from pathlib import Path

from tests.support.cli import sme_migrate

GITOPS = Path(__file__).resolve().parents[2] / "testdata" / "gitops"


def _lines(*args: str) -> list[str]:
    outcome = sme_migrate("scan", str(GITOPS), "--fail-on", "never", *args)
    assert outcome.exit_code == 0
    return outcome.stdout.splitlines()


def test_min_severity_hides_lower_findings_but_keeps_the_counts() -> None:
    everything = _lines()
    errors_only = _lines("--min-severity", "error")
    assert any(" info " in line for line in everything[:-1])
    assert not any(" info " in line or " warning " in line for line in errors_only[:-1])
    assert errors_only[-1].startswith(everything[-1].split(";")[0])  # same counts


def test_a_repeated_info_finding_is_shown_once_with_a_count() -> None:
    shown = [line for line in _lines() if "SME017" in line]
    json_findings = sme_migrate("scan", str(GITOPS), "-o", "json", "--fail-on", "never").json()
    total = sum(1 for f in json_findings["findings"] if f["rule"] == "SME017")
    assert total > 1 and len(shown) == 1
    assert f"(and {total - 1} others like it)" in shown[0]


def test_the_exit_status_ignores_min_severity() -> None:
    hidden = sme_migrate("scan", str(GITOPS), "--min-severity", "error", "--fail-on", "warning")
    assert hidden.exit_code == 1
