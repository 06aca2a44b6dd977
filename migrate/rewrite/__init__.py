"""Rewrite repositories in place: each convertible ServiceMeshExtension document becomes its
WasmPlugin in the same file, at the same position, and nothing outside the edited spans moves.

`plan.plan_rewrite` decides every edit as a pure function of the files' bytes and the migration;
`apply` writes the files atomically; `run.prepare` gathers the inputs; `migrate.cli.rewrite` is
the command.
"""
