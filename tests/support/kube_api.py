"""A Kubernetes API server for tests: the wire protocol of kube-apiserver for the resources the
scan reads, on 127.0.0.1 (http, or https with a CA generated here), in a thread.

What it speaks, as the real server does: `/version`, discovery (`/api`, `/api/v1`, `/apis`,
`/apis/<group>/<version>`), cluster-wide and namespaced lists with `limit`, `continue` and
`metadata.remainingItemCount`, get, and `Status` bodies for 401, 403, 404, 405 and 410. Writes:
create (201, 409 AlreadyExists), server-side apply (201 when it creates, 200 when it updates,
409 Conflict when another field manager set a spec it would change, unless `force`), JSON merge
patch, delete (with uid/resourceVersion preconditions), `dryRun=All` (validated, not stored) and
`fail_write` (the Nth write answers 500). Bearer
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
WRITE_METHODS = ("POST", "PATCH", "DELETE")
APPLY_PATCH = "application/apply-patch+yaml"
MERGE_PATCH = "application/merge-patch+json"


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query: Mapping[str, str]
    authorization: str | None
    content_type: str | None = None
    body: Any = None  # the parsed request body (JSON, or YAML for a server-side apply)

    @property
    def dry_run(self) -> bool:
        return self.query.get("dryRun") == "All"


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
    fail_write: int | None = None  # the Nth write (1-based) answers 500 and changes nothing
    writes_seen: int = 0
    codes: list[int] = field(default_factory=list)  # the status of each answer, as logged

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
        code, body = self._answer(request)
        self.codes.append(code)
        return code, body

    def _answer(self, request: Request) -> tuple[int, Mapping[str, Any]]:
        self.requests.append(request)
        try:
            self._authenticate(request)
            if request.method in WRITE_METHODS:
                return self._write(request)
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

    # --- writes: create, server-side apply, merge patch, delete -------------------------------

    def _write(self, request: Request) -> tuple[int, Mapping[str, Any]]:
        api_type, namespace, name = self._target(request)
        verb = {"POST": "create", "PATCH": "patch", "DELETE": "delete"}[request.method]
        self._authorize(verb, api_type, namespace)
        self.writes_seen += 1
        if self.writes_seen == self.fail_write:
            raise Reply(500, status_body(500, "InternalError", "Internal error occurred: "
                                         "etcdserver: request timed out"))
        if request.method == "POST":
            return self._create(api_type, namespace, request)
        if name is None:
            raise Reply(405, status_body(405, "MethodNotAllowed", "the server does not allow "
                                         "this method on the requested resource"))
        if request.method == "DELETE":
            return self._delete(api_type, namespace, name, request)
        return self._patch(api_type, namespace, name, request)

    def _target(self, request: Request) -> tuple[ApiType, str | None, str | None]:
        parts = [p for p in request.path.split("/") if p]
        group, version, rest = (("", "v1", parts[2:]) if parts[:2] == ["api", "v1"]
                                else (parts[1], parts[2], parts[3:]) if len(parts) >= 3
                                else ("", "", []))
        namespace = None
        if rest[:1] == ["namespaces"] and len(rest) >= 3:
            namespace, rest = rest[1], rest[2:]
        api_type = next((t for t in self._served(group, version) if rest[:1] == [t.plural]),
                        None)
        if api_type is None or len(rest) > 2:
            raise self._not_found(request.path)
        return api_type, namespace, rest[1] if len(rest) == 2 else None

    def _find(self, api_type: ApiType, namespace: str | None, name: str) -> dict[str, Any] | None:
        return next((o for o in self.objects.get(api_type, [])
                     if o["metadata"]["name"] == name
                     and o["metadata"].get("namespace") == namespace), None)

    def _missing(self, api_type: ApiType, name: str) -> Reply:
        return Reply(404, status_body(404, "NotFound", f'{api_type.qualified} "{name}" not found',
                                      details={"name": name, "group": api_type.group,
                                               "kind": api_type.plural}))

    def _stamp(self, body: dict[str, Any], manager: str, operation: str) -> None:
        self.resource_version += 1
        metadata = body["metadata"]
        metadata["resourceVersion"] = str(self.resource_version)
        entries = [e for e in metadata.get("managedFields") or [] if e.get("manager") != manager]
        entries.append({"manager": manager, "operation": operation,
                        "apiVersion": body.get("apiVersion"), "fieldsType": "FieldsV1",
                        "fieldsV1": {"f:spec": {}}, "time": "2026-12-01T23:00:00Z"})
        metadata["managedFields"] = entries

    def _new(self, api_type: ApiType, namespace: str | None, body: Mapping[str, Any],
             manager: str, operation: str, dry_run: bool) -> dict[str, Any]:
        created = self._typed(api_type, json.loads(json.dumps(body)))
        metadata = created.setdefault("metadata", {})
        if namespace:
            metadata["namespace"] = namespace
        metadata.update(uid=f"uid-new-{self.resource_version}", generation=1,
                        creationTimestamp="2026-12-01T23:00:00Z")
        created.pop("status", None)
        self._stamp(created, manager, operation)
        if not dry_run:
            self.objects.setdefault(api_type, []).append(created)
        return created

    def _create(self, api_type: ApiType, namespace: str | None,
                request: Request) -> tuple[int, Mapping[str, Any]]:
        body = request.body if isinstance(request.body, Mapping) else {}
        name = str(body.get("metadata", {}).get("name") or "")
        if self._find(api_type, namespace, name) is not None:
            raise Reply(409, status_body(409, "AlreadyExists", f'{api_type.qualified} "{name}" '
                                         "already exists", details={"name": name,
                                                                    "kind": api_type.plural}))
        manager = request.query.get("fieldManager") or "python-requests"
        return 201, self._new(api_type, namespace, body, manager, "Update", request.dry_run)

    def _patch(self, api_type: ApiType, namespace: str | None, name: str,
               request: Request) -> tuple[int, Mapping[str, Any]]:
        patch = request.body if isinstance(request.body, Mapping) else {}
        current = self._find(api_type, namespace, name)
        if request.content_type == APPLY_PATCH:
            return self._apply(api_type, namespace, name, current, patch, request)
        if request.content_type != MERGE_PATCH:
            raise Reply(415, status_body(415, "UnsupportedMediaType", "the body of the request "
                                         f"was in an unknown format: {request.content_type}"))
        if current is None:
            raise self._missing(api_type, name)
        updated = merged(current, patch)
        self._stamp(updated, request.query.get("fieldManager") or "python-requests", "Update")
        if not request.dry_run:
            current.clear()
            current.update(updated)
        return 200, self._typed(api_type, updated)

    def _apply(self, api_type: ApiType, namespace: str | None, name: str,
               current: dict[str, Any] | None, patch: Mapping[str, Any],
               request: Request) -> tuple[int, Mapping[str, Any]]:
        manager = request.query.get("fieldManager")
        if not manager:
            raise Reply(400, status_body(400, "BadRequest", "PatchOptions.meta.k8s.io "
                                         '"" is invalid: fieldManager: Required value: is '
                                         "required for apply patch"))
        if current is None:  # kube-apiserver authorizes an apply that creates as create too
            self._authorize("create", api_type, namespace)
            return 201, self._new(api_type, namespace, patch, manager, "Apply", request.dry_run)
        others = [str(e.get("manager")) for e in current["metadata"].get("managedFields") or []
                  if e.get("manager") != manager]
        changed = merged(current, patch).get("spec") != current.get("spec")
        if others and changed and request.query.get("force") != "true":
            raise Reply(409, status_body(409, "Conflict", f'Apply failed with 1 conflict: '
                                         f'conflict with "{others[0]}": .spec',
                                         details={"causes": [{"reason": "FieldManagerConflict",
                                                              "message": f'conflict with '
                                                              f'"{others[0]}"',
                                                              "field": ".spec"}]}))
        updated = merged(current, patch)
        self._stamp(updated, manager, "Apply")
        if not request.dry_run:
            current.clear()
            current.update(updated)
        return 200, self._typed(api_type, updated)

    def _delete(self, api_type: ApiType, namespace: str | None, name: str,
                request: Request) -> tuple[int, Mapping[str, Any]]:
        current = self._find(api_type, namespace, name)
        if current is None:
            raise self._missing(api_type, name)
        wanted = (request.body or {}).get("preconditions") or {}
        for key in ("uid", "resourceVersion"):
            if wanted.get(key) and wanted[key] != current["metadata"].get(key):
                raise Reply(409, status_body(409, "Conflict", f"Precondition failed: {key} in "
                                             f"precondition: {wanted[key]}, {key} in object "
                                             f"meta: {current['metadata'].get(key)}"))
        if not request.dry_run:
            self.objects[api_type].remove(current)
        return 200, {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success",
                     "details": {"name": name, "group": api_type.group,
                                 "kind": api_type.plural, "uid": current["metadata"]["uid"]}}

    def stored(self, api_type: ApiType) -> list[dict[str, Any]]:
        return self._items(api_type, None)

    # --- what tests ask of the log ---------------------------------------------------------

    def writes(self) -> list[Request]:
        return [r for r in self.requests if r.method != "GET"]

    def answered(self) -> list[tuple[Request, int]]:
        return list(zip(self.requests, self.codes, strict=True))

    def lists(self, plural: str) -> list[Request]:
        return [r for r in self.requests if r.path.rstrip("/").endswith("/" + plural)]


def merged(target: Mapping[str, Any], patch: Mapping[str, Any]) -> dict[str, Any]:
    """RFC 7386 JSON merge patch (null removes a key)."""
    result: dict[str, Any] = json.loads(json.dumps(target))
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        elif isinstance(value, Mapping) and isinstance(result.get(key), Mapping):
            result[key] = merged(result[key], value)
        else:
            result[key] = json.loads(json.dumps(value))
    return result


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
            raw = self.rfile.read(length) if length else b""
            content_type = (self.headers.get("Content-Type") or "").split(";")[0] or None
            code, body = api.answer(Request(self.command, url.path, query,
                                            self.headers.get("Authorization"), content_type,
                                            yaml.safe_load(raw) if raw else None))
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
