"""Malformed input: every file that mentions a mesh kind and cannot be parsed is an SME013
finding with a clear message and line, and the valid extension beside it is still found."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from migrate.model import Location
from migrate.sources.files import SourceScan, read_paths
from tests.sources.source_trees import Tree, extension_yaml, messages, names

VALID = {"valid.yaml": extension_yaml("still-found")}


def scan_with_valid(tree: Tree, files: dict[str, str | bytes]) -> tuple[Path, SourceScan]:
    root = tree({**VALID, **files})
    scan = read_paths([str(root)])
    assert names(scan) == ["still-found"]
    return root, scan


def only_finding(scan: SourceScan) -> tuple[str, Location | None]:
    (finding,) = scan.findings
    assert finding.rule == "SME013"
    return finding.message, finding.location


def test_alias_bomb_is_refused_without_expanding_it(tree: Tree) -> None:
    levels = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for previous, current in zip("abcdefgh", "bcdefghi", strict=True):
        levels.append(f"{current}: &{current} [{', '.join(['*' + previous] * 9)}]")
    bomb = "kind: ServiceMeshExtension\nmetadata:\n  name: laughs\n" + "\n".join(levels) + "\n"
    started = time.perf_counter()

    root, scan = scan_with_valid(tree, {"bomb.yaml": bomb})

    message, location = only_finding(scan)
    assert "alias bomb" in message and "1,000,000" in message
    assert location is not None and location.path == str(root / "bomb.yaml")
    assert time.perf_counter() - started < 5  # 9**9 nodes were never built


def test_recursive_alias_is_refused(tree: Tree) -> None:
    _, scan = scan_with_valid(tree, {"loop.yaml": "kind: ServiceMeshExtension\nspec: &s [*s]\n"})

    message, location = only_finding(scan)
    assert "recursive" in message
    assert location is not None and location.line == 2


def test_file_over_the_size_limit_is_reported_at_its_first_mention(tree: Tree) -> None:
    head = b"x: 1\n" * 4 + b"kind: ServiceMeshExtension\n"
    big = (head + b"#\n" * (25 * 2**20))[: 50 * 2**20]

    _, scan = scan_with_valid(tree, {"huge.yaml": big})

    message, location = only_finding(scan)
    assert message.startswith("too large to parse (50.0 MiB > 16 MiB)")
    assert location is not None and location.line == 5


def test_binary_file_is_reported_at_its_first_mention(tree: Tree) -> None:
    blob = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\n" + b"kind: ServiceMeshExtension\n" + bytes(range(256))

    _, scan = scan_with_valid(tree, {"image.yaml": blob, "plugin.bin": blob})

    assert messages(scan, "SME013") == {
        "image.yaml": (
            "binary data (it holds NUL bytes), not a YAML or JSON manifest, so it was not checked"
        ),
        "plugin.bin": (
            "binary data (it holds NUL bytes), not a YAML or JSON manifest, so it was not checked"
        ),
    }
    assert {f.location.line for f in scan.findings if f.location} == {4}


def test_invalid_utf8_names_the_byte_and_its_line(tree: Tree) -> None:
    latin1 = (
        extension_yaml("latin1").replace("phase: PostAuthZ", "phase: caf\xe9").encode("latin-1")
    )

    _, scan = scan_with_valid(tree, {"latin1.yaml": latin1})

    message, location = only_finding(scan)
    assert message.startswith("not UTF-8 text (invalid byte 0xe9 at line 7, column 13)")
    assert location is not None and location.line == 7


def test_utf8_byte_order_mark_is_fine(tree: Tree) -> None:
    root = tree({"bom.yaml": b"\xef\xbb\xbf" + extension_yaml("bom").encode()})

    scan = read_paths([str(root)])

    assert names(scan) == ["bom"] and scan.findings == ()
    assert scan.resources[0].location == Location(str(root / "bom.yaml"), 1, 0)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be"])
def test_utf16_with_a_byte_order_mark_is_read(tree: Tree, encoding: str) -> None:
    # What Windows PowerShell's `kubectl get ... > file.yaml` writes.
    wide = ("\ufeff" if encoding.endswith("be") else "") + extension_yaml("wide")
    root = tree({"wide.yaml": wide.encode(encoding), **VALID})

    scan = read_paths([str(root)])

    assert names(scan) == ["still-found", "wide"] and scan.findings == ()
    assert scan.resources[1].key_lines["spec.phase"] == 7


def test_broken_utf16_is_reported(tree: Tree) -> None:
    _, scan = scan_with_valid(
        tree, {"wide.yaml": extension_yaml("wide").encode("utf-16") + b"\x00\xd8"}
    )

    message, _ = only_finding(scan)
    assert message.startswith("starts like UTF-16 text but is not")


@pytest.mark.parametrize(
    ("template", "line"),
    [
        ("{{- if .Values.enabled }}\n" + extension_yaml("x") + "{{- end }}\n", 1),
        (extension_yaml("x").replace("quay.io/example/x:1.0", "{{ .Values.image }}"), 6),
    ],
    ids=["fails-to-parse", "parses-as-a-mapping-key"],
)
def test_helm_template_outside_a_chart_says_render_it_first(
    tree: Tree, template: str, line: int
) -> None:
    _, scan = scan_with_valid(tree, {"sme.tpl": template})

    message, location = only_finding(scan)
    assert "helm template" in message and "| sme-migrate scan -" in message
    assert location is not None and location.line == line


def test_chart_template_that_happens_to_parse_is_still_reported(tree: Tree) -> None:
    quoted = extension_yaml("x").replace("name: x", 'name: "{{ .Release.Name }}-ext"')

    root = tree(
        {
            **VALID,
            "chart/Chart.yaml": "apiVersion: v2\nname: chart\nversion: 0.1.0\n",
            "chart/templates/ext/sme.yaml": quoted,
            "chart/files/ext.yaml": extension_yaml("not-a-template"),  # outside templates/: parsed
        }
    )

    scan = read_paths([str(root)])

    assert names(scan) == ["not-a-template", "still-found"]

    assert messages(scan, "SME013").keys() == {"sme.yaml"}
    (finding,) = scan.findings
    assert finding.location is not None and finding.location.line == 4
    assert "render it first" in finding.message


def test_chart_yaml_braces_in_a_string_outside_a_chart_are_fine(tree: Tree) -> None:
    alerting = (
        extension_yaml("alerts") + "  config:\n    summary: '{{ $labels.instance }} is down'\n"
    )
    root = tree({"alerts.yaml": alerting})

    scan = read_paths([str(root)])

    assert scan.findings == ()
    assert scan.resources[0].spec["config"] == {"summary": "{{ $labels.instance }} is down"}


def test_broken_yaml_gives_the_parser_message_and_line(tree: Tree) -> None:
    broken = extension_yaml("broken") + "  config:\n    headers: [a, b\n  other: 1\n"

    _, scan = scan_with_valid(tree, {"broken.yaml": broken})

    message, location = only_finding(scan)
    assert message.startswith("not valid YAML: ")
    assert message.endswith("(line 10, column 8); while parsing a flow sequence at line 9")
    assert location is not None and location.line == 10


def test_broken_control_plane_is_reported_too(tree: Tree) -> None:
    smcp = "apiVersion: maistra.io/v2\nkind: ServiceMeshControlPlane\nspec: {version: v2.2\n"

    _, scan = scan_with_valid(tree, {"smcp.yaml": smcp})

    message, _ = only_finding(scan)
    assert message.startswith("not valid YAML")


def test_nesting_deep_enough_to_crash_libyaml_is_refused(tree: Tree) -> None:
    deep = "kind: ServiceMeshExtension\nspec: " + "[" * 60_000 + "]" * 60_000 + "\n"

    _, scan = scan_with_valid(tree, {"deep.yaml": deep})

    message, _ = only_finding(scan)
    assert "nested" in message and "deep" in message


def test_control_characters_are_reported_with_their_line(tree: Tree) -> None:
    bell = extension_yaml("bell").replace("phase: PostAuthZ", "phase: Post\aAuthZ")

    _, scan = scan_with_valid(tree, {"bell.yaml": bell})

    message, location = only_finding(scan)
    assert message.startswith("not valid YAML: control characters are not allowed (#x0007)")
    assert location is not None and location.line == 7
