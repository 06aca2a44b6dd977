"""Recognising templates (Helm, Go, Jinja, mustache), which are not manifests until rendered."""

from __future__ import annotations

import os

from migrate.sources.sniff import STDIN
from migrate.sources.templates import find_template, named_as_template
from migrate.sources.unparsable import Unparsable


def as_template_problem(text: str, path: str = STDIN) -> Unparsable | None:
    """The "render it first" problem, naming the template's language, when the text holds
    template markers."""
    found = find_template(text, path, lambda: path != STDIN and in_chart_templates(path))
    return None if found is None else found.problem


def never_a_manifest(path: str) -> bool:
    """A chart's template, or a file named as a template: reported even when it parses."""
    return path != STDIN and (named_as_template(path) or in_chart_templates(path))


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
