from __future__ import annotations

import json
from collections.abc import Callable

import yaml

from migrate.model import ScanReport
from migrate.report import render


def test_golden(report: ScanReport, golden: Callable[[str, str], None]) -> None:
    golden("report.yaml", render(report, "yaml"))


def test_same_structure_as_json(report: ScanReport) -> None:
    assert yaml.safe_load(render(report, "yaml")) == json.loads(render(report, "json"))


def test_a_clean_scan(empty_report: ScanReport) -> None:
    assert yaml.safe_load(render(empty_report, "yaml")) == {
        "findings": [],
        "summary": empty_report.summary(),
    }
