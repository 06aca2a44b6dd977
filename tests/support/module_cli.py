"""What the command-line tests of module checks share: an extension of one image, and the
flags that point sme-migrate at local registries (plain HTTP, no credentials, a cache of the
test's own)."""

from __future__ import annotations

from pathlib import Path

from tests.support.registry import Registry

EXTENSION = """apiVersion: maistra.io/v1
kind: ServiceMeshExtension
metadata:
  name: {name}
  namespace: istio-system
spec:
  image: {image}
{phase}  config:
    header: x-test
{extra}"""


def extension_yaml(name: str, image: str, phase: str = "", extra: str = "") -> str:
    """An extension of `image` (in `phase`, when given); `extra` goes after its config."""
    return EXTENSION.format(name=name, image=image, phase=f"  phase: {phase}\n" if phase else "",
                            extra=extra)


def registry_flags(tmp_path: Path, *registries: Registry) -> list[str]:
    config = tmp_path / "docker-config.json"
    config.write_text('{"auths": {}}')
    insecure = [arg for r in registries for arg in ("--insecure-registry", r.host)]
    return [*insecure, "--registry-config", str(config), "--cache-dir", str(tmp_path / "cache")]
