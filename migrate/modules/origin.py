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
        default = _DEFAULT_PORTS.get(self.scheme) == self.port
        return self._host if default else self.host_port

    @property
    def host_port(self) -> str:
        """`host:port`, the port written even when it is the scheme's default."""
        return f"{self._host}:{self.port}"

    @property
    def _host(self) -> str:
        return f"[{self.host}]" if ":" in self.host else self.host

    @property
    def secure(self) -> bool:
        return self.scheme == "https"

    def __str__(self) -> str:
        return f"{self.scheme}://{self.authority}"
