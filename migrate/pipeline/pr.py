"""`pr`: rewrite a clean clone of the base branch, commit, push the bot's branch, and open or
update its pull request. The user's work tree is only read (its remote URL)."""

from __future__ import annotations

import dataclasses
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

import git

from migrate.gitops import clone as gitclone
from migrate.gitops.body import MARKER, TITLE, pull_request_body
from migrate.gitops.forge import PullRequest, default_api_url, open_forge
from migrate.gitops.remote import (
    TOKEN_VARIABLE,
    Platform,
    Remote,
    git_auth_environment,
    guess_platform,
    parse_remote,
)
from migrate.pipeline.errors import UsageError
from migrate.pipeline.request import InputRequest
from migrate.pipeline.rewrite import RewriteRequest, RewriteResult, rewrite
from migrate.pipeline.status import ExitCode
from migrate.semantics.chainview import ChainView, chain_view

DEFAULT_AUTHOR = git.Actor("sme-migrate", "sme-migrate@users.noreply.github.com")


class Action(StrEnum):
    OPENED = "opened"
    UPDATED = "updated"
    UNCHANGED = "unchanged"  # the branch and the pull request already say all of it
    NOTHING_TO_DO = "nothing to do"  # the base branch needs no change
    REFUSED = "refused"  # someone else committed to the bot's branch
    DRY_RUN = "dry run"


@dataclass(frozen=True)
class PrRequest:
    repository: Path  # the user's work tree: only its remote URL is read
    inputs: InputRequest  # paths relative to the repository's top level
    tokens: Mapping[Platform, str]  # GITHUB_TOKEN, GITLAB_TOKEN
    remote: str = "origin"
    base: str = "main"
    branch: str = "sme-migrate/wasmplugin"
    platform: Platform | None = None
    api_url: str | None = None
    repo_path: str | None = None  # owner/name; default: from the remote URL
    author: git.Actor = field(default_factory=lambda: DEFAULT_AUTHOR)
    dry_run: bool = False


@dataclass(frozen=True)
class PrResult:
    action: Action
    url: str = ""
    diff: str = ""
    body: str = ""
    detail: str = ""  # why it refused, or which commits it found
    rewrite: RewriteResult | None = None

    @property
    def exit_code(self) -> ExitCode:
        return ExitCode.FINDINGS if self.action is Action.REFUSED else ExitCode.CLEAN


def open_pull_request(request: PrRequest) -> PrResult:
    remote = _remote(request)
    platform = request.platform or guess_platform(remote)
    token = request.tokens.get(platform, "")
    if not token and not request.dry_run:
        raise UsageError(f"no token: set {TOKEN_VARIABLE[platform]} (the bot pushes and opens "
                         "the pull request with it)")
    env = git_auth_environment(remote, platform, token) if token else {}
    with tempfile.TemporaryDirectory(prefix="sme-migrate-pr-") as directory:
        clone = gitclone.clone_base(remote, request.base, Path(directory) / "repo", env, token,
                                    TOKEN_VARIABLE[platform])
        return _in_clone(request, clone, remote, platform)


def _remote(request: PrRequest) -> Remote:
    try:
        repo = git.Repo(request.repository, search_parent_directories=True)
        url = repo.remote(request.remote).url
    except (git.InvalidGitRepositoryError, git.NoSuchPathError) as error:
        raise UsageError(f"{request.repository} is not a git repository") from error
    except ValueError as error:
        raise UsageError(f"no remote {request.remote!r} in {request.repository}") from error
    return parse_remote(url)


def _in_clone(request: PrRequest, clone: gitclone.Clone, remote: Remote,
              platform: Platform) -> PrResult:
    head = gitclone.remote_head(clone, request.branch)
    if head is not None and (foreign := gitclone.foreign_commits(clone, head)):
        return PrResult(Action.REFUSED, detail="the bot's branch holds commits the bot did not "
                        "make; not touching it:\n" + "\n".join(foreign))
    result = _rewrite(request, clone.root)
    if not result.plan.changes:
        return PrResult(Action.NOTHING_TO_DO, rewrite=result)
    body = pull_request_body(result.replaced, result.report.findings, str(clone.root),
                             chains=_chains(request, result), repackaged=result.repackaged)
    if request.dry_run:
        return PrResult(Action.DRY_RUN, diff=result.diff, body=body, rewrite=result)
    return _publish(request, clone, remote, platform, head, body, result)


def _chains(request: PrRequest, result: RewriteResult) -> ChainView | None:
    """The filter chains the rewrite's migration gives, for the body."""
    if result.migration is None or result.inventory is None:
        return None
    return chain_view(result.inventory, result.migration, request.inputs.options.target)


def _rewrite(request: PrRequest, root: Path) -> RewriteResult:
    paths = tuple(os.path.normpath(root / path) for path in request.inputs.paths)
    inputs = dataclasses.replace(request.inputs, paths=paths)
    first = rewrite(RewriteRequest(inputs, diff=True))  # the diff, for --dry-run and the log
    if request.dry_run or not first.plan.changes:
        return first
    written = rewrite(RewriteRequest(inputs))
    return dataclasses.replace(written, diff=first.diff)


def _publish(request: PrRequest, clone: gitclone.Clone, remote: Remote, platform: Platform,
             head: str | None, body: str, result: RewriteResult) -> PrResult:
    commit = gitclone.commit_all(clone, request.branch, TITLE, request.author)
    if head is None or not gitclone.same_tree(clone, commit, head):
        gitclone.push(clone, request.branch, head)
    api_url = request.api_url or default_api_url(platform, remote)
    forge = open_forge(platform, api_url, request.repo_path or remote.path, clone.token)
    existing = forge.find(request.branch)
    if existing is not None and MARKER not in existing.body:
        return PrResult(Action.REFUSED, existing.url, detail=f"{existing.url} was not opened by "
                        "the bot (its body lacks the bot's marker); not editing it")
    if existing is None:
        pull = forge.create(request.branch, request.base, TITLE, body)
        return PrResult(Action.OPENED, pull.url, result.diff, body, rewrite=result)
    if _same(existing, body) and head is not None and gitclone.same_tree(clone, commit, head):
        return PrResult(Action.UNCHANGED, existing.url, result.diff, body, rewrite=result)
    forge.update(existing, TITLE, body)
    return PrResult(Action.UPDATED, existing.url, result.diff, body, rewrite=result)


def _same(pull: PullRequest, body: str) -> bool:
    return pull.title == TITLE and pull.body.strip() == body.strip()
