"""`sme-migrate pr --repackage-to`: the bot pushes the Istio copy of a Maistra-format image
to a real registry before it opens the pull request, whose body names the copy; a second
run pushes neither an image nor a commit. Real git server, real docker-registry."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from migrate.modules import media
from tests.modules.builders import maistra_layer, wat_module
from tests.modules.conftest import needs_registry
from tests.support.cli import Outcome, sme_migrate
from tests.support.forge import ForgeState, running_forge
from tests.support.gitrepo import git, seed_repository, user_clone
from tests.support.module_cli import extension_yaml, registry_flags
from tests.support.registry import Registry, push, start_registry

pytestmark = needs_registry

TOKEN = "ghp_s3cr3tT0kenValue0123456789"
@pytest.fixture
def registry(tmp_path: Path) -> Iterator[Registry]:
    running = start_registry(tmp_path / "registry")
    yield running
    running.stop()


@pytest.fixture
def source(registry: Registry) -> str:
    layer = maistra_layer(wat_module("filter_0_2_1"))
    return push(registry, "acme/header", "1.0", [(media.OCI_LAYER_GZIP, layer)]).reference


@pytest.fixture
def forge(tmp_path: Path, source: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[ForgeState]:
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    with running_forge(tmp_path / "forge", TOKEN) as state:
        seed = tmp_path / "seed"
        seed.mkdir()
        (seed / "header.yaml").write_text(extension_yaml("header", source))
        seed_repository(seed, state.bare)
        yield state


@pytest.fixture
def local(tmp_path: Path, forge: ForgeState) -> Path:
    repo = user_clone(tmp_path / "local", forge.clone_url)
    return repo


def run_pr(local: Path, forge: ForgeState, registry: Registry, tmp_path: Path,
           *args: str) -> Outcome:
    return sme_migrate("pr", "--repository", str(local), "--platform", "github",
                       "--api-url", f"{forge.base_url}/api/v3", "--ignore", "SME013",
                       "--repackage-to", f"{registry.host}/istio",
                       *registry_flags(tmp_path, registry), *args, "header.yaml")


def test_the_bot_pushes_the_copy_and_the_body_names_it(
        local: Path, forge: ForgeState, registry: Registry, source: str, tmp_path: Path) -> None:
    dry = run_pr(local, forge, registry, tmp_path, "--dry-run")
    assert dry.exit_code == 0, dry.stderr
    assert registry.tags("istio/header") == []  # a dry run pushes nothing
    assert "not pushed yet (dry run)" in dry.stdout

    outcome = run_pr(local, forge, registry, tmp_path)
    assert outcome.exit_code == 0, outcome.stderr
    assert registry.tags("istio/header") == ["1.0"]
    [pull] = forge.pulls
    row = re.search(rf"\| `{re.escape(source)}` \| `({re.escape(registry.host)}/istio/header"
                    r":1\.0@(sha256:[0-9a-f]{64}))` \| pushed \|", pull["body"])
    assert row, pull["body"]
    committed = git(forge.bare, "show", "sme-migrate/wasmplugin:header.yaml")
    (plugin,) = yaml.safe_load_all(committed)
    assert plugin["spec"]["url"] == f"oci://{registry.host}/istio/header@{row.group(2)}"

    head = forge.branch_head("sme-migrate/wasmplugin")
    stored = registry.storage_state("istio/header")
    again = run_pr(local, forge, registry, tmp_path)
    assert again.exit_code == 0, again.stderr
    assert forge.branch_head("sme-migrate/wasmplugin") == head
    assert forge.pulls[0]["body"] == pull["body"]  # "pushed" either way: the body stays
    assert registry.storage_state("istio/header") == stored  # the copy was found, not pushed again
