;; A well-formed proxy-wasm 0.2.1 filter, like the C and Rust SDKs produce. proxy_on_configure
;; reads the plugin configuration through proxy_get_buffer_bytes, logs it, and accepts it only
;; when it is a JSON object (its first byte is `{`).
(module
  (import "env" "proxy_log" (func $log (param i32 i32 i32) (result i32)))
  (import "env" "proxy_get_buffer_bytes"
    (func $get_buffer (param i32 i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 2)
  (global $heap (mut i32) (i32.const 1024))
  (func (export "proxy_abi_version_0_2_1"))
  (func (export "proxy_on_memory_allocate") (param $size i32) (result i32)
    (local $pointer i32)
    (local.set $pointer (global.get $heap))
    (global.set $heap (i32.add (global.get $heap) (local.get $size)))
    (local.get $pointer))
  (func (export "proxy_on_context_create") (param i32 i32))
  (func (export "proxy_on_vm_start") (param i32 i32) (result i32) (i32.const 1))
  (func (export "proxy_on_configure") (param $context i32) (param $size i32) (result i32)
    (if (i32.eqz (local.get $size)) (then (return (i32.const 0))))
    (drop (call $get_buffer (i32.const 7) (i32.const 0) (local.get $size)
                            (i32.const 0) (i32.const 4)))
    (drop (call $log (i32.const 2) (i32.load (i32.const 0)) (i32.load (i32.const 4))))
    (i32.eq (i32.load8_u (i32.load (i32.const 0))) (i32.const 123)))
  (func (export "proxy_on_request_headers") (param i32 i32 i32) (result i32) (i32.const 0)))
