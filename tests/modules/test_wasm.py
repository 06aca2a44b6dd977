"""Static checks, on real modules: WAT compiled at test time and an SDK-built binary."""

import pytest

from migrate.model import Severity
from migrate.modules.wasm import check_wasm
from tests.modules.builders import sdk_module, wat_module


def _rules(data: bytes) -> list[str]:
    return [f.rule for f in check_wasm(data).findings]


def test_a_well_formed_0_2_1_filter_passes() -> None:
    check = check_wasm(wat_module("filter_0_2_1"))
    assert (check.abi, check.findings, check.loadable) == ("0.2.1", (), True)


def test_the_assemblyscript_sdk_module_passes_with_abi_0_2_0_malloc_and_wasi_unstable() -> None:
    check = check_wasm(sdk_module())
    assert (check.abi, check.findings) == ("0.2.0", ())


@pytest.mark.parametrize(
    ("data", "hint"),
    [
        (b'{"not": "wasm"}' * 4, "instead of 00 61 73 6d"),
        (b'(module\n  (func (export "proxy_abi_version_0_2_1")))', "WAT text"),
        (b"\x1f\x8b\x08\x00" + bytes(20), "gzip"),
        (b"", "empty"),
    ],
)
def test_what_is_not_a_wasm_binary_is_named(data: bytes, hint: str) -> None:
    check = check_wasm(data)
    assert [f.rule for f in check.findings] == ["MOD010"]
    assert hint in check.findings[0].message
    assert not check.valid


def test_a_truncated_module_is_invalid_with_wasmtimes_reason() -> None:
    check = check_wasm(sdk_module()[:4000])
    assert [f.rule for f in check.findings] == ["MOD011"]
    assert "invalid" in check.findings[0].message and not check.valid


def test_an_unknown_abi_version_is_reported_with_the_marker_seen() -> None:
    check = check_wasm(wat_module("unknown_abi"))
    assert check.abi is None and [f.rule for f in check.findings] == ["MOD012"]
    assert "proxy_abi_version_0_3_0" in check.findings[0].message


def test_a_module_without_allocator_is_refused() -> None:
    assert _rules(wat_module("no_allocator")) == ["MOD013"]


def test_unknown_imports_are_reported_by_name_with_the_abi_that_has_them() -> None:
    findings = check_wasm(wat_module("unknown_imports")).findings
    assert [f.rule for f in findings] == ["MOD014", "MOD014"]
    assert "env.proxy_get_configuration" in findings[0].message
    assert "ABI 0.1.0" in findings[0].message
    assert "env.acme_custom_host_call" in findings[1].message


def test_an_import_with_the_wrong_signature_shows_both_signatures() -> None:
    (finding,) = check_wasm(wat_module("wrong_import_signature")).findings
    assert finding.rule == "MOD015"
    assert "(i32, i32) -> (i32)" in finding.message
    assert "(i32, i32, i32) -> (i32)" in finding.message


def test_a_0_1_0_callback_shape_in_a_0_2_1_module_and_a_newer_wasi_import() -> None:
    findings = check_wasm(wat_module("old_header_callback")).findings
    assert sorted((f.rule, f.severity) for f in findings) == [
        ("MOD016", Severity.WARNING),
        ("MOD017", Severity.ERROR),
    ]
    assert any("sched_yield" in f.message for f in findings)
    assert any("proxy_on_request_headers" in f.message for f in findings)
