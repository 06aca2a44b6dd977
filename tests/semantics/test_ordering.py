"""Priority assignment: one global order per mesh, distinct int32 priorities per WasmPlugin phase.

Contract: migration-semantics.md section 3. Original values are kept when they are distinct,
strictly descending along the order and inside int32 (with -2^31 excluded: Istio >= 1.19 reads it
as "unset"); otherwise the phase is renumbered with gaps.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import pytest

from migrate.model import PluginPhase, SmePhase, WorkloadKind
from migrate.semantics.chain import SimWorkload, istio_chain
from migrate.semantics.migration import migrate
from migrate.semantics.ordering import Ranked, assign_priorities
from migrate.semantics.outcome import Migration, Options
from migrate.semantics.versions import MeshVersion
from tests.support.meshes import Body, as_inventory, plugin_id, sim_plugin, sme

ROOT, APP = "istio-system", "bookinfo"
INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1


def ranked(
    name: str,
    phase: SmePhase,
    priority: int,
    *,
    namespace: str = ROOT,
    image: str = "img",
) -> Ranked:
    return Ranked(f"{namespace}/{name}", namespace, name, image, phase, priority,
                  namespace == ROOT)


def run(*bodies: Body) -> Migration:
    return migrate(as_inventory(bodies), Options(control_plane_namespace=ROOT))


def specs(migration: Migration) -> dict[str, Any]:
    return {plugin_id(p): p["spec"] for p in migration.plugins}


def descending_ids(assigned: dict[str, int], keys: Sequence[str]) -> bool:
    values = [assigned[key] for key in keys]
    return all(a > b for a, b in itertools.pairwise(values))


# --- the acceptance example --------------------------------------------------------------------


def test_postauthn_10_runs_before_preauthz_100_as_two_authz_plugins() -> None:
    migration = run(sme("post-authn", ROOT, phase="PostAuthN", priority=10),
                    sme("pre-authz", ROOT, phase="PreAuthZ", priority=100))
    post, pre = specs(migration)[f"{ROOT}/post-authn"], specs(migration)[f"{ROOT}/pre-authz"]
    assert post["phase"] == pre["phase"] == "AUTHZ"
    assert post["priority"] > pre["priority"]
    workload = SimWorkload(APP, (), WorkloadKind.SIDECAR)
    plugins = [sim_plugin(p) for p in migration.plugins]
    for created in (plugins, plugins[::-1]):
        assert istio_chain(workload, created, ROOT, MeshVersion(2, 6)) == [
            "<authn>", f"{ROOT}/post-authn", f"{ROOT}/pre-authz", "<rbac>", "<stats>"]
    assert not [f for f in migration.findings if f.rule == "SME020"]


# --- original values kept ----------------------------------------------------------------------


def test_distinct_descending_int32_originals_are_kept_in_every_phase() -> None:
    items = [ranked("pre-authn", SmePhase.PreAuthN, 3),
             ranked("post-authn", SmePhase.PostAuthN, 100),
             ranked("pre-authz", SmePhase.PreAuthZ, -7),
             ranked("post-authz", SmePhase.PostAuthZ, INT32_MAX),
             ranked("pre-stats", SmePhase.PreStats, 0),
             ranked("post-stats", SmePhase.PostStats, INT32_MIN + 1)]
    assignment = assign_priorities(items)
    assert dict(assignment.priorities) == {item.key: item.priority for item in items}
    assert not assignment.renumbered


def test_int32_min_is_not_kept_because_istio_reads_it_as_unset() -> None:
    items = [ranked("a", SmePhase.PreStats, 5), ranked("b", SmePhase.PreStats, INT32_MIN)]
    assignment = assign_priorities(items)
    assert assignment.priorities[f"{ROOT}/b"] != INT32_MIN
    assert PluginPhase.STATS in assignment.renumbered
    assert descending_ids(dict(assignment.priorities), [f"{ROOT}/a", f"{ROOT}/b"])


@pytest.mark.parametrize("outside", [INT32_MAX + 1, 2**40, INT32_MIN - 1, -(2**40)])
def test_values_beyond_int32_are_renumbered_into_int32(outside: int) -> None:
    items = [ranked("a", SmePhase.PreAuthN, outside), ranked("b", SmePhase.PreAuthN, 0)]
    assigned = dict(assign_priorities(items).priorities)
    assert all(INT32_MIN < value <= INT32_MAX for value in assigned.values())
    order = [f"{ROOT}/a", f"{ROOT}/b"] if outside > 0 else [f"{ROOT}/b", f"{ROOT}/a"]
    assert descending_ids(assigned, order)


def test_one_phase_renumbered_leaves_the_other_phases_as_written() -> None:
    items = [ranked("authn", SmePhase.PreAuthN, 42),
             ranked("x", SmePhase.PreAuthZ, 5), ranked("y", SmePhase.PreAuthZ, 5)]
    assignment = assign_priorities(items)
    assert assignment.renumbered == frozenset({PluginPhase.AUTHZ})
    assert assignment.priorities[f"{ROOT}/authn"] == 42


# --- renumbering -------------------------------------------------------------------------------


def test_ties_are_renumbered_in_maistra_name_plus_image_order_with_room_between() -> None:
    # "abc/x" < "azz/x": Maistra ran "ab" before "a"; the root copy of a shared name+image wins.
    items = [ranked("a", SmePhase.PreStats, 5, image="zz/x"),
             ranked("ab", SmePhase.PreStats, 5, image="c/x"),
             ranked("ab", SmePhase.PreStats, 5, image="c/x", namespace=APP)]
    assigned = dict(assign_priorities(items).priorities)
    order = [f"{ROOT}/ab", f"{APP}/ab", f"{ROOT}/a"]
    assert descending_ids(assigned, order)
    assert all(a - b > 1 for a, b in itertools.pairwise(assigned[k] for k in order))


def test_poststats_is_the_lowest_stats_plugin_even_with_the_highest_priority() -> None:
    items = [ranked("post-stats", SmePhase.PostStats, 1000),
             ranked("pre-stats", SmePhase.PreStats, 1),
             ranked("post-authz", SmePhase.PostAuthZ, 0)]
    assigned = dict(assign_priorities(items).priorities)
    assert descending_ids(assigned, [f"{ROOT}/post-authz", f"{ROOT}/pre-stats",
                                     f"{ROOT}/post-stats"])


def test_assignment_does_not_depend_on_the_input_order() -> None:
    items = [ranked("a", SmePhase.PreStats, 5, image="zz"), ranked("ab", SmePhase.PreStats, 5),
             ranked("c", SmePhase.PostStats, 9), ranked("d", SmePhase.PostAuthZ, 5),
             ranked("a", SmePhase.PreStats, 5, image="zz", namespace=APP)]
    expected = dict(assign_priorities(items).priorities)
    for permutation in itertools.permutations(items):
        assert dict(assign_priorities(permutation).priorities) == expected


# --- through migrate(): what the user sees ------------------------------------------------------


def renumber_findings(migration: Migration) -> dict[str, str]:
    return {f"{f.resource.namespace}/{f.resource.name}": f.message
            for f in migration.findings if f.rule == "SME005" and f.resource}


def test_no_renumbering_finding_when_the_originals_are_kept() -> None:
    migration = run(sme("a", ROOT, phase="PostAuthZ", priority=100),
                    sme("b", APP, phase="PreStats", priority=50),
                    sme("c", ROOT, phase="PostStats", priority=-3))
    assert renumber_findings(migration) == {}
    assert {k: s["priority"] for k, s in specs(migration).items()} == {
        f"{ROOT}/a": 100, f"{APP}/b": 50, f"{ROOT}/c": -3}


def test_renumbering_findings_name_only_the_plugins_whose_priority_changed() -> None:
    migration = run(sme("a", ROOT, phase="PreStats", priority=20),
                    sme("b", ROOT, phase="PreStats", priority=20),
                    sme("c", ROOT, phase="PreStats", priority=5),
                    sme("auth", ROOT, phase="PreAuthN", priority=20))
    changed = {key for key, spec in specs(migration).items()
               if spec["priority"] != {"a": 20, "b": 20, "c": 5, "auth": 20}[key.split("/")[1]]}
    found = renumber_findings(migration)
    assert set(found) == changed
    assert f"{ROOT}/auth" not in found
    for key in changed:
        assert str(specs(migration)[key]["priority"]) in found[key]


def test_migrating_twice_or_in_another_order_gives_the_same_plugins() -> None:
    bodies = [sme("a", ROOT, phase="PreStats", priority=5, image="zz"),
              sme("ab", APP, phase="PreStats", priority=5),
              sme("x", APP, phase="PostAuthN", priority=2**40),
              sme("y", ROOT, phase="PreAuthZ")]
    first = run(*bodies).plugins
    assert run(*bodies).plugins == first
    assert sorted(run(*bodies[::-1]).plugins, key=plugin_id) == sorted(first, key=plugin_id)
