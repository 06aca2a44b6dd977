"""The fields of a ServiceMeshExtension whose type or value Maistra's API server refused.

Such an object never ran, so it must not be converted: read leniently, `workloadSelector:
"app=x"` would become no selector at all, i.e. a plugin on every workload. Each problem is an
error finding that names the field (SME050), as is a key written twice (SME051: which value the
cluster got depends on the tool that applied it). The types are those of the SME CRD and of
Kubernetes' ObjectMeta; a null is a missing field, as the API server prunes it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from migrate import rules
from migrate.model import Finding, Resource
from migrate.rules.ids import RuleId

INVALID_FIELD = RuleId.INVALID_FIELD
DUPLICATE_KEY = RuleId.DUPLICATE_KEY
MAX_NAME = 253
MAX_LABEL = 63
_DNS_SUBDOMAIN = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")
_DNS_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?")
_STRING_MAPS = ("labels", "annotations")
_STRING_SPEC_FIELDS = ("image", "imagePullPolicy")

Problem = tuple[str, str]  # (dotted key path, what is wrong)


def invalid_fields(resource: Resource) -> tuple[Finding, ...]:
    """SME050 for every field of this extension its API server would have refused, SME051 for
    every key written twice."""
    found = [_finding(resource, INVALID_FIELD, path, problem)
             for path, problem in _problems(resource.body)]
    found += [_finding(resource, DUPLICATE_KEY, d.path, d.describe())
              for d in resource.duplicate_keys]
    return tuple(found)


def _problems(body: Mapping[str, Any]) -> Iterator[Problem]:
    metadata, spec = body.get("metadata"), body.get("spec")
    if not isinstance(metadata, Mapping):
        yield "metadata", f"metadata must be an object, not {_kind(metadata)}"
    else:
        yield from _metadata_problems(metadata)
    if spec is not None and not isinstance(spec, Mapping):
        yield "spec", f"spec must be an object, not {_kind(spec)}"
    elif spec is not None:
        yield from _spec_problems(spec)


def _metadata_problems(metadata: Mapping[str, Any]) -> Iterator[Problem]:
    yield from _name_problems(metadata.get("name"))
    namespace = metadata.get("namespace")
    if namespace is not None and not isinstance(namespace, str):
        yield "metadata.namespace", f"metadata.namespace must be a string, not {_kind(namespace)}"
    elif namespace and not _is_dns_label(namespace):
        yield "metadata.namespace", (f"metadata.namespace {namespace!r} is not a DNS-1123 label "
                                     f"(lower-case letters, digits and '-', at most {MAX_LABEL})")
    for field in _STRING_MAPS:
        yield from _string_map_problems(f"metadata.{field}", metadata.get(field))


def _name_problems(name: object) -> Iterator[Problem]:
    if not isinstance(name, str) or not name:
        yield "metadata.name", f"metadata.name must be a non-empty string, not {_kind(name)}"
    elif not _is_dns_subdomain(name):
        yield "metadata.name", (
            f"metadata.name {name!r} is not a DNS-1123 name (lower-case letters, digits, '-' and "
            f"'.', at most {MAX_NAME}), so it cannot name a WasmPlugin either")


def _spec_problems(spec: Mapping[str, Any]) -> Iterator[Problem]:
    for field in _STRING_SPEC_FIELDS:
        value = spec.get(field)
        if value is not None and not isinstance(value, str):
            yield f"spec.{field}", f"spec.{field} must be a string, not {_kind(value)}"
    yield from _selector_problems(spec.get("workloadSelector"))
    yield from _pull_secret_problems(spec.get("imagePullSecrets"))


def _selector_problems(selector: object) -> Iterator[Problem]:
    path = "spec.workloadSelector"
    if selector is None:
        return
    if not isinstance(selector, Mapping):
        yield path, (f"{path} must be an object with `labels`, not {_kind(selector)}; "
                     "read as no selector, the plugin would reach every workload")
    elif selector.get("labels") is None:
        yield path, f"{path} must have `labels` (the CRD requires it)"
    else:
        yield from _string_map_problems(f"{path}.labels", selector["labels"])


def _string_map_problems(path: str, value: object) -> Iterator[Problem]:
    if value is None:
        return
    if not isinstance(value, Mapping):
        yield path, f"{path} must be a map of strings, not {_kind(value)}"
        return
    for key, item in value.items():
        if item is not None and not isinstance(item, str):
            yield f"{path}.{key}", f"{path}.{key} must be a string, not {_kind(item)}"


def _pull_secret_problems(secrets: object) -> Iterator[Problem]:
    path = "spec.imagePullSecrets"
    if secrets is None:
        return
    if not isinstance(secrets, list):
        yield path, f"{path} must be a list of {{name: ...}}, not {_kind(secrets)}"
        return
    for index, secret in enumerate(secrets):
        name = secret.get("name") if isinstance(secret, Mapping) else secret
        if not isinstance(secret, Mapping) or (name is not None and not isinstance(name, str)):
            yield f"{path}.{index}", (f"{path}[{index}] must be {{name: <string>}}, "
                                      f"not {_kind(secret)}")


def _is_dns_subdomain(name: str) -> bool:
    return len(name) <= MAX_NAME and _DNS_SUBDOMAIN.fullmatch(name) is not None


def _is_dns_label(name: str) -> bool:
    return len(name) <= MAX_LABEL and _DNS_LABEL.fullmatch(name) is not None


def _kind(value: object) -> str:
    """How a user would name what they wrote: `a list ([app])`, `a number (12)`."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"a boolean ({str(value).lower()})"
    if isinstance(value, int | float):
        return f"a number ({value})"
    if isinstance(value, str):
        return f"a string ({value!r})"
    kind = "a list" if isinstance(value, list) else "an object"
    return f"{kind} ({_short(value)})"


def _short(value: object) -> str:
    import json  # only for a wrong-typed field

    text = json.dumps(value, default=str)
    return text if len(text) <= 40 else text[:37] + "..."


def _finding(resource: Resource, rule: RuleId, path: str, message: str) -> Finding:
    return rules.finding(rule, f"{message}; not converted", resource.ref,
                         resource.location_of(path))
