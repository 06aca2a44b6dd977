"""A failed module check blocks the conversion: `convert` writes no WasmPlugin for the image
(exit 1), `rewrite` leaves the ServiceMeshExtension in place, nothing is pinned. Real registry,
real modules; each image is broken the way users meet it."""

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from migrate.modules import media
from tests.modules.builders import (
    compat_layer,
    gzip_bomb,
    gzip_tar,
    gzip_tar_entries,
    maistra_layer,
    maistra_manifest,
    symlink,
    wat_module,
)
from tests.modules.conftest import needs_registry
from tests.support.cli import Outcome, sme_migrate
from tests.support.module_cli import extension_yaml, registry_flags
from tests.support.registry import Registry, digest_of, push, start_registry

pytestmark = needs_registry

GOOD = "good"


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Registry]:
    running = start_registry(tmp_path_factory.mktemp("registry"))
    yield running
    running.stop()


@pytest.fixture(scope="module")
def good_image(registry: Registry) -> str:
    wasm = wat_module("filter_0_2_1")
    layer = compat_layer(wasm)
    return push(registry, "fail/good", "1.0", [(media.OCI_LAYER_GZIP, layer)]).reference


def two_extensions(tmp_path: Path, broken: str, good: str) -> Path:
    """The broken extension next to a good one: the good one must still be converted."""
    path = tmp_path / "extensions.yaml"
    path.write_text(extension_yaml("broken", broken, "PreAuthN") + "---\n"
                    + extension_yaml(GOOD, good, "PreAuthN"))
    return path


def converted_names(outcome: Outcome) -> list[str]:
    return [doc["metadata"]["name"] for doc in yaml.safe_load_all(outcome.stdout) if doc]


def assert_not_converted(registry: Registry, tmp_path: Path, broken: str, good: str,
                         module_rule: str, modes: tuple[str, ...] = ("--check-modules", "--pin")
                         ) -> Outcome:
    path = two_extensions(tmp_path, broken, good)
    for mode in modes:
        outcome = sme_migrate("convert", str(path), mode, *registry_flags(tmp_path, registry))
        assert outcome.exit_code == 1, outcome.stderr
        assert converted_names(outcome) == [GOOD]
        assert re.search(r"\berror\s+SME065\b", outcome.stderr), outcome.stderr
        assert re.search(rf"\berror\s+{module_rule}\b", outcome.stderr), outcome.stderr
    return outcome


def assert_blocked(registry: Registry, tmp_path: Path, broken: str, good: str,
                   module_rule: str) -> Outcome:
    """convert (--check-modules and --pin) and rewrite all keep the broken extension out."""
    outcome = assert_not_converted(registry, tmp_path, broken, good, module_rule)
    path = tmp_path / "extensions.yaml"
    before = path.read_text()
    rewritten = sme_migrate("rewrite", str(path), "--pin", *registry_flags(tmp_path, registry))
    assert rewritten.exit_code == 1, rewritten.stderr
    kinds = [(d["kind"], d["metadata"]["name"]) for d in yaml.safe_load_all(path.read_text())]
    assert kinds == [("ServiceMeshExtension", "broken"), ("WasmPlugin", GOOD)]
    assert before.split("---\n")[0] == path.read_text().split("---\n")[0]
    return outcome


def test_a_layer_whose_content_does_not_match_its_digest_blocks_the_conversion(
    registry: Registry, good_image: str, tmp_path: Path
) -> None:
    layer = compat_layer(wat_module("filter_0_2_1"), "corrupted/plugin.wasm")  # its own blob
    pushed = push(registry, "fail/corrupted", "1.0", [(media.OCI_LAYER_GZIP, layer)])
    blob = registry.blob_file(digest_of(layer))
    data = bytearray(blob.read_bytes())
    data[-30] ^= 0xFF  # same size, other content: the registry serves it as it is
    blob.write_bytes(bytes(data))
    outcome = assert_blocked(registry, tmp_path, pushed.reference, good_image, "MOD004")
    assert pushed.digest.removeprefix("sha256:") not in outcome.stdout  # never pinned


