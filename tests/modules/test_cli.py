"""`sme-migrate modules check|repackage`, run in-process against real registries; skopeo is
the independent client that confirms what repackage pushes is a valid image."""

import base64
import hashlib
import io
import json
import shutil
import subprocess
import tarfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from migrate.cli.modules import modules_app
from tests.modules.builders import OCI_LAYER, compat_layer, maistra_layer, sdk_module, wat_module
from tests.modules.conftest import needs_registry
from tests.support.cli import Outcome
from tests.support.registry import Registry, push

pytestmark = needs_registry


def modules(*args: str) -> Outcome:
    result = CliRunner().invoke(modules_app, list(args), catch_exceptions=False)
    return Outcome(result.exit_code, result.stdout, result.stderr)


@pytest.fixture
def access(registry: Registry, tmp_path: Path) -> list[str]:
    empty = tmp_path / "empty-config.json"
    empty.write_text("{}")
    return [
        "--insecure-registry",
        registry.host,
        "--registry-config",
        str(empty),
        "--cache-dir",
        str(tmp_path / "cache"),
    ]


def test_json_report_has_findings_modules_and_summary_and_exits_1_on_errors(
    registry: Registry, access: list[str], tmp_path: Path
) -> None:
    maistra = push(registry, "cli/maistra", "2.1", [(OCI_LAYER, maistra_layer(sdk_module()))])
    good = push(registry, "cli/good", "1", [(OCI_LAYER, compat_layer(sdk_module()))])
    module = tmp_path / "filter.wasm"
    module.write_bytes(sdk_module())
    outcome = modules(
        "check",
        maistra.reference,
        good.reference,
        str(module),
        "--format",
        "json",
        "--plugin-config",
        '{"header": "x"}',
        "--root-id",
        "add_header",
        *access,
    )
    assert outcome.exit_code == 1, outcome.stderr
    document = outcome.json()
    assert [f["rule"] for f in document["findings"]] == ["MOD006"]
    assert document["findings"][0]["severity"] == "error"
    assert document["modules"] == [
        {
            "reference": maistra.reference,
            "format": "maistra",
            "digest": maistra.digest,
            "abi": "0.2.0",
        },
        {
            "reference": good.reference,
            "format": "oci-compat",
            "digest": good.digest,
            "abi": "0.2.0",
        },
        {
            "reference": str(module),
            "format": "file",
            "digest": _sha256(sdk_module()),
            "abi": "0.2.0",
        },
    ]
    assert document["summary"]["errors"] == 1 and document["summary"]["modules"] == 3


def test_a_clean_module_exits_0_and_the_text_report_lists_it(tmp_path: Path) -> None:
    module = tmp_path / "filter.wasm"
    module.write_bytes(wat_module("filter_0_2_1"))
    outcome = modules("check", str(module), "--plugin-config", '{"a": 1}')
    assert outcome.exit_code == 0, outcome.stderr
    assert f"{module}: format=file abi=0.2.1 digest=sha256:" in outcome.stdout
    assert "No findings" in outcome.stdout


def test_fail_on_sets_the_threshold_like_scan(tmp_path: Path) -> None:
    module = tmp_path / "filter.wasm"
    module.write_bytes(wat_module("old_header_callback"))  # an error and a warning
    assert modules("check", str(module), "--fail-on", "never").exit_code == 0
    warning_only = tmp_path / "warn.wasm"
    warning_only.write_bytes(sdk_module())  # no root id, no config: warnings only
    assert modules("check", str(warning_only)).exit_code == 0
    assert modules("check", str(warning_only), "--fail-on", "warning").exit_code == 1


def test_a_plugin_that_traps_in_vm_start_fails_the_check_without_a_plugin_config(
    tmp_path: Path,
) -> None:
    module = tmp_path / "trap.wasm"
    module.write_bytes(wat_module("trap_vm_start"))  # fails in every proxy, whatever the config
    outcome = modules("check", str(module))
    assert outcome.exit_code == 1
    assert "MOD019" in outcome.stdout and "proxy_on_vm_start" in outcome.stdout


@pytest.mark.parametrize(
    ("args", "complaint"),
    [
        (["--format", "xml"], "--format"),
        (["--fail-on", "sometimes"], "--fail-on"),
        (["--plugin-config", "[1, 2]"], "JSON object"),
        (["--plugin-config", "{oops"], "JSON"),
    ],
)
def test_usage_errors_exit_2_with_a_message_on_stderr(
    args: list[str], complaint: str, tmp_path: Path
) -> None:
    module = tmp_path / "filter.wasm"
    module.write_bytes(wat_module("filter_0_2_1"))
    outcome = modules("check", str(module), *args)
    assert outcome.exit_code == 2
    assert complaint in outcome.stderr and outcome.stdout == ""


def test_an_unreadable_registry_config_exits_2_without_showing_its_content(
    registry: Registry, tmp_path: Path
) -> None:
    broken = tmp_path / "config.json"
    broken.write_text('{"auths": {"x": {"auth": "c2VjcmV0LXZhbHVl"}}')  # truncated JSON
    outcome = modules("check", f"{registry.host}/cli/good:1", "--registry-config", str(broken))
    assert outcome.exit_code == 2
    assert "not valid JSON" in outcome.stderr and "c2VjcmV0LXZhbHVl" not in outcome.stderr


