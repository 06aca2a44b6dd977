"""Which template language an unrendered file is written in, and how to render it.

A file with template markers is not a manifest until its own tool fills it in: Helm for a chart
(or a file that reads `.Values`), the program that owns a plain Go template, a Jinja renderer
(`{% %}`, `{{ x | filter }}`, `.j2`), or a mustache renderer (`{{name}}`, `{{#section}}`).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable
from dataclasses import dataclass

from migrate.sources.unparsable import Unparsable, text_line_at

JINJA_SUFFIXES = (".j2", ".jinja", ".jinja2")
MUSTACHE_SUFFIXES = (".mustache",)
GO_SUFFIXES = (".tpl", ".tmpl", ".gotmpl")
TEMPLATE_SUFFIXES = JINJA_SUFFIXES + MUSTACHE_SUFFIXES + GO_SUFFIXES
HELM_OBJECTS = (".Values", ".Release", ".Chart", ".Capabilities", ".Files")

_ACTION = "{{"
_JINJA_STATEMENT = "{%"
_GO_ACTION = re.compile(
    r"\{\{-?\s*(?:[.$(]|(?:if|else|end|range|with|define|template|include|block|toYaml|"
    r"printf|default|quote|required|tpl|not|and|or|eq|ne)\b)")
_JINJA_FILTER = re.compile(r"\{\{-?\s*[A-Za-z_][\w.\[\]'\"]*(?:\([^)]*\))?\s*\|\s*[A-Za-z_]")


class Language(enum.Enum):
    HELM_CHART = "a Helm chart template"
    HELM = "a Helm template"
    GO = "a Go template"
    JINJA = "a Jinja template"
    MUSTACHE = "a mustache template"


RENDER = {
    Language.HELM_CHART: "helm template <release> <chart> | sme-migrate scan -",
    Language.HELM: "helm template <release> <chart> | sme-migrate scan -",
    Language.GO: "run the program that fills it in (gomplate, consul-template, an operator) "
                 "and pipe its output: … | sme-migrate scan -",
    Language.JINJA: "jinja2 <file> <variables.yaml> | sme-migrate scan - (jinja2-cli), or "
                    "scan what the tool that owns it (an Ansible template task) writes",
    Language.MUSTACHE: "mustache <variables.yaml> <file> | sme-migrate scan -",
}


@dataclass(frozen=True)
class Template:
    language: Language
    marker: str  # what gave it away: "{{" or "{%"
    line: int  # 1-based

    @property
    def problem(self) -> Unparsable:
        return Unparsable(
            f"{self.language.value} ('{self.marker}' at line {self.line}), not a manifest, so "
            f"it cannot be checked as it stands; render it first: {RENDER[self.language]}",
            self.line,
        )


def named_as_template(path: str) -> bool:
    return path.endswith(TEMPLATE_SUFFIXES)


def find_template(text: str, path: str, in_chart: Callable[[], bool]) -> Template | None:
    """The file's template language, when it holds template markers; None otherwise."""
    statement, action = text.find(_JINJA_STATEMENT), text.find(_ACTION)
    if statement < 0 and action < 0:
        return None
    language = language_of(text, path, in_chart)
    if language is Language.JINJA and statement >= 0 and (action < 0 or statement < action):
        return Template(language, _JINJA_STATEMENT, text_line_at(text, statement))
    if action < 0:
        return None  # a lone "{%" in a file that is not Jinja
    return Template(language, _ACTION, text_line_at(text, action))


def language_of(text: str, path: str, in_chart: Callable[[], bool]) -> Language:
    """By the file's name first, then by what its markers look like."""
    if path.endswith(JINJA_SUFFIXES):
        return Language.JINJA
    if path.endswith(MUSTACHE_SUFFIXES):
        return Language.MUSTACHE
    if in_chart():
        return Language.HELM_CHART
    if _JINJA_STATEMENT in text or _JINJA_FILTER.search(text):
        return Language.JINJA
    if _GO_ACTION.search(text) or path.endswith(GO_SUFFIXES):
        return Language.HELM if any(o in text for o in HELM_OBJECTS) else Language.GO
    return Language.MUSTACHE
