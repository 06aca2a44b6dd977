"""What a rewrite may claim once it has written: the plan cut down to the files written."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace

from migrate.model import Resource
from migrate.rewrite.plan import RewritePlan


def as_written(plan: RewritePlan, written: Collection[str]) -> RewritePlan:
    """Only the changes, extensions, control planes, patches and priorities whose files were
    all written; an extension whose file was not is left as it is."""

    def done(resource: Resource) -> bool:
        return resource.location is not None and resource.location.path in written

    return replace(
        plan,
        changes=tuple(c for c in plan.changes if c.path in written),
        replaced=tuple(e for e in plan.replaced if done(e.resource)),
        remaining=plan.remaining + tuple(e for e in plan.replaced if not done(e.resource)),
        stripped=tuple(p for p in plan.stripped if done(p.resource)),
        retargeted=sum(all(p in written for p in files) for files in plan.retargeted_files),
        retargeted_files=tuple(f for f in plan.retargeted_files if all(p in written for p in f)),
        reprioritised=tuple(r for r in plan.reprioritised if done(r.plugin.resource)),
    )
