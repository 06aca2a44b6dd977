"""A minimal proxy-wasm host on wasmtime, to smoke-test a plugin with its migrated
configuration: instantiate it, then call proxy_on_context_create, proxy_on_vm_start and
proxy_on_configure as Envoy does, under fuel, memory and wall-clock limits (compiling it
under the compiler's own limits, see migrate.modules.compiler)."""

from __future__ import annotations

import dataclasses
import json
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import wasmtime

from migrate import rules
from migrate.model import Finding, Severity
from migrate.modules import abi, media
from migrate.modules.compiler import Compiled, CompileLimits, CompileRefused, compile_module
from migrate.modules.guest import CONFIGURE, Guest, define_host_functions
from migrate.rules.ids import RuleId

ROOT_CONTEXT_ID = 1


@dataclass(frozen=True)
class SmokeLimits:
    fuel: int = 1_000_000_000  # wasm instructions, roughly; about a second of work
    memory_bytes: int = 256 * media.MIB
    wall_clock_seconds: float = 5.0  # running it; compiling has its own bound:
    compile: CompileLimits = dataclasses.field(default_factory=CompileLimits)


@dataclass(frozen=True)
class SmokeResult:
    findings: tuple[Finding, ...]
    log: tuple[str, ...]  # what the plugin logged, "level: message"


class _Rejected(Exception):
    pass


def plugin_config_bytes(plugin_config: Mapping[str, Any] | None) -> bytes:
    """What Istio hands the plugin for a pluginConfig: compact JSON; nothing when absent."""
    if plugin_config is None:
        return b""
    return json.dumps(plugin_config, separators=(",", ":"), sort_keys=True).encode()


def smoke_test(
    wasm: bytes,
    configuration: bytes,
    root_id: str = "",
    limits: SmokeLimits = SmokeLimits(),
    configuration_known: bool = True,
    compiled: Compiled | None = None,
) -> SmokeResult:
    """Run the plugin's start-up with this configuration; report rejection, trap or runaway.

    `compiled` is `wasm` as the static check compiled it (else it is compiled here, within
    `limits.compile`). `configuration_known=False` (we were not told the plugin's
    configuration) makes a failure in proxy_on_configure a warning, and one after the plugin
    read a root id we were not given: the plugin may simply need what we do not have. Any
    other failure does not depend on them (proxy_on_vm_start sees no pluginConfig): the
    plugin would fail to start in every proxy, so it stays an error.
    """
    guest = Guest(configuration, root_id)
    try:
        compiled = compiled or compile_module(wasm, limits.compile)
    except CompileRefused as exc:
        return SmokeResult((rules.finding(RuleId.MODULE_COMPILE_OVER_LIMIT,
                                          f"the plugin was not started: {exc}"),), ())
    except wasmtime.WasmtimeError as exc:
        return SmokeResult((_failure(exc, guest, 0.0, limits),), ())
    findings = _timed_run(compiled, guest, limits)
    if findings and (unknown := _unknown_cause(guest, root_id, configuration_known)):
        findings = tuple(_as_guess(f, unknown) for f in findings)
    return SmokeResult(findings, tuple(guest.log))


def _unknown_cause(guest: Guest, root_id: str, configuration_known: bool) -> str | None:
    """What we were not told that may explain the failure; None: it fails in every proxy."""
    if configuration_known:
        return None
    if guest.stage == CONFIGURE:
        return "no pluginConfig was given: it may need one"
    if guest.read_root_id and not root_id:
        return "no root id was given: it may need its own"
    return None


def _timed_run(compiled: Compiled, guest: Guest, limits: SmokeLimits) -> tuple[Finding, ...]:
    timer = threading.Timer(limits.wall_clock_seconds, compiled.engine.increment_epoch)
    timer.start()
    started = time.monotonic()
    try:
        _run(compiled.engine, compiled.module, guest, limits)
        return ()
    except _Rejected as exc:
        return (rules.finding(RuleId.CONFIGURATION_REJECTED, _with_log(str(exc), guest)),)
    except Exception as exc:  # a trap, an exit, or a host-function failure: all are findings
        return (_failure(exc, guest, time.monotonic() - started, limits),)
    finally:
        timer.cancel()


def _as_guess(finding: Finding, unknown: str) -> Finding:
    return dataclasses.replace(
        finding, severity=Severity.WARNING, message=f"{finding.message} ({unknown})")


