"""One deadline per registry operation: every connect, TLS handshake, write and read of the
operation waits at most what is left of it, so a server that trickles bytes (or goes silent
after its headers) is given up on in bounded time, not after one timeout per byte."""

from __future__ import annotations

import ssl
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import httpcore
import httpx


class _Running(threading.local):
    end: float | None = None
    seconds = 0.0


class Deadline:
    """The end of the operation the calling thread runs (None: none running). Per thread, so
    that the threads sharing one connection pool each keep their own; a pooled connection
    honours the deadline of the thread using it."""

    def __init__(self) -> None:
        self._running = _Running()

    @contextmanager
    def running(self, seconds: float) -> Iterator[None]:
        self._running.end, self._running.seconds = time.monotonic() + seconds, seconds
        try:
            yield
        finally:
            self._running.end = None

    @property
    def seconds(self) -> float:
        return self._running.seconds

    @property
    def _end(self) -> float | None:
        return self._running.end

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


class _PoolTransport(httpx.HTTPTransport):
    """httpx's transport over one connection pool built with our backend.

    httpx has no public hook for the network backend, so the pool is built here the way
    HTTPTransport builds its own; HTTPTransport.__init__ is not called: it would make an SSL
    context (or take one) for a pool that is never used."""

    def __init__(self, ssl_context: ssl.SSLContext | None, backend: _Backend) -> None:
        self._pool = httpcore.ConnectionPool(ssl_context=ssl_context, network_backend=backend)


class DeadlineTransport(httpx.BaseTransport):
    """Connection pools over sockets that honour the deadline, safe to share between threads:
    plain HTTP in one pool, HTTPS in another, made on the first HTTPS request with the context
    `tls()` gives (so a plain-HTTP registry never costs one)."""

    def __init__(self, tls: Callable[[], ssl.SSLContext], deadline: Deadline) -> None:
        self._tls = tls
        self._backend = _Backend(deadline)
        self._plain = _PoolTransport(None, self._backend)
        self._secure: _PoolTransport | None = None
        self._lock = threading.Lock()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        pool = self._secure_pool() if request.url.scheme == "https" else self._plain
        return pool.handle_request(request)

    def close(self) -> None:
        self._plain.close()
        if self._secure is not None:
            self._secure.close()

    def _secure_pool(self) -> _PoolTransport:
        with self._lock:
            if self._secure is None:
                self._secure = _PoolTransport(self._tls(), self._backend)
            return self._secure
