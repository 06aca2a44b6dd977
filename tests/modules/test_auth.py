"""Authentication against real registries: htpasswd (basic) and TLS + Bearer token."""

import base64
import json
import time
from pathlib import Path

from migrate.modules.api import ModuleOptions, ModuleReport, check_references
from tests.modules.builders import OCI_LAYER, compat_layer, wat_module
from tests.modules.conftest import USERS, needs_registry
from tests.support.registry import Registry, push

pytestmark = needs_registry
WASM = wat_module("filter_0_2_1")
CONFIG = {"a": 1}


def _docker_config(directory: Path, host: str, user: str, password: str) -> Path:
    auth = base64.b64encode(f"{user}:{password}".encode()).decode()
    path = directory / f"config-{user}-{len(password)}.json"
    path.write_text(json.dumps({"auths": {host: {"auth": auth}}}))
    return path


def _check(reference: str, options: ModuleOptions) -> ModuleReport:
    return check_references([reference], options, {reference: CONFIG})[reference]


def _htpasswd_options(registry: Registry, config: Path | None, tmp_path: Path) -> ModuleOptions:
    empty = tmp_path / "empty.json"
    empty.write_text("{}")
    return ModuleOptions(
        registry_config=config or empty,
        insecure_registries=frozenset({registry.host}),
        use_cache=False,
    )


def test_htpasswd_credentials_from_a_docker_config_pull_the_image(
    htpasswd_registry: Registry, tmp_path: Path
) -> None:
    pushed = push(htpasswd_registry, "private/filter", "1", [(OCI_LAYER, compat_layer(WASM))])
    config = _docker_config(tmp_path, htpasswd_registry.host, "alice", USERS["alice"])
    report = _check(pushed.reference, _htpasswd_options(htpasswd_registry, config, tmp_path))
    assert (report.format, report.digest, report.findings) == ("oci-compat", pushed.digest, ())


def test_no_credentials_is_a_401_reported_at_once_with_what_to_do(
    htpasswd_registry: Registry, tmp_path: Path
) -> None:
    started = time.monotonic()
    report = _check(
        f"{htpasswd_registry.host}/private/filter:1",
        _htpasswd_options(htpasswd_registry, None, tmp_path),
    )
    assert [f.rule for f in report.findings] == ["MOD002"]
    assert "no credentials were found" in report.findings[0].message
    assert "--registry-config" in report.findings[0].message
    assert time.monotonic() - started < 3.0


def test_a_wrong_password_is_rejected_at_once_and_never_shown(
    htpasswd_registry: Registry, tmp_path: Path
) -> None:
    password = "wrong-Pa55word-do-not-print"
    config = _docker_config(tmp_path, htpasswd_registry.host, "alice", password)
    started = time.monotonic()
    report = _check(
        f"{htpasswd_registry.host}/private/filter:1",
        _htpasswd_options(htpasswd_registry, config, tmp_path),
    )
    assert [f.rule for f in report.findings] == ["MOD002"]
    assert "rejected the configured credentials" in report.findings[0].message
    assert time.monotonic() - started < 3.0
    shown = repr(report) + json.dumps([f.to_json() for f in report.findings])
    assert password not in shown
    assert base64.b64encode(f"alice:{password}".encode()).decode() not in shown


def _token_options(registry: Registry, config: Path, ca: bool = True) -> ModuleOptions:
    return ModuleOptions(
        registry_config=config, ca_file=registry.ca_file if ca else None, use_cache=False
    )


def test_tls_and_anonymous_bearer_token_pull_a_public_image(
    token_registry: Registry, tmp_path: Path
) -> None:
    pushed = push(token_registry, "public/filter", "1", [(OCI_LAYER, compat_layer(WASM))])
    empty = tmp_path / "empty.json"
    empty.write_text("{}")
    report = _check(pushed.reference, _token_options(token_registry, empty))
    assert (report.format, report.findings) == ("oci-compat", ())
    assert token_registry.token_server is not None
    asked = token_registry.token_server.requests[-1]
    assert asked == {"user": "", "scope": "repository:public/filter:pull"}


def test_a_bearer_token_for_a_user_pulls_a_private_image(
    token_registry: Registry, tmp_path: Path
) -> None:
    pushed = push(token_registry, "private/filter", "1", [(OCI_LAYER, compat_layer(WASM))])
    config = _docker_config(tmp_path, token_registry.host, "alice", USERS["alice"])
    report = _check(pushed.reference, _token_options(token_registry, config))
    assert (report.format, report.findings) == ("oci-compat", ())


def test_a_pull_secret_payload_supplies_the_credentials(
    token_registry: Registry, tmp_path: Path
) -> None:
    pushed = push(token_registry, "private/secret", "1", [(OCI_LAYER, compat_layer(WASM))])
    empty = tmp_path / "empty.json"
    empty.write_text("{}")
    auth = base64.b64encode(f"alice:{USERS['alice']}".encode()).decode()
    secret = json.dumps({"auths": {token_registry.host: {"auth": auth}}}).encode()
    options = ModuleOptions(
        registry_config=empty,
        pull_secrets=(secret,),
        ca_file=token_registry.ca_file,
        use_cache=False,
    )
    report = _check(pushed.reference, options)
    assert report.findings == ()
    assert USERS["alice"] not in repr(options)


def test_anonymous_access_to_a_private_image_is_refused(
    token_registry: Registry, tmp_path: Path
) -> None:
    push(token_registry, "private/anon", "1", [(OCI_LAYER, compat_layer(WASM))])
    empty = tmp_path / "empty.json"
    empty.write_text("{}")
    report = _check(f"{token_registry.host}/private/anon:1", _token_options(token_registry, empty))
    assert [f.rule for f in report.findings] == ["MOD002"]


def test_the_token_server_refusing_a_password_is_reported_as_such(
    token_registry: Registry, tmp_path: Path
) -> None:
    config = _docker_config(tmp_path, token_registry.host, "alice", "not-the-password")
    started = time.monotonic()
    report = _check(
        f"{token_registry.host}/private/filter:1", _token_options(token_registry, config)
    )
    (finding,) = report.findings
    assert finding.rule == "MOD002" and "token server" in finding.message
    assert "not-the-password" not in finding.message
    assert time.monotonic() - started < 3.0


def test_without_the_custom_ca_the_certificate_is_not_trusted(
    token_registry: Registry, tmp_path: Path
) -> None:
    empty = tmp_path / "empty.json"
    empty.write_text("{}")
    report = _check(
        f"{token_registry.host}/public/filter:1", _token_options(token_registry, empty, ca=False)
    )
    (finding,) = report.findings
    assert finding.rule == "MOD001" and "CERTIFICATE_VERIFY_FAILED" in finding.message
