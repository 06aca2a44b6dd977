"""Report formats: one module per format, all rendering the same ScanReport."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from enum import StrEnum
from pathlib import Path

from migrate.model import ScanReport, Severity
from migrate.report import github, json_format, junit, markdown, sarif, text, yaml_format
from migrate.report.common import RenderOptions

Renderer = Callable[[ScanReport, RenderOptions], str]

_RENDERERS: Mapping[str, Renderer] = {
    "text": text.render,
    "json": json_format.render,
    "yaml": yaml_format.render,
    "sarif": sarif.render,
    "github": github.render,
    "junit": junit.render,
    "markdown": markdown.render,
}
FORMATS: tuple[str, ...] = tuple(_RENDERERS)


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
    renderer = _RENDERERS.get(fmt)
    if renderer is None:
        raise ValueError(f"unknown report format {fmt!r}: choose one of {', '.join(FORMATS)}")
    return renderer(report, RenderOptions(fail_on, color, root, source_root, min_severity))


__all__ = ["FORMATS", "RenderOptions", "ReportFormat", "render"]
