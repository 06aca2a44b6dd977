"""Image references (`[oci://]host[:port]/repo[:tag][@digest]`), parsed as docker does."""

from __future__ import annotations

import re
from dataclasses import dataclass

from migrate.modules.digests import is_digest
from migrate.modules.errors import ModuleError
from migrate.rules.ids import RuleId

DOCKER_HUB = "docker.io"
_DOCKER_HUB_API = "registry-1.docker.io"
_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_REPOSITORY = re.compile(rf"^{_COMPONENT}(?:/{_COMPONENT})*$")
_TAG = re.compile(r"^[\w][\w.-]{0,127}$")
_MUTABLE_TAGS = frozenset({"latest"})


@dataclass(frozen=True)
class ImageReference:
    registry: str  # as written by the user (docker.io when omitted)
    repository: str
    tag: str | None = None
    digest: str | None = None

    @property
    def api_host(self) -> str:
        """The host (and port) the distribution API is served on."""
        return (
            _DOCKER_HUB_API if self.registry in (DOCKER_HUB, "index.docker.io") else self.registry
        )

    @property
    def is_mutable(self) -> bool:
        """No digest and a tag that is moved on purpose (or none: docker assumes `latest`)."""
        return self.digest is None and (self.tag is None or self.tag in _MUTABLE_TAGS)

    @property
    def manifest_key(self) -> str:
        return self.digest or self.tag or "latest"

    def __str__(self) -> str:
        text = f"{self.registry}/{self.repository}"
        if self.tag:
            text += f":{self.tag}"
        if self.digest:
            text += f"@{self.digest}"
        return text


def parse_reference(text: str) -> ImageReference:
    """Parse an image reference; a malformed one raises ModuleError(MOD023)."""
    raw = text.strip().removeprefix("oci://")
    name, _, digest = raw.partition("@")
    if digest and not is_digest(digest):
        raise _invalid(text, f"{digest!r} is not a sha256 digest")
    registry, path = _split_registry(name)
    repository, tag = _split_tag(path)
    if not _REPOSITORY.match(repository):
        raise _invalid(text, f"repository {repository!r} is not a valid name")
    if tag is not None and not _TAG.match(tag):
        raise _invalid(text, f"tag {tag!r} is not valid")
    if registry == DOCKER_HUB and "/" not in repository:
        repository = f"library/{repository}"
    return ImageReference(registry, repository, tag, digest or None)


def _split_registry(name: str) -> tuple[str, str]:
    first, sep, rest = name.partition("/")
    # docker's rule: the first component is a host only if it looks like one
    if sep and ("." in first or ":" in first or first == "localhost"):
        return first, rest
    return DOCKER_HUB, name


def _split_tag(path: str) -> tuple[str, str | None]:
    head, sep, last = path.rpartition("/")
    base, colon, tag = last.partition(":")
    repository = f"{head}{sep}{base}"
    return repository, (tag if colon else None)


def _invalid(text: str, why: str) -> ModuleError:
    return ModuleError(RuleId.INVALID_IMAGE_REFERENCE,
                       f"invalid image reference {text.strip()[:200]!r}: {why}")
