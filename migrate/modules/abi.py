"""The proxy-wasm ABI as data: markers, host functions per ABI version, allowed WASI functions,
and the signatures Envoy (proxy-wasm-cpp-host) checks. A signature is (params, results) with
wasm value type names. Sources: proxy-wasm/spec abi-versions, proxy-wasm-cpp-host
src/wasm.cc, include/proxy-wasm/exports.h (domain notes section 7)."""

from __future__ import annotations

from collections.abc import Mapping

Signature = tuple[tuple[str, ...], tuple[str, ...]]

ABI_MARKERS: Mapping[str, str] = {
    "proxy_abi_version_0_1_0": "0.1.0",
    "proxy_abi_version_0_2_0": "0.2.0",
    "proxy_abi_version_0_2_1": "0.2.1",
}
ALLOCATORS = ("proxy_on_memory_allocate", "malloc")
ALLOCATOR_SIGNATURE: Signature = (("i32",), ("i32",))
HOST_MODULE = "env"
WASI_MODULES = ("wasi_snapshot_preview1", "wasi_unstable")


def _words(count: int, result: bool = True) -> Signature:
    return ("i32",) * count, (("i32",) if result else ())


# Registered for every ABI version: name -> number of i32 params (all return i32 status).
_COMMON_HOST_ARITY: Mapping[str, int] = {
    "proxy_log": 3,
    "proxy_get_status": 3,
    "proxy_set_property": 4,
    "proxy_get_property": 4,
    "proxy_send_local_response": 8,
    "proxy_get_shared_data": 5,
    "proxy_set_shared_data": 5,
    "proxy_register_shared_queue": 3,
    "proxy_resolve_shared_queue": 5,
    "proxy_dequeue_shared_queue": 3,
    "proxy_enqueue_shared_queue": 3,
    "proxy_get_header_map_value": 5,
    "proxy_add_header_map_value": 5,
    "proxy_replace_header_map_value": 5,
    "proxy_remove_header_map_value": 3,
    "proxy_get_header_map_pairs": 3,
    "proxy_set_header_map_pairs": 3,
    "proxy_get_header_map_size": 2,
    "proxy_get_buffer_status": 3,
    "proxy_get_buffer_bytes": 5,
    "proxy_set_buffer_bytes": 5,
    "proxy_http_call": 10,
    "proxy_grpc_call": 12,
    "proxy_grpc_stream": 9,
    "proxy_grpc_close": 1,
    "proxy_grpc_cancel": 1,
    "proxy_grpc_send": 4,
    "proxy_set_tick_period_milliseconds": 1,
    "proxy_get_current_time_nanoseconds": 1,
    "proxy_define_metric": 4,
    "proxy_get_metric": 2,
    "proxy_set_effective_context": 1,
    "proxy_done": 0,
    "proxy_call_foreign_function": 6,
    "pthread_equal": 2,
}
_COMMON_HOST_SPECIAL: Mapping[str, Signature] = {
    "proxy_increment_metric": (("i32", "i64"), ("i32",)),
    "proxy_record_metric": (("i32", "i64"), ("i32",)),
    "emscripten_notify_memory_growth": (("i32",), ()),
}
_ABI_SPECIFIC_ARITY: Mapping[str, Mapping[str, int]] = {
    "0.1.0": {
        "proxy_get_configuration": 2,
        "proxy_continue_request": 0,
        "proxy_continue_response": 0,
        "proxy_clear_route_cache": 0,
    },
    "0.2.0": {"proxy_continue_stream": 1, "proxy_close_stream": 1},
    "0.2.1": {"proxy_continue_stream": 1, "proxy_close_stream": 1, "proxy_get_log_level": 1},
}


def host_functions(abi: str) -> Mapping[str, Signature]:
    """Every `env` import a host of this ABI version links."""
    table = {name: _words(arity) for name, arity in _COMMON_HOST_ARITY.items()}
    table.update(_COMMON_HOST_SPECIAL)
    table.update({n: _words(a) for n, a in _ABI_SPECIFIC_ARITY.get(abi, {}).items()})
    return table


def host_function_abis(name: str) -> tuple[str, ...]:
    """The ABI versions that provide an ABI-specific host function (for a helpful message)."""
    return tuple(abi for abi, table in _ABI_SPECIFIC_ARITY.items() if name in table)


