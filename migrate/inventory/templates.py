"""ServiceMeshExtensions inside OpenShift Templates: `objects` that `oc process` fills in first."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from migrate import rules
from migrate.inventory.placeholders import parameter_names
from migrate.model import Finding, Location, Resource
from migrate.rules import RuleId

TEMPLATE_API_VERSIONS = ("template.openshift.io/v1", "v1")
SME_KIND = "ServiceMeshExtension"


@dataclass(frozen=True)
class TemplateObject:
    template: Resource
    index: int  # position in `objects`
    resource: Resource  # the object, located at its first line


def is_template(resource: Resource) -> bool:
    return resource.kind == "Template" and resource.api_version in TEMPLATE_API_VERSIONS


def extensions_in(template: Resource) -> Iterator[TemplateObject]:
    objects = template.body.get("objects")
    for index, body in enumerate(objects if isinstance(objects, list) else ()):
        if isinstance(body, Mapping) and body.get("kind") == SME_KIND:
            location = template.location_of(f"objects.{index}")
            resource = Resource(dict(body), location, scopes=template.scopes)
            yield TemplateObject(template, index, resource)


def template_findings(template: Resource) -> list[Finding]:
    return [_finding(found) for found in extensions_in(template)]


def _finding(found: TemplateObject) -> Finding:
    names = [f"${{{name}}}" for name in parameter_names(found.resource.body)]
    uses = f"its parameters ({', '.join(names)})" if names else "the template"
    message = (f"in OpenShift Template {found.template.name or '(unnamed)'} at "
               f"objects[{found.index}]: not converted, as `oc process` fills in {uses} before "
               "it is applied; `sme-migrate rewrite` converts it in place, keeping them, when its "
               "phase and priority are literal")
    return rules.finding(RuleId.EXTENSION_IN_OPENSHIFT_TEMPLATE, message, found.resource.ref,
                         found.resource.location or Location(""))
