"""emit_report: only the report on stdout, files written whole, colour rules, exit codes."""

from __future__ import annotations

import dataclasses
import io
import json
import os
import pty
from pathlib import Path

import pytest

from migrate.cli.output import color_wanted, emit_report, exit_code
from migrate.model import Finding, Location, ScanReport, Severity

REPO = Path(__file__).resolve().parents[2]
ANSI = "\033["


def report_of(*severities: Severity) -> ScanReport:
    return ScanReport(
        findings=tuple(
            Finding("SME001", severity, f"finding {n}", None, Location("apps/a.yaml", n + 1))
            for n, severity in enumerate(severities)
        ),
        files_scanned=1,
    )


@pytest.mark.parametrize(
    ("worst", "fail_on", "code"),
    [
        (Severity.ERROR, Severity.ERROR, 1),
        (Severity.WARNING, Severity.ERROR, 0),
        (Severity.WARNING, Severity.WARNING, 1),
        (Severity.INFO, Severity.WARNING, 0),
        (Severity.INFO, Severity.INFO, 1),
        (Severity.ERROR, None, 0),
    ],
)
def test_exit_code_for_each_threshold(worst: Severity, fail_on: Severity | None, code: int) -> None:
    assert exit_code(report_of(Severity.INFO, worst), fail_on) == code


def test_a_clean_scan_passes_at_every_threshold() -> None:
    for fail_on in (*Severity, None):
        assert exit_code(report_of(), fail_on) == 0


def test_suppressed_findings_never_fail_the_run() -> None:
    report = dataclasses.replace(report_of(), suppressed=report_of(Severity.ERROR).findings)
    assert exit_code(report, Severity.INFO) == 0


def test_stdout_carries_the_report_and_nothing_else(capsys: pytest.CaptureFixture[str]) -> None:
    code = emit_report(report_of(Severity.ERROR), "json", None, Severity.ERROR)
    captured = capsys.readouterr()
    assert code == 1
    assert json.loads(captured.out)["summary"]["errors"] == 1
    assert captured.err == ""


def test_output_file_gets_the_report_and_stdout_stays_empty(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "scan.sarif"
    target.write_text("old report", encoding="utf-8")
    code = emit_report(report_of(Severity.WARNING), "sarif", target, Severity.ERROR)
    assert code == 0
    assert json.loads(target.read_text(encoding="utf-8"))["version"] == "2.1.0"
    assert capsys.readouterr().out == ""
    assert [p.name for p in tmp_path.iterdir()] == ["scan.sarif"]
    assert target.stat().st_mode & 0o044 == 0o044  # readable by the next CI step


def test_dash_means_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    emit_report(report_of(), "text", Path("-"), Severity.ERROR)
    assert capsys.readouterr().out.startswith("No findings")


def test_an_unwritable_output_is_exit_2_with_the_reason_on_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = emit_report(report_of(), "json", tmp_path / "missing-dir" / "r.json", Severity.ERROR)
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    assert "cannot write the report to" in captured.err and "missing-dir" in captured.err
    assert "No such file or directory" in captured.err and ".tmp" not in captured.err


def test_github_format_appends_a_summary_table_to_the_step_summary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    summary = tmp_path / "step_summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    emit_report(report_of(Severity.ERROR, Severity.WARNING), "github", None, Severity.ERROR)
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("earlier step\n### sme-migrate scan")
    assert "| Severity | Rule | Resource | Location | Message |" in text
    assert capsys.readouterr().out.startswith("::error file=apps/a.yaml,line=1")


def test_other_formats_leave_the_step_summary_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    summary = tmp_path / "step_summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    emit_report(report_of(Severity.ERROR), "sarif", None, Severity.ERROR)
    assert not summary.exists()


def test_an_unwritable_step_summary_is_a_warning_not_a_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path / "no" / "summary.md"))
    code = emit_report(report_of(Severity.WARNING), "github", None, Severity.ERROR)
    assert code == 0
    assert "cannot write the job summary" in capsys.readouterr().err


def emit_to_terminal(monkeypatch: pytest.MonkeyPatch, fmt: str) -> str:
    """Run emit_report with stdout on a real pseudo-terminal and return what it showed."""
    controller, terminal = pty.openpty()
    with os.fdopen(terminal, "w", encoding="utf-8") as stream:
        monkeypatch.setattr("sys.stdout", stream)
        emit_report(report_of(Severity.ERROR), fmt, None, Severity.ERROR)
    shown = os.read(controller, 1 << 16).decode("utf-8")
    os.close(controller)
    return shown


def test_text_is_coloured_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert ANSI in emit_to_terminal(monkeypatch, "text")


def test_no_color_turns_colour_off_even_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    shown = emit_to_terminal(monkeypatch, "text")
    assert "SME001" in shown and ANSI not in shown


def test_machine_formats_are_never_coloured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert ANSI not in emit_to_terminal(monkeypatch, "json")


def test_no_colour_when_piped(capsys: pytest.CaptureFixture[str]) -> None:
    emit_report(report_of(Severity.ERROR), "text", None, Severity.ERROR)
    assert ANSI not in capsys.readouterr().out


def test_color_wanted_respects_an_empty_no_color() -> None:
    controller, terminal = pty.openpty()
    with os.fdopen(terminal, "w") as stream:
        assert color_wanted(stream, {"NO_COLOR": ""})
        assert not color_wanted(stream, {"NO_COLOR": "yes"})
    os.close(controller)
    assert not color_wanted(io.StringIO(), {})
