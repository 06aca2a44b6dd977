"""`sme-migrate rules [RULE]`: list the rule catalogue or explain one rule."""

from __future__ import annotations

import textwrap
from typing import Annotated

import typer

from migrate import rules
from migrate.cli.app import app
from migrate.rules.catalogue import Rule, catalogue

_WIDTH = 88


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


@app.command("rules")
def rules_command(
    rule: Annotated[
        str | None,
        typer.Argument(help="A rule id (SME001) or name (servicemeshextension-found)."),
    ] = None,
) -> None:
    """List the finding rules, or explain one: what it reports, why, and how to fix it."""
    if rule is None:
        typer.echo(catalogue_table())
        return
    rule_id = rules.lookup(rule)
    if rule_id is None:
        typer.echo(f"sme-migrate: unknown rule {rule!r}; `sme-migrate rules` lists them", err=True)
        raise typer.Exit(2)
    typer.echo(explanation(catalogue()[rule_id]))
