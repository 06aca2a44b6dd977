"""A Kubernetes API server for tests: the wire protocol of kube-apiserver for the resources the
scan reads, on 127.0.0.1 (http, or https with a CA generated here), in a thread.

What it speaks, as the real server does: `/version`, discovery (`/api`, `/api/v1`, `/apis`,
`/apis/<group>/<version>`), cluster-wide and namespaced lists with `limit`, `continue` and
`metadata.remainingItemCount`, get, and `Status` bodies for 401, 403, 404, 405 and 410. Bearer
tokens are checked; RBAC is a set of denials (a resource cluster-wide, or in one namespace).
Every request is logged, so tests can assert what a client asked for (and that it wrote nothing).
"""

from __future__ import annotations

import base64
import json
import ssl
import threading
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import yaml

from tests.support.registry import _tls_files

TOKEN = "test-token-0123456789abcdef"  # a credential: tests assert it never shows up in output
USER = "system:serviceaccount:sme-migrate:scanner"
EXPIRED_MESSAGE = (
    "The provided continue parameter is too old to display a consistent list result. You can "
    "start a new list without the continue parameter, or use the continue token in this "
    "response to retrieve the remainder of the results. Continuing with the provided token "
    "results in an inconsistent list - objects that were created, modified, or deleted between "
    "the time the first chunk was returned and now may show up in the list."
)
VERSION = {
    "major": "1", "minor": "27", "gitVersion": "v1.27.6", "gitCommit": "0" * 40,
    "gitTreeState": "clean", "buildDate": "2024-01-01T00:00:00Z", "goVersion": "go1.20.10",
    "compiler": "gc", "platform": "linux/amd64",
}


@dataclass(frozen=True)
class ApiType:
    group: str  # "" for the core group
    version: str
    plural: str
    kind: str
    namespaced: bool = True

    @property
    def group_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def prefix(self) -> str:
        return f"/apis/{self.group_version}" if self.group else "/api/v1"

    @property
    def qualified(self) -> str:
        return f"{self.plural}.{self.group}" if self.group else self.plural

    def discovery(self) -> dict[str, Any]:
        return {"name": self.plural, "singularName": self.kind.lower(),
                "namespaced": self.namespaced, "kind": self.kind,
                "verbs": ["create", "delete", "get", "list", "patch", "update", "watch"]}


NAMESPACES = ApiType("", "v1", "namespaces", "Namespace", namespaced=False)
PODS = ApiType("", "v1", "pods", "Pod")
SERVICES = ApiType("", "v1", "services", "Service")
DEPLOYMENTS = ApiType("apps", "v1", "deployments", "Deployment")
SME = ApiType("maistra.io", "v1", "servicemeshextensions", "ServiceMeshExtension")
SME_V1ALPHA1 = ApiType("maistra.io", "v1alpha1", "servicemeshextensions", "ServiceMeshExtension")
SMCP = ApiType("maistra.io", "v2", "servicemeshcontrolplanes", "ServiceMeshControlPlane")
SMMR = ApiType("maistra.io", "v1", "servicemeshmemberrolls", "ServiceMeshMemberRoll")
SMM = ApiType("maistra.io", "v1", "servicemeshmembers", "ServiceMeshMember")
WASMPLUGINS = ApiType("extensions.istio.io", "v1alpha1", "wasmplugins", "WasmPlugin")
AUTHZ = ApiType("security.istio.io", "v1beta1", "authorizationpolicies", "AuthorizationPolicy")
VIRTUALSERVICES = ApiType("networking.istio.io", "v1beta1", "virtualservices", "VirtualService")
GATEWAYS = ApiType("networking.istio.io", "v1beta1", "gateways", "Gateway")
ENVOYFILTERS = ApiType("networking.istio.io", "v1alpha3", "envoyfilters", "EnvoyFilter")
CORE_TYPES = (NAMESPACES, PODS, SERVICES, DEPLOYMENTS)
MAISTRA_TYPES = (SME, SME_V1ALPHA1, SMCP, SMMR, SMM)
ISTIO_TYPES = (WASMPLUGINS, AUTHZ, VIRTUALSERVICES, GATEWAYS, ENVOYFILTERS)
ALL_TYPES = CORE_TYPES + MAISTRA_TYPES + ISTIO_TYPES
BUILT_IN_GROUPS = ("", "apps")


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query: Mapping[str, str]
    authorization: str | None


