"""Random meshes: the converted WasmPlugins run, for every workload, what Maistra ran.

The chains are compared here with the simulators directly, on workloads drawn by hypothesis and
SMEs read from the generated input: nothing from `verify.py` or `meshchecks.py` is reused for
that, so a bug in the product's own equivalence check cannot hide a bug in the conversion. The
negative controls at the end show that the product's check does fail when the order is broken.
"""

from __future__ import annotations

import copy
import dataclasses
import random
from collections.abc import Mapping, Sequence
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from migrate.model import Inventory, Labels, PluginPhase, SmePhase
from migrate.semantics.chain import SimPlugin, SimWorkload, istio_chain, maistra_chain
from migrate.semantics.meshchecks import equivalence_findings
from migrate.semantics.migration import migrate
from migrate.semantics.outcome import Conversion, Migration, Options
from migrate.semantics.versions import MeshVersion
from tests.semantics.strategies import (
    INT32_MAX,
    INT32_MIN,
    MeshCase,
    meshes,
    probe_sidecars,
)
from tests.support.meshes import as_inventory, plugin_id, sim_plugin, sme

VERSIONS = tuple(MeshVersion.parse(v) for v in ("2.4", "2.5", "2.6"))
PROPERTY = settings(max_examples=150, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow])
SECONDARY = settings(PROPERTY, max_examples=100)  # properties cheaper to break than to prove
CONTROL = settings(PROPERTY, max_examples=60)


def run(case: MeshCase, version: MeshVersion, bodies: Sequence[Any] | None = None) -> Migration:
    inventory = as_inventory(case.bodies() if bodies is None else bodies)
    return migrate(inventory, Options(control_plane_namespace=case.root, target=version))


def sme020(migration: Migration) -> list[str]:
    return [f.message for f in migration.findings if f.rule == "SME020"]


