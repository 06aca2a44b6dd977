;; proxy_on_configure never returns and spends its time in host calls (stopped by the clock).
(module
  (import "env" "proxy_log" (func $log (param i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "still configuring")
  (func (export "proxy_abi_version_0_2_1"))
  (func (export "proxy_on_memory_allocate") (param i32) (result i32) (i32.const 1024))
  (func (export "proxy_on_configure") (param i32 i32) (result i32)
    (loop $forever
      (drop (call $log (i32.const 0) (i32.const 16) (i32.const 17)))
      (br $forever))
    (i32.const 1)))
