"""Fields the API server refused, keys written twice and UTF-16 without a byte-order mark,
through the real command: an error finding naming the field and no plugin, never a traceback,
never a selector silently widened to every workload."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from tests.support.cli import sme_migrate

VALID = """\
apiVersion: maistra.io/v1
kind: ServiceMeshExtension
metadata:
  name: auth
  namespace: bookinfo
spec:
  image: quay.io/example/auth:1
  phase: PostAuthZ
  priority: 10
  workloadSelector:
    labels:
      app: web
  config: {a: 1}
"""
SELECTOR = "  workloadSelector:\n    labels:\n      app: web\n"


def write(tmp_path: Path, text: str | bytes, name: str = "extension.yaml") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text)
    return path


def test_the_valid_extension_converts(tmp_path: Path) -> None:
    outcome = sme_migrate("convert", str(write(tmp_path, VALID)))

    assert outcome.exit_code == 0, outcome.stderr
    assert "kind: WasmPlugin" in outcome.stdout and "SME05" not in outcome.stderr


WRONG_FIELDS = {
    "selector as a string": (SELECTOR, '  workloadSelector: "app=web"\n',
                             "spec.workloadSelector must be an object with `labels`"),
    "selector labels as a list": (SELECTOR, "  workloadSelector:\n    labels: [app]\n",
                                  "spec.workloadSelector.labels must be a map of strings"),
    "nested label value": ("      app: web\n", "      app: {x: 1}\n",
                           "spec.workloadSelector.labels.app must be a string, not an object"),
    "number label value": ("      app: web\n", "      app: 1\n",
                           "spec.workloadSelector.labels.app must be a string, not a number"),
    "selector without labels": (SELECTOR, "  workloadSelector: {}\n",
                                "spec.workloadSelector must have `labels`"),
    "name not DNS-1123": ("name: auth", "name: Auth_1", "metadata.name 'Auth_1' is not a DNS-1123"),
    "name a number": ("name: auth", "name: 12", "metadata.name must be a non-empty string"),
    "namespace a number": ("namespace: bookinfo", "namespace: 12",
                           "metadata.namespace must be a string, not a number (12)"),
    "namespace not DNS-1123": ("namespace: bookinfo", "namespace: Book.Info",
                               "metadata.namespace 'Book.Info' is not a DNS-1123 label"),
    "annotations as a list": ("  namespace: bookinfo\n",
                              "  namespace: bookinfo\n  annotations: [a]\n",
                              "metadata.annotations must be a map of strings, not a list"),
    "labels as a list": ("  namespace: bookinfo\n", "  namespace: bookinfo\n  labels: [a]\n",
                         "metadata.labels must be a map of strings, not a list"),
    "metadata as a list": ("metadata:\n  name: auth\n  namespace: bookinfo\n", "metadata: [auth]\n",
                           "metadata must be an object, not a list"),
    "image a number": ("image: quay.io/example/auth:1", "image: 7", "spec.image must be a string"),
    "pull secrets a string": ("  priority: 10\n", "  priority: 10\n  imagePullSecrets: pull\n",
                              "spec.imagePullSecrets must be a list"),
}


@pytest.mark.parametrize("case", WRONG_FIELDS, ids=list(WRONG_FIELDS))
def test_a_wrong_typed_field_is_an_error_and_no_plugin(tmp_path: Path, case: str) -> None:
    old, new, expected = WRONG_FIELDS[case]
    assert old in VALID
    path = write(tmp_path, VALID.replace(old, new))

    converted = sme_migrate("convert", str(path))
    scanned = sme_migrate("scan", str(path), "--format", "json")

    assert converted.exit_code == 1
    assert "kind: WasmPlugin" not in converted.stdout
    assert expected in converted.stderr and "not converted" in converted.stderr
    assert scanned.exit_code == 1
    errors = [f for f in scanned.json()["findings"] if f["rule"] == "SME050"]
    assert len(errors) == 1 and errors[0]["severity"] == "error"
    assert expected in errors[0]["message"]


def test_the_finding_points_at_the_wrong_field(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace("      app: web\n", "      app: {x: 1}\n"))

    report = sme_migrate("scan", str(path), "--format", "json").json()

    (finding,) = [f for f in report["findings"] if f["rule"] == "SME050"]
    assert finding["location"] == {"path": str(path), "line": 12}


def test_a_valid_extension_beside_a_wrong_one_still_converts(tmp_path: Path) -> None:
    write(tmp_path, VALID.replace(SELECTOR, '  workloadSelector: "app=web"\n'), "bad.yaml")
    write(tmp_path, VALID.replace("name: auth", "name: fine"), "fine.yaml")

    outcome = sme_migrate("convert", str(tmp_path))

    assert outcome.exit_code == 1  # one extension is not converted
    assert "name: fine" in outcome.stdout and "name: auth" not in outcome.stdout


OTHER_KINDS = {
    "control plane": "apiVersion: maistra.io/v2\nkind: ServiceMeshControlPlane\n"
                     "spec: {version: v2.2}\n",
    "wasm plugin": "apiVersion: extensions.istio.io/v1alpha1\nkind: WasmPlugin\n"
                   "spec: {url: oci://quay.io/x:1, phase: AUTHN, priority: 1}\n",
    "member roll": "apiVersion: maistra.io/v1\nkind: ServiceMeshMemberRoll\n"
                   "spec: {members: [bookinfo]}\n",
    "deployment": "apiVersion: apps/v1\nkind: Deployment\nspec: {template: {metadata: "
                  "{labels: [web]}, spec: {containers: [{name: a, image: b}]}}}\n",
}
BAD_METADATA = ("metadata: {name: a, namespace: istio-system, annotations: [x], labels: [y]}\n",
                "metadata: [a]\n", "metadata: {name: 12, namespace: {x: 1}}\n")


@pytest.mark.parametrize("command", [["scan"], ["convert"], ["rewrite"], ["rewrite", "--check"]])
@pytest.mark.parametrize("kind", OTHER_KINDS, ids=list(OTHER_KINDS))
def test_wrong_metadata_on_any_kind_never_crashes(tmp_path: Path, command: list[str],
                                                  kind: str) -> None:
    bad = "---\n".join(OTHER_KINDS[kind] + meta for meta in BAD_METADATA)
    write(tmp_path, bad, "bad.yaml")
    write(tmp_path, VALID.replace("namespace: bookinfo", "namespace: istio-system"), "good.yaml")

    outcome = sme_migrate(*command, str(tmp_path))  # a crash raises here

    assert outcome.exit_code in (0, 1), outcome.stderr
    assert (tmp_path / "bad.yaml").read_text() == bad


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_rewrite_leaves_a_wrong_typed_extension_as_it_was(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace("namespace: bookinfo", "namespace: bookinfo\n"
                                         "  annotations: [a, b]"))
    before = digest(path)

    outcome = sme_migrate("rewrite", str(tmp_path))

    assert outcome.exit_code == 1
    assert "SME050" in outcome.stdout + outcome.stderr
    assert digest(path) == before


DUPLICATED = VALID.replace("  priority: 10\n", "  priority: 10\n  priority: 20\n")


def test_a_key_written_twice_is_an_error_naming_both_lines(tmp_path: Path) -> None:
    path = write(tmp_path, DUPLICATED)

    converted = sme_migrate("convert", str(path))
    report = sme_migrate("scan", str(path), "--format", "json").json()

    assert converted.exit_code == 1 and "kind: WasmPlugin" not in converted.stdout
    (finding,) = [f for f in report["findings"] if f["rule"] == "SME051"]
    assert finding["severity"] == "error"
    assert "key spec.priority is set twice (lines 9 and 10)" in finding["message"]
    assert finding["location"] == {"path": str(path), "line": 10}


def test_a_key_written_twice_deep_in_the_config_is_found(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace("config: {a: 1}", "config:\n    rules:\n"
                                         "    - {x: 1, y: 2, x: 3}\n"))

    report = sme_migrate("scan", str(path), "--format", "json").json()

    messages = [f["message"] for f in report["findings"] if f["rule"] == "SME051"]
    assert messages and "key spec.config.rules.0.x is set twice (lines 15 and 15)" in messages[0]


def test_rewrite_leaves_a_duplicated_key_as_it_was(tmp_path: Path) -> None:
    path = write(tmp_path, DUPLICATED)
    before = digest(path)

    outcome = sme_migrate("rewrite", str(tmp_path))

    assert outcome.exit_code == 1 and "SME051" in outcome.stdout + outcome.stderr
    assert digest(path) == before


def test_a_merge_key_overriding_a_value_is_not_a_duplicate(tmp_path: Path) -> None:
    merged = VALID.replace("  priority: 10\n", "  <<: {priority: 5}\n  priority: 10\n")
    outcome = sme_migrate("convert", str(write(tmp_path, merged)))

    assert outcome.exit_code == 0, outcome.stderr
    assert "SME051" not in outcome.stderr and "priority: 10" in outcome.stdout


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark_is_read(tmp_path: Path, codec: str) -> None:
    path = write(tmp_path, VALID.encode(codec))

    converted = sme_migrate("convert", str(path))
    scanned = sme_migrate("scan", str(path), "--format", "json").json()

    assert converted.exit_code == 0, converted.stderr
    assert "name: auth" in converted.stdout
    assert [f["rule"] for f in scanned["findings"] if f["severity"] == "error"] == ["SME001"]


def test_broken_utf16_without_a_byte_order_mark_is_reported(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.encode("utf-16-le") + b"\x00\xd8")  # a lone surrogate

    report = sme_migrate("scan", str(path), "--format", "json").json()

    (finding,) = report["findings"]
    assert finding["rule"] == "SME013" and "starts like UTF-16" in finding["message"]


def test_binary_data_is_not_taken_for_utf16(tmp_path: Path) -> None:
    path = write(tmp_path, b"\x00\x01\x00\x02kind: ServiceMeshExtension\n\x00\x00")

    report = sme_migrate("scan", str(path), "--format", "json").json()

    (finding,) = report["findings"]
    assert finding["rule"] == "SME013" and "binary data" in finding["message"]


@pytest.mark.parametrize(("codec", "bom"), [("utf-16-le", b""), ("utf-16-be", b""),
                                            ("utf-16-le", b"\xff\xfe")])
def test_rewrite_keeps_a_utf16_file_in_its_encoding(tmp_path: Path, codec: str,
                                                    bom: bytes) -> None:
    path = write(tmp_path, bom + VALID.encode(codec))

    diff = sme_migrate("rewrite", "--diff", str(tmp_path))
    outcome = sme_migrate("rewrite", str(tmp_path))

    assert diff.exit_code == 0 and "+kind: WasmPlugin" in diff.stdout
    assert outcome.exit_code == 0, outcome.stderr
    data = path.read_bytes()
    assert data.startswith(bom)
    text = data[len(bom):].decode(codec)
    assert "kind: WasmPlugin" in text and "kind: ServiceMeshExtension" not in text
