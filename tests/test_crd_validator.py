"""The CRD validator the tests rely on: it accepts what Istio accepts, rejects what it rejects."""

from typing import Any

import pytest
import yaml

from tests.support.crd import SCHEMAS, SHARED_SCHEMAS, wasmplugin_validator

VENDORED = sorted(p.name for p in SCHEMAS.iterdir())


def examples(name: str) -> list[dict[str, Any]]:
    return [d for d in yaml.safe_load_all((SCHEMAS / name).read_text()) if d]


@pytest.mark.parametrize("example", examples("istio-wasmplugin-valid-examples.yaml"),
                         ids=lambda e: e["metadata"]["name"])
def test_istio_valid_examples_pass(example: dict[str, Any]) -> None:
    assert wasmplugin_validator().errors(example) == []


@pytest.mark.parametrize("example", examples("istio-wasmplugin-invalid-examples.yaml"),
                         ids=lambda e: f"{e['metadata']['name']}: {e['_err']}")
def test_istio_invalid_examples_fail_for_the_reason_istio_gives(example: dict[str, Any]) -> None:
    body = {k: v for k, v in example.items() if k != "_err"}
    errors = " ".join(wasmplugin_validator().errors(body))
    assert errors and reason_of(example["_err"]) in errors


def reason_of(istio_error: str) -> str:
    """A CEL rule's message as it stands, else the name of the field the API server named."""
    if " in body" not in istio_error and ": " not in istio_error:
        return istio_error  # a CEL message or "Duplicate value"
    path = istio_error.split(" in body")[0].split(": ")[0]
    return path.split(".")[-1].split("[")[0]


def test_a_wrong_kind_is_rejected() -> None:
    body = {"apiVersion": "maistra.io/v1", "kind": "ServiceMeshExtension", "metadata": {},
            "spec": {"url": "oci://x"}}
    assert wasmplugin_validator().errors(body) != []


@pytest.mark.skipif(not SHARED_SCHEMAS.exists(), reason="no ../shared beside the checkout")
@pytest.mark.parametrize("name", VENDORED)
def test_vendored_schemas_equal_the_shared_originals(name: str) -> None:
    assert (SCHEMAS / name).read_bytes() == (SHARED_SCHEMAS / name).read_bytes()
