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
INSTANTIATE, CONFIGURE = "instantiation", "proxy_on_configure"


class PluginExit(Exception):
    """Raised through the wasm stack when the plugin calls proc_exit."""


class Guest:
    """What the host knows about the plugin it runs: its configuration and what it logged."""

    def __init__(self, configuration: bytes, root_id: str) -> None:
        self.configuration = configuration
        self.root_id = root_id
        self.log: list[str] = []
        self.exit_code: int | None = None
        self.stage = INSTANTIATE  # the start-up step running (the host moves it along)
        self.read_root_id = False  # it asked for its root id: an unknown one may explain a failure
        self._metric_ids = itertools.count(1)

    def buffer(self, buffer_type: int) -> bytes | None:
        if buffer_type == PLUGIN_CONFIGURATION:
            return self.configuration
        return b"" if buffer_type == VM_CONFIGURATION else None

    def property(self, path: str) -> bytes | None:
        if path in ("plugin_root_id", "plugin_name"):
            self.read_root_id = True
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
    implemented = _HostFunctions(guest).by_name()
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


class _HostFunctions:
    """The host functions start-up code relies on, as proxy-wasm-cpp-host implements them."""

    def __init__(self, guest: Guest) -> None:
        self.guest = guest

    def by_name(self) -> dict[str, HostFunction]:
        return {
            "proxy_log": self.log,
            "proxy_get_buffer_bytes": self.get_buffer_bytes,
            "proxy_get_buffer_status": self.get_buffer_status,
            "proxy_get_configuration": self.get_configuration,
            "proxy_get_property": self.get_property,
            "proxy_get_current_time_nanoseconds": self.get_current_time_nanoseconds,
            "proxy_get_log_level": self.get_log_level,
            "proxy_define_metric": self.define_metric,
        }

    def log(self, caller: wasmtime.Caller, level: int, ptr: int, size: int) -> int:
        self.guest.record(level, _read(caller, ptr, size).decode(errors="replace"))
        return OK

    def get_buffer_bytes(
        self, caller: wasmtime.Caller, kind: int, start: int, size: int, ret_ptr: int, ret_size: int
    ) -> int:
        data = self.guest.buffer(kind)
        if data is None:
            return NOT_FOUND
        chunk = data[start : start + size]
        # proxy-wasm-cpp-host answers OK without touching the return slots when nothing is left
        return _give(caller, chunk, ret_ptr, ret_size) if chunk else OK

    def get_buffer_status(
        self, caller: wasmtime.Caller, kind: int, ret_len: int, ret_flags: int
    ) -> int:
        data = self.guest.buffer(kind)
        if data is None:
            return NOT_FOUND
        _write_u32(caller, ret_len, len(data))
        _write_u32(caller, ret_flags, 0)
        return OK

    def get_configuration(self, caller: wasmtime.Caller, ret_ptr: int, ret_size: int) -> int:
        return _give(caller, self.guest.configuration, ret_ptr, ret_size)

    def get_property(
        self, caller: wasmtime.Caller, ptr: int, size: int, ret_ptr: int, ret_size: int
    ) -> int:
        raw = _read(caller, ptr, size).rstrip(b"\0").replace(b"\0", b".")
        value = self.guest.property(raw.decode(errors="replace"))
        return NOT_FOUND if value is None else _give(caller, value, ret_ptr, ret_size)

    def get_current_time_nanoseconds(self, caller: wasmtime.Caller, ret_ptr: int) -> int:
        _memory(caller).write(caller, struct.pack("<Q", time.time_ns()), ret_ptr)
        return OK

    def get_log_level(self, caller: wasmtime.Caller, ret_ptr: int) -> int:
        _write_u32(caller, ret_ptr, 0)  # trace: the plugin logs everything it would
        return OK

    def define_metric(
        self, caller: wasmtime.Caller, kind: int, ptr: int, size: int, ret_id: int
    ) -> int:
        _write_u32(caller, ret_id, self.guest.next_metric_id())
        return OK


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
