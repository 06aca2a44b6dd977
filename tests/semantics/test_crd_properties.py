"""Whatever mesh comes in, every WasmPlugin that comes out is valid against Istio's CRD."""

from hypothesis import HealthCheck, given, settings

from migrate.semantics.migration import migrate
from migrate.semantics.outcome import Options
from migrate.semantics.versions import MeshVersion
from tests.semantics.strategies import MeshCase, meshes
from tests.support.crd import wasmplugin_validator
from tests.support.meshes import as_inventory

VALIDATOR = wasmplugin_validator()


@settings(max_examples=100, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(case=meshes())
def test_every_emitted_plugin_is_valid_against_the_istio_crd(case: MeshCase) -> None:
    for version in ("2.2", "2.4", "2.6"):
        options = Options(target=MeshVersion.parse(version))
        for plugin in migrate(as_inventory(case.bodies()), options).plugins:
            assert VALIDATOR.errors(dict(plugin)) == [], plugin
