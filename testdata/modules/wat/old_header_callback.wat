;; Declares ABI 0.2.1 but exports the 0.1.0 shape of proxy_on_request_headers (two params),
;; and imports a WASI function only recent Envoy releases register.
(module
  (import "wasi_snapshot_preview1" "sched_yield" (func (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "proxy_abi_version_0_2_1"))
  (func (export "proxy_on_memory_allocate") (param i32) (result i32) (i32.const 1024))
  (func (export "proxy_on_request_headers") (param i32 i32) (result i32) (i32.const 0)))
