"""Credentials stay with the registry they were configured for (origin = scheme, host, port),
on pull and on push, against a registry that sends requests to another origin. Every header
each server received is logged; the assertions are on those logs."""

import base64
import json
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from migrate.modules.api import ModuleOptions, ModuleReport, check_references
from migrate.modules.auth import CredentialScopes
from migrate.modules.credentials import Credentials, DockerConfig
from migrate.modules.origin import Origin
from tests.modules.builders import OCI_LAYER, compat_layer, wat_module
from tests.support.cli import sme_migrate
from tests.support.hostile_registry import HostileRegistry, basic, hostile_pair
from tests.support.registry import tls_files

WASM = wat_module("filter_0_2_1")
LAYER = compat_layer(WASM)
ALICE = ("alice", "Alice-Pa55word-for-the-registry")
BOB = ("bob", "Bob-Pa55word-for-elsewhere")


@pytest.fixture
def pair() -> Iterator[tuple[HostileRegistry, HostileRegistry]]:
    with hostile_pair() as servers:
        yield servers


@pytest.fixture(scope="module")
def tls(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    return tls_files(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def tls_pair(tls: tuple[Path, Path, Path]) -> Iterator[tuple[HostileRegistry, HostileRegistry]]:
    with hostile_pair((tls[1], tls[2])) as servers:
        yield servers


def _config(directory: Path, **hosts: tuple[str, str]) -> Path:
    auths = {
        host: {"auth": base64.b64encode(f"{user}:{password}".encode()).decode()}
        for host, (user, password) in hosts.items()
    }
    path = directory / "docker-config.json"
    path.write_text(json.dumps({"auths": auths}))
    return path


def _image(registry: HostileRegistry, elsewhere: HostileRegistry) -> str:
    registry.add_image("team/filter", "1.0", LAYER, OCI_LAYER)
    elsewhere.blobs.update(registry.blobs)  # what object storage behind the redirect holds
    return f"{registry.host}/team/filter:1.0"


def _check(
    reference: str, config: Path, insecure: set[str], ca: Path | None = None
) -> ModuleReport:
    options = ModuleOptions(
        registry_config=config,
        insecure_registries=frozenset(insecure),
        ca_file=ca,
        use_cache=False,
        timeout=2.0,
    )
    return check_references([reference], options, {reference: {"a": 1}})[reference]


def _secrets_of(registry: HostileRegistry, *users: tuple[str, str]) -> set[str]:
    """Every header value that would be a credential of `registry` for these users."""
    return {basic(*user) for user in users} | {
        f"Bearer {registry.token_for(name)}" for name in ("", *(u for u, _ in users))
    }


def test_a_blob_redirected_to_another_origin_is_fetched_without_the_credentials(
    pair: tuple[HostileRegistry, HostileRegistry], tmp_path: Path
) -> None:
    registry, elsewhere = pair
    registry.behaviour.auth, registry.behaviour.users = "basic", dict([ALICE])
    registry.behaviour.blobs_to = elsewhere
    reference = _image(registry, elsewhere)
    report = _check(reference, _config(tmp_path, **{registry.host: ALICE}), {registry.host})
    assert (report.findings, report.wasm) == ((), WASM)
    assert registry.authorizations() == {basic(*ALICE)}
    assert elsewhere.seen and elsewhere.authorizations() == set()


def test_the_other_origins_bearer_challenge_gets_an_anonymous_token_request(
    pair: tuple[HostileRegistry, HostileRegistry], tmp_path: Path
) -> None:
    registry, elsewhere = pair
    registry.behaviour.auth, registry.behaviour.users = "basic", dict([ALICE])
    registry.behaviour.blobs_to = elsewhere
    elsewhere.behaviour.auth = "bearer"
    reference = _image(registry, elsewhere)
    report = _check(reference, _config(tmp_path, **{registry.host: ALICE}), {registry.host})
    assert report.findings == ()
    assert elsewhere.token_requests and all(r.authorization == "" for r in elsewhere.token_requests)
    assert elsewhere.authorizations() == {f"Bearer {elsewhere.token_for('')}"}
    assert registry.authorizations() == {basic(*ALICE)}  # nor does its token come back


def test_a_token_earned_from_the_registry_is_not_sent_elsewhere_and_vice_versa(
    pair: tuple[HostileRegistry, HostileRegistry], tmp_path: Path
) -> None:
    registry, elsewhere = pair
    registry.behaviour.auth, registry.behaviour.users = "bearer", dict([ALICE])
    registry.behaviour.blobs_to = elsewhere
    elsewhere.behaviour.auth = "bearer"
    reference = _image(registry, elsewhere)
    report = _check(reference, _config(tmp_path, **{registry.host: ALICE}), {registry.host})
    assert report.findings == ()
    assert {r.authorization for r in registry.token_requests} == {basic(*ALICE)}
    assert not elsewhere.authorizations() & _secrets_of(registry, ALICE)
    assert not registry.authorizations() & _secrets_of(elsewhere)


def test_another_origin_with_credentials_of_its_own_is_sent_those_only(
    pair: tuple[HostileRegistry, HostileRegistry], tmp_path: Path
) -> None:
    registry, elsewhere = pair
    registry.behaviour.auth, registry.behaviour.users = "basic", dict([ALICE])
    registry.behaviour.blobs_to = elsewhere
    elsewhere.behaviour.auth, elsewhere.behaviour.users = "bearer", dict([BOB])
    reference = _image(registry, elsewhere)
    config = _config(tmp_path, **{registry.host: ALICE, elsewhere.host: BOB})
    report = _check(reference, config, {registry.host, elsewhere.host})
    assert report.findings == ()
    assert {r.authorization for r in elsewhere.token_requests} == {basic(*BOB)}
    assert basic(*ALICE) not in elsewhere.authorizations()


def test_credentials_of_a_plain_http_origin_not_listed_insecure_are_not_sent(
    pair: tuple[HostileRegistry, HostileRegistry], tmp_path: Path
) -> None:
    registry, elsewhere = pair
    registry.behaviour.blobs_to = elsewhere
    elsewhere.behaviour.auth, elsewhere.behaviour.users = "bearer", dict([BOB])
    reference = _image(registry, elsewhere)
    config = _config(tmp_path, **{elsewhere.host: BOB})
    assert _check(reference, config, {registry.host}).findings == ()
    assert {r.authorization for r in elsewhere.token_requests} == {""}


def test_a_basic_challenge_from_another_origin_is_refused_without_sending_anything(
    pair: tuple[HostileRegistry, HostileRegistry], tmp_path: Path
) -> None:
    registry, elsewhere = pair
    registry.behaviour.auth, registry.behaviour.users = "basic", dict([ALICE])
    registry.behaviour.blobs_to = elsewhere
    elsewhere.behaviour.auth, elsewhere.behaviour.users = "basic", dict([ALICE])
    reference = _image(registry, elsewhere)
    report = _check(reference, _config(tmp_path, **{registry.host: ALICE}), {registry.host})
    (finding,) = report.findings
    assert finding.rule == "MOD002" and elsewhere.host in finding.message
    assert f"credentials for {registry.host} are never sent there" in finding.message
    assert elsewhere.seen and elsewhere.authorizations() == set()


def test_a_redirect_from_https_to_plain_http_is_refused_through_the_cli(
    tls_pair: tuple[HostileRegistry, HostileRegistry],
    tls: tuple[Path, Path, Path],
    tmp_path: Path,
) -> None:
    registry, elsewhere = tls_pair
    registry.behaviour.auth, registry.behaviour.users = "basic", dict([ALICE])
    registry.behaviour.blobs_to = elsewhere
    reference = _image(registry, elsewhere)
    config = _config(tmp_path, **{registry.host: ALICE})
    outcome = sme_migrate(
        "modules", "check", reference, "--registry-config", str(config), "--ca-file",
        str(tls[0]), "--no-cache", "--timeout", "2", "--format", "json",
    )  # fmt: skip
    assert outcome.exit_code == 1, outcome.stderr
    (finding,) = outcome.json()["findings"]
    assert finding["rule"] == "MOD026" and "plain HTTP" in finding["message"]
    assert elsewhere.seen == []  # never contacted
    assert registry.authorizations() == {basic(*ALICE)}


def test_a_redirect_loop_is_a_finding_in_bounded_time(
    pair: tuple[HostileRegistry, HostileRegistry], tmp_path: Path
) -> None:
    registry, _ = pair
    registry.behaviour.blobs_to = registry
    reference = _image(registry, registry)
    started = time.monotonic()
    (finding,) = _check(reference, _config(tmp_path), {registry.host}).findings
    assert finding.rule == "MOD022" and "redirected" in finding.message
    assert time.monotonic() - started < 3


# --- push -------------------------------------------------------------------------------------


def _repackage(
    destination: str, config: Path, tmp_path: Path, *flags: str
) -> tuple[int, str, str]:
    module = tmp_path / "filter.wasm"
    module.write_bytes(WASM)
    outcome = sme_migrate(
        "modules", "repackage", str(module), "--to", destination, "--registry-config",
        str(config), "--no-cache", "--timeout", "2", *flags,
    )  # fmt: skip
    return outcome.exit_code, outcome.stdout, outcome.stderr


def test_an_upload_moved_to_another_origin_is_sent_without_the_login(
    pair: tuple[HostileRegistry, HostileRegistry], tmp_path: Path
) -> None:
    registry, elsewhere = pair
    registry.behaviour.auth, registry.behaviour.users = "basic", dict([ALICE])
    registry.behaviour.uploads_to = elsewhere
    config = _config(tmp_path, **{registry.host: ALICE})
    destination = f"{registry.host}/team/istio-filter:1.0"
    code, stdout, stderr = _repackage(destination, config, tmp_path, "--insecure-registry",
                                      registry.host)  # fmt: skip
    assert code == 0, stderr
    assert stdout.startswith(f"{destination}@sha256:")
    assert len(elsewhere.blobs) == 2  # the layer and the config were uploaded there
    assert {s.method for s in elsewhere.seen} == {"PUT"}
    assert elsewhere.authorizations() == set()
    manifest_puts = [s for s in registry.seen if s.method == "PUT"]
    assert manifest_puts and {s.authorization for s in manifest_puts} == {basic(*ALICE)}


def test_a_push_token_is_not_sent_to_the_upload_origin_which_gets_its_own(
    pair: tuple[HostileRegistry, HostileRegistry], tmp_path: Path
) -> None:
    registry, elsewhere = pair
    registry.behaviour.auth, registry.behaviour.users = "bearer", dict([ALICE])
    registry.behaviour.uploads_to = elsewhere
    elsewhere.behaviour.auth = "bearer"
    config = _config(tmp_path, **{registry.host: ALICE})
    destination = f"{registry.host}/team/istio-filter:2.0"
    code, _, stderr = _repackage(destination, config, tmp_path, "--insecure-registry",
                                 registry.host)  # fmt: skip
    assert code == 0, stderr
    assert {r.authorization for r in elsewhere.token_requests} == {""}
    assert not elsewhere.authorizations() & _secrets_of(registry, ALICE)
    assert not registry.authorizations() & _secrets_of(elsewhere)


def test_an_upload_moved_from_https_to_plain_http_is_refused(
    tls_pair: tuple[HostileRegistry, HostileRegistry],
    tls: tuple[Path, Path, Path],
    tmp_path: Path,
) -> None:
    registry, elsewhere = tls_pair
    registry.behaviour.auth, registry.behaviour.users = "basic", dict([ALICE])
    registry.behaviour.uploads_to = elsewhere
    config = _config(tmp_path, **{registry.host: ALICE})
    destination = f"{registry.host}/team/istio-filter:3.0"
    code, stdout, stderr = _repackage(destination, config, tmp_path, "--ca-file", str(tls[0]))
    assert (code, stdout) == (1, "")
    assert "MOD026" in stderr and "plain HTTP" in stderr and "Traceback" not in stderr
    assert elsewhere.seen == [] and elsewhere.blobs == {}


# --- which credentials an origin may be sent --------------------------------------------------


@pytest.mark.parametrize(
    ("url", "config_key", "insecure", "expected"),
    [
        ("http://myhost:80", "myhost:80", {"myhost:80"}, True),  # the default port written out
        ("http://myhost", "myhost", {"myhost"}, True),
        ("http://myhost", "myhost", set(), False),  # plain HTTP the user did not allow
        ("https://reg.example", "reg.example:443", set(), True),
        ("https://reg.example:8443", "reg.example", set(), False),  # another port, another origin
        ("http://reg.example", "reg.example", {"other.example"}, False),
    ],
)
def test_an_origin_is_sent_its_own_credentials_only_where_allowed(
    url: str, config_key: str, insecure: set[str], expected: bool
) -> None:
    credentials = Credentials(*ALICE)
    scopes = CredentialScopes(DockerConfig({config_key: credentials}), frozenset(insecure))
    found = scopes.credentials_for(Origin.of(httpx.URL(url)))
    assert (found == credentials) is expected and (found is None) is not expected