def status_body(code: int, reason: str, message: str, **extra: Any) -> dict[str, Any]:
    return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
            "message": message, "reason": reason, "code": code, **extra}


class Reply(Exception):
    """Raised by a handler to answer with a status and a body."""

    def __init__(self, code: int, body: Mapping[str, Any]) -> None:
        super().__init__(code)
        self.code = code
        self.body = body


@dataclass
class KubeApi:
    """The cluster's state and the server's behaviour; mutate it before (or between) requests."""

    types: tuple[ApiType, ...] = ALL_TYPES
    objects: dict[ApiType, list[dict[str, Any]]] = field(default_factory=dict)
    token: str | None = TOKEN  # None: anonymous requests are allowed (kubectl over plain http)
    denied: set[tuple[str, str | None]] = field(default_factory=set)  # (plural, namespace)
    expire_once: set[str] = field(default_factory=set)  # plurals whose next continue gets 410
    max_limit: int | None = None  # cap every page (the server may return fewer than asked)
    unavailable: dict[str, int] = field(default_factory=dict)  # plural: 503s before answering
    grants: set[tuple[str, str, str]] | None = None  # (group, plural, verb); None: all
    requests: list[Request] = field(default_factory=list)
    resource_version: int = 1000

    def add(self, *bodies: Mapping[str, Any]) -> None:
        for body in bodies:
            api_type = self.type_of(body)
            self.objects.setdefault(api_type, []).append(json.loads(json.dumps(body)))

    def type_of(self, body: Mapping[str, Any]) -> ApiType:
        for api_type in self.types:
            if (api_type.group_version, api_type.kind) == (body["apiVersion"], body["kind"]):
                return api_type
        raise ValueError(f"this cluster does not serve {body['apiVersion']} {body['kind']}")

    def deny(self, plural: str, namespace: str | None = None) -> None:
        """Forbid listing `plural` cluster-wide (namespace None) or in one namespace."""
        self.denied.add((plural, namespace))

    def without(self, *groups: str) -> None:
        """The cluster does not serve these API groups (their CRDs are not installed)."""
        self.types = tuple(t for t in self.types if t.group not in groups)

    # --- the protocol ----------------------------------------------------------------------

    def answer(self, request: Request) -> tuple[int, Mapping[str, Any]]:
        self.requests.append(request)
        try:
            self._authenticate(request)
            if request.method != "GET":
                raise Reply(405, status_body(405, "MethodNotAllowed",
                                             "the server does not allow this method on the "
                                             "requested resource"))
            return 200, self._get(request)
        except Reply as reply:
            return reply.code, reply.body

    def _authenticate(self, request: Request) -> None:
        if self.token is not None and request.authorization != f"Bearer {self.token}":
            raise Reply(401, status_body(401, "Unauthorized", "Unauthorized"))

    def _get(self, request: Request) -> Mapping[str, Any]:
        parts = [p for p in request.path.split("/") if p]
        if parts == ["version"]:
            return VERSION
        if parts == ["api"]:
            return {"kind": "APIVersions", "versions": ["v1"], "serverAddressByClientCIDRs": [
                {"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1:6443"}]}
        if parts == ["apis"]:
            return self._group_list()
        if parts[:2] == ["api", "v1"]:
            return self._resource_request("", "v1", parts[2:], request)
        if parts[:1] == ["apis"] and len(parts) >= 3:
            return self._resource_request(parts[1], parts[2], parts[3:], request)
        raise self._not_found(request.path)

    def _not_found(self, path: str) -> Reply:
        return Reply(404, status_body(404, "NotFound", "the server could not find the requested "
                                      "resource", details={}))

    def _group_list(self) -> dict[str, Any]:
        groups: dict[str, list[str]] = {}
        for api_type in self.types:
            if api_type.group:
                versions = groups.setdefault(api_type.group, [])
                if api_type.version not in versions:
                    versions.append(api_type.version)
        return {"kind": "APIGroupList", "apiVersion": "v1", "groups": [
            {"name": group, "versions": [self._version(group, v) for v in versions],
             "preferredVersion": self._version(group, versions[0])}
            for group, versions in groups.items()]}

    @staticmethod
    def _version(group: str, version: str) -> dict[str, str]:
        return {"groupVersion": f"{group}/{version}", "version": version}

    def _served(self, group: str, version: str) -> list[ApiType]:
        return [t for t in self.types if (t.group, t.version) == (group, version)]

    def _resource_request(self, group: str, version: str, rest: list[str],
                          request: Request) -> Mapping[str, Any]:
        served = self._served(group, version)
        if not served:
            raise self._not_found(request.path)
        if not rest:
            return {"kind": "APIResourceList", "apiVersion": "v1",
                    "groupVersion": served[0].group_version,
                    "resources": [t.discovery() for t in served]}
        namespace = None
        if rest[0] == "namespaces" and len(rest) >= 3:
            namespace, rest = rest[1], rest[2:]
        api_type = next((t for t in served if t.plural == rest[0]), None)
        if api_type is None or (namespace is not None and not api_type.namespaced):
            raise self._not_found(request.path)
        if len(rest) == 1:
            return self._list(api_type, namespace, request)
        if len(rest) == 2:
            return self._get_object(api_type, namespace, rest[1], request)
        raise self._not_found(request.path)

    def _authorize(self, verb: str, api_type: ApiType, namespace: str | None) -> None:
        granted = self.grants is None or (api_type.group, api_type.plural, verb) in self.grants
        if granted and (api_type.plural, namespace) not in self.denied:
            return
        scope = f'in the namespace "{namespace}"' if namespace else "at the cluster scope"
        message = (f'{api_type.qualified} is forbidden: User "{USER}" cannot {verb} resource '
                   f'"{api_type.plural}" in API group "{api_type.group}" {scope}')
        details = {"group": api_type.group, "kind": api_type.plural}
        raise Reply(403, status_body(403, "Forbidden", message, details=details))

    def _items(self, api_type: ApiType, namespace: str | None) -> list[dict[str, Any]]:
        found = [o for o in self.objects.get(api_type, [])
                 if namespace is None or o["metadata"].get("namespace") == namespace]
        return sorted(found, key=lambda o: (o["metadata"].get("namespace", ""),
                                            o["metadata"]["name"]))

    def _list(self, api_type: ApiType, namespace: str | None,
              request: Request) -> Mapping[str, Any]:
        self._authorize("list", api_type, namespace)
        if self.unavailable.get(api_type.plural):
            self.unavailable[api_type.plural] -= 1
            raise Reply(503, status_body(503, "ServiceUnavailable",
                                         "the server is currently unable to handle the request"))
        items = self._items(api_type, namespace)
        start = self._start(api_type, request.query.get("continue"))
        limit = int(request.query.get("limit") or 0) or len(items) or 1
        if self.max_limit:
            limit = min(limit, self.max_limit)
        page, rest = items[start:start + limit], items[start + limit:]
        metadata: dict[str, Any] = {"resourceVersion": str(self.resource_version)}
        if rest:
            metadata["continue"] = _token(start + limit, self.resource_version)
            metadata["remainingItemCount"] = len(rest)
        return {"kind": f"{api_type.kind}List", "apiVersion": api_type.group_version,
                "metadata": metadata, "items": [self._item(api_type, o) for o in page]}

    def _start(self, api_type: ApiType, token: str | None) -> int:
        if not token:
            return 0
        if api_type.plural in self.expire_once:
            self.expire_once.discard(api_type.plural)
            self.resource_version += 1  # the list changed meanwhile: a restart sees it anew
            raise Reply(410, status_body(410, "Expired", EXPIRED_MESSAGE))
        try:
            decoded = json.loads(base64.urlsafe_b64decode(token.encode()))
            return int(decoded["start"])
        except (ValueError, KeyError, TypeError) as error:
            raise Reply(400, status_body(400, "BadRequest",
                                         f"continue key is not valid: {error}")) from None

    @staticmethod
    def _typed(api_type: ApiType, body: Mapping[str, Any]) -> dict[str, Any]:
        return {**body, "apiVersion": api_type.group_version, "kind": api_type.kind}

    @staticmethod
    def _item(api_type: ApiType, body: Mapping[str, Any]) -> dict[str, Any]:
        """List items of built-in kinds carry no apiVersion/kind on the wire; custom ones do."""
        if api_type.group in BUILT_IN_GROUPS:
            return {k: v for k, v in body.items() if k not in ("apiVersion", "kind")}
        return KubeApi._typed(api_type, body)

    def _get_object(self, api_type: ApiType, namespace: str | None, name: str,
                    request: Request) -> Mapping[str, Any]:
        self._authorize("get", api_type, namespace)
        for body in self._items(api_type, namespace):
            if body["metadata"]["name"] == name:
                return self._typed(api_type, body)
        message = f'{api_type.qualified} "{name}" not found'
        raise Reply(404, status_body(404, "NotFound", message,
                                     details={"name": name, "kind": api_type.plural}))

    # --- what tests ask of the log ---------------------------------------------------------

    def writes(self) -> list[Request]:
        return [r for r in self.requests if r.method != "GET"]

    def lists(self, plural: str) -> list[Request]:
        return [r for r in self.requests if r.path.rstrip("/").endswith("/" + plural)]


