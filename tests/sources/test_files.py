"""read_paths / read_workloads: what a scan finds in real files, and where."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from migrate.model import Location
from migrate.sources.files import Known, read_paths, read_workloads
from tests.sources.source_trees import Tree, deployment_yaml, extension_yaml, names


def test_multi_document_file_gives_each_object_its_document_index_and_first_key_line(
    tree: Tree,
) -> None:
    text = (
        deployment_yaml("productpage", "productpage")  # document 0, lines 1-13
        + "---\n"  # 14: document 1 is empty
        + "---\n# comment\n"  # 15-16: document 2 starts with a comment
        + extension_yaml("header-append")  # 17-23
        + "--- just a string\n"  # 24: document 3 is not an object
        + "---\n"
        + extension_yaml("auth-check")  # document 4 starts at line 26
    )
    root = tree({"mesh.yaml": text})

    scan = read_paths([str(root)])

    where = {r.name: r.location for r in scan.resources}
    path = str(root / "mesh.yaml")
    assert where == {
        "productpage": Location(path, 1, 0),
        "header-append": Location(path, 17, 2),
        "auth-check": Location(path, 26, 4),
    }
    assert scan.findings == ()


def test_key_lines_reach_four_levels_and_number_sequence_items(tree: Tree) -> None:
    text = (
        "apiVersion: maistra.io/v2\nkind: ServiceMeshControlPlane\n"  # 1-2
        "metadata:\n  name: basic\n  annotations:\n    a: b\n"  # 3-6
        "spec:\n  techPreview:\n    wasmExtensions:\n      enabled: true\n"  # 7-10
        "      cacher:\n        level5: deep\n"  # 11-12
        "  imagePullSecrets:\n  - name: first\n  - name: second\n"  # 13-15
    )
    root = tree({"smcp.yaml": text})

    (smcp,) = read_paths([str(root)]).resources

    assert smcp.key_lines["metadata.annotations"] == 5
    assert smcp.key_lines["spec.techPreview.wasmExtensions"] == 9
    assert smcp.key_lines["spec.techPreview.wasmExtensions.enabled"] == 10
    assert "spec.techPreview.wasmExtensions.cacher.level5" not in smcp.key_lines
    assert smcp.key_lines["spec.imagePullSecrets.1"] == 15
    assert smcp.location_of("spec.techPreview.wasmExtensions") == Location(
        str(root / "smcp.yaml"), 9, 0
    )


def test_json_file_is_read_with_lines(tree: Tree) -> None:
    body = {
        "apiVersion": "maistra.io/v1",
        "kind": "ServiceMeshExtension",
        "metadata": {"name": "from-json", "namespace": "istio-system"},
        "spec": {"image": "quay.io/x:1", "phase": "PreAuthN", "config": {"a": 1}},
    }
    root = tree({"ext.json": json.dumps(body, indent=2)})

    (resource,) = read_paths([str(root)]).resources

    assert resource.body == body
    assert resource.location == Location(str(root / "ext.json"), 2, 0)
    assert resource.key_lines["spec.config"] == 11


def test_json_that_yaml_cannot_read_is_still_found(tree: Tree) -> None:
    # json.dumps escapes an emoji as a surrogate pair, which PyYAML (YAML 1.1) rejects.
    body = {
        "apiVersion": "maistra.io/v1",
        "kind": "ServiceMeshExtension",
        "metadata": {"name": "emoji", "annotations": {"note": "\U0001f600"}},
    }
    root = tree({"ext.json": json.dumps(body)})

    scan = read_paths([str(root)])

    assert [r.body for r in scan.resources] == [body]
    assert scan.findings == ()


@pytest.mark.parametrize("list_kind", ["List", "ServiceMeshExtensionList"])
def test_list_items_become_resources_with_their_own_lines(tree: Tree, list_kind: str) -> None:
    text = (
        f"apiVersion: v1\nkind: {list_kind}\nitems:\n"  # 1-3
        "- apiVersion: maistra.io/v1\n  kind: ServiceMeshExtension\n  metadata:\n    name: one\n"
        "- apiVersion: maistra.io/v1\n  kind: ServiceMeshExtension\n  metadata:\n    name: two\n"
    )
    root = tree({"list.yaml": text})

    scan = read_paths([str(root)])

    assert [(r.name, r.location.line if r.location else None) for r in scan.resources] == [
        ("one", 4),
        ("two", 8),
    ]
    assert scan.resources[1].key_lines["metadata.name"] == 11


def test_stdin_is_read_with_its_own_location_alongside_directories(tree: Tree) -> None:
    root = tree({"a.yaml": extension_yaml("from-file")})
    piped = io.BytesIO((extension_yaml("from-stdin") + "---\n" + extension_yaml("second")).encode())

    scan = read_paths(["-", str(root)], stdin=piped)

    assert names(scan) == ["from-stdin", "second", "from-file"]
    assert scan.resources[1].location == Location("<stdin>", 9, 1)
    assert scan.files_scanned == 2


def test_stdin_shows_the_name_it_is_given(tree: Tree) -> None:
    root = tree({"z.yaml": "kind: ServiceMeshExtension\nmetadata: [unclosed\n"})
    name = "deploy/piped.yaml"

    parsed = read_paths(["-"], stdin=io.BytesIO(extension_yaml("piped").encode()),
                        stdin_name=name)
    broken = read_paths([str(root), "-"], stdin_name=name,
                        stdin=io.BytesIO(b"kind: ServiceMeshExtension\nmetadata: [unclosed\n"))

    assert parsed.resources[0].location == Location(name, 1, 0)
    # stdin's findings come first, though its name sorts after the directory
    paths = [finding.location.path for finding in broken.findings if finding.location]
    assert paths == [name, str(root / "z.yaml")]


def test_rendered_workloads_on_stdin_are_parsed_right_away() -> None:
    piped = io.BytesIO(deployment_yaml("reviews", "reviews").encode())

    scan = read_paths(["-"], stdin=piped)

    assert [r.kind for r in scan.resources] == ["Deployment"]


def test_results_come_in_path_order_whatever_the_creation_order(tree: Tree) -> None:
    root = tree(
        {
            "zeta/z.yaml": extension_yaml("z"),
            "alpha/b.yaml": extension_yaml("b"),
            "alpha/a.yaml": extension_yaml("a"),
            "mid.yaml": extension_yaml("m"),
        }
    )

    first = read_paths([str(root)])
    again = read_paths([str(root / "zeta"), str(root)])  # overlapping paths: each file once

    assert names(first) == ["a", "b", "m", "z"]
    assert again.resources == first.resources
    assert again.files_scanned == 4


def test_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError) as raised:
        read_paths([str(tmp_path / "nope")])
    assert raised.value.filename == str(tmp_path / "nope")


def test_workload_files_are_listed_unparsed_and_read_on_demand(tree: Tree) -> None:
    root = tree(
        {
            "kustomization.yaml": "namespace: bookinfo\nresources: [reviews.yaml, ratings.yaml]\n",
            "reviews.yaml": deployment_yaml("reviews", "reviews") + "---\n" + "kind: Service\n",
            "ratings.yaml": deployment_yaml("ratings", "ratings"),
            "broken.yaml": "kind: Deployment\napp: reviews\ncontainers: [\n",
            "service.yaml": "apiVersion: v1\nkind: Service\nmetadata:\n  name: reviews\n",
            "ext.yaml": extension_yaml("ext"),
        }
    )

    scan = read_paths([str(root)])
    workloads = read_workloads(scan.workload_files, [b"app: reviews"])

    assert [Path(p).name for p in scan.workload_files] == [
        "broken.yaml",
        "ratings.yaml",
        "reviews.yaml",
    ]
    assert [Path(p).name for p in scan.service_files] == ["service.yaml"]
    assert {r.kind for r in scan.resources} == {"ServiceMeshExtension"}
    assert [(w.kind, w.name, w.namespace) for w in workloads] == [
        ("Deployment", "reviews", "bookinfo")
    ]
    assert read_workloads(scan.workload_files, []) == ()


def test_workload_files_are_searched_in_the_bytes_the_scan_read(tree: Tree) -> None:
    root = tree({"app/deployment.yaml": deployment_yaml("reviews", "reviews"),
                 "app/ext.yaml": extension_yaml("ext")})
    deployment = root / "app" / "deployment.yaml"
    scan = read_paths([str(root)])
    deployment.write_text(deployment_yaml("ratings", "ratings"))  # changed since it was read

    found = read_workloads(scan.workload_files, [b"app: reviews"], known=Known.of(scan))

    assert [w.name for w in found] == ["reviews"]  # each file read once, and seen as it was
    assert read_workloads(scan.workload_files, [b"app: reviews"]) == ()  # unknown: read again
