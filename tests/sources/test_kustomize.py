"""Namespace hints from kustomizations: which `namespace:` a resource without one gets."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from migrate.sources.files import read_paths
from migrate.sources.kustomize import NamespaceHints, kustomization_in, listed_paths
from tests.sources.source_trees import Tree, extension_yaml, scan_in_subprocess, write_tree


def test_namespace_hint_comes_from_the_kustomization_chain(tree: Tree) -> None:
    root = tree(
        {
            "apps/kustomization.yaml": "namespace: outer\nresources: [team/, ../elsewhere.yaml]\n",
            "apps/team/kustomization.yaml": "namespace: inner\nresources: [ext.yaml, sub/x.yaml]",
            "apps/team/ext.yaml": extension_yaml("listed"),
            "apps/team/sub/x.yaml": extension_yaml("listed-by-path"),
            "apps/team/pinned.yaml": extension_yaml("pinned", namespace="explicit"),
            "apps/team/unlisted.yaml": extension_yaml("unlisted"),
        }
    )

    scan = read_paths([str(root)])

    namespaces = {r.name: r.namespace for r in scan.resources}
    assert namespaces == {
        "listed": "outer",  # as kustomize does, the outermost namespace wins
        "listed-by-path": "outer",
        "pinned": "explicit",
        "unlisted": None,
    }


def test_namespace_hint_from_the_nearest_kustomization_alone(tree: Tree) -> None:
    root = tree(
        {
            "base/Kustomization": "namespace: mesh-a\nresources: [ext.yaml]\n",
            "base/ext.yaml": extension_yaml("ext"),
        }
    )

    (resource,) = read_paths([str(root)]).resources

    assert (resource.namespace, resource.namespace_hint) == ("mesh-a", "mesh-a")


def test_remote_bases_and_unreadable_kustomizations_give_no_hint(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path,
        {
            "remote/kustomization.yaml": (
                "namespace: remote\nresources:\n- https://github.com/org/repo//ext.yaml\n"
            ),
            "broken/kustomization.yaml": "namespace: [unclosed\nresources: [ext.yaml]\n",
            "broken/ext.yaml": "",
            "plain/kustomization.yaml": "- just\n- a list\n",
            "plain/ext.yaml": "",
        },
    )
    hints = NamespaceHints()

    assert hints.namespace_for(str(root / "remote" / "ext.yaml")) is None
    assert hints.namespace_for(str(root / "broken" / "ext.yaml")) is None
    assert hints.namespace_for(str(root / "plain" / "ext.yaml")) is None


def test_a_chain_link_without_namespace_keeps_the_inner_one(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path,
        {
            "overlay/kustomization.yml": "bases:\n- base\n",
            "overlay/base/kustomization.yaml": "namespace: inner\nresources: [./ext.yaml]\n",
        },
    )

    hint = NamespaceHints().namespace_for(str(root / "overlay" / "base" / "ext.yaml"))

    assert hint == "inner"


def test_of_two_kustomizations_in_a_folder_the_one_kustomize_reads_counts(tree: Tree) -> None:
    root = tree({
        "app/Kustomization": "namespace: second\nresources: [ext.yaml]\n",
        "app/kustomization.yaml": "namespace: first\nresources: [ext.yaml]\n",
        "app/kustomization.yml": "namespace: third\nresources: [ext.yaml]\n",
        "app/ext.yaml": extension_yaml("ext"),
    })

    (resource,) = read_paths([str(root)]).resources

    assert resource.namespace == "first"


@settings(max_examples=500, deadline=None)
@given(st.sampled_from(["/", "/repo", "/repo/apps/team"]),
       st.text(alphabet="ab./", max_size=10))
def test_listed_paths_are_normalised_as_normpath_does(directory: str, entry: str) -> None:
    assert list(listed_paths(directory, [entry])) == [
        os.path.normpath(os.path.join(directory, entry))]


@pytest.mark.parametrize("odd", ["fifo", "zero"])
def test_a_kustomization_above_the_scan_that_never_ends_gives_no_hint(tmp_path: Path,
                                                                      odd: str) -> None:
    root = write_tree(tmp_path, {"apps/team/ext.yaml": extension_yaml("ext")})
    if odd == "fifo":
        os.mkfifo(root / "apps" / "kustomization.yaml")
    else:
        (root / "apps" / "kustomization.yaml").symlink_to("/dev/zero")

    scanned = scan_in_subprocess([str(root / "apps" / "team")])  # a hang fails by timeout

    assert scanned["names"] == ["ext"]


@pytest.mark.parametrize(("text", "patches"), [
    ("resources:\n- deployment.yaml\n", False),  # read without the parser
    ("resources: [deployment.yaml]\nnamespace: 'team'\n", False),  # read by the parser
    ("resources:\n- deployment.yaml\npatchesStrategicMerge:\n- patch.yaml\n", True),
    ("patches:\n- path: patch.yaml\n  target: {kind: ServiceMeshExtension}\n", True),
    ("patchesJson6902: []\n", True),
])
def test_a_kustomization_tells_whether_it_names_patches(text: str, patches: bool) -> None:
    """A scan parses again only the kustomizations that name patches (they may target an
    extension); the rest it knows from the first read."""
    found = kustomization_in("/repo/app/kustomization.yaml", text.encode())

    assert found is not None
    assert found.patches is patches
