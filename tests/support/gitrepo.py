"""Real git repositories for the bot's tests: a command runner and the user's clone."""

from __future__ import annotations

import subprocess
from pathlib import Path


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(repo), "-c", "user.name=Dev", "-c",
                           "user.email=dev@example.com", *args],
                          check=True, capture_output=True, text=True)
    return done.stdout.strip()


def user_clone(repo: Path, remote_url: str) -> Path:
    """The user's repository: only its remote URL matters to the bot."""
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    git(repo, "remote", "add", "origin", remote_url)
    return repo


def seed_repository(work: Path, bare: Path) -> None:
    """Commit what `work` holds and push it as `main` of the bare repository."""
    git(work, "init", "-q", "-b", "main")
    git(work, "add", "-A")
    git(work, "commit", "-qm", "mesh config")
    git(work, "push", "-q", str(bare), "main")
