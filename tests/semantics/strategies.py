"""Hypothesis strategies for random meshes, and an independent model of what Maistra ran.

Names, images and labels come from tiny alphabets so that priority ties, `name + image` ties and
prefix cases ("a" + "bc/x" vs "ab" + "c/x"), and overlapping selectors happen often.

`MeshCase.active` is written from the contract (section 2), not from `migrate`: a test comparing
`migrate`'s output with `migrate`'s own idea of the input would prove nothing.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from migrate.model import Labels, SmePhase, WorkloadKind
from migrate.semantics.chain import SimExtension, SimWorkload
from migrate.semantics.versions import MeshVersion
from tests.support.meshes import (
    Body,
    control_plane,
    cors_fault_route,
    custom_policy,
    deployment,
    member_roll,
    ready_status,
    sme,
)

ROOTS = ("istio-system", "mesh-cp")
APP_NAMESPACES = ("bookinfo", "shop", "payments")
NAMES = ("a", "ab", "b")
IMAGES = ("bc/x:1", "c/x:1", "x:1")  # "a"+"bc/x:1" == "ab"+"c/x:1"
LABELS = (("app", "web"), ("app", "api"), ("version", "v1"), ("tier", "edge"),
          ("istio", "ingressgateway"))
INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1
PRIORITIES = (None, 0, 1, 5, 10, 100, -1, -10, INT32_MAX, INT32_MIN + 1, INT32_MIN,
              INT32_MAX + 1, 2**40, -(2**40))
SOURCES = ("spec", "status", "status-under-newer-spec")  # status is what ran (contract 2)
SMCP_VERSIONS = ("v2.0", "v2.1", "v2.2")
SMCP_GATEWAYS = ((("app", "istio-ingressgateway"), ("istio", "ingressgateway")),
                 (("app", "istio-egressgateway"), ("istio", "egressgateway")))


@dataclass(frozen=True)
class SmeCase:
    namespace: str
    name: str
    image: str
    phase: SmePhase
    priority: int | None  # None: unset everywhere, so Maistra used 0
    selector: Labels
    source: str  # where the phase and priority are written, see SOURCES

    @property
    def id(self) -> str:
        return f"{self.namespace}/{self.name}"

    def body(self) -> Body:
        values: dict[str, Any] = {"phase": self.phase.name}
        if self.priority is not None:
            values["priority"] = self.priority
        if self.source == "status":
            return sme(self.name, self.namespace, image=self.image, selector=dict(self.selector),
                       status=ready_status(**values))
        if self.source == "status-under-newer-spec":  # an edit the wasm-cacher has not seen
            return sme(self.name, self.namespace, image=self.image, selector=dict(self.selector),
                       status=ready_status(**values), phase=_other_phase(self.phase).name,
                       priority=7)
        return sme(self.name, self.namespace, image=self.image, selector=dict(self.selector),
                   **values)

    def simulated(self) -> SimExtension:
        return SimExtension(self.id, self.namespace, self.name, self.image, self.phase,
                            0 if self.priority is None else self.priority, self.selector)


def _other_phase(phase: SmePhase) -> SmePhase:
    return SmePhase((phase + 3) % len(SmePhase))


@dataclass(frozen=True)
class ControlPlaneCase:
    version: str
    wasm_enabled: bool | None  # None: techPreview.wasmExtensions not written

    @property
    def extensions_on(self) -> bool:
        if self.wasm_enabled is not None:
            return self.wasm_enabled
        return MeshVersion.parse(self.version) >= MeshVersion(2, 1)  # 2.0 default: off


@dataclass(frozen=True)
class DeclaredWorkload:
    """A Deployment in the input: the converter may use it to decide `match`."""

    namespace: str
    labels: Labels
    kind: WorkloadKind

    def body(self, index: int) -> Body:
        return deployment(f"workload-{index}", self.namespace, dict(self.labels),
                          gateway=self.kind is WorkloadKind.GATEWAY)

    def simulated(self) -> SimWorkload:
        return SimWorkload(self.namespace, self.labels, self.kind)


@dataclass(frozen=True)
class MeshCase:
    root: str
    app_namespaces: tuple[str, ...]
    extensions: tuple[SmeCase, ...]
    control_plane: ControlPlaneCase | None
    members: tuple[str, ...] | None  # None: no ServiceMeshMemberRoll
    workloads: tuple[DeclaredWorkload, ...]
    custom_authz: tuple[tuple[str, Labels], ...] = ()  # CUSTOM AuthorizationPolicies
    cors_routes: bool = False  # a gateway VirtualService with corsPolicy and fault

    def with_traffic(self, workload: SimWorkload) -> SimWorkload:
        """Contract section 3: a CUSTOM policy reaches its namespace (the root's: every one);
        the cors/fault VirtualService names a Gateway not in the input, so every gateway."""
        labels = set(workload.labels)
        ext_authz = any(ns in (self.root, workload.namespace) and labels.issuperset(sel)
                        for ns, sel in self.custom_authz)
        cors = self.cors_routes and workload.kind is WorkloadKind.GATEWAY
        return dataclasses.replace(workload, ext_authz=ext_authz, cors_fault=cors)

    @property
    def mesh_namespaces(self) -> tuple[str, ...]:
        members = self.app_namespaces if self.members is None else self.members
        return (self.root, *members)

    def bodies(self) -> list[Body]:
        bodies = [e.body() for e in self.extensions]
        bodies += [w.body(i) for i, w in enumerate(self.workloads)]
        if self.control_plane is not None:
            plane = self.control_plane
            bodies.append(control_plane(self.root, plane.version, plane.wasm_enabled))
        if self.members is not None:
            bodies.append(member_roll(self.root, self.members))
        bodies += [custom_policy(f"authz-{i}", ns, dict(sel))
                   for i, (ns, sel) in enumerate(self.custom_authz)]
        if self.cors_routes:
            bodies.append(cors_fault_route("public", self.root))
        return bodies

    def active(self) -> list[SmeCase]:
        """The extensions Maistra ran: extensions switched on, namespace in the mesh."""
        if self.control_plane is not None and not self.control_plane.extensions_on:
            return []
        return [e for e in self.extensions if e.namespace in self.mesh_namespaces]

    def known_gateways(self) -> list[SimWorkload]:
        declared = [w.simulated() for w in self.workloads if w.kind is WorkloadKind.GATEWAY]
        if self.control_plane is None:
            return declared
        defaults = [SimWorkload(self.root, labels, WorkloadKind.GATEWAY)
                    for labels in SMCP_GATEWAYS]
        return declared + defaults


def label_sets(max_size: int, exclude: Sequence[tuple[str, str]] = ()) -> st.SearchStrategy[Labels]:
    """Label maps from LABELS (one value per key), sorted like `model.labels_of`."""
    pool = [label for label in LABELS if label not in exclude]
    picked = st.lists(st.sampled_from(pool), max_size=max_size, unique_by=lambda kv: kv[0])
    return picked.map(lambda labels: tuple(sorted(labels)))


@dataclass(frozen=True)
class Pools:
    """What one mesh's extensions draw from: small pools make ties and collisions common."""

    namespaces: tuple[str, ...]
    phases: tuple[SmePhase, ...]
    priorities: tuple[int | None, ...]


@st.composite
def pools(draw: st.DrawFn, namespaces: tuple[str, ...]) -> Pools:
    priority = st.sampled_from(PRIORITIES) | st.integers(-(2**41), 2**41)
    return Pools(
        namespaces=namespaces,
        phases=tuple(draw(st.lists(st.sampled_from(list(SmePhase)), min_size=1, max_size=6,
                                   unique=True))),
        priorities=tuple(draw(st.lists(priority, min_size=1, max_size=4))),
    )


@st.composite
def sme_cases(draw: st.DrawFn, pool: Pools) -> SmeCase:
    return SmeCase(
        namespace=draw(st.sampled_from(pool.namespaces)),
        name=draw(st.sampled_from(NAMES)),
        image=draw(st.sampled_from(IMAGES)),
        phase=draw(st.sampled_from(pool.phases)),
        priority=draw(st.sampled_from(pool.priorities)),
        selector=draw(label_sets(2)),
        source=draw(st.sampled_from(SOURCES)),
    )


def _same_namespace_key(case: SmeCase) -> tuple[str, str]:
    # Same name, or same name+image, in one namespace: the first is one object, and for the
    # second Maistra's order came from its informer cache (undefined), so neither is generated.
    return case.namespace, case.name + case.image


def _unique(cases: list[SmeCase]) -> list[SmeCase]:
    seen_names: set[tuple[str, str]] = set()
    seen_keys: set[tuple[str, str]] = set()
    kept = []
    for case in cases:
        name_key, tie_key = (case.namespace, case.name), _same_namespace_key(case)
        if name_key not in seen_names and tie_key not in seen_keys:
            kept.append(case)
            seen_names.add(name_key)
            seen_keys.add(tie_key)
    return kept


def _same_concatenation(case: SmeCase) -> list[tuple[str, str]]:
    return [(name, image) for name in NAMES for image in IMAGES
            if name + image == case.name + case.image]


@st.composite
def twins(draw: st.DrawFn, originals: Sequence[SmeCase], root: str,
          apps: Sequence[str]) -> SmeCase:
    """Another SME that ties with an existing one on phase, priority and `name + image`.

    Placed across the root/application boundary, where Maistra's stable sort (root appended
    first) is the only thing that orders the two.
    """
    original = draw(st.sampled_from(originals))
    namespace = draw(st.sampled_from(apps)) if original.namespace == root else root
    name, image = draw(st.sampled_from(_same_concatenation(original)))
    return dataclasses.replace(original, namespace=namespace, name=name, image=image,
                               selector=draw(label_sets(2)))


@st.composite
def declared_workloads(draw: st.DrawFn, namespaces: Sequence[str]) -> DeclaredWorkload:
    kind = draw(st.sampled_from(list(WorkloadKind)))
    gateway_labels = [("istio", "ingressgateway")] if kind is WorkloadKind.SIDECAR else []
    return DeclaredWorkload(draw(st.sampled_from(namespaces)),
                            draw(label_sets(3, exclude=gateway_labels)), kind)


@st.composite
def control_planes(draw: st.DrawFn) -> ControlPlaneCase:
    version = draw(st.sampled_from(SMCP_VERSIONS))
    enabled = draw(st.sampled_from([True, True, None, False]))
    return ControlPlaneCase(version, enabled)


@st.composite
def meshes(draw: st.DrawFn) -> MeshCase:
    root = draw(st.sampled_from(ROOTS))
    apps = tuple(draw(st.lists(st.sampled_from(APP_NAMESPACES), min_size=2, max_size=3,
                               unique=True)))
    pool = draw(pools((root, *apps)))
    drawn = draw(st.lists(sme_cases(pool), min_size=1, max_size=10))
    drawn += draw(st.lists(twins(drawn, root, apps), max_size=2))
    extensions = _unique(drawn)
    members = draw(st.none() | st.lists(st.sampled_from(apps), unique=True).map(tuple))
    in_mesh = (root, *(apps if members is None else members))
    return MeshCase(
        root=root,
        app_namespaces=apps,
        extensions=tuple(extensions),
        control_plane=draw(st.none() | control_planes()),
        members=members,
        workloads=tuple(draw(st.lists(declared_workloads(in_mesh), max_size=3))),
        custom_authz=tuple(draw(st.lists(st.tuples(st.sampled_from(in_mesh), label_sets(1)),
                                         max_size=2))),
        cors_routes=draw(st.booleans()),
    )


@st.composite
def probe_sidecars(draw: st.DrawFn, case: MeshCase) -> SimWorkload:
    """A sidecar in the mesh whose labels often satisfy several selectors at once."""
    namespace = draw(st.sampled_from(case.mesh_namespaces))
    selectors = [e.selector for e in case.extensions]
    merged: dict[str, str] = {}
    for selector in draw(st.lists(st.sampled_from(selectors), max_size=3)):
        for key, value in selector:
            merged.setdefault(key, value)  # a conflicting value just loses
    for key, value in draw(label_sets(2)):
        merged.setdefault(key, value)
    return SimWorkload(namespace, tuple(sorted(merged.items())), WorkloadKind.SIDECAR)
