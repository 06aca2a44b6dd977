"""The direct writer of plain plugins writes the bytes PyYAML's dumper writes, or refuses."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from migrate.emit.manifests import _IndentedDumper, to_yaml
from migrate.emit.plain_yaml import block_yaml

PLUGIN: dict[str, Any] = {
    "apiVersion": "extensions.istio.io/v1alpha1",
    "kind": "WasmPlugin",
    "metadata": {"name": "ext7", "namespace": "team1", "labels": {"app": "app7"},
                 "annotations": {"sme-migrate.io/source": "maistra.io/v1 team1/ext7"}},
    "spec": {
        "url": "oci://quay.io/example/filter7:1.0.7",
        "phase": "AUTHZ", "priority": -10, "failStrategy": "FAIL_CLOSE",
        "selector": {"matchLabels": {"app": "app7"}},
        "match": [{"mode": "SERVER", "ports": [{"number": 80}, {"number": 8080}]}],
        "pluginConfig": {"header": "x-ext7", "enabled": True, "disabled": False, "none": None,
                         "empty": {}, "nothing": [], "list": [{"x": ["y"]}, "z", {}],
                         "nested": {"deeper": {"deepest": "?a"}}},
    },
}
TRICKY = ("yes", "No", "on", "null", "~", "", " x", "x ", "1", "0x1F", "1.5", ".inf", "1e3",
          "2024-01-01", "1:30", "a: b", "a:", "x #y", "x#y", "-a", "- a", "?a", "? a", "@a",
          "%a", "*a", "&a", "!a", "|a", ">a", "a,b", "[a", "{a", "'a", '"a', "a'b", "=", "<<",
          "---", "...", "naïve", "tab\there", "two\nlines", "x" * 70, "a b  c")
PLAIN_WORDS = st.from_regex(r"[a-z][a-z0-9./:_-]{0,12}", fullmatch=True)
WORDS = st.one_of(PLAIN_WORDS, st.sampled_from(TRICKY))


def documents(words: st.SearchStrategy[str], *odd: st.SearchStrategy[Any]
              ) -> st.SearchStrategy[dict[str, Any]]:
    scalars = st.one_of(words, st.none(), st.booleans(), st.integers(-10**6, 10**6), *odd)
    values = st.recursive(scalars, lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(words, inner, max_size=3)), max_leaves=12)
    return st.dictionaries(words, values, min_size=1, max_size=4)


# Half of them of the kinds it writes, half with odd words and floats (refused, or equal).
DOCUMENTS = st.one_of(documents(PLAIN_WORDS),
                      documents(WORDS, st.floats(allow_nan=False, width=32)))


def _pyyaml(value: Any) -> str:
    return yaml.dump(value, Dumper=_IndentedDumper, sort_keys=False, default_flow_style=False,
                     allow_unicode=True, width=100)


def test_a_plugin_of_words_numbers_and_booleans_is_written_directly() -> None:
    written = block_yaml(PLUGIN)
    assert written is not None
    assert "  match:\n    - mode: SERVER\n      ports:\n        - number: 80\n" in written
    assert written == _pyyaml(PLUGIN) == to_yaml(PLUGIN)


@settings(max_examples=600, deadline=None)
@given(DOCUMENTS)
def test_what_it_writes_is_what_pyyaml_writes(value: dict[str, Any]) -> None:
    written = block_yaml(value)
    if written is not None:
        assert written == _pyyaml(value)


@pytest.mark.parametrize("odd", [0.5, "yes", "a: b", "", "x" * 70, "two\nlines", [["a"]]])
def test_what_pyyaml_would_quote_or_lay_out_otherwise_is_left_to_it(odd: Any) -> None:
    value = {**PLUGIN, "spec": {"pluginConfig": {"value": odd}}}
    assert block_yaml(value) is None
    assert to_yaml(value) == _pyyaml(value)


def test_a_line_pyyaml_could_fold_is_left_to_it() -> None:
    value: dict[str, Any] = {"a-long-key-of-some-forty-characters-long": "word " * 11 + "end"}
    for level in range(4):
        value = {f"level{level}": value}
    assert block_yaml(value) is None
    assert to_yaml(value) == _pyyaml(value)
    assert _pyyaml(value).count("\n") == 6  # five keys: PyYAML folded the long line
