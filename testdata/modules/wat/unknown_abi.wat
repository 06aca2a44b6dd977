;; Exports an ABI marker of a version no host knows.
(module
  (memory (export "memory") 1)
  (func (export "proxy_abi_version_0_3_0"))
  (func (export "proxy_on_memory_allocate") (param i32) (result i32) (i32.const 1024)))
