"""A module checked before, alike, is not checked again: the verdict is kept on disk by the
module's digest, configuration, root id and checker. A tag is still resolved every run; a
changed input is checked anew; an entry that is damaged or not the one asked for is a miss."""

import dataclasses
import json
from pathlib import Path
from typing import Any

from migrate.modules.api import ModuleOptions, ModuleReport, check_references
from migrate.modules.host import SmokeLimits, plugin_config_bytes
from migrate.modules.verdicts import CheckKey, Verdict, encode
from tests.modules.builders import (
    OCI_LAYER,
    compat_layer,
    sdk_module,
    wat_module,
    with_custom_section,
)
from tests.modules.conftest import needs_registry, options_for
from tests.support.registry import Registry, digest_of, push

pytestmark = needs_registry

ACCEPTED = {"header": "x-test"}
REJECTED = {"value": "test"}  # the SDK filter wants a "header": MOD018
ROOT = "add_header"


def _check(ref: str, options: ModuleOptions, config: dict[str, Any] = REJECTED,
           root_id: str = ROOT) -> ModuleReport:
    return check_references([ref], options, {ref: config}, {ref: root_id})[ref]


def _rules(report: ModuleReport) -> list[str]:
    return [f.rule for f in report.findings]


def _entries(options: ModuleOptions) -> list[Path]:
    assert options.cache_dir is not None
    return sorted((options.cache_dir / "checks").glob("*.json"))


def test_a_rerun_reports_from_the_cache_while_the_tag_still_names_the_same_manifest(
    fresh_registry: Registry, tmp_path: Path
) -> None:
    options = options_for(fresh_registry, tmp_path)
    layer = compat_layer(sdk_module())
    pushed = push(fresh_registry, "cached/filter", "1.0", [(OCI_LAYER, layer)])
    first = _check(pushed.reference, options)
    assert (_rules(first), first.digest, first.abi) == (["MOD018"], pushed.digest, "0.2.0")
    fresh_registry.blob_file(digest_of(layer)).unlink()  # only the manifest can still be read
    assert _check(pushed.reference, options) == first
    moved = compat_layer(with_custom_section(sdk_module(), "moved"))
    push(fresh_registry, "cached/filter", "1.0", [(OCI_LAYER, moved)])
    fresh_registry.blob_file(digest_of(moved)).unlink()
    after_move = _check(pushed.reference, options)  # the tag now names another manifest
    assert (_rules(after_move), after_move.digest, after_move.abi) == (["MOD003"], None, None)
    assert f"blob {digest_of(moved)} not found" in after_move.findings[0].message


def test_a_changed_configuration_or_root_id_is_checked_anew(
    registry: Registry, options: ModuleOptions
) -> None:
    ref = push(registry, "cached/configs", "1.0", [(OCI_LAYER, compat_layer(sdk_module()))]
               ).reference
    assert _rules(_check(ref, options, ACCEPTED)) == []
    assert _rules(_check(ref, options, REJECTED)) == ["MOD018"]
    assert _rules(_check(ref, options, ACCEPTED, root_id="another_root")) == ["MOD019"]
    assert _rules(_check(ref, options, ACCEPTED)) == []
    assert len(_entries(options)) == 3
    without_smoke = dataclasses.replace(options, smoke_test=False)
    assert _rules(_check(ref, without_smoke, REJECTED)) == []


def test_damaged_or_misplaced_entries_are_misses_and_the_check_runs_again(
    registry: Registry, options: ModuleOptions
) -> None:
    ref = push(registry, "cached/tampered", "1.0", [(OCI_LAYER, compat_layer(sdk_module()))]
               ).reference
    assert _rules(_check(ref, options, ACCEPTED)) == []
    (clean,) = _entries(options)
    assert _rules(_check(ref, options, REJECTED)) == ["MOD018"]
    (rejected,) = [e for e in _entries(options) if e != clean]
    genuine = rejected.read_bytes()
    edited = json.loads(genuine)
    edited["findings"] = []
    damages = {
        "a verdict edited": json.dumps(edited).encode(),
        "another key's verdict": clean.read_bytes(),  # well-formed, intact, but for {"header"}
        "truncated": genuine[: len(genuine) // 2],
        "not JSON": b"\xff\xfe garbage",
        "empty": b"",
    }
    for damage, content in damages.items():
        rejected.write_bytes(content)
        assert _rules(_check(ref, options, REJECTED)) == ["MOD018"], damage
        assert json.loads(rejected.read_bytes())["findings"], damage  # written anew


def test_no_cache_neither_reads_nor_writes_verdicts(
    registry: Registry, options: ModuleOptions
) -> None:
    module = sdk_module()
    ref = push(registry, "cached/bypassed", "1.0", [(OCI_LAYER, compat_layer(module))]).reference
    assert _rules(_check(ref, options)) == ["MOD018"]
    (entry,) = _entries(options)
    # a well-formed entry that says otherwise, as a forger would write it
    key = CheckKey.of(module, plugin_config_bytes(REJECTED), ROOT, known=True,
                      smoke_test=True, limits=options.smoke_limits)
    assert entry.name == f"{key.digest}.json"
    entry.write_bytes(encode(key, Verdict("0.2.0", ())))
    assert _rules(_check(ref, options)) == []  # the cache is trusted like the program itself
    bypassed = dataclasses.replace(options, use_cache=False)
    assert _rules(_check(ref, bypassed)) == ["MOD018"]
    assert entry.read_bytes() == encode(key, Verdict("0.2.0", ()))
    assert _entries(options) == [entry]


def test_a_verdict_that_depends_on_the_clock_is_not_kept(
    registry: Registry, options: ModuleOptions
) -> None:
    layer = compat_layer(wat_module("chatty_configure"))  # stopped by the wall clock
    ref = push(registry, "cached/runaway", "1.0", [(OCI_LAYER, layer)]).reference
    quick = dataclasses.replace(options, smoke_limits=SmokeLimits(wall_clock_seconds=0.3))
    assert _rules(_check(ref, quick, ACCEPTED)) == ["MOD020"]
    assert _entries(quick) == []
