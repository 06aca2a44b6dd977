"""The realistic ScanReport every format is rendered from, and golden-file comparison.

Regenerate the golden files with `UPDATE_GOLDEN=1 pytest tests/report`, then read every
changed file before committing it: a golden file is only as right as the person who read it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from migrate.inventory.load import load
from migrate.model import Finding, Location, ResourceRef, ScanReport, Severity, scanned_of
from migrate.semantics.migration import migrate
from migrate.semantics.outcome import Options

REPO = Path(__file__).resolve().parents[2]
REPORT_DATA = REPO / "testdata" / "report"
GOLDEN = REPORT_DATA / "golden"


def finding_from_json(data: dict[str, Any]) -> Finding:
    """The inverse of Finding.to_json."""
    resource = data["resource"]
    location = data["location"]
    return Finding(
        rule=data["rule"],
        severity=Severity.parse(data["severity"]),
        message=data["message"],
        resource=(
            ResourceRef(
                resource["apiVersion"], resource["kind"], resource["namespace"], resource["name"]
            )
            if resource
            else None
        ),
        location=Location(location["path"], location["line"]) if location else None,
    )


def load_report(path: Path) -> ScanReport:
    data = json.loads(path.read_text(encoding="utf-8"))
    return ScanReport(
        findings=tuple(finding_from_json(f) for f in data["findings"]),
        suppressed=tuple(finding_from_json(f) for f in data["suppressed"]),
        files_scanned=data["files_scanned"],
        extensions=data["extensions"],
        converted=data["converted"],
    )


def real_scan(paths: list[str]) -> ScanReport:
    """What `sme-migrate scan PATHS` reports, run from the current directory."""
    loaded = load(paths)
    findings = migrate(loaded.inventory, Options()).findings
    return ScanReport(findings, scanned=scanned_of(loaded.resources))


@pytest.fixture
def report() -> ScanReport:
    return load_report(REPORT_DATA / "findings.json")


@pytest.fixture
def empty_report() -> ScanReport:
    return ScanReport(findings=(), files_scanned=3)


@pytest.fixture
def golden() -> Callable[[str, str], None]:
    def check(name: str, actual: str) -> None:
        path = GOLDEN / name
        if os.environ.get("UPDATE_GOLDEN") == "1":
            path.write_text(actual, encoding="utf-8", newline="")
            return
        assert path.exists(), f"no golden file {path}: run with UPDATE_GOLDEN=1 and read it"
        assert actual == path.read_bytes().decode("utf-8"), (
            f"output differs from {path}; if the change is intended (a new rule in rules/*.yaml "
            "changes report.sarif), regenerate with UPDATE_GOLDEN=1 and read the diff"
        )

    return check
