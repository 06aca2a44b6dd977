from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from migrate.model import Finding, Location, ResourceRef, ScanReport, Severity
from migrate.report import render
from migrate.report.github import ANNOTATIONS_PER_TYPE, escape_data, escape_property

COMMAND = re.compile(r"^::(?P<kind>error|warning|notice) (?P<props>[^:]*)::(?P<data>.*)$")


def unescape(text: str) -> str:
    """What the Actions runner does to a command's message and properties."""
    for escaped, plain in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        text = text.replace(escaped, plain)
    return text


def parse(line: str) -> tuple[str, dict[str, str], str]:
    match = COMMAND.match(line)
    assert match, f"not a workflow command: {line!r}"
    props = dict(prop.split("=", 1) for prop in match["props"].split(","))
    return match["kind"], {k: unescape(v) for k, v in props.items()}, unescape(match["data"])


def commands(report: ScanReport) -> list[tuple[str, dict[str, str], str]]:
    return [parse(line) for line in render(report, "github").splitlines() if line.startswith("::")]


def test_golden(report: ScanReport, golden: Callable[[str, str], None]) -> None:
    golden("report.github.txt", render(report, "github"))


def test_one_command_per_finding_each_carrying_its_message_intact(report: ScanReport) -> None:
    parsed = commands(report)
    assert len(parsed) == len(report.findings)
    messages = {data for _, _, data in parsed}
    for finding in report.findings:
        subject = f"{finding.resource.display}: " if finding.resource else ""
        assert subject + finding.message in messages


def test_severity_chooses_the_command(report: ScanReport) -> None:
    kinds = {props["title"].split()[0]: kind for kind, props, _ in commands(report)}
    assert (kinds["SME001"], kinds["SME006"], kinds["SME017"]) == ("error", "warning", "notice")


def test_file_line_and_title_point_at_the_finding(report: ScanReport) -> None:
    _, props, _ = next(c for c in commands(report) if c[1]["title"].startswith("SME002"))
    assert props == {
        "file": "apps/bookinfo/ratings-sme.yaml",
        "line": "11",
        "title": "SME002 Configuration cannot be expressed as a WasmPlugin pluginConfig",
    }


def test_no_file_or_line_property_when_unknown(report: ScanReport) -> None:
    props = {c[1]["title"].split()[0]: c[1] for c in commands(report)}
    assert set(props["SME017"]) == {"file", "title"}
    assert set(props["SME020"]) == {"title"}


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [("100%", "100%25"), ("a\nb", "a%0Ab"), ("a\r\nb", "a%0D%0Ab"), ("a:b,c", "a:b,c")],
)
def test_escape_data(raw: str, escaped: str) -> None:
    assert escape_data(raw) == escaped


def test_escape_property_also_escapes_the_delimiters() -> None:
    assert escape_property("a:b,c%") == "a%3Ab%2Cc%25"


def test_a_path_with_delimiters_survives() -> None:
    ref = ResourceRef("maistra.io/v1", "ServiceMeshExtension", "ns", "x")
    finding = Finding("SME001", Severity.ERROR, "m", ref, Location("dir,1/a:b.yaml", 4))
    _, props, _ = commands(ScanReport(findings=(finding,)))[0]
    assert props["file"] == "dir,1/a:b.yaml"


def test_ends_with_a_summary_line(report: ScanReport) -> None:
    last = render(report, "github").splitlines()[-1]
    assert last == "sme-migrate: 7 errors, 4 warnings, 1 info (2 suppressed) in 9 files"


def test_past_ten_of_a_type_the_rest_are_log_lines_and_none_is_lost() -> None:
    notes = [Finding("SME017", Severity.INFO, f"note {i}", None, Location(f"f{i:02}.yaml", i + 1))
             for i in range(13)]
    error = Finding("SME001", Severity.ERROR, "blocks the upgrade", None, Location("a.yaml", 1))
    findings = (*notes, error)
    lines = render(ScanReport(findings), "github").splitlines()
    assert sum(line.startswith("::notice file=") for line in lines) == ANNOTATIONS_PER_TYPE
    assert sum(line.startswith("::error ") for line in lines) == 1
    (marker,) = [line for line in lines if line.startswith("::notice title=sme-migrate::")]
    assert "3 more finding(s)" in marker
    rest = lines[lines.index(marker) + 1:-1]
    assert rest == [f"info SME017 f{i:02}.yaml:{i + 1} note {i}" for i in (10, 11, 12)]
