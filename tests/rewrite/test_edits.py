"""The value a proof expects: the old documents with the plan's changes, the old left alone."""

from __future__ import annotations

import copy

from migrate.rewrite.yamledit.edits import DELETE, Change, changed


def test_changes_at_nested_paths_are_applied_to_a_copy() -> None:
    old = [{"kind": "ServiceMeshExtension", "spec": {"phase": "PreAuthN", "config": {"a": [1, 2]}},
            "metadata": {"name": "x"}}, {"kind": "Service"}]
    before = copy.deepcopy(old)

    new = changed(old, [Change(0, ("kind",), "WasmPlugin"),
                        Change(0, ("spec", "phase"), DELETE),
                        Change(0, ("spec", "config", "a", 1), 3),
                        Change(1, (), {"kind": "Gone"})])

    assert new == [{"kind": "WasmPlugin", "spec": {"config": {"a": [1, 3]}},
                    "metadata": {"name": "x"}}, {"kind": "Gone"}]
    assert old == before  # nothing the plan read from was changed
