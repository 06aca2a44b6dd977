"""What a rewrite reports: the migration's findings as they stand after it, then its own."""

from __future__ import annotations

from collections.abc import Iterable

from migrate.model import Finding
from migrate.rewrite.plan import RewritePlan
from migrate.rules.ids import RuleId


def report_findings(migration_findings: Iterable[Finding], plan: RewritePlan
                    ) -> tuple[Finding, ...]:
    """The migration's findings as they stand after the plan, then the plan's own: the scan's
    "extension found" (or "in a template") and "wasmExtensions obsolete" are resolved for what
    the plan rewrites, and its patch reports replace the scan's for the same entries."""
    resolved = {(rule, e.resource.ref, e.resource.location) for e in plan.replaced
                for rule in (RuleId.SERVICEMESHEXTENSION_FOUND,
                             RuleId.EXTENSION_OUTSIDE_MESH, RuleId.EXTENSION_IN_OPENSHIFT_TEMPLATE)}
    resolved |= {(RuleId.TECHPREVIEW_WASMEXTENSIONS_OBSOLETE,
                  p.resource.ref, p.resource.location_of(
        "spec.techPreview.wasmExtensions")) for p in plan.stripped}

    def kept(finding: Finding) -> bool:
        if (finding.rule == RuleId.KUSTOMIZE_PATCH_TARGET
                and finding.location in plan.reported_entries):
            return False
        return (finding.rule, finding.resource, finding.location) not in resolved

    return tuple(f for f in migration_findings if kept(f)) + plan.findings
