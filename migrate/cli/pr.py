"""`sme-migrate pr`: open or update the pull request that migrates a repository."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from migrate.cli.command import fail, shared_options
from migrate.cli.options import (
    Gating,
    ModuleChecks,
    Registry,
    Repository,
    Targets,
    dry_run_option,
)
from migrate.cli.requests import input_request
from migrate.cli.root import app
from migrate.gitops.remote import TOKEN_VARIABLE, Platform

if TYPE_CHECKING:
    import git

    from migrate.pipeline.pr import PrResult

_AUTHOR = re.compile(r"^\s*(?P<name>[^<>]+?)\s*<(?P<email>[^<>@\s]+@[^<>\s]+)>\s*$")


@app.command("pr")
@shared_options
def pr_command(
    targets: Targets, gating: Gating, checks: ModuleChecks, registry: Registry,
    paths: Annotated[list[str] | None, typer.Argument(
        help="What to migrate, relative to the repository's top level (default: all of it).",
    )] = None,
    repository: Repository = Path("."),
    remote: Annotated[str, typer.Option(help="The git remote to push to.")] = "origin",
    base: Annotated[str, typer.Option(help="The branch the pull request targets.")] = "main",
    branch: Annotated[str, typer.Option(help="The bot's branch.")] = "sme-migrate/wasmplugin",
    platform: Annotated[Platform | None, typer.Option(
        case_sensitive=False, help="The forge (default: from the remote's host).")] = None,
    api_url: Annotated[str | None, typer.Option(
        "--api-url", metavar="URL", help="The forge's API (GitHub Enterprise, self-hosted "
        "GitLab).")] = None,
    repo: Annotated[str | None, typer.Option(
        "--repo", metavar="OWNER/NAME", help="The repository on the forge (default: from the "
        "remote URL).")] = None,
    author: Annotated[str | None, typer.Option(
        metavar="NAME <EMAIL>", help="The commit's author and committer.")] = None,
    dry_run: Annotated[bool, dry_run_option(
        "Print the diff and the pull request body; push nothing.")] = False,
) -> None:
    """Rewrite a clean clone of the base branch and open (or update) the pull request."""
    from migrate.pipeline.pr import PrRequest, open_pull_request

    inputs = input_request(tuple(paths or ["."]), targets, gating, checks, registry)
    tokens = {p: os.environ.get(TOKEN_VARIABLE[p], "") for p in Platform}
    request = PrRequest(repository, inputs, tokens, remote, base, branch, platform, api_url,
                        repo, _actor(author), dry_run)
    result = open_pull_request(request)
    _report(result)
    raise typer.Exit(result.exit_code)


def _actor(text: str | None) -> git.Actor:
    import git

    from migrate.pipeline.pr import DEFAULT_AUTHOR

    if text is None:
        return DEFAULT_AUTHOR
    match = _AUTHOR.match(text)
    if match is None:
        raise fail(f"--author {text!r}: expected `Name <email>`")
    return git.Actor(match["name"], match["email"])


def _report(result: PrResult) -> None:
    from migrate.pipeline.pr import Action

    if result.action is Action.DRY_RUN:
        sys.stdout.write(result.diff + "\n" + result.body + "\n")
    elif result.url:
        typer.echo(result.url)
    messages = {
        Action.OPENED: f"opened {result.url}",
        Action.UPDATED: f"updated {result.url}",
        Action.UNCHANGED: f"{result.url} is up to date",
        Action.NOTHING_TO_DO: "nothing to migrate on the base branch: no branch, no pull request",
        Action.REFUSED: "refused: " + result.detail,
        Action.DRY_RUN: "dry run: nothing was pushed",
    }
    typer.echo(f"sme-migrate: {messages[result.action]}", err=True)
