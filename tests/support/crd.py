"""Validate objects against a CustomResourceDefinition's structural schema, as the API server does.

The openAPIV3Schema becomes a JSON schema (nullable, int32/int64 formats, list-map uniqueness),
and the CEL rules (`x-kubernetes-validations`) of the Istio WasmPlugin CRD are evaluated by
Python equivalents, looked up by their rule text so that a CRD with an unknown rule fails loudly
instead of being validated partially.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jsonschema
import yaml

# Vendored from ../shared/schemas so the project's own CI has them; tests/test_crd_validator.py
# checks the copies still equal the originals whenever ../shared is there.
SCHEMAS = Path(__file__).resolve().parents[2] / "testdata" / "schemas"
SHARED_SCHEMAS = Path(__file__).resolve().parents[3] / "shared" / "schemas"
ALLOWED_SCHEMES = ("", "http", "https", "oci", "file")
BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")


def _is_url(text: str) -> bool:
    """Go's url.Parse would accept it (bad percent escapes and spaces are what it rejects)."""
    if BAD_PERCENT.search(text) or " " in text:
        return False
    try:
        urlsplit(text)
    except ValueError:
        return False
    return True


def _scheme(text: str) -> str:
    return urlsplit(text).scheme if ":" in text and _is_url(text) else ""


def _url_rule(value: str) -> bool:
    if _is_url(value) and _scheme(value):
        return _scheme(value) in ALLOWED_SCHEMES
    return _is_url("http://" + value)


CEL_RULES: dict[str, Callable[[Any], bool]] = {
    '!self.contains("*")': lambda v: "*" not in v,
    'self.all(key, !key.contains("*"))': lambda v: all("*" not in k for k in v),
    "self.all(key, key.size() != 0)": lambda v: all(len(k) != 0 for k in v),
    "self.size() == 0": lambda v: len(v) == 0,
    '(has(self.valueFrom) ? self.valueFrom : "") != "HOST" || !has(self.value)': lambda v: (
        v.get("valueFrom", "") != "HOST" or "value" not in v
    ),
    "(has(self.selector) ? 1 : 0) + (has(self.targetRef) ? 1 : 0) + (has(self.targetRefs) ? 1 "
    ": 0) <= 1": lambda v: sum(k in v for k in ("selector", "targetRef", "targetRefs")) <= 1,
}


def _cel(rule: str) -> Callable[[Any], bool]:
    normalised = " ".join(rule.split())
    if normalised.startswith("isURL(self)"):
        return _url_rule
    for text, check in CEL_RULES.items():
        if " ".join(text.split()) == normalised:
            return check
    raise NotImplementedError(f"CEL rule without a Python equivalent: {rule}")


def _to_json_schema(node: Any) -> Any:
    if isinstance(node, list):
        return [_to_json_schema(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: _to_json_schema(v) for k, v in node.items() if not k.startswith("x-kubernetes")}
    if node.get("nullable"):
        out["type"] = [node["type"], "null"]
    if node.get("format") == "int32":
        out.update(minimum=-(2**31), maximum=2**31 - 1)
    if node.get("format") == "int64":
        out.update(minimum=-(2**63), maximum=2**63 - 1)
    return out


def _walk(
    schema: dict[str, Any], value: Any, path: str
) -> Iterator[tuple[dict[str, Any], Any, str]]:
    yield schema, value, path
    if isinstance(value, dict):
        for key, child in value.items():
            sub = schema.get("properties", {}).get(key) or schema.get("additionalProperties")
            if isinstance(sub, dict):
                yield from _walk(sub, child, f"{path}.{key}")
    elif isinstance(value, list) and isinstance(schema.get("items"), dict):
        for index, child in enumerate(value):
            yield from _walk(schema["items"], child, f"{path}[{index}]")


def _structural_errors(schema: dict[str, Any], obj: Any) -> Iterator[str]:
    for node, value, path in _walk(schema, obj, "<root>"):
        for validation in node.get("x-kubernetes-validations", []):
            if not _cel(validation["rule"])(value):
                yield f"{path}: {validation['message']}"
        keys = node.get("x-kubernetes-list-map-keys")
        if keys and isinstance(value, list):
            seen = [tuple(item.get(k) for k in keys) for item in value]
            if len(seen) != len(set(seen)):
                yield f"{path}: Duplicate value"


class CrdValidator:
    def __init__(self, crd_path: Path, version: str = "v1alpha1") -> None:
        crd = yaml.safe_load(crd_path.read_text())
        (served,) = [v for v in crd["spec"]["versions"] if v["name"] == version]
        self.raw = served["schema"]["openAPIV3Schema"]
        self.group = crd["spec"]["group"]
        self.kind = crd["spec"]["names"]["kind"]
        self.json_schema = _to_json_schema(self.raw)

    def errors(self, obj: Any) -> list[str]:
        validator = jsonschema.Draft7Validator(self.json_schema)
        found = [
            f"{'.'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}"
            for e in validator.iter_errors(obj)
        ]
        if not found:  # CEL rules are only evaluated on a structurally valid object
            found.extend(_structural_errors(self.raw, obj))
        if obj.get("apiVersion") != f"{self.group}/v1alpha1" or obj.get("kind") != self.kind:
            found.append(f"<root>: not a {self.group} {self.kind}")
        return found


def wasmplugin_validator() -> CrdValidator:
    return CrdValidator(SCHEMAS / "istio-wasmplugin-crd.yaml")
