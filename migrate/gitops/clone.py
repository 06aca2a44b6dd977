"""The bot's git work, in a temporary clone of the base branch (never the user's work tree)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import git

from migrate.gitops.remote import Remote, redact
from migrate.pipeline.errors import UsageError

BOT_TRAILER = "Generated-by: sme-migrate"


@dataclass(frozen=True)
class Clone:
    repo: git.Repo
    env: Mapping[str, str]  # the credentials, for every command that talks to the remote
    token: str

    @property
    def root(self) -> Path:
        return Path(str(self.repo.working_tree_dir))

    def run(self, *args: str) -> str:
        try:
            return str(self.repo.git.execute(["git", *args], env=dict(self.env)))
        except git.GitCommandError as error:
            raise UsageError(self._explain(args, error)) from None

    def _explain(self, args: tuple[str, ...], error: git.GitCommandError) -> str:
        said = " ".join(str(error.stderr).split()).removeprefix("stderr: ").strip("' ")
        return redact(f"git {args[0]}: {said}", self.token)


_REFUSED = ("Authentication failed", "could not read Username", "returned error: 401",
            "returned error: 403")


def clone_base(remote: Remote, base: str, directory: Path, env: Mapping[str, str],
               token: str, token_name: str) -> Clone:
    """A single-branch clone of `base`; a missing branch or a refused token is a usage error."""
    try:
        repo = git.Repo.clone_from(remote.url, directory, branch=base, single_branch=True,
                                   env=dict(env))
    except git.GitCommandError as error:
        said = " ".join(str(error.stderr).split())
        if "not found in upstream" in said:
            raise UsageError(f"base branch {base!r} does not exist on {remote.url}") from None
        if any(sign in said for sign in _REFUSED):
            raise UsageError(f"Authentication failed: {remote.host} refused the token in "
                             f"{token_name}") from None
        raise UsageError(redact(f"cannot clone {remote.url}: {said}", token)) from None
    return Clone(repo, env, token)


def remote_head(clone: Clone, branch: str) -> str | None:
    """The bot branch's commit on the remote (fetched), or None when there is no such branch."""
    listed = clone.run("ls-remote", "--heads", "origin", f"refs/heads/{branch}")
    if not listed.strip():
        return None
    clone.run("fetch", "-q", "origin", f"+refs/heads/{branch}:refs/remotes/origin/{branch}")
    return listed.split()[0]


def foreign_commits(clone: Clone, head: str) -> list[str]:
    """Commits on the branch that the bot did not make, as `sha author: subject` lines."""
    commits = clone.repo.iter_commits(f"HEAD..{head}")
    return [f"{c.hexsha[:12]} {c.author.name}: {c.summary!s}" for c in commits
            if BOT_TRAILER not in str(c.message)]


def commit_all(clone: Clone, branch: str, message: str, author: git.Actor) -> str:
    clone.repo.git.checkout("-q", "-b", branch)
    clone.repo.git.add("-A")
    commit = clone.repo.index.commit(f"{message}\n\n{BOT_TRAILER}\n", author=author,
                                     committer=author)
    return commit.hexsha


def same_tree(clone: Clone, first: str, second: str) -> bool:
    return bool(clone.repo.commit(first).tree.hexsha == clone.repo.commit(second).tree.hexsha)


def push(clone: Clone, branch: str, expected: str | None) -> None:
    """Push HEAD as the branch, only if the remote still holds what the bot checked."""
    lease = f"--force-with-lease=refs/heads/{branch}:{expected or ''}"
    clone.run("push", "-q", lease, "origin", f"HEAD:refs/heads/{branch}")
