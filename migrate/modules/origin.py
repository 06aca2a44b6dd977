"""Origins (scheme + host + port): the unit credentials are scoped to."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

_DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True)
class Origin:
    scheme: str
    host: str
    port: int

    @classmethod
    def of(cls, url: httpx.URL) -> Origin:
        scheme = url.scheme.lower()
        return cls(scheme, url.host.lower(), url.port or _DEFAULT_PORTS.get(scheme, 0))

    @property
    def authority(self) -> str:
        """`host` or `host:port` as docker config keys and image references write it."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if _DEFAULT_PORTS.get(self.scheme) == self.port else f"{host}:{self.port}"

    @property
    def secure(self) -> bool:
        return self.scheme == "https"

    def __str__(self) -> str:
        return f"{self.scheme}://{self.authority}"
