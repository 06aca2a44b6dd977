;; A 0.2.1 module importing a 0.1.0-only host function and a function no host has.
(module
  (import "env" "proxy_get_configuration" (func (param i32 i32) (result i32)))
  (import "env" "acme_custom_host_call" (func (param i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "proxy_abi_version_0_2_1"))
  (func (export "proxy_on_memory_allocate") (param i32) (result i32) (i32.const 1024)))
