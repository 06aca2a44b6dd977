"""Whatever mesh, migrated in two steps (any split), ends with every workload's order intact."""

from collections.abc import Mapping, Sequence
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from migrate.semantics.migration import migrate
from migrate.semantics.outcome import Migration, Options
from migrate.semantics.versions import MeshVersion
from tests.semantics.strategies import MeshCase, meshes, probe_sidecars
from tests.semantics.test_equivalence_properties import assert_same_chains
from tests.support.meshes import as_inventory, plugin_id, sim_plugin

VERSION = MeshVersion(2, 6)


def step(case: MeshCase, bodies: Sequence[Mapping[str, Any]]) -> Migration:
    return migrate(as_inventory(bodies), Options(control_plane_namespace=case.root,
                                                 target=VERSION))


def final_plugins(first: Migration, second: Migration) -> list[Mapping[str, Any]]:
    """What the cluster ends up with: both steps' plugins, the first's updated where told to."""
    updated = {plugin_id(r.updated_body()): r.updated_body() for r in second.priority_updates}
    earlier = [updated.get(plugin_id(p), p) for p in first.plugins]
    return [*earlier, *second.plugins]


@settings(max_examples=100, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(case=meshes(), data=st.data())
def test_migrating_in_two_steps_keeps_every_workloads_order(
    case: MeshCase, data: st.DataObject
) -> None:
    bodies = case.bodies()
    extensions, others = bodies[:len(case.extensions)], bodies[len(case.extensions):]
    now = data.draw(st.lists(st.booleans(), min_size=len(extensions), max_size=len(extensions)))
    first = step(case, [b for b, early in zip(extensions, now, strict=True) if early] + others)
    rest = [b for b, early in zip(extensions, now, strict=True) if not early]
    second = step(case, [*rest, *others, *first.plugins])
    assert not [f for f in second.findings if f.rule in ("SME014", "SME020")]
    probes = data.draw(st.lists(probe_sidecars(case), min_size=1, max_size=6))
    plugins = [sim_plugin(p) for p in final_plugins(first, second)]
    assert_same_chains([*probes, *case.known_gateways()], case, plugins, VERSION)
