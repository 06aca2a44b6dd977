"""Complete lists, page by page (`limit` / `continue`): an expired continue token (410) starts
the list again, a throttled or failing server (429, 5xx) is asked again a few times."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from migrate.sources.cluster.client import Json, KubeClient
from migrate.sources.cluster.errors import ApiStatus
from migrate.sources.cluster.kinds import Served

MAX_RESTARTS = 3  # of a list whose continue token expired
MAX_ATTEMPTS = 3  # of one page, when the server is throttling or failing
RETRY_DELAY = 0.1  # seconds, times the attempt number


def list_all(client: KubeClient, served: Served, namespace: str | None,
             chunk_size: int) -> list[Json]:
    """Every object of a kind, cluster-wide (`namespace` None) or in one namespace; raises
    `ApiStatus` for an answer that paging cannot get past (403, 404, repeated 410 or 5xx)."""
    for restart in range(MAX_RESTARTS + 1):
        try:
            return _pages(client, served, namespace, chunk_size)
        except ApiStatus as status:
            if not status.expired or restart == MAX_RESTARTS:
                raise
    raise AssertionError("unreachable")


def _pages(client: KubeClient, served: Served, namespace: str | None,
           chunk_size: int) -> list[Json]:
    items: list[Json] = []
    token: str | None = None
    while True:
        page = _page(client, served, namespace, chunk_size, token)
        items.extend(_typed(served, item) for item in page.get("items") or [])
        token = _continue_token(page)
        if not token:
            return items


def _page(client: KubeClient, served: Served, namespace: str | None, chunk_size: int,
          token: str | None) -> Json:
    for attempt in range(1, MAX_ATTEMPTS + 1):
        try:
            return client.list_page(served, namespace, chunk_size, token)
        except ApiStatus as status:
            if not status.transient or attempt == MAX_ATTEMPTS:
                raise
            time.sleep(RETRY_DELAY * attempt)
    raise AssertionError("unreachable")


def _continue_token(page: Json) -> str | None:
    metadata = page.get("metadata")
    token = metadata.get("continue") if isinstance(metadata, Mapping) else None
    return str(token) if token else None


def _typed(served: Served, item: Mapping[str, Any]) -> Json:
    """List items of built-in kinds come without apiVersion and kind: put them back."""
    return {**item, "apiVersion": served.api_version, "kind": served.kind.kind}
