;; proxy_on_configure asks for 1 GiB more memory and aborts when it does not get it.
(module
  (import "env" "proxy_log" (func $log (param i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "out of memory")
  (func (export "proxy_abi_version_0_2_1"))
  (func (export "proxy_on_memory_allocate") (param i32) (result i32) (i32.const 1024))
  (func (export "proxy_on_configure") (param i32 i32) (result i32)
    (if (i32.eq (memory.grow (i32.const 16384)) (i32.const -1))
      (then
        (drop (call $log (i32.const 4) (i32.const 16) (i32.const 13)))
        (unreachable)))
    (i32.const 1)))
