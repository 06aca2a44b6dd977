;; proxy_on_vm_start logs an error and traps (unreachable) before any configuration is read:
;; it fails the same way in every proxy, whatever the pluginConfig.
(module
  (import "env" "proxy_log" (func $log (param i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "vm start failed: no entropy")
  (func (export "proxy_abi_version_0_2_1"))
  (func (export "proxy_on_memory_allocate") (param i32) (result i32) (i32.const 1024))
  (func (export "proxy_on_context_create") (param i32 i32))
  (func (export "proxy_on_vm_start") (param i32 i32) (result i32)
    (drop (call $log (i32.const 4) (i32.const 16) (i32.const 27)))
    unreachable)
  (func (export "proxy_on_configure") (param i32 i32) (result i32) (i32.const 1)))
