"""The file source: paths and stdin to Resources, plus findings for what could not be read."""

from __future__ import annotations

import dataclasses
import errno
import logging
import os
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import BinaryIO

from migrate import rules
from migrate.inventory.workloads import POD_BEARING_KINDS
from migrate.model import Finding, Location, Resource
from migrate.rules.ids import RuleId
from migrate.sources.documents import decode, parse_for_placement, parse_text
from migrate.sources.halves import in_two_halves
from migrate.sources.helm import as_template_problem, never_a_manifest
from migrate.sources.kustomize import (
    Kustomization,
    NamespaceHints,
    by_directory,
    is_kustomization_file,
)
from migrate.sources.needles import Needles, compile_needles
from migrate.sources.pool import Progress, sniff_all
from migrate.sources.sniff import (
    INTEREST_KINDS,
    STDIN,
    Parsed,
    Reader,
    Sniffed,
    Verdict,
    sniff_stdin,
)
from migrate.sources.stdin import StdinUnavailable, read_stdin
from migrate.sources.unparsable import Unparsable
from migrate.sources.walk import Unreadable, Walked, walk

__all__ = ["INTEREST_KINDS", "WORKLOAD_KINDS", "SourceScan", "StdinUnavailable", "read_paths",
           "read_workloads"]

STDIN_ARGUMENT = "-"
WORKLOAD_KINDS = POD_BEARING_KINDS
UNPARSABLE_FILE = RuleId.UNPARSABLE_FILE
UNREADABLE_FILE = RuleId.UNREADABLE_FILE
_HELD = (Verdict.WORKLOAD, Verdict.SERVICES)
_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SourceScan:
    resources: tuple[Resource, ...]  # every object of the files that mention an interest kind
    findings: tuple[Finding, ...]  # SME013 unparsable-file / SME021 unreadable-file
    files_scanned: int  # files looked at (after ignore rules), stdin included
    workload_files: tuple[str, ...]  # unparsed manifests that look like they hold pod templates
    service_files: tuple[str, ...] = ()  # unparsed manifests with Services and no pod template
    # every kustomization file walked that may name patches (the others were read: they do not)
    patching_kustomizations: tuple[str, ...] = ()
    # what each directory's kustomization lists, for those read (see kustomize.by_directory)
    kustomizations: Mapping[str, Kustomization | None] = field(default_factory=dict)
    held: Mapping[str, bytes] = field(default_factory=dict)  # workload and Service files' bytes


def read_paths(
    paths: Sequence[str],
    stdin: BinaryIO | None = None,
    progress: Progress | None = None,
    stdin_name: str = STDIN,
) -> SourceScan:
    """Scan files, directories (recursively) and `-` (stdin, default the process's); raises
    FileNotFoundError first for a path that does not exist, StdinUnavailable for a closed stdin.
    `progress(done, total)` hears how many files were read. `stdin_name` is the path the
    resources and findings read from stdin show."""
    for path in paths:
        if path != STDIN_ARGUMENT and not os.path.lexists(path):
            raise FileNotFoundError(errno.ENOENT, "no such file or directory", path)
    walked = _walk_all([path for path in paths if path != STDIN_ARGUMENT])
    explicit = frozenset(path for path in paths if path != STDIN_ARGUMENT)
    sniffed = sniff_all(walked.files, explicit, progress=progress, then=_parse_in_place)
    walked, sniffed = _once_each(walked, sniffed)
    if STDIN_ARGUMENT in paths:
        read = filter(None, [sniff_stdin(read_stdin(stdin), stdin_name)])
        sniffed[:0] = _parse_in_place(list(read), from_stdin=True)
    return _scan_of(walked, sniffed, stdin_name if STDIN_ARGUMENT in paths else None)


@dataclass(frozen=True)
class Known:
    """What the scan already read: bytes of files, and kustomizations by directory."""

    held: Mapping[str, bytes] = field(default_factory=dict)
    kustomizations: Mapping[str, Kustomization | None] = field(default_factory=dict)

    @classmethod
    def of(cls, scan: SourceScan) -> Known:
        return cls(scan.held, scan.kustomizations)


def read_workloads(paths: Sequence[str], needles: Collection[bytes], whole: Collection[bytes] = (),
                   namespaces: Collection[str] = (), known: Known | None = None,
                   pairs: Collection[tuple[bytes, bytes]] = ()) -> tuple[Resource, ...]:
    """Parse only the workload files whose bytes contain at least one needle (a `whole` one as a
    whole value: `app3` is not in `app30`; a pair as `key: value`), or that kustomize puts in
    one of `namespaces` (their bytes need not name it); parse errors here are silently ignored
    (logged at debug). Returns the pod-bearing objects (WORKLOAD_KINDS), the Services and the
    Istio Gateways. What `known` holds is not read again."""
    if not needles and not whole and not namespaces and not pairs:
        return ()
    known = known or Known()
    wanted = partial(_workloads_in, needles=compile_needles(needles, whole, pairs),
                     namespaces=frozenset(namespaces), known=known)
    return _with_namespace_hints(in_two_halves(wanted, paths), known.kustomizations)


def _workloads_in(paths: Sequence[str], needles: Needles, namespaces: frozenset[str],
                  known: Known) -> list[Resource]:
    reader, anything = Reader(held_bytes=0), compile_needles({b"kind"})
    hints = NamespaceHints(known.kustomizations)
    found: list[Resource] = []
    for path in paths:
        wanted = anything if namespaces and hints.namespace_for(path) in namespaces else needles
        try:
            data = _if_contains(path, known.held.get(path), wanted, reader)
            if data is not None:
                found.extend(_workloads_of_file(path, data))
        except (OSError, Unparsable) as error:
            _log.debug("skipping workload file %s: %s", path, error)
    return found


