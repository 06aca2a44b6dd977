"""`sme-migrate pr` against a real git server (git http-backend) and the GitHub and GitLab
APIs as those services answer, driven by PyGithub and python-gitlab unmodified."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.cli import Outcome, sme_migrate
from tests.support.forge import ForgeState, running_forge
from tests.support.gitrepo import git, seed_repository, user_clone

GITOPS = Path(__file__).resolve().parents[2] / "testdata" / "gitops"
TOKEN = "ghp_s3cr3tT0kenValue0123456789"
NEW_EXTENSION = """\
apiVersion: maistra.io/v1
kind: ServiceMeshExtension
metadata:
  name: late-arrival
  namespace: bookinfo
spec:
  image: quay.io/acme/late:1.0
  phase: PostAuthZ
  priority: 3
"""


@pytest.fixture
def forge(tmp_path: Path) -> Iterator[ForgeState]:
    with running_forge(tmp_path / "forge", TOKEN) as state:
        seed = tmp_path / "seed"
        shutil.copytree(GITOPS, seed)
        seed_repository(seed, state.bare)
        yield state


@pytest.fixture
def local(tmp_path: Path, forge: ForgeState) -> Path:
    """The user's clone: only its remote URL matters to the bot."""
    repo = user_clone(tmp_path / "local", forge.clone_url)
    (repo / "work-in-progress.txt").write_text("uncommitted\n")
    return repo


def run_pr(local: Path, forge: ForgeState, *args: str, platform: str = "github") -> Outcome:
    api = f"{forge.base_url}/api/v3" if platform == "github" else forge.base_url
    return sme_migrate("pr", "--repository", str(local), "--platform", platform,
                       "--api-url", api, "--ignore", "SME013", *args)


def push_to_base(forge: ForgeState, tmp_path: Path, name: str, text: str) -> None:
    work = tmp_path / "human"
    if not work.exists():
        subprocess.run(["git", "clone", "-q", str(forge.bare), str(work)], check=True)
    git(work, "pull", "-q", "origin", "main")
    (work / name).write_text(text)
    git(work, "add", "-A")
    git(work, "commit", "-qm", "add an extension")
    git(work, "push", "-q", "origin", "HEAD:main")


@pytest.fixture(autouse=True)
def token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    monkeypatch.setenv("GITLAB_TOKEN", TOKEN)


def test_first_run_opens_a_pull_request(local: Path, forge: ForgeState) -> None:
    status = git(local, "status", "--porcelain")
    outcome = run_pr(local, forge)
    assert outcome.exit_code == 0, outcome.stderr
    [pull] = forge.pulls
    assert outcome.stdout.strip() == pull["html_url"]
    assert "<!-- sme-migrate:pull-request -->" in pull["body"]
    assert "| `istio-system/header-append` | PostAuthZ 100 | STATS 100 |" in pull["body"]
    assert "| `istio-system/gateway-apikey` | PreAuthN 5 | AUTHN 5 |" in pull["body"]
    assert "sme-migrate-pr-" not in pull["body"]  # no path of the bot's temporary clone
    assert "## Filter chains" in pull["body"]
    assert "**✅ Deployment bookinfo/productpage**: identical" in pull["body"]
    assert pull["head"]["label"] == "acme:sme-migrate/wasmplugin"
    message = git(forge.bare, "log", "-1", "--format=%an <%ae>%n%B", "sme-migrate/wasmplugin")
    assert message.startswith("sme-migrate <") and "Generated-by: sme-migrate" in message
    assert git(local, "status", "--porcelain") == status  # the user's tree is untouched


def test_a_second_run_without_changes_does_nothing(local: Path, forge: ForgeState) -> None:
    assert run_pr(local, forge).exit_code == 0
    head = forge.branch_head("sme-migrate/wasmplugin")
    writes_before = len([e for e in forge.log if e.method in ("POST", "PATCH")
                         and "/api/" in e.path])
    again = run_pr(local, forge)
    assert again.exit_code == 0 and "is up to date" in again.stderr
    assert forge.branch_head("sme-migrate/wasmplugin") == head
    pushes = [e for e in forge.log if "git-receive-pack" in e.path and e.method == "POST"]
    assert len(pushes) == 1
    api_writes = [e for e in forge.log if e.method in ("POST", "PATCH") and "/api/" in e.path]
    assert len(api_writes) == writes_before


def test_a_new_extension_updates_the_same_pull_request(
        local: Path, forge: ForgeState, tmp_path: Path) -> None:
    assert run_pr(local, forge).exit_code == 0
    first_head = forge.branch_head("sme-migrate/wasmplugin")
    push_to_base(forge, tmp_path, "apps/bookinfo/late.yaml", NEW_EXTENSION)
    outcome = run_pr(local, forge)
    assert outcome.exit_code == 0 and "updated" in outcome.stderr, outcome.stderr
    [pull] = forge.pulls
    assert "bookinfo/late-arrival" in pull["body"]
    assert forge.branch_head("sme-migrate/wasmplugin") != first_head