def _run(
    engine: wasmtime.Engine, module: wasmtime.Module, guest: Guest, limits: SmokeLimits
) -> None:
    store = wasmtime.Store(engine)
    store.set_fuel(limits.fuel)
    store.set_limits(memory_size=limits.memory_bytes)
    store.set_epoch_deadline(1)
    linker = wasmtime.Linker(engine)
    if any(i.module in abi.WASI_MODULES for i in module.imports):
        _define_wasi(linker, store, module, guest)
    define_host_functions(linker, module, guest)
    instance = linker.instantiate(store, module)
    _lifecycle(instance.exports(store), store, guest)


def _define_wasi(
    linker: wasmtime.Linker, store: wasmtime.Store, module: wasmtime.Module, guest: Guest
) -> None:
    """wasmtime's WASI, without inherited stdout (stdout is for our output); wasi_unstable
    maps onto the same functions as in Envoy; proc_exit is ours, to report the exit code."""
    store.set_wasi(wasmtime.WasiConfig())
    linker.define_wasi()
    linker.allow_shadowing = True
    for item in module.imports:
        if item.module not in abi.WASI_MODULES or item.name not in abi.WASI_FUNCTIONS:
            continue
        name = str(item.name)
        if name == "proc_exit":
            # a FuncType is consumed by define_func: never share one between calls
            proc_exit = wasmtime.FuncType([wasmtime.ValType.i32()], [])
            linker.define_func(item.module, name, proc_exit, guest.exit)
        elif item.module == "wasi_unstable":
            preview1 = linker.get(store, "wasi_snapshot_preview1", name)
            linker.define(store, "wasi_unstable", name, preview1)


def _lifecycle(exports: Any, store: wasmtime.Store, guest: Guest) -> None:
    for start in ("_initialize", "_start"):
        if start in exports:
            guest.stage = start
            exports[start](store)
            break
    if "proxy_on_context_create" in exports:
        guest.stage = "proxy_on_context_create"
        exports["proxy_on_context_create"](store, ROOT_CONTEXT_ID, 0)
    guest.stage = "proxy_on_vm_start"
    if "proxy_on_vm_start" in exports and not exports["proxy_on_vm_start"](
        store, ROOT_CONTEXT_ID, 0
    ):
        raise _Rejected("refused to start (proxy_on_vm_start returned false)")
    size = len(guest.configuration)
    guest.stage = CONFIGURE
    if "proxy_on_configure" in exports and not exports["proxy_on_configure"](
        store, ROOT_CONTEXT_ID, size
    ):
        shown = guest.configuration[:200].decode(errors="replace") or "(empty)"
        raise _Rejected(f"rejected the configuration {shown} (proxy_on_configure returned false)")


def _failure(exc: Exception, guest: Guest, elapsed: float, limits: SmokeLimits) -> Finding:
    code = getattr(exc, "trap_code", None)
    if code == wasmtime.TrapCode.OUT_OF_FUEL:
        why = f"ran out of its {limits.fuel:,} fuel units in {guest.stage}: it runs away"
        return rules.finding(RuleId.MODULE_RUNAWAY, _with_log(why, guest))
    if code == wasmtime.TrapCode.INTERRUPT:
        why = f"was stopped after {elapsed:.1f}s of wall-clock time in {guest.stage}: it runs away"
        return rules.finding(RuleId.MODULE_RUNAWAY, _with_log(why, guest))
    if guest.exit_code is not None:
        why = f"called proc_exit({guest.exit_code}) in {guest.stage} (an abort)"
        return rules.finding(RuleId.MODULE_TRAPPED, _with_log(why, guest))
    why = f"trapped in {guest.stage}: {_first_line(exc)}"
    return rules.finding(RuleId.MODULE_TRAPPED, _with_log(why, guest))


def _with_log(text: str, guest: Guest) -> str:
    last = guest.last_complaint()
    return f"the plugin {text}" + (f"; it logged: {last}" if last else "")


def _first_line(exc: Exception) -> str:
    """wasmtime errors end with `Caused by: <reason>` after the backtrace: that is the news."""
    text = str(exc)
    _, marker, cause = text.partition("Caused by:")
    lines = [line.strip() for line in (cause if marker else text).splitlines() if line.strip()]
    return "; ".join(lines[:2])[:300] if lines else type(exc).__name__
