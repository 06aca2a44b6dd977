"""The facade the scan/convert integration calls: one report per reference, never aborting."""

import dataclasses
from pathlib import Path

from migrate.model import Severity
from migrate.modules.api import ModuleOptions, check_file, check_references
from tests.modules.builders import OCI_LAYER, compat_layer, maistra_layer, sdk_module, wat_module
from tests.modules.conftest import USERS, needs_registry
from tests.support.registry import Registry, push

pytestmark = needs_registry


def test_every_reference_gets_a_report_and_bad_ones_do_not_stop_the_rest(
    registry: Registry, options: ModuleOptions
) -> None:
    good = push(
        registry, "api/good", "1.0", [(OCI_LAYER, compat_layer(wat_module("filter_0_2_1")))]
    )
    maistra = push(registry, "api/maistra", "2.1", [(OCI_LAYER, maistra_layer(sdk_module()))])
    missing = f"{registry.host}/api/missing:1.0"
    refs = [good.reference, "Not A Reference", maistra.reference, missing]
    configs: dict[str, dict[str, object] | None] = {
        good.reference: {"a": 1}, maistra.reference: {"header": "x"}}
    reports = check_references(refs, options, configs, {maistra.reference: "add_header"})
    assert list(reports) == refs
    assert (reports[good.reference].format, reports[good.reference].findings) == ("oci-compat", ())
    assert [f.rule for f in reports["Not A Reference"].findings] == ["MOD023"]
    assert [f.rule for f in reports[missing].findings] == ["MOD003"]
    assert reports[missing].findings[0].message.startswith(missing)


def test_a_maistra_image_reports_its_manifest_defaults_abi_and_digest(
    registry: Registry, options: ModuleOptions
) -> None:
    pushed = push(registry, "api/maistra", "2.1", [(OCI_LAYER, maistra_layer(sdk_module()))])
    report = check_references(
        [pushed.reference],
        options,
        {pushed.reference: {"header": "h"}},
        {pushed.reference: "add_header"},
    )[pushed.reference]
    assert (report.format, report.abi, report.digest) == ("maistra", "0.2.0", pushed.digest)
    assert (report.manifest_phase, report.manifest_priority) == ("PreAuthZ", 100)
    assert [f.rule for f in report.findings] == ["MOD006"]
    assert report.to_json() == {
        "reference": pushed.reference,
        "format": "maistra",
        "digest": pushed.digest,
        "abi": "0.2.0",
    }


def test_the_smoke_test_uses_the_migrated_config_given_per_reference(
    registry: Registry, options: ModuleOptions
) -> None:
    pushed = push(registry, "api/sdk", "1", [(OCI_LAYER, compat_layer(sdk_module()))])
    ref = pushed.reference
    rejected = check_references([ref], options, {ref: {"value": "test"}}, {ref: "add_header"})
    assert [(f.rule, f.severity) for f in rejected[ref].findings] == [("MOD018", Severity.ERROR)]
    absent = check_references([ref], options, {ref: None}, {ref: "add_header"})
    assert [(f.rule, f.severity) for f in absent[ref].findings] == [("MOD018", Severity.ERROR)]
    off = check_references([ref], dataclasses.replace(options, smoke_test=False))
    assert off[ref].findings == ()


def test_a_latest_tag_is_a_mutable_reference_finding(
    registry: Registry, options: ModuleOptions
) -> None:
    pushed = push(
        registry, "api/latest", "latest", [(OCI_LAYER, compat_layer(wat_module("filter_0_2_1")))]
    )
    untagged = pushed.reference.removesuffix(":latest")
    reports = check_references(
        [pushed.reference, untagged], options, {pushed.reference: {"a": 1}, untagged: {"a": 1}}
    )
    for ref in (pushed.reference, untagged):
        assert [f.rule for f in reports[ref].findings] == ["MOD025"]
        assert reports[ref].digest == pushed.digest


def test_each_distinct_image_is_fetched_once(token_registry: Registry, tmp_path: Path) -> None:
    pushed = push(
        token_registry, "public/once", "1", [(OCI_LAYER, compat_layer(wat_module("filter_0_2_1")))]
    )
    server = token_registry.token_server
    assert server is not None
    empty = tmp_path / "empty.json"
    empty.write_text("{}")
    options = ModuleOptions(registry_config=empty, ca_file=token_registry.ca_file, use_cache=False)
    before = len(server.requests)
    refs = [pushed.reference, f"oci://{pushed.reference}", f" {pushed.reference} "]
    reports = check_references(refs, options, {ref: {"a": 1} for ref in refs})
    assert len(server.requests) - before == 1  # one client, one token, for the three spellings
    assert {r.digest for r in reports.values()} == {pushed.digest}
    assert USERS  # the private users exist but were not needed for public/


def test_a_local_file_is_checked_and_located(tmp_path: Path) -> None:
    module = tmp_path / "filter.wasm"
    module.write_bytes(wat_module("no_allocator"))
    report = check_file(module, ModuleOptions(), {"a": 1})
    assert (report.format, report.abi) == ("file", "0.2.1")
    assert [(f.rule, f.location and f.location.path) for f in report.findings] == [
        ("MOD013", str(module))
    ]


def test_a_missing_file_is_a_finding_not_a_crash(tmp_path: Path) -> None:
    report = check_file(tmp_path / "gone.wasm", ModuleOptions())
    assert [f.rule for f in report.findings] == ["MOD024"]
    assert report.format is None
