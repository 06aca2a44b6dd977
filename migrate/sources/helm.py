"""Recognising Helm (Go) templates, which are not manifests until rendered."""

from __future__ import annotations

import os

from migrate.sources.unparsable import Unparsable, helm_template, text_line_at

TEMPLATE_OPEN = "{{"


def as_template_problem(text: str) -> Unparsable | None:
    """The "render it first" problem when the text holds template actions."""
    offset = text.find(TEMPLATE_OPEN)
    return None if offset < 0 else helm_template(text_line_at(text, offset))


def in_chart_templates(path: str) -> bool:
    """Whether the file lies under a `templates/` directory of a chart (next to a Chart.yaml)."""
    directory = os.path.dirname(os.path.abspath(path))
    while True:
        parent = os.path.dirname(directory)
        if os.path.basename(directory) == "templates" and os.path.isfile(
            os.path.join(parent, "Chart.yaml")
        ):
            return True
        if parent == directory:
            return False
        directory = parent
