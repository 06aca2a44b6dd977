"""An extension whose values still hold template parameters is never converted as it stands."""

from __future__ import annotations

from migrate import rules
from migrate.inventory.placeholders import references
from migrate.model import Extension, Finding
from migrate.rules import RuleId

# Where a parameter changes what the plugin is; a configuration is the plugin's own business
# (some plugins read `${...}` themselves), so it is not looked into.
SHOWN = 3
CHECKED = ("metadata.name", "metadata.namespace", "spec.image", "spec.phase", "spec.priority",
           "spec.workloadSelector", "spec.imagePullPolicy", "spec.imagePullSecrets")


def unrendered_finding(extension: Extension) -> Finding | None:
    """SME081 for the first checked value that holds `${X}` or `${{X}}`; None when none does."""
    resource = extension.resource
    found = [(path, ref) for path, ref in references(resource.body)
             if path.startswith(CHECKED)]
    if not found:
        return None
    listed = ", ".join(f"{path} {ref}" for path, ref in found[:SHOWN])
    more = f" and {len(found) - SHOWN} more" if len(found) > SHOWN else ""
    message = (f"unrendered template parameters ({listed}{more}); not converted, as the "
               "WasmPlugin would carry them literally: process the template first "
               "(oc process -f <file> -p NAME=… | sme-migrate convert -)")
    return rules.finding(RuleId.UNRENDERED_TEMPLATE_PARAMETER, message, resource.ref,
                         resource.location_of(found[0][0]))