def test_a_human_commit_on_the_branch_is_never_overwritten(
        local: Path, forge: ForgeState, tmp_path: Path) -> None:
    assert run_pr(local, forge).exit_code == 0
    human = tmp_path / "reviewer"
    subprocess.run(["git", "clone", "-q", "-b", "sme-migrate/wasmplugin", str(forge.bare),
                    str(human)], check=True)
    (human / "NOTE.md").write_text("reviewed\n")
    git(human, "add", "-A")
    git(human, "commit", "-qm", "review note")
    git(human, "push", "-q", "origin", "HEAD:sme-migrate/wasmplugin")
    head = forge.branch_head("sme-migrate/wasmplugin")
    outcome = run_pr(local, forge)
    assert outcome.exit_code == 1
    assert "did not make" in outcome.stderr and "Dev: review note" in outcome.stderr
    assert forge.branch_head("sme-migrate/wasmplugin") == head


def test_a_pull_request_a_human_opened_on_the_branch_is_left_alone(
        local: Path, forge: ForgeState) -> None:
    assert run_pr(local, forge).exit_code == 0
    forge.pulls[0]["body"] = "Taken over by hand, please do not touch"
    outcome = run_pr(local, forge)
    assert outcome.exit_code == 1 and "was not opened by the bot" in outcome.stderr
    assert forge.pulls[0]["body"] == "Taken over by hand, please do not touch"


def test_a_bad_token_is_a_clear_error_and_never_shown(
        local: Path, forge: ForgeState, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_wrongwrongwrong")
    outcome = run_pr(local, forge)
    assert outcome.exit_code == 2 and "Authentication failed" in outcome.stderr
    assert "ghp_wrong" not in outcome.stderr + outcome.stdout
    assert forge.pulls == [] and forge.branch_head("sme-migrate/wasmplugin") is None


def test_a_missing_base_branch_is_a_clear_error(local: Path, forge: ForgeState) -> None:
    outcome = run_pr(local, forge, "--base", "release-9")
    assert outcome.exit_code == 2
    assert "base branch 'release-9' does not exist" in outcome.stderr


def test_the_token_stays_out_of_urls_output_and_the_local_repository(
        local: Path, forge: ForgeState) -> None:
    outcome = run_pr(local, forge)
    assert outcome.exit_code == 0
    assert TOKEN not in outcome.stdout + outcome.stderr
    assert all(TOKEN not in entry.path for entry in forge.log)
    for path in (local / ".git").rglob("*"):
        if path.is_file():
            assert TOKEN.encode() not in path.read_bytes(), path


def test_dry_run_prints_the_diff_and_body_and_pushes_nothing(
        local: Path, forge: ForgeState) -> None:
    outcome = run_pr(local, forge, "--dry-run")
    assert outcome.exit_code == 0
    assert "+kind: WasmPlugin" in outcome.stdout and "## Equivalence proof" in outcome.stdout
    assert forge.branch_head("sme-migrate/wasmplugin") is None and forge.pulls == []
    assert not [e for e in forge.log if e.method in ("POST", "PATCH", "PUT")
                and "upload-pack" not in e.path]


def test_nothing_to_migrate_opens_nothing(local: Path, forge: ForgeState) -> None:
    assert run_pr(local, forge).exit_code == 0
    git_dir = forge.bare
    subprocess.run(["git", "-C", str(git_dir), "update-ref", "refs/heads/main",
                    "refs/heads/sme-migrate/wasmplugin"], check=True)  # merged
    outcome = run_pr(local, forge)
    assert outcome.exit_code == 0 and "nothing to migrate" in outcome.stderr
    assert len(forge.pulls) == 1


def test_gitlab_merge_requests_are_opened_then_updated(
        local: Path, forge: ForgeState, tmp_path: Path) -> None:
    first = run_pr(local, forge, platform="gitlab")
    assert first.exit_code == 0, first.stderr
    [request] = forge.pulls
    assert request["source_branch"] == "sme-migrate/wasmplugin"
    assert first.stdout.strip() == request["web_url"]
    push_to_base(forge, tmp_path, "apps/bookinfo/late.yaml", NEW_EXTENSION)
    second = run_pr(local, forge, platform="gitlab")
    assert second.exit_code == 0 and "updated" in second.stderr
    assert len(forge.pulls) == 1 and "late-arrival" in forge.pulls[0]["description"]
    assert any(e.method == "PUT" for e in forge.log)


def test_gitlab_rejects_a_bad_token_with_its_own_message(
        local: Path, forge: ForgeState, monkeypatch: pytest.MonkeyPatch) -> None:
    assert run_pr(local, forge, platform="gitlab").exit_code == 0  # git accepts TOKEN
    forge.token = "rotated"
    outcome = run_pr(local, forge, platform="gitlab")
    assert outcome.exit_code == 2 and TOKEN not in outcome.stderr
