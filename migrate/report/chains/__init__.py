"""`sme-migrate chains` output: one module per format, all fed the same ChainView."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from migrate.semantics.chainview import ChainView


class ChainsFormat(StrEnum):
    TEXT = "text"
    MARKDOWN = "markdown"
    HTML = "html"
    JSON = "json"


def render_chains(view: ChainView, fmt: ChainsFormat, color: bool = False) -> str:
    from migrate.report.chains import html_page, json_format, markdown, text

    if fmt is ChainsFormat.TEXT:
        return text.render(view, color)
    if fmt is ChainsFormat.MARKDOWN:
        return markdown.render(view)
    if fmt is ChainsFormat.HTML:
        return html_page.render(view)
    return json_format.render(view)