def test_no_output_ever_contains_the_password(htpasswd_registry: Registry, tmp_path: Path) -> None:
    password = "Never-Print-Me-42"
    auth = base64.b64encode(f"alice:{password}".encode()).decode()
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"auths": {htpasswd_registry.host: {"auth": auth}}}))
    for output_format in ("text", "json", "sarif"):
        outcome = modules(
            "check",
            f"{htpasswd_registry.host}/private/x:1",
            "--format",
            output_format,
            "--registry-config",
            str(config),
            "--insecure-registry",
            htpasswd_registry.host,
        )
        assert outcome.exit_code == 1
        shown = outcome.stdout + outcome.stderr
        assert "MOD002" in shown
        assert password not in shown and auth not in shown


needs_skopeo = pytest.mark.skipif(shutil.which("skopeo") is None, reason="skopeo not installed")


@needs_skopeo
def test_repackage_turns_a_maistra_image_into_one_istio_and_skopeo_can_read(
    registry: Registry, access: list[str], tmp_path: Path
) -> None:
    source = push(registry, "repack/maistra", "2.1", [(OCI_LAYER, maistra_layer(sdk_module()))])
    target = f"{registry.host}/repack/istio:2.1"
    outcome = modules("repackage", source.reference, "--to", target, *access)
    assert outcome.exit_code == 0, outcome.stderr
    pushed = outcome.stdout.strip()
    assert pushed.startswith(f"{target}@sha256:")
    inspected = _skopeo_inspect(pushed.split("@")[0])
    assert inspected["mediaType"] == "application/vnd.oci.image.manifest.v1+json"
    assert [layer["mediaType"] for layer in inspected["layers"]] == [OCI_LAYER]
    unpacked = _skopeo_copy_to_oci_dir(pushed.split("@")[0], tmp_path / "oci")
    assert unpacked["plugin.wasm"] == sdk_module()
    assert b"module: plugin.wasm" in unpacked["manifest.yaml"]
    assert b"phase: PreAuthZ" in unpacked["manifest.yaml"]
    checked = modules(
        "check",
        target,
        "--format",
        "json",
        "--plugin-config",
        '{"header": "h"}',
        "--root-id",
        "add_header",
        *access,
    )
    assert checked.exit_code == 0, checked.stdout
    assert checked.json()["modules"][0]["format"] == "oci-compat"


def test_repackage_refuses_an_image_without_a_wasm_module(
    registry: Registry, access: list[str]
) -> None:
    source = push(registry, "repack/text", "1", [(OCI_LAYER, maistra_layer(b"(module)"))])
    target = f"{registry.host}/repack/never:1"
    outcome = modules("repackage", source.reference, "--to", target, *access)
    assert outcome.exit_code == 1
    assert "MOD010" in outcome.stderr and outcome.stdout == ""
    missing = modules("check", target, "--format", "json", *access)
    assert [f["rule"] for f in missing.json()["findings"]] == ["MOD003"]


def test_repackage_builds_an_image_from_a_local_file(
    registry: Registry, access: list[str], tmp_path: Path
) -> None:
    module = tmp_path / "filter.wasm"
    module.write_bytes(wat_module("filter_0_2_1"))
    target = f"{registry.host}/repack/from-file:1"
    outcome = modules("repackage", str(module), "--to", target, *access)
    assert outcome.exit_code == 0, outcome.stderr
    checked = modules("check", target, "--format", "json", "--plugin-config", "{}", *access)
    assert checked.json()["modules"][0]["format"] == "oci-compat"


def test_repackage_to_an_unreachable_registry_is_a_finding(
    access: list[str], tmp_path: Path
) -> None:
    module = tmp_path / "filter.wasm"
    module.write_bytes(wat_module("filter_0_2_1"))
    outcome = modules(
        "repackage", str(module), "--to", "127.0.0.1:9/x/y:1", "--insecure-registry", "127.0.0.1:9"
    )
    assert outcome.exit_code == 1 and "MOD001" in outcome.stderr


def _sha256(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def _skopeo_inspect(reference: str) -> dict:  # type: ignore[type-arg]
    result = subprocess.run(
        ["skopeo", "inspect", "--raw", "--tls-verify=false", f"docker://{reference}"],
        capture_output=True,
        check=True,
        timeout=30,
    )
    parsed: dict[str, object] = json.loads(result.stdout)
    return parsed


def _skopeo_copy_to_oci_dir(reference: str, directory: Path) -> dict[str, bytes]:
    """skopeo pulls and verifies the image into an OCI layout; return the layer's files."""
    subprocess.run(
        [
            "skopeo",
            "copy",
            "--src-tls-verify=false",
            f"docker://{reference}",
            f"oci:{directory}:pulled",
        ],
        capture_output=True,
        check=True,
        timeout=30,
    )
    index = json.loads((directory / "index.json").read_text())
    manifest_digest = index["manifests"][0]["digest"].split(":")[1]
    manifest = json.loads((directory / "blobs/sha256" / manifest_digest).read_text())
    layer = directory / "blobs/sha256" / manifest["layers"][0]["digest"].split(":")[1]
    with tarfile.open(fileobj=io.BytesIO(layer.read_bytes()), mode="r:gz") as archive:
        return {m.name: archive.extractfile(m).read() for m in archive if m.isfile()}  # type: ignore[union-attr]
