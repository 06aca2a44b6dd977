"""The images of one registry share its connections: N images of one host cost one
connection (one TLS handshake) per pulling thread, not one per image, counted by a TCP proxy
in front of a real registry. The TLS context is made only when a TLS connection needs it."""

import dataclasses
from pathlib import Path

from migrate.modules.api import ModuleOptions, check_references
from tests.modules.builders import OCI_LAYER, compat_layer, wat_module
from tests.modules.conftest import needs_registry, options_for
from tests.support.network import counting_proxy
from tests.support.registry import Registry, push

pytestmark = needs_registry

IMAGES = 6
LAYER = compat_layer(wat_module("filter_0_2_1"))


def _refs(registry: Registry, proxy_host: str, name: str) -> list[str]:
    pushed = [push(registry, f"{name}/filter{i}", "1.0", [(OCI_LAYER, LAYER)])
              for i in range(IMAGES)]
    return [p.reference.replace(registry.host, proxy_host) for p in pushed]


def _clean(refs: list[str], options: ModuleOptions) -> bool:
    reports = check_references(refs, options, {ref: {"a": 1} for ref in refs})
    return all(r.findings == () and r.format == "oci-compat" for r in reports.values())


def test_the_images_of_one_plain_http_registry_share_one_connection(
    registry: Registry, tmp_path: Path
) -> None:
    with counting_proxy(registry.host) as proxy:
        refs = _refs(registry, proxy.host, "pooled")
        options = dataclasses.replace(options_for(registry, tmp_path), use_cache=False,
                                      insecure_registries=frozenset({proxy.host}))
        assert _clean(refs, dataclasses.replace(options, max_workers=1))
        assert proxy.connections == 1
        assert _clean(refs, dataclasses.replace(options, max_workers=3))
        assert proxy.connections <= 1 + 3  # one per pulling thread at most


def test_the_images_of_one_tls_registry_cost_one_handshake(
    token_registry: Registry, tmp_path: Path
) -> None:
    empty = tmp_path / "empty.json"
    empty.write_text("{}")
    with counting_proxy(token_registry.host) as proxy:
        refs = _refs(token_registry, proxy.host, "public")
        options = ModuleOptions(registry_config=empty, ca_file=token_registry.ca_file,
                                use_cache=False, max_workers=1)
        assert _clean(refs, options)
        assert proxy.connections == 1  # the certificate names 127.0.0.1, any port


def test_a_ca_file_is_read_only_when_tls_needs_it(
    registry: Registry, token_registry: Registry, tmp_path: Path
) -> None:
    plain = push(registry, "lazy/filter", "1.0", [(OCI_LAYER, LAYER)]).reference
    secure = push(token_registry, "public/lazy", "1.0", [(OCI_LAYER, LAYER)]).reference
    options = dataclasses.replace(options_for(registry, tmp_path), use_cache=False,
                                  ca_file=tmp_path / "missing-ca.pem")
    reports = check_references([plain, secure], options, {plain: {"a": 1}, secure: {"a": 1}})
    assert reports[plain].findings == ()
    (finding,) = reports[secure].findings
    assert finding.rule == "MOD024"
    assert f"cannot load CA file {tmp_path / 'missing-ca.pem'}" in finding.message
