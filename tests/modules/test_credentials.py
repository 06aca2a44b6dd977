import base64
import json
from pathlib import Path

import pytest

from migrate.modules.credentials import (
    Credentials,
    load_docker_config,
    parse_docker_config,
)
from migrate.modules.errors import ModuleError

PASSWORD = "hunter2-very-secret"


def _auth(user: str, password: str) -> str:
    return base64.b64encode(f"{user}:{password}".encode()).decode()


def test_config_json_auth_strings_become_credentials_by_host() -> None:
    config = parse_docker_config(
        json.dumps(
            {
                "auths": {
                    "https://quay.io/v1/": {"auth": _auth("robot", PASSWORD)},
                    "127.0.0.1:5000": {"username": "alice", "password": "pw"},
                    "https://index.docker.io/v1/": {"auth": _auth("hub", "pw2")},
                }
            }
        ).encode()
    )
    assert config.credentials_for("quay.io") == Credentials("robot", PASSWORD)
    assert config.credentials_for("127.0.0.1:5000") == Credentials("alice", "pw")
    assert config.credentials_for("registry-1.docker.io") == Credentials("hub", "pw2")
    assert config.credentials_for("ghcr.io") is None


def test_identity_tokens_are_kept_for_the_oauth_flow() -> None:
    config = parse_docker_config(
        b'{"auths": {"acr.example.io": {"username": "00000000", "identitytoken": "refresh"}}}'
    )
    assert config.credentials_for("acr.example.io") == Credentials("00000000", "", "refresh")


def test_a_legacy_dockercfg_pull_secret_is_read_too() -> None:
    config = parse_docker_config(json.dumps({"quay.io": {"auth": _auth("u", "p")}}).encode())
    assert config.credentials_for("quay.io") == Credentials("u", "p")


def test_secrets_never_show_in_a_repr() -> None:
    config = parse_docker_config(
        json.dumps(
            {"auths": {"quay.io": {"auth": _auth("robot", PASSWORD), "identitytoken": "tok3n"}}}
        ).encode()
    )
    shown = repr(config) + repr(config.credentials_for("quay.io"))
    assert PASSWORD not in shown and "tok3n" not in shown and _auth("robot", PASSWORD) not in shown


@pytest.mark.parametrize(
    "payload",
    [
        b"not json",
        b"[]",
        b'{"auths": []}',
        json.dumps({"auths": {"quay.io": {"auth": "bm90LWEtcGFpcg=="}}}).encode(),
    ],
)
def test_a_broken_config_is_a_clear_error_without_its_content(payload: bytes) -> None:
    with pytest.raises(ModuleError) as raised:
        parse_docker_config(payload, "pull secret")
    assert raised.value.rule_id == "MOD024"
    assert "pull secret" in raised.value.message
    assert "bm90LWEtcGFpcg" not in raised.value.message


def test_a_missing_default_config_means_anonymous_but_a_missing_explicit_one_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path / "nowhere"))
    assert load_docker_config(None).auths == {}
    with pytest.raises(ModuleError) as raised:
        load_docker_config(tmp_path / "missing.json")
    assert raised.value.rule_id == "MOD024"


def test_docker_config_env_points_at_the_default_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "config.json").write_text(
        json.dumps({"auths": {"quay.io": {"auth": _auth("a", "b")}}})
    )
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path))
    assert load_docker_config(None).credentials_for("quay.io") == Credentials("a", "b")
