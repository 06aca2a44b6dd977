"""A ServiceMeshExtension in an OpenShift Template, converted with its `${PARAM}` references kept.

The object is converted on its own, with every parameter reference stood in for by a token that
passes for a name, and the tokens put back in the WasmPlugin. Its phase and priority must be
literal: they decide the plugin's phase and priority, which cannot wait for `oc process`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from migrate.inventory.build import extension_of
from migrate.inventory.placeholders import PARAMETER
from migrate.inventory.templates import TemplateObject
from migrate.model import Inventory, Severity
from migrate.rules.ids import RuleId
from migrate.semantics.migration import migrate
from migrate.semantics.outcome import Options

FOUND = RuleId.SERVICEMESHEXTENSION_FOUND  # "blocks the upgrade": says nothing of why
LITERAL_FIELDS = ("phase", "priority")
TOKEN = "x-sme-migrate-parameter-{}-x"
_TOKEN = re.compile(r"x-sme-migrate-parameter-(\d+)-x")


@dataclass(frozen=True)
class TemplatePlugin:
    plugin: Mapping[str, Any] | None
    why_not: str = ""


def template_plugin(found: TemplateObject, options: Options) -> TemplatePlugin:
    """The WasmPlugin for the object, parameters kept; or why there is none."""
    spec = found.resource.spec
    for field in LITERAL_FIELDS:
        if isinstance(spec.get(field), str) and PARAMETER.search(str(spec[field])):
            return TemplatePlugin(None, f"its {field} comes from the parameter "
                                  f"{spec[field]}, and the WasmPlugin's phase and priority "
                                  "follow from it: they cannot wait for `oc process`")
    references: list[str] = []
    stand_in = replace(found.resource, body=_tokens(dict(found.resource.body), references))
    alone = Inventory(extensions=(extension_of(stand_in),))
    conversion = migrate(alone, replace(options, convert_inactive=True)).conversions[0]
    if conversion.plugin is None:
        return TemplatePlugin(None, _blocking(conversion.findings, references))
    return TemplatePlugin(_back(conversion.plugin, references))


def _tokens(value: Any, references: list[str]) -> Any:
    if isinstance(value, Mapping):
        return {key: _tokens(child, references) for key, child in value.items()}
    if isinstance(value, list):
        return [_tokens(child, references) for child in value]
    if isinstance(value, str):
        return PARAMETER.sub(lambda m: _token(m.group(0), references), value)
    return value


def _token(reference: str, references: list[str]) -> str:
    if reference not in references:
        references.append(reference)
    return TOKEN.format(references.index(reference))


def _back(value: Any, references: list[str]) -> Any:
    if isinstance(value, Mapping):
        return {key: _back(child, references) for key, child in value.items()}
    if isinstance(value, list):
        return [_back(child, references) for child in value]
    if isinstance(value, str):
        return _TOKEN.sub(lambda m: references[int(m.group(1))], value)
    return value


def _blocking(findings: Any, references: list[str]) -> str:
    errors = [f.message for f in findings if f.severity is Severity.ERROR and f.rule != FOUND]
    return _back(errors[0], references) if errors else "it cannot be converted"
