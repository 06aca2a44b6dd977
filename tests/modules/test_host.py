"""The smoke-test host runs real plugins' start-up with their configuration."""

import time

from migrate.model import Severity
from migrate.modules.host import SmokeLimits, plugin_config_bytes, smoke_test
from tests.modules.builders import sdk_module, wat_module

FAST = SmokeLimits(fuel=100_000_000, wall_clock_seconds=2.0)


def test_the_sdk_plugin_accepts_a_configuration_naming_a_header() -> None:
    result = smoke_test(sdk_module(), b'{"header":"x-migrated"}', root_id="add_header")
    assert result.findings == ()
    assert 'info: add_header: configured with {"header":"x-migrated"}' in result.log


def test_the_sdk_plugin_rejecting_its_configuration_is_an_error_quoting_its_log() -> None:
    result = smoke_test(sdk_module(), plugin_config_bytes({"value": "test"}), "add_header")
    (finding,) = result.findings
    assert (finding.rule, finding.severity) == ("MOD018", Severity.ERROR)
    assert '{"value":"test"}' in finding.message
    assert 'configuration must name a \\"header\\"' not in finding.message
    assert 'configuration must name a "header"' in finding.message


def test_a_wrong_root_id_makes_the_sdk_plugin_abort_via_proc_exit() -> None:
    (finding,) = smoke_test(sdk_module(), b'{"header":"h"}', root_id="add-header_root").findings
    assert finding.rule == "MOD019"
    assert "proc_exit(255)" in finding.message
    assert "Missing root context factory for root id: add-header_root" in finding.message


def test_the_wat_filter_gets_its_configuration_through_proxy_get_buffer_bytes() -> None:
    result = smoke_test(wat_module("filter_0_2_1"), b'{"a":1}')
    assert result.findings == () and result.log == ('info: {"a":1}',)
    (rejected,) = smoke_test(wat_module("filter_0_2_1"), b"[1]").findings
    assert rejected.rule == "MOD018"


def test_an_endless_loop_in_configure_runs_out_of_fuel() -> None:
    limits = SmokeLimits(fuel=50_000_000, wall_clock_seconds=60.0)
    (finding,) = smoke_test(wat_module("endless_configure"), b"{}", limits=limits).findings
    assert finding.rule == "MOD020"
    assert "ran out of its 50,000,000 fuel units" in finding.message


def test_with_default_limits_an_endless_loop_is_stopped_within_the_wall_clock_bound() -> None:
    started = time.monotonic()
    (finding,) = smoke_test(wat_module("endless_configure"), b"{}").findings
    assert finding.rule == "MOD020"
    assert time.monotonic() - started < SmokeLimits().wall_clock_seconds + 2.0


def test_a_loop_spent_in_host_calls_is_stopped_by_the_wall_clock() -> None:
    limits = SmokeLimits(wall_clock_seconds=0.3)
    started = time.monotonic()
    result = smoke_test(wat_module("chatty_configure"), b"{}", limits=limits)
    assert [f.rule for f in result.findings] == ["MOD020"]
    assert "wall-clock" in result.findings[0].message
    assert time.monotonic() - started < 3.0
    assert len(result.log) <= 200  # what a runaway logs is bounded too


def test_memory_beyond_the_limit_is_refused_and_the_abort_reported() -> None:
    (finding,) = smoke_test(wat_module("memory_hog"), b"{}", limits=FAST).findings
    assert finding.rule == "MOD019"
    assert "unreachable" in finding.message and "out of memory" in finding.message


def test_without_a_known_configuration_a_rejection_is_only_a_warning() -> None:
    result = smoke_test(wat_module("filter_0_2_1"), b"", configuration_known=False)
    (finding,) = result.findings
    assert (finding.rule, finding.severity) == ("MOD018", Severity.WARNING)
    assert "no pluginConfig was given" in finding.message


def test_without_a_known_configuration_a_trap_in_vm_start_is_still_an_error() -> None:
    result = smoke_test(wat_module("trap_vm_start"), b"", configuration_known=False)
    (finding,) = result.findings
    assert (finding.rule, finding.severity) == ("MOD019", Severity.ERROR)
    assert "in proxy_on_vm_start" in finding.message and "no entropy" in finding.message


def test_without_a_known_configuration_a_runaway_vm_start_is_still_an_error() -> None:
    result = smoke_test(wat_module("endless_vm_start"), b"", "", SmokeLimits(fuel=50_000_000),
                        configuration_known=False)
    (finding,) = result.findings
    assert (finding.rule, finding.severity) == ("MOD020", Severity.ERROR)


def test_without_a_root_id_an_abort_after_reading_it_is_only_a_warning() -> None:
    (finding,) = smoke_test(sdk_module(), b"", configuration_known=False).findings
    assert (finding.rule, finding.severity) == ("MOD019", Severity.WARNING)
    assert "no root id was given" in finding.message


def test_plugin_config_is_handed_over_as_compact_json_and_absent_as_nothing() -> None:
    assert plugin_config_bytes({"b": [1, 2], "a": "x"}) == b'{"a":"x","b":[1,2]}'
    assert plugin_config_bytes(None) == b""
