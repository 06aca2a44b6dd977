"""A git forge for tests, on 127.0.0.1: git's own `git http-backend` for clone and push (token
auth as GitHub and GitLab take it), GitHub's REST pull-request endpoints under /api/v3 and
GitLab's merge-request endpoints under /api/v4, with the status codes and error bodies those
services send. Every request is logged, Authorization headers included, for assertions."""

from __future__ import annotations

import base64
import json
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

HTTP_BACKEND = "/usr/lib/git-core/git-http-backend"
GIT_USERS = ("x-access-token", "oauth2")  # GitHub's and GitLab's user names for a token


@dataclass
class Logged:
    method: str
    path: str
    headers: dict[str, str]


@dataclass
class ForgeState:
    root: Path  # bare repositories: <root>/<owner>/<name>.git
    token: str
    owner: str = "acme"
    name: str = "mesh-config"
    pulls: list[dict[str, Any]] = field(default_factory=list)
    log: list[Logged] = field(default_factory=list)
    base_url: str = ""

    @property
    def bare(self) -> Path:
        return self.root / self.owner / f"{self.name}.git"

    @property
    def clone_url(self) -> str:
        return f"{self.base_url}/{self.owner}/{self.name}.git"

    def branch_head(self, branch: str) -> str | None:
        done = subprocess.run(["git", "-C", str(self.bare), "rev-parse", "--verify", "-q",
                               f"refs/heads/{branch}"], capture_output=True, text=True)
        return done.stdout.strip() or None

    def secrets_seen(self) -> list[str]:
        """Every request line and header the server received, to look for leaked tokens."""
        return [f"{e.method} {e.path} {json.dumps(e.headers)}" for e in self.log]


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _dispatch(self) -> None:
        state = self.server.state
        state.log.append(Logged(self.command, self.path, dict(self.headers.items())))
        path = urlparse(self.path).path
        if path.startswith("/api/v3/"):
            _GitHub(self, state).handle(path.removeprefix("/api/v3"))
        elif path.startswith("/api/v4/"):
            _GitLab(self, state).handle(path.removeprefix("/api/v4"))
        else:
            self._git(state)

    do_GET = do_POST = do_PATCH = do_PUT = _dispatch

    def body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def json_body(self) -> Any:
        raw = self.body()
        return json.loads(raw) if raw else {}

    def reply(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    def _git(self, state: ForgeState) -> None:
        if not self._git_authorised(state):
            data = b"Authentication failed\n"
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="forge"')
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            return
        self._run_backend(state)

    def _git_authorised(self, state: ForgeState) -> bool:
        header = self.headers.get("Authorization", "")
        if not header.startswith("Basic "):
            return False
        user, _, password = base64.b64decode(header[6:]).decode().partition(":")
        return user in GIT_USERS and password == state.token

    def _run_backend(self, state: ForgeState) -> None:
        parsed = urlparse(self.path)
        env = {
            "GIT_PROJECT_ROOT": str(state.root), "GIT_HTTP_EXPORT_ALL": "1",
            "PATH_INFO": unquote(parsed.path), "QUERY_STRING": parsed.query,
            "REQUEST_METHOD": self.command, "CONTENT_TYPE": self.headers.get("Content-Type", ""),
            "REMOTE_USER": "bot", "REMOTE_ADDR": "127.0.0.1",
            "HTTP_CONTENT_ENCODING": self.headers.get("Content-Encoding", ""),
            "GIT_HTTP_MAX_REQUEST_BUFFER": "100M",
            "GIT_CONFIG_COUNT": "1", "GIT_CONFIG_KEY_0": "http.receivepack",
            "GIT_CONFIG_VALUE_0": "true", "PATH": "/usr/bin:/bin",
        }
        done = subprocess.run([HTTP_BACKEND], input=self._request_body(), env=env,
                              capture_output=True, check=False)
        head, _, payload = done.stdout.partition(b"\r\n\r\n")
        headers = [line.split(":", 1) for line in head.decode().split("\r\n") if ":" in line]
        status = next((int(v.split()[0]) for k, v in headers if k.lower() == "status"), 200)
        self.send_response(status)
        for key, value in headers:
            if key.lower() != "status":
                self.send_header(key, value.strip())
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _request_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() != "chunked":
            return self.body()
        chunks = []
        while (size := int(self.rfile.readline().strip(), 16)) > 0:
            chunks.append(self.rfile.read(size))
            self.rfile.readline()
        self.rfile.readline()
        return b"".join(chunks)


class _GitHub:
    def __init__(self, http: _Handler, state: ForgeState) -> None:
        self.http, self.state = http, state

    def handle(self, path: str) -> None:
        if self.http.headers.get("Authorization") != f"token {self.state.token}" and (
                self.http.headers.get("Authorization") != f"Bearer {self.state.token}"):
            self.http.reply(401, {"message": "Bad credentials",
                                  "documentation_url": "https://docs.github.com/rest"})
            return
        repo = f"/repos/{self.state.owner}/{self.state.name}"
        if path == repo and self.http.command == "GET":
            self.http.reply(200, self._repository())
        elif path == f"{repo}/pulls" and self.http.command == "GET":
            self.http.reply(200, self._list())
        elif path == f"{repo}/pulls" and self.http.command == "POST":
            self._create(self.http.json_body())
        elif path.startswith(f"{repo}/pulls/") and self.http.command == "GET":
            self._get(int(path.rsplit("/", 1)[1]))
        elif path.startswith(f"{repo}/pulls/") and self.http.command == "PATCH":
            self._update(int(path.rsplit("/", 1)[1]), self.http.json_body())
        else:
            self.http.reply(404, {"message": "Not Found",
                                  "documentation_url": "https://docs.github.com/rest"})

    def _api(self) -> str:
        return f"{self.state.base_url}/api/v3"

    def _repository(self) -> dict[str, Any]:
        full = f"{self.state.owner}/{self.state.name}"
        return {"id": 1, "name": self.state.name, "full_name": full,
                "owner": {"login": self.state.owner}, "default_branch": "main",
                "url": f"{self._api()}/repos/{full}",
                "html_url": f"{self.state.base_url}/{full}"}

    def _list(self) -> list[dict[str, Any]]:
        query = parse_qs(urlparse(self.http.path).query)
        head, state = query.get("head", [""])[0], query.get("state", ["open"])[0]
        pulls = [p for p in self.state.pulls if p["state"] == state or state == "all"]
        if head:  # GitHub filters by `owner:branch` and silently ignores anything else
            owner, _, branch = head.partition(":")
            pulls = [p for p in pulls if branch and p["head"]["label"] == f"{owner}:{branch}"]
        return pulls

    def _create(self, body: dict[str, Any]) -> None:
        head, base = str(body.get("head", "")), str(body.get("base", ""))
        branch = head.partition(":")[2] or head
        if self.state.branch_head(branch) is None or self.state.branch_head(base) is None:
            self.http.reply(422, {"message": "Validation Failed", "errors": [
                {"resource": "PullRequest", "field": "head", "code": "invalid"}]})
            return
        label = f"{self.state.owner}:{branch}"
        if any(p["head"]["label"] == label and p["state"] == "open" for p in self.state.pulls):
            self.http.reply(422, {"message": "Validation Failed", "errors": [
                {"resource": "PullRequest", "code": "custom",
                 "message": f"A pull request already exists for {label}."}]})
            return
        self.http.reply(201, self._new_pull(body, branch, base))

    def _new_pull(self, body: dict[str, Any], branch: str, base: str) -> dict[str, Any]:
        number = len(self.state.pulls) + 1
        full = f"{self.state.owner}/{self.state.name}"
        pull = {"number": number, "state": "open", "title": body.get("title"),
                "body": body.get("body"), "url": f"{self._api()}/repos/{full}/pulls/{number}",
                "html_url": f"{self.state.base_url}/{full}/pull/{number}",
                "head": {"ref": branch, "label": f"{self.state.owner}:{branch}",
                         "sha": self.state.branch_head(branch)},
                "base": {"ref": base, "label": f"{self.state.owner}:{base}"}}
        self.state.pulls.append(pull)
        return pull

    def _get(self, number: int) -> None:
        found = [p for p in self.state.pulls if p["number"] == number]
        if found:
            self.http.reply(200, found[0])
        else:
            self.http.reply(404, {"message": "Not Found"})

    def _update(self, number: int, body: dict[str, Any]) -> None:
        found = [p for p in self.state.pulls if p["number"] == number]
        if not found:
            self.http.reply(404, {"message": "Not Found"})
            return
        found[0].update({k: v for k, v in body.items() if k in ("title", "body", "state")})
        self.http.reply(200, found[0])


class _GitLab:
    def __init__(self, http: _Handler, state: ForgeState) -> None:
        self.http, self.state = http, state

    def handle(self, path: str) -> None:
        if self.http.headers.get("PRIVATE-TOKEN") != self.state.token:
            self.http.reply(401, {"message": "401 Unauthorized"})
            return
        full = f"{self.state.owner}/{self.state.name}"
        project = {"id": 7, "path_with_namespace": full, "default_branch": "main",
                   "web_url": f"{self.state.base_url}/{full}"}
        mrs = "/projects/7/merge_requests"
        if unquote(path) == f"/projects/{full}" and self.http.command == "GET":
            self.http.reply(200, project)
        elif path == mrs and self.http.command == "GET":
            self.http.reply(200, self._list(), {"X-Total": str(len(self._list()))})
        elif path == mrs and self.http.command == "POST":
            self._create(self.http.json_body())
        elif path.startswith(f"{mrs}/") and self.http.command == "PUT":
            self._update(int(path.rsplit("/", 1)[1]), self.http.json_body())
        else:
            self.http.reply(404, {"message": "404 Project Not Found"})

    def _list(self) -> list[dict[str, Any]]:
        query = parse_qs(urlparse(self.http.path).query)
        branch, state = query.get("source_branch", [None])[0], query.get("state", ["all"])[0]
        return [m for m in self.state.pulls if (branch is None or m["source_branch"] == branch)
                and (state == "all" or m["state"] == state)]

    def _create(self, body: dict[str, Any]) -> None:
        branch = str(body.get("source_branch"))
        open_ones = [m for m in self.state.pulls
                     if m["source_branch"] == branch and m["state"] == "opened"]
        if open_ones:
            self.http.reply(409, {"message": [
                "Another open merge request already exists for this source branch: "
                f"!{open_ones[0]['iid']}"]})
            return
        iid = len(self.state.pulls) + 1
        merge_request = {"id": 100 + iid, "iid": iid, "project_id": 7, "state": "opened",
                         "title": body.get("title"), "description": body.get("description"),
                         "source_branch": branch, "target_branch": body.get("target_branch"),
                         "web_url": f"{self.state.base_url}/{self.state.owner}/"
                                    f"{self.state.name}/-/merge_requests/{iid}"}
        self.state.pulls.append(merge_request)
        self.http.reply(201, merge_request)

    def _update(self, iid: int, body: dict[str, Any]) -> None:
        found = [m for m in self.state.pulls if m["iid"] == iid]
        if not found:
            self.http.reply(404, {"message": "404 Not found"})
            return
        found[0].update({k: v for k, v in body.items() if k in ("title", "description")})
        self.http.reply(200, found[0])


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, state: ForgeState) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.state = state


@contextmanager
def running_forge(root: Path, token: str) -> Iterator[ForgeState]:
    state = ForgeState(root, token)
    state.bare.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(state.bare)], check=True)
    server = _Server(state)
    state.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
