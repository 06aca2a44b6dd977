"""Real registries for the module tests: plain HTTP (shared), htpasswd, TLS + token auth, and
a throwaway one for tests that corrupt storage. Each is a `docker-registry` process."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from migrate.modules.api import ModuleOptions
from tests.support.registry import Registry, start_registry

USERS = {"alice": "s3cret-Pa55word"}

needs_registry = pytest.mark.skipif(
    shutil.which("docker-registry") is None, reason="Debian docker-registry is not installed"
)


@pytest.fixture(scope="session")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Registry]:
    running = start_registry(tmp_path_factory.mktemp("registry"))
    yield running
    running.stop()


@pytest.fixture
def fresh_registry(tmp_path: Path) -> Iterator[Registry]:
    running = start_registry(tmp_path / "registry")
    yield running
    running.stop()


@pytest.fixture(scope="session")
def htpasswd_registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Registry]:
    running = start_registry(tmp_path_factory.mktemp("htpasswd-registry"), htpasswd_users=USERS)
    yield running
    running.stop()


@pytest.fixture(scope="session")
def token_registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Registry]:
    running = start_registry(tmp_path_factory.mktemp("token-registry"), tls=True, token_users=USERS)
    yield running
    running.stop()


@pytest.fixture
def options(registry: Registry, tmp_path: Path) -> ModuleOptions:
    return options_for(registry, tmp_path)


def options_for(registry: Registry, directory: Path) -> ModuleOptions:
    """Options for a test registry, with an empty registry config and a private cache."""
    return ModuleOptions(
        registry_config=_empty_docker_config(directory),
        insecure_registries=frozenset({registry.host}),
        cache_dir=directory / "cache",
        timeout=5.0,
    )


def _empty_docker_config(directory: Path) -> Path:
    path = directory / "docker-config.json"
    path.write_text('{"auths": {}}')
    return path
