"""What a cluster read could not see, as findings (no location: nothing is in a file)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import groupby

from migrate import rules
from migrate.model import Finding, ResourceRef
from migrate.rules import RuleId
from migrate.sources.cluster.access import Gathered
from migrate.sources.cluster.kinds import Kind


def namespace_ref(namespace: str) -> ResourceRef:
    return ResourceRef("v1", "Namespace", None, namespace)


def not_served(missing: Sequence[Kind]) -> list[Finding]:
    """One info per API group the cluster lacks (or lacks some kinds of)."""
    found = []
    for group, kinds in groupby(sorted(missing, key=lambda k: k.group), key=lambda k: k.group):
        names = ", ".join(sorted(k.kind for k in kinds))
        found.append(rules.finding(RuleId.CLUSTER_API_NOT_SERVED,
                                   f"the cluster does not serve {names} ({group}): "
                                   "none were read"))
    return found


def read_problems(gathered: Gathered) -> list[Finding]:
    return [*_denied(gathered), *_recovered(gathered), *_failed(gathered)]


def _denied(gathered: Gathered) -> Iterable[Finding]:
    by_namespace: dict[str | None, list[str]] = {}
    for served, namespace in gathered.denied:
        by_namespace.setdefault(namespace, []).append(served.kind.qualified)
    for namespace, plurals in sorted(by_namespace.items(), key=lambda i: i[0] or ""):
        what = ", ".join(sorted(plurals))
        if namespace is None:
            yield rules.finding(RuleId.CLUSTER_ACCESS_DENIED,
                                f"may not list {what} cluster-wide, and no namespace could be "
                                "listed either: none were read")
        else:
            yield rules.finding(RuleId.CLUSTER_ACCESS_DENIED,
                                f"may not list {what} in this namespace: what is there was "
                                "not seen", namespace_ref(namespace))


def _recovered(gathered: Gathered) -> Iterable[Finding]:
    where = ("the namespaces of the Namespace list" if gathered.namespace_source == "list" else
             "the mesh's namespaces only (the Namespace list is denied too), so objects in "
             "other namespaces were not seen")
    for served, count in gathered.recovered:
        yield rules.finding(RuleId.CLUSTER_WIDE_LIST_DENIED,
                            f"may not list {served.kind.qualified} cluster-wide; listed them in "
                            f"{count} namespace(s) one by one, from {where}")


def _failed(gathered: Gathered) -> Iterable[Finding]:
    for served, namespace, status in gathered.failed:
        scope = f"in namespace {namespace}" if namespace else "cluster-wide"
        yield rules.finding(RuleId.CLUSTER_LIST_FAILED,
                            f"listing {served.kind.qualified} {scope} failed ({status.code} "
                            f"{status.reason}: {status.message}); they were not all seen",
                            namespace_ref(namespace) if namespace else None)