def test_a_layer_entry_escaping_the_image_root_blocks_the_conversion(
    registry: Registry, good_image: str, tmp_path: Path
) -> None:
    wasm = wat_module("filter_0_2_1")
    layer = gzip_tar([("../plugin.wasm", b"\0asm evil"), ("plugin.wasm", wasm)])
    pushed = push(registry, "fail/traversal", "1.0", [(media.OCI_LAYER_GZIP, layer)])
    assert_blocked(registry, tmp_path, pushed.reference, good_image, "MOD009")


def test_a_linked_module_blocks_the_conversion(
    registry: Registry, good_image: str, tmp_path: Path
) -> None:
    layer = gzip_tar_entries([symlink("plugin.wasm", "/etc/passwd")])
    pushed = push(registry, "fail/link", "1.0", [(media.OCI_LAYER_GZIP, layer)])
    assert_blocked(registry, tmp_path, pushed.reference, good_image, "MOD009")


def test_a_gzip_bomb_blocks_the_conversion(
    registry: Registry, good_image: str, tmp_path: Path
) -> None:
    bomb = gzip_bomb(260)  # MiB inflated, over the 256 MiB limit
    assert len(bomb) < 1_000_000
    pushed = push(registry, "fail/bomb", "1.0", [(media.OCI_LAYER_GZIP, bomb)])
    # inflating up to the 256 MiB limit takes seconds: one run
    assert_not_converted(registry, tmp_path, pushed.reference, good_image, "MOD005", ("--pin",))


def test_a_plugin_that_runs_away_at_start_up_blocks_the_conversion(
    registry: Registry, good_image: str, tmp_path: Path
) -> None:
    layer = compat_layer(wat_module("endless_configure"))
    pushed = push(registry, "fail/endless", "1.0", [(media.OCI_LAYER_GZIP, layer)])
    # the fuel or wall-clock bound costs seconds: one run
    assert_not_converted(registry, tmp_path, pushed.reference, good_image, "MOD020", ("--pin",))


def test_a_maistra_format_image_is_not_converted_nor_pinned_and_the_fix_is_the_exact_command(
    registry: Registry, good_image: str, tmp_path: Path
) -> None:
    layer = maistra_layer(wat_module("filter_0_2_1"))
    pushed = push(registry, "fail/maistra", "2.0", [(media.OCI_LAYER_GZIP, layer)])
    outcome = assert_blocked(registry, tmp_path, pushed.reference, good_image, "MOD006")
    command = f"sme-migrate modules repackage {pushed.reference} --to {pushed.reference}-istio"
    assert f"`{command}`" in " ".join(outcome.stderr.split())


def test_an_image_that_passes_is_pinned_to_its_manifest_digest_only_with_pin(
    registry: Registry, tmp_path: Path
) -> None:
    wasm = wat_module("filter_0_2_1")
    both = gzip_tar([("manifest.yaml", maistra_manifest("plugin.wasm")), ("plugin.wasm", wasm)])
    pushed = push(registry, "fail/dual", "1.0", [(media.OCI_LAYER_GZIP, both)])
    path = tmp_path / "dual.yaml"
    path.write_text(extension_yaml("dual", pushed.reference, "PreAuthN")
                    + "status:\n  deployment: {ready: true, containerSha256: '" + "c" * 64
                    + "'}\n")
    checked = sme_migrate("convert", str(path), "--check-modules",
                          *registry_flags(tmp_path, registry))
    (plugin,) = yaml.safe_load_all(checked.stdout)
    assert checked.exit_code == 0, checked.stderr
    assert "sha256" not in plugin["spec"]  # no pin without --pin, not even from the status
    pinned = sme_migrate("convert", str(path), "--pin", *registry_flags(tmp_path, registry))
    (plugin,) = yaml.safe_load_all(pinned.stdout)
    assert plugin["spec"]["sha256"] == pushed.digest.removeprefix("sha256:")