_I, _L = "i32", "i64"
# wasi_snapshot_preview1 signatures (wasi_unstable has the same shapes at the wasm level).
WASI_FUNCTIONS: Mapping[str, Signature] = {
    "args_get": ((_I, _I), (_I,)),
    "args_sizes_get": ((_I, _I), (_I,)),
    "environ_get": ((_I, _I), (_I,)),
    "environ_sizes_get": ((_I, _I), (_I,)),
    "clock_res_get": ((_I, _I), (_I,)),
    "clock_time_get": ((_I, _L, _I), (_I,)),
    "fd_advise": ((_I, _L, _L, _I), (_I,)),
    "fd_allocate": ((_I, _L, _L), (_I,)),
    "fd_close": ((_I,), (_I,)),
    "fd_datasync": ((_I,), (_I,)),
    "fd_fdstat_get": ((_I, _I), (_I,)),
    "fd_fdstat_set_flags": ((_I, _I), (_I,)),
    "fd_fdstat_set_rights": ((_I, _L, _L), (_I,)),
    "fd_filestat_get": ((_I, _I), (_I,)),
    "fd_filestat_set_size": ((_I, _L), (_I,)),
    "fd_filestat_set_times": ((_I, _L, _L, _I), (_I,)),
    "fd_pread": ((_I, _I, _I, _L, _I), (_I,)),
    "fd_prestat_get": ((_I, _I), (_I,)),
    "fd_prestat_dir_name": ((_I, _I, _I), (_I,)),
    "fd_pwrite": ((_I, _I, _I, _L, _I), (_I,)),
    "fd_read": ((_I, _I, _I, _I), (_I,)),
    "fd_readdir": ((_I, _I, _I, _L, _I), (_I,)),
    "fd_renumber": ((_I, _I), (_I,)),
    "fd_seek": ((_I, _L, _I, _I), (_I,)),
    "fd_sync": ((_I,), (_I,)),
    "fd_tell": ((_I, _I), (_I,)),
    "fd_write": ((_I, _I, _I, _I), (_I,)),
    "path_create_directory": ((_I, _I, _I), (_I,)),
    "path_filestat_get": ((_I, _I, _I, _I, _I), (_I,)),
    "path_filestat_set_times": ((_I, _I, _I, _I, _L, _L, _I), (_I,)),
    "path_link": ((_I, _I, _I, _I, _I, _I, _I), (_I,)),
    "path_open": ((_I, _I, _I, _I, _I, _L, _L, _I, _I), (_I,)),
    "path_readlink": ((_I, _I, _I, _I, _I, _I), (_I,)),
    "path_remove_directory": ((_I, _I, _I), (_I,)),
    "path_rename": ((_I, _I, _I, _I, _I, _I), (_I,)),
    "path_symlink": ((_I, _I, _I, _I, _I), (_I,)),
    "path_unlink_file": ((_I, _I, _I), (_I,)),
    "poll_oneoff": ((_I, _I, _I, _I), (_I,)),
    "proc_exit": ((_I,), ()),
    "random_get": ((_I, _I), (_I,)),
    "sched_yield": ((), (_I,)),
    "sock_accept": ((_I, _I, _I), (_I,)),
    "sock_recv": ((_I, _I, _I, _I, _I, _I), (_I,)),
    "sock_send": ((_I, _I, _I, _I, _I), (_I,)),
    "sock_shutdown": ((_I, _I), (_I,)),
}
# What Envoy 1.17 (OSSM 2.x era) registers; the rest only newer hosts provide.
WASI_IN_OLDER_HOSTS = frozenset(
    {
        "fd_write",
        "fd_read",
        "fd_seek",
        "fd_close",
        "fd_fdstat_get",
        "environ_get",
        "environ_sizes_get",
        "args_get",
        "args_sizes_get",
        "clock_time_get",
        "random_get",
        "proc_exit",
    }
)

# Callbacks the host looks up and type-checks when present (domain notes 7.2).
_CALLBACK_ARITY: Mapping[str, tuple[int, bool]] = {
    "_initialize": (0, False),
    "_start": (0, False),
    "main": (2, True),
    "__main_void": (0, True),
    "proxy_on_context_create": (2, False),
    "proxy_on_vm_start": (2, True),
    "proxy_on_configure": (2, True),
    "proxy_validate_configuration": (2, True),
    "proxy_on_tick": (1, False),
    "proxy_on_done": (1, True),
    "proxy_on_log": (1, False),
    "proxy_on_delete": (1, False),
    "proxy_on_new_connection": (1, True),
    "proxy_on_downstream_data": (3, True),
    "proxy_on_upstream_data": (3, True),
    "proxy_on_downstream_connection_close": (2, False),
    "proxy_on_upstream_connection_close": (2, False),
    "proxy_on_request_body": (3, True),
    "proxy_on_response_body": (3, True),
    "proxy_on_request_trailers": (2, True),
    "proxy_on_response_trailers": (2, True),
    "proxy_on_request_metadata": (2, True),
    "proxy_on_response_metadata": (2, True),
    "proxy_on_http_call_response": (5, False),
    "proxy_on_grpc_receive_initial_metadata": (3, False),
    "proxy_on_grpc_receive_trailing_metadata": (3, False),
    "proxy_on_grpc_receive": (3, False),
    "proxy_on_grpc_close": (3, False),
    "proxy_on_queue_ready": (2, False),
    "proxy_on_memory_allocate": (1, True),
    "malloc": (1, True),
}
_HEADER_CALLBACKS = ("proxy_on_request_headers", "proxy_on_response_headers")


def callbacks(abi: str) -> Mapping[str, Signature]:
    """Exports the host calls for this ABI version, with the signature it requires."""
    table = {name: _words(n, result) for name, (n, result) in _CALLBACK_ARITY.items()}
    header_params = 2 if abi == "0.1.0" else 3
    table.update({name: _words(header_params) for name in _HEADER_CALLBACKS})
    if abi != "0.1.0":
        table["proxy_on_foreign_function"] = _words(3, result=False)
    return table