def _token(start: int, resource_version: int) -> str:
    raw = json.dumps({"start": start, "rv": resource_version}).encode()
    return base64.urlsafe_b64encode(raw).decode()


def _handler(api: KubeApi) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _serve(self) -> None:
            url = urlparse(self.path)
            query = {k: v[-1] for k, v in parse_qs(url.query).items()}
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)
            code, body = api.answer(Request(self.command, url.path, query,
                                            self.headers.get("Authorization")))
            data = json.dumps(body).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


@dataclass(frozen=True)
class RunningApi:
    api: KubeApi
    url: str
    ca_file: Path | None

    def kubeconfig(self, path: Path, context: str = "test-cluster",
                   token: str | None = TOKEN) -> Path:
        cluster: dict[str, Any] = {"server": self.url}
        if self.ca_file:
            cluster["certificate-authority"] = str(self.ca_file)
        user = {"token": token} if token else {}
        config = {
            "apiVersion": "v1", "kind": "Config", "current-context": context,
            "clusters": [{"name": "test", "cluster": cluster}],
            "users": [{"name": "scanner", "user": user}],
            "contexts": [{"name": context, "context": {"cluster": "test", "user": "scanner"}}],
        }
        path.write_text(yaml.safe_dump(config))
        return path


@contextmanager
def serve(api: KubeApi, workdir: Path | None = None) -> Iterator[RunningApi]:
    """Serve `api` on 127.0.0.1; with `workdir`, over TLS with a CA written there."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(api))
    server.daemon_threads = True
    ca_file = None
    if workdir is not None:
        workdir.mkdir(parents=True, exist_ok=True)
        ca_file, cert, key = _tls_files(workdir)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    scheme = "https" if ca_file else "http"
    try:
        yield RunningApi(api, f"{scheme}://127.0.0.1:{server.server_address[1]}", ca_file)
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def names(items: Iterable[Mapping[str, Any]]) -> list[str]:
    return [f"{i['metadata'].get('namespace', '')}/{i['metadata']['name']}" for i in items]
