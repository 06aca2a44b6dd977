"""Content digests (`sha256:<hex>`) as the OCI distribution spec defines them."""

from __future__ import annotations

import hashlib
import re

from migrate.modules.errors import ModuleError
from migrate.rules.ids import RuleId

_DIGEST = re.compile(r"^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$")


def is_digest(text: str) -> bool:
    return bool(_DIGEST.match(text))


def hasher_for(digest: str) -> hashlib._Hash:
    """A fresh hash object of the digest's algorithm; unknown algorithms are a registry error."""
    if not is_digest(digest):
        raise ModuleError(RuleId.REGISTRY_PROTOCOL_ERROR,
                          f"unsupported or malformed digest {digest[:80]!r}")
    return hashlib.new(digest.split(":", 1)[0])


def sha256_digest(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def verify(data: bytes, expected: str, what: str) -> None:
    hasher = hasher_for(expected)
    hasher.update(data)
    actual = f"{hasher.name}:{hasher.hexdigest()}"
    if actual != expected:
        raise ModuleError(RuleId.DIGEST_MISMATCH,
                          f"{what} has digest {actual}, expected {expected}")
