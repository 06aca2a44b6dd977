import pytest

from migrate.modules.errors import ModuleError
from migrate.modules.reference import parse_reference


@pytest.mark.parametrize(
    ("text", "registry", "repository", "tag", "digest"),
    [
        (
            "quay.io/maistra-dev/header-append-filter:2.1",
            "quay.io",
            "maistra-dev/header-append-filter",
            "2.1",
            None,
        ),
        ("oci://127.0.0.1:5000/demo/ext:1.0", "127.0.0.1:5000", "demo/ext", "1.0", None),
        ("localhost/ext", "localhost", "ext", None, None),
        ("nginx", "docker.io", "library/nginx", None, None),
        ("acme/filter:v2", "docker.io", "acme/filter", "v2", None),
        (
            "r.example.com:8443/a/b@sha256:" + "a" * 64,
            "r.example.com:8443",
            "a/b",
            None,
            "sha256:" + "a" * 64,
        ),
    ],
)
def test_references_parse_like_docker(
    text: str, registry: str, repository: str, tag: str | None, digest: str | None
) -> None:
    reference = parse_reference(text)
    assert (reference.registry, reference.repository, reference.tag, reference.digest) == (
        registry,
        repository,
        tag,
        digest,
    )


def test_docker_hub_references_use_the_registry_api_host() -> None:
    assert parse_reference("acme/filter:v2").api_host == "registry-1.docker.io"
    assert parse_reference("quay.io/acme/filter:v2").api_host == "quay.io"


@pytest.mark.parametrize(
    ("text", "mutable"),
    [
        ("quay.io/a/b", True),
        ("quay.io/a/b:latest", True),
        ("quay.io/a/b:1.2", False),
        ("quay.io/a/b:latest@sha256:" + "0" * 64, False),
    ],
)
def test_latest_or_no_tag_is_mutable_unless_a_digest_pins_it(text: str, mutable: bool) -> None:
    assert parse_reference(text).is_mutable is mutable


@pytest.mark.parametrize(
    "text", ["", "quay.io/UPPER/case:1", "quay.io/a/b:", "quay.io/a/b@sha256:123", "a//b"]
)
def test_malformed_references_are_reported_with_the_reference(text: str) -> None:
    with pytest.raises(ModuleError) as raised:
        parse_reference(text)
    assert raised.value.rule_id == "MOD023"
    assert "invalid image reference" in raised.value.message