def _if_contains(path: str, held: bytes | None, needles: Needles, reader: Reader
                 ) -> bytes | None:
    """The file's bytes (those held, or else read) when they contain one of `needles`."""
    if held is None:
        return reader.read_if_contains(path, needles)
    return held if needles.found_in(held, len(held)) else None


def _walk_all(roots: Sequence[str]) -> Walked:
    if len(roots) == 1:
        return walk(roots[0])  # already sorted
    files: set[str] = set()
    unreadable: list[Unreadable] = []
    for root in roots:
        walked = walk(root)
        files.update(walked.files)
        unreadable.extend(walked.unreadable)
    return Walked(tuple(sorted(files)), tuple(unreadable))


def _once_each(walked: Walked, sniffed: list[Sniffed]) -> tuple[Walked, list[Sniffed]]:
    """A file symlink to another listed file is one file, read (and rewritten) once: the file
    itself is kept, or the first link when only links lead to it. The sniff tells links."""
    if not any(found.link for found in sniffed):
        return walked, sniffed
    kept: dict[str, str] = {}
    for path in walked.files:
        real = os.path.realpath(path)
        if real not in kept or (os.path.islink(kept[real]) and not os.path.islink(path)):
            kept[real] = path
    chosen = set(kept.values())
    return (dataclasses.replace(walked, files=tuple(p for p in walked.files if p in chosen)),
            [found for found in sniffed if found.path in chosen])


def _scan_of(walked: Walked, sniffed: list[Sniffed], stdin_name: str | None) -> SourceScan:
    """`stdin_name`: the name stdin's content goes by, None when stdin was not read."""
    resources: list[Resource] = []
    findings = [_unreadable_finding(entry.path, entry.error) for entry in walked.unreadable]
    kustomizations = by_directory((f.path, f.kustomization) for f in sniffed
                                  if is_kustomization_file(f.path) and f.path != stdin_name)
    for found in sniffed:
        if found.verdict is Verdict.PARSE and found.parsed is not None:
            parsed, problems = found.parsed
            resources.extend(parsed)
            findings.extend(problems)
        elif found.verdict is Verdict.UNREADABLE:
            findings.append(_unreadable_finding(found.path, found.reason))
        elif found.verdict is Verdict.UNPARSABLE:
            findings.append(_unparsable_finding(found.path, Unparsable(found.reason, found.line)))
    return SourceScan(
        resources=_with_namespace_hints(resources, kustomizations, stdin_name),
        findings=tuple(sorted(findings, key=lambda finding: _finding_order(finding, stdin_name))),
        files_scanned=len(walked.files) + int(stdin_name is not None),
        workload_files=tuple(f.path for f in sniffed if f.verdict is Verdict.WORKLOAD),
        service_files=tuple(f.path for f in sniffed if f.verdict is Verdict.SERVICES),
        patching_kustomizations=_patching_kustomizations(walked, sniffed),
        kustomizations=kustomizations,
        held={f.path: f.data for f in sniffed if f.data and f.verdict in _HELD},
    )


def _patching_kustomizations(walked: Walked, sniffed: Sequence[Sniffed]) -> tuple[str, ...]:
    without = {f.path for f in sniffed if f.kustomization and not f.kustomization.patches}
    return tuple(f for f in walked.files if is_kustomization_file(f) and f not in without)


def _parse_in_place(found: list[Sniffed], from_stdin: bool = False) -> list[Sniffed]:
    """The files worth parsing parsed, their bytes dropped (what parsing gave is what counts):
    for the walked files, on the core that read them, while the other reads its half."""
    return [f._replace(data=b"", parsed=_parse_or_report(f, from_stdin))
            if f.verdict is Verdict.PARSE else f for f in found]


def _parse_or_report(sniffed: Sniffed, from_stdin: bool) -> Parsed:
    try:
        return _parse(sniffed.path, sniffed.data, from_stdin), ()
    except Unparsable as problem:
        return (), (_unparsable_finding(sniffed.path, problem),)


def _workloads_of_file(path: str, data: bytes) -> tuple[Resource, ...]:
    text = decode(data)
    if as_template_problem(text, path) and never_a_manifest(path):
        return ()  # a chart's template: its labels are not what will be deployed
    return parse_for_placement(text, path)


def _parse(path: str, data: bytes, from_stdin: bool) -> tuple[Resource, ...]:
    """The resources of one file; raises Unparsable, and says "render it first" for templates."""
    text = decode(data)
    template = as_template_problem(text, path)
    try:
        resources = parse_text(text, path)
    except Unparsable as problem:
        raise template or problem from None
    if template and not from_stdin and never_a_manifest(path):
        raise template
    return resources


def _unparsable_finding(path: str, problem: Unparsable) -> Finding:
    return rules.finding(UNPARSABLE_FILE, problem.reason, location=Location(path, problem.line))


def _unreadable_finding(path: str, reason: str) -> Finding:
    return rules.finding(UNREADABLE_FILE, f"cannot be read: {reason}", location=Location(path))


def _finding_order(finding: Finding, stdin_name: str | None) -> tuple[bool, str, int]:
    location = finding.location or Location("")
    return location.path != stdin_name, location.path, location.line or 0


def _with_namespace_hints(
    resources: Iterable[Resource], known: Mapping[str, Kustomization | None],
    stdin_name: str | None = None
) -> tuple[Resource, ...]:
    hints = NamespaceHints(known)
    return tuple(_hinted(resource, hints, stdin_name) for resource in resources)


def _hinted(resource: Resource, hints: NamespaceHints, stdin_name: str | None) -> Resource:
    location = resource.location
    if location is None or location.path == stdin_name or resource.metadata.get("namespace"):
        return resource
    return dataclasses.replace(resource, namespace_hint=hints.namespace_for(location.path))
