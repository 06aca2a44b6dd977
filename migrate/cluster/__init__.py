"""The write side of cluster mode: `apply` (backup first, server-side apply, create before
delete) and `rollback` (restore a backup), with GitOps ownership checks."""
