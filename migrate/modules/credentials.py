"""Registry credentials from docker `config.json` files and `kubernetes.io/dockerconfigjson`
pull-secret payloads. Secrets never appear in a repr, a log or an error message."""

from __future__ import annotations

import base64
import binascii
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from migrate.modules.errors import ModuleError
from migrate.modules.inputs import parse_json, read_capped
from migrate.rules.ids import RuleId

_DOCKER_HUB_KEYS = ("docker.io", "index.docker.io", "registry-1.docker.io")


@dataclass(frozen=True)
class Credentials:
    username: str = ""
    password: str = field(default="", repr=False)
    identity_token: str = field(default="", repr=False)  # an OAuth2 refresh token (e.g. ACR)


@dataclass(frozen=True)
class DockerConfig:
    """Credentials by registry host (normalised: no scheme, no path)."""

    auths: Mapping[str, Credentials] = field(default_factory=dict, repr=False)

    def credentials_for(self, registry: str) -> Credentials | None:
        for key in _lookup_keys(registry):
            if key in self.auths:
                return self.auths[key]
        return None

    def merged_with(self, other: DockerConfig) -> DockerConfig:
        """Entries of `self` win over `other`."""
        return DockerConfig({**other.auths, **self.auths})


def default_config_path() -> Path:
    base = os.environ.get("DOCKER_CONFIG")
    return Path(base) / "config.json" if base else Path.home() / ".docker" / "config.json"


def load_docker_config(path: Path | None) -> DockerConfig:
    """Read a docker config.json. An explicit path must exist; the default one may be missing."""
    target = path or default_config_path()
    if path is None and not target.is_file():
        return DockerConfig()
    return parse_docker_config(read_capped(target, "registry config"), str(target))


def parse_docker_config(data: bytes, source: str = "dockerconfigjson") -> DockerConfig:
    """Parse config.json or a `.dockerconfigjson` secret payload (also the legacy `.dockercfg`)."""
    document = parse_json(data, source)
    if not isinstance(document, dict):
        raise ModuleError(RuleId.UNREADABLE_INPUT, f"{source} is not a JSON object")
    entries = document.get("auths", document)  # no `auths`: a legacy .dockercfg
    if not isinstance(entries, dict):
        raise ModuleError(RuleId.UNREADABLE_INPUT, f"{source}: `auths` is not an object")
    return DockerConfig(dict(_credential_entries(entries.items(), source)))


def _credential_entries(
    items: Iterable[tuple[str, Any]], source: str
) -> Iterable[tuple[str, Credentials]]:
    for key, entry in items:
        if isinstance(entry, dict):
            yield normalise_host(key), _credentials_of(entry, key, source)


def _credentials_of(entry: Mapping[str, Any], key: str, source: str) -> Credentials:
    username = str(entry.get("username") or "")
    password = str(entry.get("password") or "")
    if entry.get("auth"):
        username, password = _decode_auth(str(entry["auth"]), key, source)
    return Credentials(username, password, str(entry.get("identitytoken") or ""))


def _decode_auth(auth: str, key: str, source: str) -> tuple[str, str]:
    try:
        username, sep, password = base64.b64decode(auth, validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        sep = ""
    if not sep:
        # never echo the value: it is a password
        raise ModuleError(RuleId.UNREADABLE_INPUT,
                          f"{source}: the `auth` of {key!r} is not base64 user:password")
    return username, password


def normalise_host(key: str) -> str:
    host = key.split("://", 1)[-1].split("/", 1)[0].lower()
    return "docker.io" if host in _DOCKER_HUB_KEYS else host


def _lookup_keys(registry: str) -> tuple[str, ...]:
    host = normalise_host(registry)
    return (host,) if ":" in host else (host, f"{host}:443")
