"""The two filter-chain simulators against examples worked by hand from the Maistra and Istio code.

Maistra: pilot `Extensions(proxy)` + `apply_extension.go` (domain notes 1.7, 1.8).
Istio: `WasmPluginsByListenerInfo` + the listener builder (domain notes 4.2, 4.3, 4.5).
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from migrate.model import PluginPhase, SmePhase, WorkloadKind
from migrate.semantics import chain as simulators
from migrate.semantics.chain import (
    SimExtension,
    SimPlugin,
    SimWorkload,
)
from migrate.semantics.verify import compare
from migrate.semantics.versions import MeshVersion

BUILT_INS = (simulators.AUTHN_FILTERS, simulators.RBAC_FILTER, simulators.STATS_FILTER)


def maistra_chain(*args: Any) -> list[str]:
    """The plugins only: most tests here are about their order; built-ins are tested below."""
    return [e for e in simulators.maistra_chain(*args) if e not in BUILT_INS]


def istio_chain(*args: Any) -> list[str]:
    return [e for e in simulators.istio_chain(*args) if e not in BUILT_INS]

ROOT = "istio-system"
APP = "bookinfo"
OTHER_APP = "shop"
OSSM_24, OSSM_25, OSSM_26 = (MeshVersion.parse(v) for v in ("2.4", "2.5", "2.6"))
ALL_VERSIONS = pytest.mark.parametrize("version", [OSSM_24, OSSM_25, OSSM_26], ids=str)
ROOT_FIRST = pytest.mark.parametrize("version", [OSSM_24, OSSM_25], ids=str)


def ext(
    name: str,
    namespace: str = ROOT,
    *,
    image: str = "img",
    phase: SmePhase = SmePhase.PreStats,
    priority: int = 0,
    selector: dict[str, str] | None = None,
) -> SimExtension:
    labels = tuple(sorted((selector or {}).items()))
    return SimExtension(f"{namespace}/{name}", namespace, name, image, phase, priority, labels)


def plugin(
    name: str,
    namespace: str = ROOT,
    *,
    phase: PluginPhase = PluginPhase.STATS,
    priority: int | None = 0,
    selector: dict[str, str] | None = None,
    modes: tuple[str, ...] = (),
) -> SimPlugin:
    labels = tuple(sorted((selector or {}).items()))
    return SimPlugin(f"{namespace}/{name}", namespace, name, phase, priority, labels, modes)


def sidecar(namespace: str = APP, **labels: str) -> SimWorkload:
    return SimWorkload(namespace, tuple(sorted(labels.items())), WorkloadKind.SIDECAR)


def gateway(namespace: str = ROOT, **labels: str) -> SimWorkload:
    return SimWorkload(namespace, tuple(sorted(labels.items())), WorkloadKind.GATEWAY)


# --- Maistra -----------------------------------------------------------------------------------


def test_maistra_runs_higher_priority_first_within_a_phase() -> None:
    chain = maistra_chain(sidecar(), [ext("low", priority=-5), ext("high", priority=7),
                                      ext("mid", priority=0)], ROOT)
    assert chain == [f"{ROOT}/high", f"{ROOT}/mid", f"{ROOT}/low"]


def test_maistra_emits_phases_in_filter_order_whatever_the_priorities() -> None:
    phases = list(SmePhase)
    extensions = [ext(p.name, phase=p, priority=index) for index, p in enumerate(phases)]
    chain = maistra_chain(sidecar(), extensions[::-1], ROOT)
    assert chain == [f"{ROOT}/{name}" for name in
                     ("PreAuthN", "PostAuthN", "PreAuthZ", "PostAuthZ", "PreStats", "PostStats")]


def test_maistra_breaks_ties_on_name_plus_image_without_a_separator() -> None:
    # "abc/x:1" < "azz/x:1": "ab" runs first although the name "a" sorts before "ab".
    extensions = [ext("a", image="zz/x:1"), ext("ab", image="c/x:1")]
    assert maistra_chain(sidecar(), extensions, ROOT) == [f"{ROOT}/ab", f"{ROOT}/a"]


def test_maistra_tie_break_ignores_the_namespace() -> None:
    # Root extensions are appended first, but the sort puts "a" (app) before "b" (root).
    extensions = [ext("b", ROOT), ext("a", APP)]
    assert maistra_chain(sidecar(APP), extensions, ROOT) == [f"{APP}/a", f"{ROOT}/b"]


def test_maistra_identical_name_plus_image_keeps_the_root_one_first() -> None:
    # "a" + "b" == "ab" + "": the stable sort keeps append order, and root is appended first.
    from_app, from_root = ext("a", APP, image="b"), ext("ab", ROOT, image="")
    chain = maistra_chain(sidecar(APP), [from_app, from_root], ROOT)
    assert chain == [f"{ROOT}/ab", f"{APP}/a"]


def test_maistra_root_namespace_extensions_reach_every_namespace() -> None:
    extensions = [ext("mesh-wide", ROOT), ext("local", APP), ext("elsewhere", OTHER_APP)]
    assert maistra_chain(sidecar(APP), extensions, ROOT) == [f"{APP}/local", f"{ROOT}/mesh-wide"]
    assert maistra_chain(sidecar("unrelated"), extensions, ROOT) == [f"{ROOT}/mesh-wide"]
    assert maistra_chain(sidecar(ROOT), extensions, ROOT) == [f"{ROOT}/mesh-wide"]


@pytest.mark.parametrize(
    ("selector", "labels", "runs"),
    [
        ({}, {}, True),
        ({}, {"app": "web"}, True),
        ({"app": "web"}, {"app": "web", "version": "v1"}, True),
        ({"app": "web", "version": "v1"}, {"app": "web"}, False),
        ({"app": "web"}, {"app": "api"}, False),
        ({"app": "web"}, {}, False),
    ],
)
def test_maistra_selector_needs_a_superset_of_its_labels(
    selector: dict[str, str], labels: dict[str, str], runs: bool
) -> None:
    chain = maistra_chain(sidecar(**labels), [ext("x", selector=selector)], ROOT)
    assert chain == ([f"{ROOT}/x"] if runs else [])


# --- Istio -------------------------------------------------------------------------------------


@ALL_VERSIONS
def test_istio_emits_phases_authn_authz_stats_unspecified(version: MeshVersion) -> None:
    plugins = [plugin(p.name, phase=p, priority=index) for index, p in enumerate(PluginPhase)]
    chain = istio_chain(sidecar(), plugins[::-1], ROOT, version)
    assert chain == [f"{ROOT}/{p}" for p in ("AUTHN", "AUTHZ", "STATS", "UNSPECIFIED")]


@ALL_VERSIONS
def test_istio_runs_higher_priority_first(version: MeshVersion) -> None:
    plugins = [plugin("low", priority=-(2**31) + 1), plugin("high", priority=2**31 - 1),
               plugin("zero", priority=0)]
    chain = istio_chain(sidecar(), plugins, ROOT, version)
    assert chain == [f"{ROOT}/high", f"{ROOT}/zero", f"{ROOT}/low"]


@ALL_VERSIONS
def test_istio_runs_an_unset_priority_after_every_set_one(version: MeshVersion) -> None:
    plugins = [plugin("unset", priority=None), plugin("negative", priority=-1000)]
    assert istio_chain(sidecar(), plugins, ROOT, version) == [f"{ROOT}/negative", f"{ROOT}/unset"]


def test_istio_1_20_unset_ties_with_int32_min_so_creation_order_decides() -> None:
    unset, lowest = plugin("unset", priority=None), plugin("lowest", priority=-(2**31))
    assert istio_chain(sidecar(), [unset, lowest], ROOT, OSSM_26) == [f"{ROOT}/unset",
                                                                      f"{ROOT}/lowest"]
    assert istio_chain(sidecar(), [lowest, unset], ROOT, OSSM_26) == [f"{ROOT}/lowest",
                                                                      f"{ROOT}/unset"]


@ROOT_FIRST
def test_istio_before_1_19_unset_is_int64_min_below_any_int32(version: MeshVersion) -> None:
    unset, lowest = plugin("unset", priority=None), plugin("lowest", priority=-(2**40))
    for created in ([unset, lowest], [lowest, unset]):
        assert istio_chain(sidecar(), created, ROOT, version) == [f"{ROOT}/lowest",
                                                                  f"{ROOT}/unset"]


@ALL_VERSIONS
def test_istio_equal_priorities_keep_creation_order_within_a_namespace(
    version: MeshVersion,
) -> None:
    first, second = plugin("zz-first", APP, priority=5), plugin("aa-second", APP, priority=5)
    assert istio_chain(sidecar(APP), [first, second], ROOT, version) == [f"{APP}/zz-first",
                                                                         f"{APP}/aa-second"]
    assert istio_chain(sidecar(APP), [second, first], ROOT, version) == [f"{APP}/aa-second",
                                                                         f"{APP}/zz-first"]


@ROOT_FIRST
def test_istio_up_to_1_19_looks_up_the_root_namespace_first(version: MeshVersion) -> None:
    local, mesh_wide = plugin("local", APP, priority=1), plugin("mesh-wide", ROOT, priority=1)
    for created in ([local, mesh_wide], [mesh_wide, local]):
        assert istio_chain(sidecar(APP), created, ROOT, version) == [f"{ROOT}/mesh-wide",
                                                                     f"{APP}/local"]


def test_istio_1_20_looks_up_the_proxy_namespace_first() -> None:
    local, mesh_wide = plugin("local", APP, priority=1), plugin("mesh-wide", ROOT, priority=1)
    for created in ([local, mesh_wide], [mesh_wide, local]):
        assert istio_chain(sidecar(APP), created, ROOT, OSSM_26) == [f"{APP}/local",
                                                                     f"{ROOT}/mesh-wide"]


@ALL_VERSIONS
def test_istio_namespace_scope_and_selector_match_maistra_rules(version: MeshVersion) -> None:
    plugins = [plugin("mesh-wide", ROOT), plugin("local", APP, priority=1),
               plugin("elsewhere", OTHER_APP), plugin("web-only", APP, selector={"app": "web"})]
    assert istio_chain(sidecar(APP, app="api"), plugins, ROOT, version) == [f"{APP}/local",
                                                                            f"{ROOT}/mesh-wide"]
    assert f"{APP}/web-only" in istio_chain(sidecar(APP, app="web", v="1"), plugins, ROOT,
                                            version)
    assert istio_chain(sidecar(ROOT), plugins, ROOT, version) == [f"{ROOT}/mesh-wide"]


@ALL_VERSIONS
@pytest.mark.parametrize(
    ("modes", "on_sidecar", "on_gateway"),
    [
        ((), True, True),
        (("SERVER",), True, False),
        (("CLIENT",), False, True),
        (("CLIENT_AND_SERVER",), True, True),
        (("UNDEFINED",), True, True),
    ],
)
def test_istio_match_mode_server_is_sidecar_inbound_and_gateways_are_client(
    version: MeshVersion, modes: tuple[str, ...], on_sidecar: bool, on_gateway: bool
) -> None:
    plugins = [plugin("p", ROOT, modes=modes)]
    assert bool(istio_chain(sidecar(APP), plugins, ROOT, version)) is on_sidecar
    assert bool(istio_chain(gateway(ROOT), plugins, ROOT, version)) is on_gateway


def test_built_in_filters_sit_where_maistra_and_istio_put_them() -> None:
    extensions = [ext(name, phase=phase) for name, phase in (
        ("pre-authn", SmePhase.PreAuthN), ("post-authn", SmePhase.PostAuthN),
        ("pre-authz", SmePhase.PreAuthZ), ("post-authz", SmePhase.PostAuthZ),
        ("post-stats", SmePhase.PostStats))]
    assert simulators.maistra_chain(sidecar(), extensions, ROOT) == [
        f"{ROOT}/pre-authn", "<authn>", f"{ROOT}/post-authn", f"{ROOT}/pre-authz", "<rbac>",
        f"{ROOT}/post-authz", f"{ROOT}/post-stats", "<stats>"]
    plugins = [plugin("authn", phase=PluginPhase.AUTHN), plugin("authz", phase=PluginPhase.AUTHZ),
               plugin("stats", phase=PluginPhase.STATS),
               plugin("none", phase=PluginPhase.UNSPECIFIED)]
    assert simulators.istio_chain(sidecar(), plugins, ROOT, OSSM_26) == [
        f"{ROOT}/authn", "<authn>", f"{ROOT}/authz", "<rbac>", f"{ROOT}/stats", f"{ROOT}/none",
        "<stats>"]


# --- ext_authz and fault/cors (contract section 3) ---------------------------------------------

ONE_PER_PHASE = [ext(phase.name, phase=phase) for phase in SmePhase]
ONE_PER_PLUGIN_PHASE = [plugin(p.name, phase=p) for p in simulators.ISTIO_PHASE_ORDER]


def test_maistra_runs_every_auth_phase_before_ext_authz_and_authn() -> None:
    workload = dataclasses.replace(sidecar(), ext_authz=True)
    assert simulators.maistra_chain(workload, ONE_PER_PHASE, ROOT) == [
        f"{ROOT}/PreAuthN", f"{ROOT}/PostAuthN", f"{ROOT}/PreAuthZ", f"{ROOT}/PostAuthZ",
        "<ext_authz>", "<authn>", "<rbac>", f"{ROOT}/PreStats", f"{ROOT}/PostStats", "<stats>"]


def test_istio_runs_every_phase_after_ext_authz() -> None:
    workload = dataclasses.replace(sidecar(), ext_authz=True)
    assert simulators.istio_chain(workload, ONE_PER_PLUGIN_PHASE, ROOT, OSSM_26) == [
        "<ext_authz>", f"{ROOT}/AUTHN", "<authn>", f"{ROOT}/AUTHZ", "<rbac>", f"{ROOT}/STATS",
        f"{ROOT}/UNSPECIFIED", "<stats>"]


def test_maistra_put_a_bare_gateways_extensions_after_fault_and_cors() -> None:
    workload = dataclasses.replace(gateway(), cors_fault=True)
    chain = simulators.maistra_chain(workload, ONE_PER_PHASE, ROOT)
    assert chain[:2] == ["<fault>", "<cors>"] and "<authn>" not in chain


def test_istio_runs_a_gateways_plugins_before_fault_and_cors() -> None:
    workload = dataclasses.replace(gateway(), cors_fault=True)
    chain = simulators.istio_chain(workload, ONE_PER_PLUGIN_PHASE, ROOT, OSSM_26)
    assert chain[-3:] == ["<fault>", "<cors>", "<stats>"] and "<rbac>" not in chain


def test_with_anchors_only_the_stats_phases_sat_after_cors_in_maistra() -> None:
    workload = dataclasses.replace(gateway(), cors_fault=True, ext_authz=True)
    chain = simulators.maistra_chain(workload, ONE_PER_PHASE, ROOT)
    assert chain.index("<cors>") == chain.index(f"{ROOT}/PreStats") - 1


def test_the_proof_reports_known_moves_apart_from_broken_order() -> None:
    workload = dataclasses.replace(sidecar(), ext_authz=True)
    extensions = [ext("a", phase=SmePhase.PreAuthN, priority=2),
                  ext("b", phase=SmePhase.PreAuthN, priority=1)]
    kept = [plugin("a", phase=PluginPhase.AUTHN, priority=2),
            plugin("b", phase=PluginPhase.AUTHN, priority=1)]
    result = compare([workload], extensions, kept, ROOT, OSSM_26)
    assert result.broken == [] and {m.plugin for m in result.moved} == {
        f"{ROOT}/a", f"{ROOT}/b"}
    swapped = [dataclasses.replace(p, priority=3 - p.priority) for p in kept
               if p.priority is not None]
    assert compare([workload], extensions, swapped, ROOT, OSSM_26).broken != []
