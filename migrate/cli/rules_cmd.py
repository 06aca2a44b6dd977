"""`sme-migrate rules [RULE]`: list the rule catalogue or explain one rule."""

from __future__ import annotations

import json
import textwrap
from dataclasses import asdict
from enum import StrEnum
from typing import Annotated, Any

import typer
import yaml

from migrate import rules
from migrate.cli.command import fail, shared_options
from migrate.cli.options import output_format
from migrate.cli.root import app
from migrate.rules.catalogue import Rule, catalogue

_WIDTH = 88


class RulesFormat(StrEnum):
    TEXT = "text"
    JSON = "json"
    YAML = "yaml"


def catalogue_table() -> str:
    rules = sorted(catalogue().values(), key=lambda rule: rule.id)
    lines = [f"{'ID':<7} {'SEVERITY':<8} TITLE"]
    lines.extend(f"{rule.id:<7} {rule.severity.label:<8} {rule.title}" for rule in rules)
    return "\n".join(lines)


def _section(heading: str, text: str) -> str:
    body = textwrap.fill(text, _WIDTH, initial_indent="  ", subsequent_indent="  ")
    return f"{heading}\n{body}"


def explanation(rule: Rule) -> str:
    """What the rule reports, why it matters, how to fix it, and where its docs are."""
    return "\n\n".join(
        (
            f"{rule.id} {rule.name} ({rule.severity.label})",
            _section("What:", rule.title),
            _section("Why:", rule.description),
            _section("How to fix:", rule.fix),
            f"Docs: {rule.help_uri}",
        )
    )


def rule_data(rule: Rule) -> dict[str, Any]:
    return {**asdict(rule), "severity": rule.severity.label, "help_uri": rule.help_uri}


def _structured(selected: list[Rule], fmt: RulesFormat) -> str:
    data = [rule_data(rule) for rule in selected]
    if fmt is RulesFormat.JSON:
        return json.dumps(data, indent=2, ensure_ascii=False)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100).rstrip("\n")


@app.command("rules")
@shared_options
def rules_command(
    rule: Annotated[
        str | None,
        typer.Argument(help="A rule id (SME001) or name (servicemeshextension-found)."),
    ] = None,
    output: Annotated[RulesFormat, output_format("Output format.")] = RulesFormat.TEXT,
) -> None:
    """List the finding rules, or explain one: what it reports, why, and how to fix it."""
    selected = sorted(catalogue().values(), key=lambda r: r.id)
    if rule is not None:
        rule_id = rules.lookup(rule)
        if rule_id is None:
            raise fail(f"unknown rule {rule!r}; `sme-migrate rules` lists them")
        selected = [catalogue()[rule_id]]
    if output is not RulesFormat.TEXT:
        typer.echo(_structured(selected, output))
    elif rule is None:
        typer.echo(catalogue_table())
    else:
        typer.echo(explanation(selected[0]))
