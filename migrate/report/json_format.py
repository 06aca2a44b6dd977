"""One JSON document: `{"findings": [...], "summary": {...}}`, findings in report order."""

from __future__ import annotations

from typing import Any

from migrate.emit import indented_json
from migrate.model import ScanReport
from migrate.report.common import RenderOptions, ordered


def document(report: ScanReport) -> dict[str, Any]:
    """The structure the json and yaml formats share."""
    return {
        "findings": [finding.to_json() for finding in ordered(report.findings)],
        "summary": report.summary(),
    }


def render(report: ScanReport, options: RenderOptions) -> str:
    return indented_json.dumps(document(report)) + "\n"
