"""Pull requests behind one small interface: GitHub (PyGithub) and GitLab (python-gitlab)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from migrate.gitops.remote import Platform, Remote, redact
from migrate.pipeline.errors import UsageError


@dataclass(frozen=True)
class PullRequest:
    number: int
    url: str
    title: str
    body: str


class Forge(Protocol):
    def find(self, branch: str) -> PullRequest | None: ...

    def create(self, branch: str, base: str, title: str, body: str) -> PullRequest: ...

    def update(self, pull: PullRequest, title: str, body: str) -> PullRequest: ...


def default_api_url(platform: Platform, remote: Remote) -> str:
    if platform is Platform.GITHUB:
        return "https://api.github.com" if remote.host == "github.com" else (
            f"{remote.origin}api/v3")
    return remote.origin.rstrip("/")


def open_forge(platform: Platform, api_url: str, path: str, token: str) -> Forge:
    if platform is Platform.GITHUB:
        return GitHubForge(api_url, path, token)
    return GitLabForge(api_url, path, token)


class GitHubForge:
    def __init__(self, api_url: str, path: str, token: str) -> None:
        from github import Auth, Github, GithubException

        self._errors = GithubException
        self._token = token
        client = Github(base_url=api_url, auth=Auth.Token(token), retry=None,
                        seconds_between_requests=0.0, seconds_between_writes=0.25)
        self._repo: Any = self._call(lambda: client.get_repo(path))
        self._owner = path.split("/", 1)[0]

    def _call(self, action: Any) -> Any:
        try:
            return action()
        except self._errors as error:
            message = (error.data or {}).get("message") if isinstance(error.data, dict) else ""
            details = _github_details(error.data)
            raise UsageError(redact(f"GitHub answered {error.status}: {message}{details}",
                                    self._token)) from None

    def find(self, branch: str) -> PullRequest | None:
        # `head` needs the owner: without it GitHub ignores the filter and lists every PR
        pulls = self._call(lambda: list(self._repo.get_pulls(
            state="open", head=f"{self._owner}:{branch}")))
        return _github_pull(pulls[0]) if pulls else None

    def create(self, branch: str, base: str, title: str, body: str) -> PullRequest:
        return _github_pull(self._call(lambda: self._repo.create_pull(
            title=title, body=body, head=branch, base=base)))

    def update(self, pull: PullRequest, title: str, body: str) -> PullRequest:
        found = self._call(lambda: self._repo.get_pull(pull.number))
        self._call(lambda: found.edit(title=title, body=body))
        return PullRequest(pull.number, pull.url, title, body)


def _github_details(data: Any) -> str:
    errors = data.get("errors") if isinstance(data, dict) else None
    said = [str(e.get("message") or e.get("code")) for e in errors or [] if isinstance(e, dict)]
    return f" ({'; '.join(said)})" if said else ""


def _github_pull(pull: Any) -> PullRequest:
    return PullRequest(int(pull.number), str(pull.html_url), str(pull.title or ""),
                       str(pull.body or ""))


class GitLabForge:
    def __init__(self, api_url: str, path: str, token: str) -> None:
        import gitlab

        self._errors = gitlab.exceptions.GitlabError
        self._token = token
        client = gitlab.Gitlab(api_url, private_token=token, retry_transient_errors=False)
        self._project: Any = self._call(lambda: client.projects.get(path))

    def _call(self, action: Any) -> Any:
        try:
            return action()
        except self._errors as error:
            said = error.error_message
            text = "; ".join(map(str, said)) if isinstance(said, list) else str(said)
            raise UsageError(redact(f"GitLab answered {error.response_code}: {text}",
                                    self._token)) from None

    def find(self, branch: str) -> PullRequest | None:
        found = self._call(lambda: self._project.mergerequests.list(
            source_branch=branch, state="opened", get_all=False))
        return _gitlab_request(found[0]) if found else None

    def create(self, branch: str, base: str, title: str, body: str) -> PullRequest:
        return _gitlab_request(self._call(lambda: self._project.mergerequests.create({
            "source_branch": branch, "target_branch": base, "title": title,
            "description": body})))

    def update(self, pull: PullRequest, title: str, body: str) -> PullRequest:
        self._call(lambda: self._project.mergerequests.update(
            pull.number, {"title": title, "description": body}))
        return PullRequest(pull.number, pull.url, title, body)


def _gitlab_request(request: Any) -> PullRequest:
    return PullRequest(int(request.iid), str(request.web_url), str(request.title or ""),
                       str(request.description or ""))
