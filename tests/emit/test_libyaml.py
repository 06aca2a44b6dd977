"""The libyaml fast path writes the same bytes as the pure Python dumper it replaces."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from migrate.emit import libyaml
from migrate.emit.manifests import _IndentedDumper, to_yaml

PLUGIN: dict[str, Any] = {
    "apiVersion": "extensions.istio.io/v1alpha1",
    "kind": "WasmPlugin",
    "metadata": {"name": "ext", "namespace": "team", "annotations": {"a/b": "PreAuthN 0"}},
    "spec": {
        "selector": {"matchLabels": {"app": "app0"}},
        "match": [{"mode": "SERVER", "ports": [{"number": 80}, {"number": 8080}]}],
        "pluginConfig": {"rules": [["a", "b"], [], {}], "list": [{"x": ["y"]}], "n": None,
                         "flag": True, "ratio": 0.5, "quoted": "yes", "colon": "a: b"},
    },
}


def _pure_python(value: Any) -> str:
    return yaml.dump(value, Dumper=_IndentedDumper, sort_keys=False, default_flow_style=False,
                     allow_unicode=True, width=100)


def test_nested_sequences_are_indented_under_their_keys_byte_for_byte() -> None:
    fast = libyaml.dump(PLUGIN)
    assert fast is not None
    assert "  match:\n    - mode: SERVER\n      ports:\n        - number: 80\n" in fast
    assert fast == _pure_python(PLUGIN)


@pytest.mark.parametrize("odd", ["line one\nline two", "x" * 200, "naïve", "tab\there"])
def test_strings_libyaml_might_write_differently_keep_the_python_dumper(odd: str) -> None:
    plugin = {**PLUGIN, "spec": {"pluginConfig": {"value": odd, "list": [odd]}}}
    assert libyaml.dump(plugin) is None
    assert to_yaml(plugin) == _pure_python(plugin)
