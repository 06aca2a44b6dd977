"""Report formats: one module per format, all rendering the same ScanReport."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from enum import StrEnum
from pathlib import Path

from migrate.model import ScanReport, Severity
from migrate.report.common import RenderOptions

Renderer = Callable[[ScanReport, RenderOptions], str]

# Each format's module is imported when a report in it is rendered: a JSON scan never pays for
# the SARIF, JUnit or Markdown code.
_MODULES: Mapping[str, str] = {
    "text": "text",
    "json": "json_format",
    "yaml": "yaml_format",
    "sarif": "sarif",
    "github": "github",
    "junit": "junit",
    "markdown": "markdown",
}
FORMATS: tuple[str, ...] = tuple(_MODULES)


def _renderer(fmt: str) -> Renderer | None:
    module = _MODULES.get(fmt)
    if module is None:
        return None
    renderer: Renderer = importlib.import_module(f"migrate.report.{module}").render
    return renderer


class ReportFormat(StrEnum):
    """What `-o` accepts for a findings report (`--format` is the same option)."""

    TEXT = "text"
    JSON = "json"
    YAML = "yaml"
    SARIF = "sarif"
    GITHUB = "github"
    JUNIT = "junit"
    MARKDOWN = "markdown"


def render(
    report: ScanReport,
    fmt: str,
    *,
    fail_on: Severity | None = Severity.ERROR,
    color: bool = False,
    root: Path | None = None,
    source_root: Path | None = None,
    min_severity: Severity = Severity.INFO,
) -> str:
    """The report in one format. `root`: show absolute paths under it relative to it.
    `source_root`: the repository root SARIF and GitHub annotations name files from (default
    `root`); `migrate.sources.repository.repository_root(paths)` finds it."""
    renderer = _renderer(fmt)
    if renderer is None:
        raise ValueError(f"unknown report format {fmt!r}: choose one of {', '.join(FORMATS)}")
    return renderer(report, RenderOptions(fail_on, color, root, source_root, min_severity))


__all__ = ["FORMATS", "RenderOptions", "ReportFormat", "render"]
