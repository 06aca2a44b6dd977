"""OpenShift Service Mesh versions and the Istio behaviour each one brings."""

from __future__ import annotations

import re
from dataclasses import dataclass

# OSSM (major, minor) -> Istio minor release it is based on.
ISTIO_MINOR_OF_OSSM = {
    (2, 0): 6,
    (2, 1): 9,
    (2, 2): 12,
    (2, 3): 14,
    (2, 4): 16,
    (2, 5): 18,
    (2, 6): 20,
    (3, 0): 24,
    (3, 1): 26,
}
DEFAULT_TARGET = "2.6"
_VERSION = re.compile(r"^v?(\d+)\.(\d+)(?:\.\d+)?$")


@dataclass(frozen=True, order=True)
class MeshVersion:
    major: int
    minor: int

    @classmethod
    def parse(cls, text: str) -> MeshVersion:
        match = _VERSION.match(text.strip())
        if not match:
            raise ValueError(f"not an OSSM version: {text!r} (expected e.g. 2.4 or v2.6)")
        return cls(int(match.group(1)), int(match.group(2)))

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}"

    @property
    def istio_minor(self) -> int:
        known = [v for v in ISTIO_MINOR_OF_OSSM if v <= (self.major, self.minor)]
        return ISTIO_MINOR_OF_OSSM[max(known)] if known else 6

    @property
    def supports_wasm_plugin(self) -> bool:
        return (self.major, self.minor) >= (2, 2)

    @property
    def supports_match(self) -> bool:
        """`spec.match` exists from Istio 1.16 (OSSM 2.4)."""
        return self.istio_minor >= 16

    @property
    def applies_to_outbound(self) -> bool:
        """From Istio 1.14 (OSSM 2.3) WasmPlugins also run on sidecar outbound listeners."""
        return self.istio_minor >= 14

    @property
    def proxy_namespace_first(self) -> bool:
        """Istio 1.20 looks up the proxy's namespace before the root namespace."""
        return self.istio_minor >= 20

    @property
    def unset_priority(self) -> int:
        """Where a plugin without priority sorts: MinInt64 before Istio 1.19, MinInt32 after."""
        return -(2**31) if self.istio_minor >= 19 else -(2**63)
