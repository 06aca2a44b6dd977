"""The `env` host functions the smoke-test host gives a plugin: the ones start-up code needs
(logging, buffers, properties, time, metrics) are real; the rest answer OK and do nothing."""

from __future__ import annotations

import itertools
import struct
import time
from collections.abc import Callable
from typing import Any

import wasmtime

from migrate.modules import abi

OK, NOT_FOUND = 0, 1
VM_CONFIGURATION, PLUGIN_CONFIGURATION = 6, 7
_LOG_LEVELS = ("trace", "debug", "info", "warn", "error", "critical")
_COMPLAINT_LEVELS = frozenset({"warn", "error", "critical"})
_MAX_LOG_LINES = 200


class PluginExit(Exception):
    """Raised through the wasm stack when the plugin calls proc_exit."""


class Guest:
    """What the host knows about the plugin it runs: its configuration and what it logged."""

    def __init__(self, configuration: bytes, root_id: str) -> None:
        self.configuration = configuration
        self.root_id = root_id
        self.log: list[str] = []
        self.exit_code: int | None = None
        self._metric_ids = itertools.count(1)

    def buffer(self, buffer_type: int) -> bytes | None:
        if buffer_type == PLUGIN_CONFIGURATION:
            return self.configuration
        return b"" if buffer_type == VM_CONFIGURATION else None

    def property(self, path: str) -> bytes | None:
        if path in ("plugin_root_id", "plugin_name"):
            return self.root_id.encode()
        return b"" if path == "plugin_vm_id" else None

    def record(self, level: int, message: str) -> None:
        if len(self.log) < _MAX_LOG_LINES:
            name = _LOG_LEVELS[level] if 0 <= level < len(_LOG_LEVELS) else str(level)
            self.log.append(f"{name}: {message[:500]}")

    def last_complaint(self) -> str | None:
        complaints = [line for line in self.log if line.split(":", 1)[0] in _COMPLAINT_LEVELS]
        return complaints[-1] if complaints else None

    def exit(self, code: int) -> None:
        """WASI proc_exit: remember the code and stop the plugin."""
        self.exit_code = code
        raise PluginExit(code)

    def next_metric_id(self) -> int:
        return next(self._metric_ids)


HostFunction = Callable[..., Any]


def define_host_functions(linker: wasmtime.Linker, module: wasmtime.Module, guest: Guest) -> None:
    """Define every `env` function the module imports; unknown ones (already reported by the
    static check) are defined as stubs too, so that start-up can still be observed."""
    implemented = _implementations(guest)
    for item in module.imports:
        if item.module != abi.HOST_MODULE or not isinstance(item.type, wasmtime.FuncType):
            continue
        name = str(item.name)
        function = implemented.get(name) or _stub(item.type)
        linker.define_func(abi.HOST_MODULE, name, item.type, function, access_caller=True)


def _stub(kind: wasmtime.FuncType) -> HostFunction:
    results = len(kind.results)

    def stub(caller: wasmtime.Caller, *args: Any) -> Any:
        return OK if results == 1 else None

    return stub


def _implementations(guest: Guest) -> dict[str, HostFunction]:
    def proxy_log(caller: wasmtime.Caller, level: int, ptr: int, size: int) -> int:
        guest.record(level, _read(caller, ptr, size).decode(errors="replace"))
        return OK

    def proxy_get_buffer_bytes(
        caller: wasmtime.Caller, kind: int, start: int, size: int, ret_ptr: int, ret_size: int
    ) -> int:
        data = guest.buffer(kind)
        if data is None:
            return NOT_FOUND
        return _give(caller, data[start : start + size], ret_ptr, ret_size)

    def proxy_get_buffer_status(
        caller: wasmtime.Caller, kind: int, ret_len: int, ret_flags: int
    ) -> int:
        data = guest.buffer(kind)
        if data is None:
            return NOT_FOUND
        _write_u32(caller, ret_len, len(data))
        _write_u32(caller, ret_flags, 0)
        return OK

    def proxy_get_configuration(caller: wasmtime.Caller, ret_ptr: int, ret_size: int) -> int:
        return _give(caller, guest.configuration, ret_ptr, ret_size)

    def proxy_get_property(
        caller: wasmtime.Caller, ptr: int, size: int, ret_ptr: int, ret_size: int
    ) -> int:
        path = _read(caller, ptr, size).rstrip(b"\0").replace(b"\0", b".").decode(errors="replace")
        value = guest.property(path)
        return NOT_FOUND if value is None else _give(caller, value, ret_ptr, ret_size)

    def proxy_get_current_time_nanoseconds(caller: wasmtime.Caller, ret_ptr: int) -> int:
        _memory(caller).write(caller, struct.pack("<Q", time.time_ns()), ret_ptr)
        return OK

    def proxy_get_log_level(caller: wasmtime.Caller, ret_ptr: int) -> int:
        _write_u32(caller, ret_ptr, 0)
        return OK

    def proxy_define_metric(
        caller: wasmtime.Caller, kind: int, ptr: int, size: int, ret_id: int
    ) -> int:
        _write_u32(caller, ret_id, guest.next_metric_id())
        return OK

    return {
        "proxy_log": proxy_log,
        "proxy_get_buffer_bytes": proxy_get_buffer_bytes,
        "proxy_get_buffer_status": proxy_get_buffer_status,
        "proxy_get_configuration": proxy_get_configuration,
        "proxy_get_property": proxy_get_property,
        "proxy_get_current_time_nanoseconds": proxy_get_current_time_nanoseconds,
        "proxy_get_log_level": proxy_get_log_level,
        "proxy_define_metric": proxy_define_metric,
    }


def _memory(caller: wasmtime.Caller) -> wasmtime.Memory:
    memory = caller.get("memory")
    if not isinstance(memory, wasmtime.Memory):
        raise RuntimeError("the plugin exports no memory")
    return memory


def _read(caller: wasmtime.Caller, ptr: int, size: int) -> bytes:
    return bytes(_memory(caller).read(caller, ptr, ptr + size))


def _write_u32(caller: wasmtime.Caller, ptr: int, value: int) -> None:
    _memory(caller).write(caller, struct.pack("<I", value), ptr)


def _give(caller: wasmtime.Caller, data: bytes, ret_ptr: int, ret_size: int) -> int:
    """Copy `data` into memory the plugin allocates, and hand back pointer and size."""
    pointer = _allocate(caller, len(data)) if data else 0
    if data:
        _memory(caller).write(caller, data, pointer)
    _write_u32(caller, ret_ptr, pointer)
    _write_u32(caller, ret_size, len(data))
    return OK


def _allocate(caller: wasmtime.Caller, size: int) -> int:
    for name in abi.ALLOCATORS:
        allocator = caller.get(name)
        if isinstance(allocator, wasmtime.Func):
            pointer = allocator(caller, size)
            if not isinstance(pointer, int) or pointer == 0:
                raise RuntimeError(f"{name}({size}) returned no memory")
            return pointer
    raise RuntimeError("the plugin exports no allocator")