def by_id(plugins: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    return sorted(plugins, key=plugin_id)


@PROPERTY
@given(case=meshes())
def test_no_equivalence_violation_is_reported(case: MeshCase) -> None:
    for version in VERSIONS:
        assert sme020(run(case, version)) == []


@SECONDARY
@given(case=meshes())
def test_exactly_the_extensions_maistra_ran_are_converted(case: MeshCase) -> None:
    converted = {plugin_id(p) for p in run(case, VERSIONS[-1]).plugins}
    assert converted == {e.id for e in case.active()}


# Where the built-in filters sit between the plugins (domain notes 1.7, 4.2) is what makes a
# phase mapping right or wrong. The simulators place them; this test places them again
# independently, on the plugins-only projection, and checks both agree.
SIMULATOR_BUILT_INS = {"<authn>", "<rbac>", "<stats>", "<ext_authz>", "<fault>", "<cors>"}
# What no phase can keep (contract section 3): with ext_authz every Maistra auth phase ran
# before it (and before authn/rbac); fault/cors sat before unanchored Maistra phases.
KNOWN_MOVES = {"<ext_authz>", "<fault>", "<cors>"}
AUTH_PHASES = frozenset({SmePhase.PreAuthN, SmePhase.PostAuthN, SmePhase.PreAuthZ,
                         SmePhase.PostAuthZ})
BUILT_INS = ("<jwt_authn+istio_authn>", "<rbac>", "<istio.stats>")
MAISTRA_SEGMENT = {SmePhase.PreAuthN: 0, SmePhase.PostAuthN: 1, SmePhase.PreAuthZ: 1,
                   SmePhase.PostAuthZ: 2, SmePhase.PreStats: 2, SmePhase.PostStats: 2}
ISTIO_SEGMENT = {PluginPhase.AUTHN: 0, PluginPhase.AUTHZ: 1, PluginPhase.STATS: 2,
                 PluginPhase.UNSPECIFIED: 2}


def plugins_only(chain: Sequence[str]) -> list[str]:
    return [entry for entry in chain if entry not in SIMULATOR_BUILT_INS]


def with_built_ins(chain: Sequence[str], segment_of: Mapping[str, int]) -> list[str]:
    full: list[str] = []
    passed = 0
    for plugin in chain:
        while passed < segment_of[plugin]:
            full.append(BUILT_INS[passed])
            passed += 1
        full.append(plugin)
    return full + list(BUILT_INS[passed:])


def assert_same_chains(
    workloads: Sequence[SimWorkload], case: MeshCase, plugins: list[SimPlugin],
    version: MeshVersion,
) -> None:
    extensions = [e.simulated() for e in case.active()]
    maistra_segments = {e.id: MAISTRA_SEGMENT[e.phase] for e in extensions}
    istio_segments = {p.id: ISTIO_SEGMENT[p.phase] for p in plugins}
    for workload in workloads:
        maistra_full = maistra_chain(workload, extensions, case.root)
        reverse = maistra_chain(workload, extensions[::-1], case.root)
        assert reverse == maistra_full, "generated a mesh whose Maistra order is undefined"
        expected = with_built_ins(plugins_only(maistra_full), maistra_segments)
        for created in (plugins, plugins[::-1]):
            istio_full = istio_chain(workload, created, case.root, version)
            assert plugins_only(istio_full) == plugins_only(maistra_full), workload.display
            if not workload.ext_authz:  # with it, no phase keeps the auth plugins' segment
                istio = with_built_ins(plugins_only(istio_full), istio_segments)
                assert istio == expected, f"{workload.display} on OSSM {version}"
                assert known_removed(istio_full) == known_removed(maistra_full), (
                    f"{workload.display} on OSSM {version}")


def known_removed(chain: Sequence[str]) -> list[str]:
    return [entry for entry in chain if entry not in KNOWN_MOVES]


@PROPERTY
@given(case=meshes(), data=st.data())
def test_every_workload_runs_the_same_plugins_in_the_same_order(
    case: MeshCase, data: st.DataObject
) -> None:
    probes = data.draw(st.lists(probe_sidecars(case), min_size=1, max_size=8))
    workloads = [case.with_traffic(w) for w in [*probes, *case.known_gateways()]]
    event(f"ext_authz workloads: {sum(w.ext_authz for w in workloads) > 0}")
    event(f"cors/fault gateways: {sum(w.cors_fault for w in workloads) > 0}")
    for version in VERSIONS:
        plugins = [sim_plugin(p) for p in by_id(run(case, version).plugins)]
        assert_same_chains(workloads, case, plugins, version)


def _reaches(extension_namespace: str, selector: Labels, workload: SimWorkload,
             root: str) -> bool:
    return (extension_namespace in (root, workload.namespace)
            and set(workload.labels).issuperset(selector))


def expected_moves(case: MeshCase, workloads: Sequence[SimWorkload]) -> set[tuple[str, str]]:
    """From the contract: an auth-phase plugin on an ext_authz workload crosses ext_authz; any
    plugin on an unanchored cors/fault gateway, or a stats-phase one, crosses cors/fault."""
    found = set()
    for workload in workloads:
        for ext in case.active():
            if not _reaches(ext.namespace, ext.selector, workload, case.root):
                continue
            if workload.ext_authz and ext.phase in AUTH_PHASES:
                found.add(("SME033", ext.id))
            unanchored = not workload.ext_authz or ext.phase not in AUTH_PHASES
            if workload.cors_fault and unanchored:
                found.add(("SME035", ext.id))
    return found


def reported_moves(migration: Migration) -> set[tuple[str, str]]:
    return {(f.rule, f"{f.resource.namespace}/{f.resource.name}") for f in migration.findings
            if f.rule in ("SME033", "SME035") and f.resource is not None}


@PROPERTY
@given(case=meshes(), data=st.data())
def test_every_move_across_ext_authz_or_cors_is_reported(
    case: MeshCase, data: st.DataObject
) -> None:
    probes = data.draw(st.lists(probe_sidecars(case), min_size=1, max_size=8))
    workloads = [case.with_traffic(w) for w in [*probes, *case.known_gateways()]]
    migration = run(case, VERSIONS[-1])
    expected = expected_moves(case, workloads)
    event(f"moves expected: {bool(expected)}")
    assert expected <= reported_moves(migration)
    assert sme020(migration) == []


@SECONDARY
@given(case=meshes())
def test_priorities_are_distinct_int32_inside_each_phase(case: MeshCase) -> None:
    specs = [p["spec"] for p in run(case, VERSIONS[-1]).plugins]
    for phase in {spec["phase"] for spec in specs}:
        values = [spec["priority"] for spec in specs if spec["phase"] == phase]
        assert len(set(values)) == len(values), f"tie in {phase}: {values}"
        assert all(isinstance(v, int) and INT32_MIN < v <= INT32_MAX for v in values)


@SECONDARY
@given(case=meshes(), seed=st.randoms(use_true_random=False))
def test_same_input_in_any_order_gives_identical_plugins(
    case: MeshCase, seed: random.Random
) -> None:
    bodies = case.bodies()
    first = run(case, VERSIONS[-1], bodies).plugins
    assert run(case, VERSIONS[-1], bodies).plugins == first
    shuffled = seed.sample(bodies, len(bodies))
    assert by_id(run(case, VERSIONS[-1], shuffled).plugins) == by_id(first)


# --- negative controls: the product's check can fail ---------------------------------------------


def _compatible(a: Labels, b: Labels) -> bool:
    left = dict(a)
    return all(left.get(key, value) == value for key, value in b)


def _seen_together(a: Mapping[str, Any], b: Mapping[str, Any], root: str) -> bool:
    spaces = {a["metadata"]["namespace"], b["metadata"]["namespace"]}
    same_scope = root in spaces or len(spaces) == 1
    selectors = [tuple(sorted((p["spec"].get("selector") or {}).get("matchLabels", {}).items()))
                 for p in (a, b)]
    return (a["spec"]["phase"] == b["spec"]["phase"] and same_scope
            and _compatible(*selectors))


def _tampered(
    conversions: Sequence[Conversion], new: Mapping[str, Any], field: str = "priority"
) -> list[Conversion]:
    """The conversions with `spec.<field>` of some plugins (by "namespace/name") replaced."""
    tampered = []
    for conversion in conversions:
        if conversion.plugin is not None and plugin_id(conversion.plugin) in new:
            plugin = copy.deepcopy(dict(conversion.plugin))
            plugin["spec"][field] = new[plugin_id(plugin)]
            conversion = dataclasses.replace(conversion, plugin=plugin)
        tampered.append(conversion)
    return tampered


def _check(inventory: Inventory, migration: Migration, conversions: Sequence[Conversion],
           version: MeshVersion, root: str) -> list[str]:
    options = Options(control_plane_namespace=root, target=version)
    found = equivalence_findings(inventory, migration.meshes, conversions, options)
    return [f.message for f in found if f.rule == "SME020"]


@CONTROL
@given(case=meshes(), data=st.data())
def test_swapping_two_priorities_a_workload_sees_together_is_reported(
    case: MeshCase, data: st.DataObject
) -> None:
    inventory = as_inventory(case.bodies())
    migration = migrate(inventory, Options(control_plane_namespace=case.root))
    plugins = by_id(migration.plugins)
    pairs = [(a, b) for i, a in enumerate(plugins) for b in plugins[i + 1:]
             if _seen_together(a, b, case.root)]
    event("co-visible pair" if pairs else "no co-visible pair")
    if not pairs:
        return
    a, b = data.draw(st.sampled_from(pairs))
    swapped = {plugin_id(a): b["spec"]["priority"], plugin_id(b): a["spec"]["priority"]}
    for version in VERSIONS:
        tampered = _tampered(migration.conversions, swapped)
        assert _check(inventory, migration, tampered, version, case.root), "swap not caught"


ACCEPTANCE = [sme("post-authn", "istio-system", phase="PostAuthN", priority=10),
              sme("pre-authz", "bookinfo", phase="PreAuthZ", priority=100,
                  selector={"app": "web"})]
SAME_NAMESPACE = [sme("first", "bookinfo", phase="PreStats", priority=2),
                  sme("second", "bookinfo", phase="PreStats", priority=1)]


def test_control_the_untouched_acceptance_mesh_is_equivalent() -> None:
    inventory = as_inventory(ACCEPTANCE)
    migration = migrate(inventory, Options())
    assert _check(inventory, migration, migration.conversions, VERSIONS[-1], "istio-system") == []


def test_control_swapped_authz_priorities_are_reported_for_the_workload() -> None:
    inventory = as_inventory(ACCEPTANCE)
    migration = migrate(inventory, Options())
    specs = {plugin_id(p): p["spec"]["priority"] for p in migration.plugins}
    swapped = {"istio-system/post-authn": specs["bookinfo/pre-authz"],
               "bookinfo/pre-authz": specs["istio-system/post-authn"]}
    tampered = _tampered(migration.conversions, swapped)
    messages = _check(inventory, migration, tampered, VERSIONS[-1], "istio-system")
    assert messages, "the swap was not caught"
    assert all("bookinfo" in m and "app=web" in m for m in messages)


def test_control_a_priority_tie_is_reported_because_creation_time_would_decide() -> None:
    inventory = as_inventory(SAME_NAMESPACE)
    migration = migrate(inventory, Options())
    assert _check(inventory, migration, migration.conversions, VERSIONS[-1], "istio-system") == []
    tied = {"bookinfo/first": 7, "bookinfo/second": 7}
    tampered = _tampered(migration.conversions, tied)
    for version in VERSIONS:
        messages = _check(inventory, migration, tampered, version, "istio-system")
        assert messages and all("<tie>" in m for m in messages)


def test_control_a_postauthz_plugin_moved_before_rbac_is_reported() -> None:
    inventory = as_inventory([sme("after-rbac", "istio-system", phase="PostAuthZ", priority=1)])
    migration = migrate(inventory, Options())
    assert migration.plugins[0]["spec"]["phase"] == "STATS"
    moved = _tampered(migration.conversions, {"istio-system/after-rbac": "AUTHZ"}, "phase")
    assert _check(inventory, migration, moved, VERSIONS[-1], "istio-system")
