"""Compile a module for the checks inside a bound.

wasmtime's fuel and epochs stop running wasm, not Cranelift: compiling a 2.5 MB module took
5 to 10 s (twice: once for the static check, once for the smoke test) outside every limit.
A module larger than IN_PROCESS_BYTES is therefore compiled once, in a child process under a
wall-clock deadline and an address-space limit, and handed back serialized (the child runs
this very wasmtime with the same engine settings, so the parent deserializes what it
trusts). Smaller modules compile in this process: their compile time is bounded by their size.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import wasmtime

from migrate.modules import media

IN_PROCESS_BYTES = 64 * 1024
CHILD = "migrate.modules.compile_child"
# no backtrace on an allocation failure (slow, useless here); few malloc arenas, whose
# reservations would count against the address-space limit
CHILD_ENVIRONMENT = {"RUST_BACKTRACE": "0", "MALLOC_ARENA_MAX": "2"}
EXIT_INVALID, EXIT_MEMORY = 3, 4


@dataclass(frozen=True)
class CompileLimits:
    seconds: float = 30.0  # wall clock, child start-up included
    memory_bytes: int = 512 * media.MIB  # address space the compiler may add to the child's


@dataclass(frozen=True)
class Compiled:
    """A module and the engine it belongs to (one engine per module: its epoch is the
    smoke test's wall clock)."""

    engine: wasmtime.Engine
    module: wasmtime.Module


class CompileRefused(Exception):
    """Compiling the module broke one of the limits."""


def engine() -> wasmtime.Engine:
    """Fuel and epochs for the smoke test; no optimisation: the code runs once, briefly, and
    compiling unoptimised is about 40% faster. One compiler thread: the memory a compile takes
    (and the address space its threads reserve) does not grow with the number of cores."""
    config = wasmtime.Config()
    config.consume_fuel = True
    config.epoch_interruption = True
    config.cranelift_opt_level = "none"
    config.parallel_compilation = False
    return wasmtime.Engine(config)


def compile_module(wasm: bytes, limits: CompileLimits = CompileLimits()) -> Compiled:
    """Raises CompileRefused over a limit, wasmtime.WasmtimeError for a module that does not
    compile."""
    target = engine()
    if len(wasm) <= IN_PROCESS_BYTES:
        return Compiled(target, wasmtime.Module(target, wasm))
    artefact = _compile_in_child(wasm, limits)
    return Compiled(target, wasmtime.Module.deserialize(target, artefact))


def _child_environment() -> dict[str, str]:
    """Ours, plus the folder this package is imported from (a checkout need not be installed)."""
    package_root = str(Path(__file__).resolve().parents[2])
    path = os.pathsep.join(p for p in (package_root, os.environ.get("PYTHONPATH")) if p)
    return {**os.environ, **CHILD_ENVIRONMENT, "PYTHONPATH": path}


def _compile_in_child(wasm: bytes, limits: CompileLimits) -> bytes:
    command = [sys.executable, "-m", CHILD, str(limits.memory_bytes)]
    try:
        done = subprocess.run(command, input=wasm, capture_output=True, timeout=limits.seconds,
                              check=False, env=_child_environment())
    except subprocess.TimeoutExpired:
        raise CompileRefused(f"compiling it takes longer than {limits.seconds:g}s") from None
    if done.returncode == 0:
        return done.stdout
    reason = done.stderr.decode(errors="replace").strip()
    if done.returncode == EXIT_INVALID:
        raise wasmtime.WasmtimeError(reason)
    if done.returncode == EXIT_MEMORY or "memory allocation" in reason:
        raise CompileRefused(
            f"compiling it needs more than {limits.memory_bytes // media.MIB} MiB of memory")
    raise CompileRefused(f"the compiler failed (exit {done.returncode}): {reason[-300:]}")
