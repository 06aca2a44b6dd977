"""Compiling a module is bounded too: a large module is compiled in a child process under a
deadline and an address-space limit, and what comes back is the module that runs."""

import time

from migrate.modules.compiler import IN_PROCESS_BYTES, CompileLimits
from migrate.modules.host import SmokeLimits, smoke_test
from migrate.modules.wasm import check_wasm
from tests.modules.builders import padded_module

PADDING = 1000  # functions: about 600 KB, which takes about 13 MiB and a second to compile


def test_a_large_module_compiled_in_the_child_is_checked_and_started_as_usual() -> None:
    wasm = padded_module("filter_0_2_1", 200)
    assert len(wasm) > IN_PROCESS_BYTES
    check = check_wasm(wasm)
    assert (check.abi, check.findings) == ("0.2.1", ())
    result = smoke_test(wasm, b'{"a":1}', compiled=check.compiled)
    assert result.findings == () and result.log == ('info: {"a":1}',)
    (rejected,) = smoke_test(wasm, b"[1]").findings  # compiled afresh: same plugin
    assert rejected.rule == "MOD018"


def test_compiling_past_the_deadline_is_stopped_and_reported() -> None:
    wasm = padded_module("filter_0_2_1", PADDING)
    # Shorter than starting the child and importing wasmtime there (>50 ms even on a fast,
    # idle machine), so the deadline is always passed, whatever the compiler's speed.
    limits = CompileLimits(seconds=0.02)
    started = time.monotonic()
    check = check_wasm(wasm, limits)
    assert time.monotonic() - started < 2.0
    (finding,) = check.findings
    assert (finding.rule, check.loadable) == ("MOD030", False)
    assert "longer than 0.02s" in finding.message
    started = time.monotonic()
    (finding,) = smoke_test(wasm, b"{}", limits=SmokeLimits(compile=limits)).findings
    assert finding.rule == "MOD030" and time.monotonic() - started < 2.0


def test_compiling_past_the_memory_limit_is_stopped_and_reported() -> None:
    wasm = padded_module("filter_0_2_1", PADDING)
    check = check_wasm(wasm, CompileLimits(memory_bytes=4 * 1024 * 1024))
    (finding,) = check.findings
    assert finding.rule == "MOD030" and "more than 4 MiB of memory" in finding.message
