"""The indented JSON writer writes what json.dumps(indent=2, ensure_ascii=False) writes."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from migrate.emit.indented_json import dumps

TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=8)
SCALARS = st.one_of(TEXT, st.none(), st.booleans(), st.integers(), st.floats())
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.tuples(inner, inner),
    st.dictionaries(st.one_of(TEXT, TEXT, st.integers()), inner, max_size=4)), max_leaves=20)


def _standard(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)


@settings(max_examples=800, deadline=None)
@given(VALUES)
def test_it_writes_what_the_standard_library_writes(value: Any) -> None:
    assert dumps(value) == _standard(value)


def test_a_report_document_is_written_alike() -> None:
    document = {"findings": [{"rule": "SME001", "severity": "error", "message": 'a "q" é\n\t',
                              "resource": {"kind": "ServiceMeshExtension", "namespace": None},
                              "location": {"path": "a/b.yaml", "line": 3}}, {}],
                "summary": {"files": 2, "extensions": 1, "by": [], "ok": True}}
    assert dumps(document) == _standard(document)
