"""JUnit XML: one testcase per resource scanned (per file for findings without a resource).

A testcase fails when it has a finding at or above the fail-on threshold; lower findings go
to its system-out; a resource whose every finding is suppressed is a skipped testcase; a
resource without findings passes. A scan that read no resource still has one passing case:
CI servers (Jenkins' `junit` step) reject a report without test cases.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from migrate.model import Finding, Location, ResourceRef, ScanReport
from migrate.report.common import (
    RenderOptions,
    display_path,
    fails,
    ordered,
    resource_text,
    where,
)

_SUITE_NAME = "sme-migrate scan"
_NO_FILE = "(no file)"
_CLEAN_SCAN = "no resource to migrate"
# Characters XML 1.0 cannot carry at all, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass
class _Case:
    name: str
    classname: str
    kept: list[Finding] = field(default_factory=list)
    suppressed: list[Finding] = field(default_factory=list)


def _xml_text(text: str) -> str:
    return _NOT_XML.sub(lambda match: f"\\x{ord(match.group()):02x}", text)


def _resource_key(ref: ResourceRef) -> tuple[str, ...]:
    return ("resource", ref.api_version, ref.kind, ref.namespace or "", ref.name)


def _case_key(finding: Finding) -> tuple[str, ...]:
    if finding.resource is not None:
        return _resource_key(finding.resource)
    return ("file", finding.location.path if finding.location else "")


def _new_case(name: str, location: Location | None, options: RenderOptions) -> _Case:
    path = display_path(location.path, options.root) if location else _NO_FILE
    return _Case(name=name or path, classname=path)


def _cases(report: ScanReport, options: RenderOptions) -> list[_Case]:
    cases = {
        _resource_key(ref): _new_case(ref.display, location, options)
        for ref, location in report.scanned
    }
    for kept, findings in ((True, report.findings), (False, report.suppressed)):
        for finding in ordered(findings):
            key = _case_key(finding)
            if key not in cases:
                cases[key] = _new_case(resource_text(finding), finding.location, options)
            (cases[key].kept if kept else cases[key].suppressed).append(finding)
    return list(cases.values()) or [_Case(name=_CLEAN_SCAN, classname=_SUITE_NAME)]


def _describe(finding: Finding, options: RenderOptions) -> str:
    place = where(finding, options.root) or _NO_FILE
    message = "\n".join(f"  {line}" for line in finding.message.split("\n"))
    return f"{finding.severity.label} {finding.rule} {place}\n{message}"


def _add_failure(element: ET.Element, failing: list[Finding], options: RenderOptions) -> None:
    first = failing[0]
    headline = first.message.splitlines()[0] if first.message else ""
    failure = ET.SubElement(
        element,
        "failure",
        message=_xml_text(f"{first.rule}: {headline}"),
        type=",".join(sorted({finding.rule for finding in failing})),
    )
    failure.text = _xml_text("\n".join(_describe(finding, options) for finding in failing))


def _other_output(case: _Case, options: RenderOptions) -> list[str]:
    passing = [f for f in case.kept if not fails(f, options.fail_on)]
    return [_describe(f, options) for f in passing] + [
        "suppressed: " + _describe(f, options) for f in case.suppressed
    ]


def _testcase(case: _Case, options: RenderOptions) -> ET.Element:
    element = ET.Element("testcase", name=_xml_text(case.name), classname=_xml_text(case.classname))
    element.set("time", "0")
    failing = [finding for finding in case.kept if fails(finding, options.fail_on)]
    if failing:
        _add_failure(element, failing, options)
    elif case.suppressed and not case.kept:
        ET.SubElement(element, "skipped", message="all findings suppressed")
    other = _other_output(case, options)
    if other:
        ET.SubElement(element, "system-out").text = _xml_text("\n".join(other))
    return element


def _counts(suite: ET.Element) -> dict[str, str]:
    return {
        "tests": str(len(suite.findall("testcase"))),
        "failures": str(len(suite.findall("testcase/failure"))),
        "errors": "0",
        "time": "0",
    }


def render(report: ScanReport, options: RenderOptions) -> str:
    suite = ET.Element("testsuite", name=_SUITE_NAME)
    suite.extend(_testcase(case, options) for case in _cases(report, options))
    counts = _counts(suite)
    suite.attrib.update(counts | {"skipped": str(len(suite.findall("testcase/skipped")))})
    suites = ET.Element("testsuites", {"name": "sme-migrate", **counts})
    suites.append(suite)
    ET.indent(suites)
    body = ET.tostring(suites, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n'
