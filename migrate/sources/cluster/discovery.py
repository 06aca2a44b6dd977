"""Which of the kinds the scan reads this server serves, and at which version. A kind that is
not served (no Maistra, no Istio APIs) is normal: it is simply not read."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from migrate.sources.cluster.client import KubeClient
from migrate.sources.cluster.errors import ApiStatus, ClusterError
from migrate.sources.cluster.kinds import CORE_SERVED, Kind, Served


@dataclass(frozen=True)
class Discovered:
    served: tuple[Served, ...]  # in the order asked
    missing: tuple[Kind, ...]  # not served by this cluster


def discover(client: KubeClient, kinds: Iterable[Kind]) -> Discovered:
    wanted = tuple(kinds)
    groups = _group_versions(_ask(client.group_list))
    resources: dict[tuple[str, str], frozenset[str]] = {}
    served, missing = [], []
    for kind in wanted:
        version = CORE_SERVED[kind].version if kind in CORE_SERVED else _version(
            client, kind, groups.get(kind.group, ()), resources)
        if version:
            served.append(Served(kind, version))
        else:
            missing.append(kind)
    return Discovered(tuple(served), tuple(missing))


def _ask(call: Any, *args: str) -> Mapping[str, Any]:
    try:
        answer: Mapping[str, Any] = call(*args)
    except ApiStatus as status:
        raise ClusterError(f"cannot read the API discovery ({status.code} {status.reason}: "
                           f"{status.message})") from None
    return answer


def _group_versions(group_list: Mapping[str, Any]) -> dict[str, tuple[str, ...]]:
    found: dict[str, tuple[str, ...]] = {}
    for group in group_list.get("groups") or []:
        versions = tuple(str(v.get("version")) for v in group.get("versions") or [])
        found[str(group.get("name"))] = versions
    return found


def _version(client: KubeClient, kind: Kind, offered: tuple[str, ...],
             cache: dict[tuple[str, str], frozenset[str]]) -> str | None:
    """The first of the kind's versions that the server serves with this resource in it."""
    for version in (v for v in kind.versions if v in offered):
        key = (kind.group, version)
        if key not in cache:
            cache[key] = _plurals(client, *key)
        if kind.plural in cache[key]:
            return version
    return None


def _plurals(client: KubeClient, group: str, version: str) -> frozenset[str]:
    try:
        answer = client.resource_list(group, version)
    except ApiStatus as status:
        if status.missing:  # withdrawn between the two requests
            return frozenset()
        raise ClusterError(f"cannot read the API discovery of {group}/{version} "
                           f"({status.code} {status.reason})") from None
    return frozenset(str(r.get("name")) for r in answer.get("resources") or [])
