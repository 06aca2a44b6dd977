"""Files named by options (`--registry-config`, `--plugin-config @FILE`) are read up to 1 MiB,
never more, and a document nested too deeply is a one-line usage error (exit 2)."""

import time
import tracemalloc
from pathlib import Path

import pytest

from migrate.modules.credentials import load_docker_config
from migrate.modules.errors import ModuleError
from tests.modules.builders import wat_module
from tests.support.cli import Outcome, sme_migrate

IMAGE = "127.0.0.1:9/team/filter:1.0"  # never contacted: the options fail first
DEEP = "[" * 100_000 + "]" * 100_000
SME = """apiVersion: maistra.io/v1
kind: ServiceMeshExtension
metadata:
  name: filter
  namespace: istio-system
spec:
  image: 127.0.0.1:9/team/filter:1.0
  phase: PreAuthN
"""


def _huge(tmp_path: Path) -> Path:
    path = tmp_path / "huge.json"
    path.write_text('{"auths": {}}' + " " * (3 * 1024 * 1024))
    return path


def _deep(tmp_path: Path) -> Path:
    path = tmp_path / "deep.json"
    path.write_text(DEEP)
    return path


def _one_line_usage_error(outcome: Outcome, complaint: str) -> None:
    assert outcome.exit_code == 2, outcome.stderr
    assert outcome.stdout == ""
    assert outcome.stderr.count("\n") == 1 and complaint in outcome.stderr
    assert "Traceback" not in outcome.stderr


@pytest.mark.parametrize(
    ("config", "complaint"),
    [
        (lambda _: Path("/dev/zero"), "/dev/zero is larger than 1 MiB"),
        (_huge, "is larger than 1 MiB"),
        (_deep, "nests too deeply"),
    ],
    ids=["dev-zero", "3-MiB", "100000-deep"],
)
def test_a_bad_registry_config_is_a_one_line_usage_error(
    config: object, complaint: str, tmp_path: Path
) -> None:
    path = config(tmp_path)  # type: ignore[operator]
    started = time.monotonic()
    outcome = sme_migrate("modules", "check", IMAGE, "--registry-config", str(path))
    _one_line_usage_error(outcome, complaint)
    assert time.monotonic() - started < 3


def test_repackage_with_a_too_deep_registry_config_exits_2(tmp_path: Path) -> None:
    module = tmp_path / "filter.wasm"
    module.write_bytes(wat_module("filter_0_2_1"))
    config = ["--registry-config", str(_deep(tmp_path))]
    outcome = sme_migrate("modules", "repackage", str(module), "--to", IMAGE, *config)
    _one_line_usage_error(outcome, "nests too deeply")


def test_scan_check_modules_with_a_too_deep_registry_config_exits_2(tmp_path: Path) -> None:
    sme = tmp_path / "sme.yaml"
    sme.write_text(SME)
    outcome = sme_migrate(
        "scan", str(sme), "--check-modules", "--registry-config", str(_deep(tmp_path))
    )
    _one_line_usage_error(outcome, "nests too deeply")


@pytest.mark.parametrize(
    ("value", "complaint"),
    [
        (lambda _: "@/dev/zero", "--plugin-config file /dev/zero is larger than 1 MiB"),
        (lambda tmp: f"@{_deep(tmp)}", "--plugin-config nests too deeply"),
        (lambda _: DEEP, "--plugin-config nests too deeply"),
        (lambda tmp: f"@{tmp / 'missing.json'}", "cannot read --plugin-config file"),
        (lambda _: "[1, 2]", "--plugin-config must be a JSON object"),
    ],
    ids=["dev-zero", "deep-file", "deep-inline", "missing-file", "not-an-object"],
)
def test_a_bad_plugin_config_is_a_one_line_usage_error(
    value: object, complaint: str, tmp_path: Path
) -> None:
    module = tmp_path / "filter.wasm"
    module.write_bytes(wat_module("filter_0_2_1"))
    text = value(tmp_path)  # type: ignore[operator]
    outcome = sme_migrate("modules", "check", str(module), "--plugin-config", text)
    _one_line_usage_error(outcome, complaint)


def test_a_plugin_config_file_is_used_for_the_smoke_test(tmp_path: Path) -> None:
    module = tmp_path / "filter.wasm"
    module.write_bytes(wat_module("filter_0_2_1"))
    config = tmp_path / "config.json"
    config.write_text('{"a": 1}')
    outcome = sme_migrate("modules", "check", str(module), "--plugin-config", f"@{config}")
    assert outcome.exit_code == 0, outcome.stderr
    assert "No findings" in outcome.stdout


def test_reading_dev_zero_holds_no_more_than_the_cap_in_memory() -> None:
    tracemalloc.start()
    try:
        with pytest.raises(ModuleError) as raised:
            load_docker_config(Path("/dev/zero"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert raised.value.rule_id == "MOD024"
    assert peak < 3 * 1024 * 1024


def test_a_module_file_over_256_mib_is_refused_without_reading_it(tmp_path: Path) -> None:
    module = tmp_path / "huge.wasm"
    with module.open("wb") as sparse:
        sparse.truncate(300 * 1024 * 1024)
    started = time.monotonic()
    checked = sme_migrate("modules", "check", str(module), "--format", "json")
    pushed = sme_migrate("modules", "repackage", str(module), "--to", IMAGE)
    assert time.monotonic() - started < 3
    assert checked.exit_code == 1
    assert [f["rule"] for f in checked.json()["findings"]] == ["MOD005"]
    assert (pushed.exit_code, pushed.stdout) == (1, "")
    assert "MOD005" in pushed.stderr and "larger than 256 MiB" in pushed.stderr
