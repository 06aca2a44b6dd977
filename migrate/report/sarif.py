"""SARIF 2.1.0 for GitHub code scanning and other SARIF viewers."""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import quote

from migrate import __version__
from migrate.emit import indented_json
from migrate.model import Finding, ScanReport, Severity
from migrate.report.common import (
    INFORMATION_URI,
    TOOL_NAME,
    RenderOptions,
    ordered,
    repository_path,
)
from migrate.rules.catalogue import Rule, catalogue

SCHEMA_URI = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
ROOT_BASE_ID = "SRCROOT"
FINGERPRINT_KEY = "smeMigrateFinding/v1"
_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def _rule_descriptor(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.description},
        "help": {
            "text": f"{rule.description}\n\nHow to fix: {rule.fix}\n\n{rule.help_uri}",
            "markdown": (
                f"**{rule.title}**\n\n{rule.description}\n\n"
                f"**How to fix:** {rule.fix}\n\n[Documentation]({rule.help_uri})"
            ),
        },
        "helpUri": rule.help_uri,
        "defaultConfiguration": {"level": _LEVELS[rule.severity]},
    }


def _artifact_location(path: str, root: Path | None) -> dict[str, str]:
    relative = repository_path(path, root)
    if relative is None:
        return {"uri": Path(os.path.abspath(path)).as_uri()}
    # the name's bytes, percent-encoded: a file name need not be UTF-8
    return {"uri": quote(os.fsencode(relative)), "uriBaseId": ROOT_BASE_ID}


def _physical_location(finding: Finding, root: Path | None) -> dict[str, Any]:
    # GitHub rejects a whole upload when one result has no artifact URI, so a finding
    # without a file points at the scan root.
    if finding.location is None:
        return {"artifactLocation": {"uri": ".", "uriBaseId": ROOT_BASE_ID}}
    physical: dict[str, Any] = {"artifactLocation": _artifact_location(finding.location.path, root)}
    if finding.location.line:
        physical["region"] = {"startLine": finding.location.line}
    return physical


def _location(finding: Finding, root: Path | None) -> dict[str, Any]:
    location: dict[str, Any] = {"physicalLocation": _physical_location(finding, root)}
    if finding.resource is not None:
        location["logicalLocations"] = [
            {
                "name": finding.resource.name,
                "fullyQualifiedName": finding.resource.display,
                "kind": "resource",
            }
        ]
    return location


def _identity(finding: Finding, root: Path | None) -> str:
    """Rule, resource and file, but not the line: an edit above a finding keeps its alert.

    A finding with neither resource nor file has only its message to tell it apart.
    """
    resource, location = finding.resource, finding.location
    if resource is None and location is None:
        return f"{finding.rule}\0{finding.message}"
    parts = (
        finding.rule,
        resource.kind if resource else "",
        (resource.namespace or "") if resource else "",
        resource.name if resource else "",
        (repository_path(location.path, root) or location.path) if location else "",
    )
    return "\0".join(parts)


def _fingerprints(findings: tuple[Finding, ...], root: Path | None) -> list[str]:
    """One hash per finding; repeats of one identity are numbered so no two results merge."""
    seen: Counter[str] = Counter()
    hashes = []
    for finding in findings:
        identity = _identity(finding, root)
        occurrence = seen[identity]
        seen[identity] += 1
        key = f"{identity}\0{occurrence}".encode("utf-8", "surrogateescape")  # any file name
        hashes.append(hashlib.sha256(key).hexdigest())
    return hashes


def _message(finding: Finding) -> str:
    return f"{finding.resource.display}: {finding.message}" if finding.resource else finding.message


def _result(
    finding: Finding, index: int | None, fingerprint: str, root: Path | None
) -> dict[str, Any]:
    result: dict[str, Any] = {"ruleId": finding.rule}
    if index is not None:
        result["ruleIndex"] = index
    return result | {
        "level": _LEVELS[finding.severity],
        "message": {"text": _message(finding)},
        "locations": [_location(finding, root)],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
    }


def _results(report: ScanReport, rule_ids: list[str], root: Path | None) -> list[dict[str, Any]]:
    findings = ordered(report.findings)
    fingerprints = _fingerprints(findings, root)
    positions = {rule_id: index for index, rule_id in enumerate(rule_ids)}
    return [
        _result(finding, positions.get(finding.rule), fingerprint, root)
        for finding, fingerprint in zip(findings, fingerprints, strict=True)
    ]


def _run(report: ScanReport, root: Path | None) -> dict[str, Any]:
    rules = sorted(catalogue().values(), key=lambda rule: rule.id)
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": TOOL_NAME,
                "version": __version__,
                "informationUri": INFORMATION_URI,
                "rules": [_rule_descriptor(rule) for rule in rules],
            }
        },
        "results": _results(report, [rule.id for rule in rules], root),
        "properties": {"summary": report.summary()},
    }
    if root is not None:
        run["originalUriBaseIds"] = {ROOT_BASE_ID: {"uri": root.as_uri().rstrip("/") + "/"}}
    return run


def render(report: ScanReport, options: RenderOptions) -> str:
    root = options.source_root or options.root
    sarif = {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [_run(report, root)]}
    text = indented_json.dumps(sarif) + "\n"
    # A message may quote a file name that is not UTF-8 (its bytes held as lone surrogates):
    # SARIF is UTF-8, so those bytes show as U+FFFD there (the URIs keep them percent-encoded).
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
