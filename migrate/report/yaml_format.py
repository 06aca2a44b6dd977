"""The json format's document, as YAML."""

from __future__ import annotations

import yaml

from migrate.model import ScanReport
from migrate.report.common import RenderOptions
from migrate.report.json_format import document


def render(report: ScanReport, options: RenderOptions) -> str:
    return yaml.safe_dump(document(report), sort_keys=False, allow_unicode=True, width=1_000_000)
