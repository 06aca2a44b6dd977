"""Where the repository lives: its remote URL, the forge behind it, and the credentials git gets.

The token goes to git only through `GIT_CONFIG_*` environment variables, as an HTTP header
scoped to the remote's own scheme, host and port: never in argv, a URL, or anything under
`.git/`.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlsplit

from migrate.pipeline.errors import UsageError


class Platform(StrEnum):
    GITHUB = "github"
    GITLAB = "gitlab"


GIT_USER = {Platform.GITHUB: "x-access-token", Platform.GITLAB: "oauth2"}
TOKEN_VARIABLE = {Platform.GITHUB: "GITHUB_TOKEN", Platform.GITLAB: "GITLAB_TOKEN"}
_SCP_LIKE = re.compile(r"^(?:[\w.-]+@)?([\w.-]+):(?!//)(.+)$")


@dataclass(frozen=True)
class Remote:
    url: str  # http(s) clone URL, without credentials
    origin: str  # scheme://host[:port]/ — what the credentials are scoped to
    path: str  # owner/name (GitLab: group/subgroup/name)

    @property
    def host(self) -> str:
        return urlsplit(self.origin).netloc


def parse_remote(url: str) -> Remote:
    """An http(s) remote; SSH remotes cannot take a token, so they are a usage error."""
    if _SCP_LIKE.match(url) or url.startswith("ssh://"):
        raise UsageError(f"remote {redact_url(url)} is SSH; the bot pushes over HTTPS with a "
                         "token: pass an https remote (git remote set-url, or --remote)")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"remote {redact_url(url)} is not an http(s) URL")
    host = parts.hostname + (f":{parts.port}" if parts.port else "")
    clean = f"{parts.scheme}://{host}{parts.path}"
    path = parts.path.strip("/").removesuffix(".git")
    return Remote(clean, f"{parts.scheme}://{host}/", path)


def guess_platform(remote: Remote) -> Platform:
    return Platform.GITLAB if "gitlab" in remote.host else Platform.GITHUB


def git_auth_environment(remote: Remote, platform: Platform, token: str) -> dict[str, str]:
    """Environment for git: the token as an Authorization header for this origin only."""
    basic = base64.b64encode(f"{GIT_USER[platform]}:{token}".encode()).decode()
    return {
        "GIT_CONFIG_COUNT": "1",
        "GIT_CONFIG_KEY_0": f"http.{remote.origin}.extraHeader",
        "GIT_CONFIG_VALUE_0": f"Authorization: Basic {basic}",
        "GIT_TERMINAL_PROMPT": "0",
        "GIT_ASKPASS": "/bin/false",  # never ask: a missing token is an error, not a prompt
    }


def redact_url(url: str) -> str:
    """A URL as it may be shown: any user or password in it replaced."""
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return parts._replace(netloc=f"***@{host}{port}").geturl()


def redact(text: str, token: str) -> str:
    """`text` without the token, plain or in the Basic forms git and forges see."""
    if not token:
        return text
    forms = {token, *(base64.b64encode(f"{user}:{token}".encode()).decode()
                      for user in GIT_USER.values())}
    for form in sorted(forms, key=len, reverse=True):
        text = text.replace(form, "***")
    return text
