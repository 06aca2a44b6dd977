"""What a module check concludes, and what it depends on: the module's bytes, the
configuration and root id it is started with, the options that change the outcome, and the
checker itself. A verdict is stored under a digest of all of them (see verdict_cache)."""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import importlib
import importlib.metadata
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import migrate
from migrate import rules
from migrate.model import Finding, Severity
from migrate.modules.digests import sha256_digest
from migrate.modules.host import SmokeLimits
from migrate.rules.ids import RuleId

ENTRY_FORMAT = 1
# never kept: a wall clock may have stopped the check, and how soon depends on how busy the
# machine was (the rule does not say whether fuel or the clock stopped a runaway)
_UNSTABLE = frozenset({RuleId.MODULE_RUNAWAY, RuleId.MODULE_COMPILE_OVER_LIMIT})
# the code a verdict comes from (api decides what runs; this module, how it is stored)
_CHECKER_MODULES = ("abi", "api", "compile_child", "compiler", "guest", "host", "verdicts",
                    "wasm")


@dataclass(frozen=True)
class Verdict:
    abi: str | None
    findings: tuple[Finding, ...]  # the static check's, then the smoke test's

    @property
    def stable(self) -> bool:
        """The same check would conclude the same on any machine, however loaded."""
        return not any(f.rule in _UNSTABLE for f in self.findings)


@dataclass(frozen=True)
class CheckKey:
    module: str  # digest of the wasm bytes
    # what the plugin is started with; it may hold secrets: only its digest is ever written
    configuration: bytes = field(repr=False)
    root_id: str
    configuration_known: bool
    smoke_test: bool
    limits: SmokeLimits

    @classmethod
    def of(cls, wasm_bytes: bytes, configuration: bytes, root_id: str, known: bool,
           smoke_test: bool, limits: SmokeLimits) -> CheckKey:
        return cls(sha256_digest(wasm_bytes), configuration, root_id, known, smoke_test, limits)

    @functools.cached_property
    def digest(self) -> str:
        """Hex digest naming the verdict; the configuration enters as its own digest only."""
        document = {
            "entry": ENTRY_FORMAT,
            "checker": checker_fingerprint(),
            "module": self.module,
            "configuration": sha256_digest(self.configuration),
            "root_id": self.root_id,
            "configuration_known": self.configuration_known,
            "smoke_test": self.smoke_test,
            "limits": dataclasses.asdict(self.limits),
        }
        return hashlib.sha256(_canonical(document)).hexdigest()


@functools.cache
def checker_fingerprint() -> str:
    """The tool version, wasmtime's, and the checker's code and rule severities: a verdict
    reached by other code is not reused."""
    digest = hashlib.sha256(f"{migrate.__version__} {_wasmtime_version()}".encode())
    for name in _CHECKER_MODULES:
        digest.update(_source_of(f"migrate.modules.{name}"))
    for rule in sorted(rules.catalogue().values(), key=lambda r: r.id):
        digest.update(f"{rule.id}={rule.severity.label};".encode())
    return digest.hexdigest()


def _source_of(name: str) -> bytes:
    """The module's file; its name where there is none to read (a frozen build: its
    version then tells its code apart)."""
    try:
        return Path(str(importlib.import_module(name).__file__)).read_bytes()
    except OSError:
        return name.encode()


def _wasmtime_version() -> str:
    try:
        return importlib.metadata.version("wasmtime")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def encode(key: CheckKey, verdict: Verdict) -> bytes:
    body = {"entry": ENTRY_FORMAT, "key": key.digest, "abi": verdict.abi,
            "findings": [_finding_json(f) for f in verdict.findings]}
    return _canonical({**body, "checksum": _checksum(body)})


class Malformed(ValueError):
    """A stored verdict that is not one, or not the one asked for."""


def decode(key: CheckKey, document: Any) -> Verdict:
    """The verdict of a parsed entry; raises Malformed unless it is complete, intact (its
    checksum) and stored under `key`."""
    if not isinstance(document, dict):
        raise Malformed("not an object")
    body = {name: value for name, value in document.items() if name != "checksum"}
    if document.get("checksum") != _checksum(body):
        raise Malformed("checksum")
    if body.get("entry") != ENTRY_FORMAT or body.get("key") != key.digest:
        raise Malformed("another key")
    found_abi, findings = body.get("abi"), body.get("findings")
    if not (found_abi is None or isinstance(found_abi, str)) or not isinstance(findings, list):
        raise Malformed("fields")
    return Verdict(found_abi, tuple(_finding_of(item) for item in findings))


def _finding_json(finding: Finding) -> dict[str, str]:
    return {"rule": finding.rule, "severity": finding.severity.label, "message": finding.message}


def _finding_of(item: Any) -> Finding:
    if not isinstance(item, dict) or not all(isinstance(item.get(k), str)
                                             for k in ("rule", "severity", "message")):
        raise Malformed("finding")
    try:
        rule_id, severity = RuleId(item["rule"]), Severity.parse(item["severity"])
    except (ValueError, KeyError):
        raise Malformed("rule or severity") from None
    return rules.finding(rule_id, item["message"], severity=severity)


def _checksum(body: dict[str, Any]) -> str:
    return hashlib.sha256(_canonical(body)).hexdigest()


def _canonical(document: dict[str, Any]) -> bytes:
    return json.dumps(document, sort_keys=True, separators=(",", ":")).encode()
