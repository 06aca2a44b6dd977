"""One deadline per registry operation: every connect, TLS handshake, write and read of the
operation waits at most what is left of it, so a server that trickles bytes (or goes silent
after its headers) is given up on in bounded time, not after one timeout per byte."""

from __future__ import annotations

import ssl
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import httpcore
import httpx


class Deadline:
    """The end of the current operation (None: no operation running). One per client."""

    def __init__(self) -> None:
        self._end: float | None = None
        self.seconds = 0.0

    @contextmanager
    def running(self, seconds: float) -> Iterator[None]:
        self._end, self.seconds = time.monotonic() + seconds, seconds
        try:
            yield
        finally:
            self._end = None

    @property
    def expired(self) -> bool:
        return self._end is not None and time.monotonic() >= self._end

    def clamp(self, timeout: float | None) -> float | None:
        """`timeout`, shortened to what is left; an expired deadline is a timeout at once."""
        if self._end is None:
            return timeout
        left = self._end - time.monotonic()
        if left <= 0:
            raise httpcore.ReadTimeout("the operation deadline passed")
        return left if timeout is None else min(timeout, left)


class _Stream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream, deadline: Deadline) -> None:
        self._inner = inner
        self._deadline = deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, self._deadline.clamp(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, self._deadline.clamp(timeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        clamped = self._deadline.clamp(timeout)
        return _Stream(self._inner.start_tls(ssl_context, server_hostname, clamped), self._deadline)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _Backend(httpcore.NetworkBackend):
    def __init__(self, deadline: Deadline) -> None:
        self._inner = httpcore.SyncBackend()
        self._deadline = deadline

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        clamped = self._deadline.clamp(timeout)
        stream = self._inner.connect_tcp(host, port, clamped, local_address, socket_options)
        return _Stream(stream, self._deadline)


class DeadlineTransport(httpx.HTTPTransport):
    """httpx's transport over sockets that honour the deadline.

    httpx has no public hook for the network backend, so the pool it built is replaced by one
    built the same way with ours."""

    def __init__(self, verify: ssl.SSLContext, deadline: Deadline) -> None:
        super().__init__(verify=verify)
        self._pool = httpcore.ConnectionPool(ssl_context=verify, network_backend=_Backend(deadline))
