"""Static checks of a wasm binary with wasmtime: it is wasm, it validates, and it fits the
proxy-wasm ABI it declares (marker, allocator, imports and callback signatures)."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import wasmtime

from migrate import rules
from migrate.model import Finding, Severity
from migrate.modules import abi, media
from migrate.modules.compiler import Compiled, CompileLimits, CompileRefused, compile_module
from migrate.rules.ids import RuleId

WASM_MAGIC = b"\0asm"


@dataclass(frozen=True)
class FunctionItem:
    """An import or export of a function, with its wasm signature."""

    module: str  # the import module; "" for exports
    name: str
    signature: abi.Signature


@dataclass(frozen=True)
class WasmCheck:
    abi: str | None  # "0.2.1", ...; None when no marker is exported
    valid: bool  # the binary is wasm that validates and compiles (smoke-testing makes sense)
    findings: tuple[Finding, ...]
    compiled: Compiled | None = field(default=None, repr=False, compare=False)  # for the host

    @property
    def loadable(self) -> bool:
        """Envoy would load it: valid, and no error finding."""
        return self.valid and not any(f.severity is Severity.ERROR for f in self.findings)


@functools.cache
def _engine() -> wasmtime.Engine:
    return wasmtime.Engine()


def check_wasm(data: bytes, limits: CompileLimits | None = None) -> WasmCheck:
    """Compiled once, within `limits`; the smoke test runs the same compiled module."""
    problem = _binary_problem(data)
    if problem:
        return WasmCheck(None, False, (problem,))
    try:
        compiled = compile_module(data, limits or CompileLimits())
    except CompileRefused as exc:
        return WasmCheck(None, False, (compile_refused(exc),))
    except wasmtime.WasmtimeError as exc:
        return WasmCheck(None, False, (_invalid(exc),))
    imports = tuple(_functions(compiled.module.imports, imported=True))
    exports = tuple(_functions(compiled.module.exports, imported=False))
    version = abi_version(exports)
    if version is None:
        return WasmCheck(None, True, (_unknown_abi(exports),), compiled)
    findings = (
        *_allocator_findings(exports),
        *_import_findings(imports, version),
        *_export_findings(exports, version),
    )
    return WasmCheck(version, True, findings, compiled)


def compile_refused(exc: CompileRefused) -> Finding:
    return rules.finding(RuleId.MODULE_COMPILE_OVER_LIMIT, f"the module was not checked: {exc}")


def _binary_problem(data: bytes) -> Finding | None:
    if len(data) > media.MAX_MODULE_BYTES:
        return rules.finding(RuleId.SIZE_LIMIT_EXCEEDED,
                             f"the module is {len(data)} bytes, over the 256 MiB limit")
    if len(data) < 8 or not data.startswith(WASM_MAGIC):
        return rules.finding(RuleId.NOT_A_WASM_BINARY,
                             f"not a wasm binary: {_describe_non_wasm(data)}")
    try:
        wasmtime.Module.validate(_engine(), data)
    except wasmtime.WasmtimeError as exc:
        return _invalid(exc)
    return None


def _invalid(exc: Exception) -> Finding:
    return rules.finding(RuleId.INVALID_WASM, f"the wasm binary is invalid: {_first_line(exc)}")


def _describe_non_wasm(data: bytes) -> str:
    head = data.lstrip()[:16]
    if head.startswith(b"(module") or head.startswith(b"(;") or head.startswith(b";;"):
        return "this is WAT text; compile it to a binary (wat2wasm) first"
    if data.startswith(b"\x1f\x8b"):
        return "this is gzip data, not a module"
    if not data:
        return "the file is empty"
    return f"it starts with {data[:8].hex(' ')} instead of 00 61 73 6d (\\0asm)"


def _functions(items: Iterable[object], imported: bool) -> Iterable[FunctionItem]:
    for item in items:
        kind = getattr(item, "type", None)
        if isinstance(kind, wasmtime.FuncType):
            module = str(getattr(item, "module", "")) if imported else ""
            yield FunctionItem(module, str(getattr(item, "name", "")), _signature(kind))


def _signature(kind: wasmtime.FuncType) -> abi.Signature:
    return tuple(str(p) for p in kind.params), tuple(str(r) for r in kind.results)


def abi_version(exports: Sequence[FunctionItem]) -> str | None:
    """The first ABI marker among the function exports wins, as in proxy-wasm-cpp-host."""
    for export in exports:
        if export.name in abi.ABI_MARKERS:
            return abi.ABI_MARKERS[export.name]
    return None


def _unknown_abi(exports: Sequence[FunctionItem]) -> Finding:
    others = [e.name for e in exports if e.name.startswith("proxy_abi_version_")]
    seen = f" (it exports {', '.join(others)})" if others else ""
    return rules.finding(
        RuleId.UNKNOWN_ABI_VERSION,
        "the module exports no proxy_abi_version_0_1_0, _0_2_0 or _0_2_1 marker"
        + seen
        + ": Envoy fails with `Missing or unknown Proxy-Wasm ABI version`",
    )


def _allocator_findings(exports: Sequence[FunctionItem]) -> Iterable[Finding]:
    if not any(e.name in abi.ALLOCATORS for e in exports):
        yield rules.finding(
            RuleId.MISSING_ALLOCATOR,
            "the module exports neither proxy_on_memory_allocate nor malloc: Envoy fails with "
            "`Wasm module is missing malloc function.`",
        )


def _import_findings(imports: Sequence[FunctionItem], version: str) -> Iterable[Finding]:
    host = abi.host_functions(version)
    for item in imports:
        if item.module == abi.HOST_MODULE and item.name in host:
            yield from _signature_finding(item, host[item.name], version)
        elif item.module in abi.WASI_MODULES and item.name in abi.WASI_FUNCTIONS:
            yield from _signature_finding(item, abi.WASI_FUNCTIONS[item.name], version)
            yield from _newer_wasi_finding(item)
        else:
            yield _unknown_import(item, version)


def _signature_finding(
    item: FunctionItem, expected: abi.Signature, version: str
) -> Iterable[Finding]:
    if item.signature != expected:
        yield rules.finding(
            RuleId.IMPORT_SIGNATURE_MISMATCH,
            f"import {item.module}.{item.name} has signature {_show(item.signature)}, "
            f"ABI {version} hosts provide {_show(expected)}",
        )


def _newer_wasi_finding(item: FunctionItem) -> Iterable[Finding]:
    if item.name not in abi.WASI_IN_OLDER_HOSTS:
        yield rules.finding(
            RuleId.NEWER_WASI_IMPORT,
            f"import {item.module}.{item.name} is provided by recent Envoy releases only "
            "(not by Envoy 1.17 and older)",
        )


def _unknown_import(item: FunctionItem, version: str) -> Finding:
    elsewhere = abi.host_function_abis(item.name) if item.module == abi.HOST_MODULE else ()
    hint = f" (it belongs to ABI {', '.join(elsewhere)})" if elsewhere else ""
    return rules.finding(
        RuleId.UNKNOWN_IMPORT,
        f"import {item.module}.{item.name} is not provided by a proxy-wasm {version} host{hint}: "
        f"Envoy fails with `missing import: {item.module}.{item.name}`",
    )


def _export_findings(exports: Sequence[FunctionItem], version: str) -> Iterable[Finding]:
    expected = abi.callbacks(version)
    for item in exports:
        wanted = expected.get(item.name)
        if wanted is not None and item.signature != wanted:
            yield rules.finding(
                RuleId.EXPORT_SIGNATURE_MISMATCH,
                f"export {item.name} has signature {_show(item.signature)}, an ABI {version} "
                f"host calls it as {_show(wanted)} (`Bad function signature`)",
            )


def _show(signature: abi.Signature) -> str:
    params, results = signature
    return f"({', '.join(params)}) -> ({', '.join(results)})"


def _first_line(exc: Exception) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return " ".join(lines[:3])[:300] if lines else type(exc).__name__
