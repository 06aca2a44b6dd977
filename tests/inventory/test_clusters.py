"""Which folders are clusters of their own, and which cluster each object is read in."""

from __future__ import annotations

from pathlib import Path

import pytest

from migrate.inventory.clusters import MeshRoots
from migrate.inventory.load import Loaded, Scoping, load
from migrate.rules.ids import RuleId
from tests.sources.source_trees import extension_yaml, write_tree


def control_plane(name: str = "basic", namespace: str = "istio-system") -> str:
    return (f"apiVersion: maistra.io/v2\nkind: ServiceMeshControlPlane\nmetadata:\n"
            f"  name: {name}\n  namespace: {namespace}\nspec:\n  version: v2.2\n")


def scopes(loaded: Loaded, root: Path) -> dict[str, tuple[str, ...]]:
    """Each extension and control plane (by file, relative to `root`) with its scopes, also
    relative to `root`."""
    def relative(scope: str) -> str:
        return str(Path(scope).relative_to(root)) if scope else ""

    read = [*(e.resource for e in loaded.inventory.extensions),
            *(p.resource for p in loaded.inventory.control_planes)]
    return {str(Path(r.location.path).relative_to(root)): tuple(relative(s) for s in r.scopes)
            for r in read if r.location}


def clusters_message(loaded: Loaded) -> str:
    (found,) = [f for f in loaded.inventory.findings if f.rule == RuleId.CLUSTER_FOLDERS]
    return found.message


def test_two_control_planes_of_one_namespace_make_their_folders_clusters(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {
        "clusters/prod/mesh/smcp.yaml": control_plane(),
        "clusters/prod/apps/ext.yaml": extension_yaml("audit", "shop"),
        "clusters/stage/mesh/smcp.yaml": control_plane(),
        "clusters/stage/ext.yaml": extension_yaml("audit", "shop"),
        "shared/ext.yaml": extension_yaml("elsewhere", "shop"),
    })
    loaded = load([str(root)])
    assert scopes(loaded, root) == {
        "clusters/prod/apps/ext.yaml": ("clusters/prod",),
        "clusters/prod/mesh/smcp.yaml": ("clusters/prod",),
        "clusters/stage/ext.yaml": ("clusters/stage",),
        "clusters/stage/mesh/smcp.yaml": ("clusters/stage",),
        "shared/ext.yaml": ("",),
    }
    message = clusters_message(loaded)
    assert "ServiceMeshControlPlane istio-system/basic is defined in" in message
    assert "the files outside them are read as one more cluster" in message
    assert "--mesh-root" in message  # how to override a decision taken on evidence


def test_the_same_extension_next_to_different_control_planes_is_evidence(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {
        "east/smcp.yaml": control_plane("east", "istio-system"),
        "east/ext.yaml": extension_yaml("audit", "shop"),
        "west/smcp.yaml": control_plane("west", "mesh-west"),
        "west/ext.yaml": extension_yaml("audit", "shop"),
    })
    loaded = load([str(root)])
    assert set(scopes(loaded, root).values()) == {("east",), ("west",)}
    assert "each holds its own ServiceMeshControlPlane, and ServiceMeshExtension shop/audit" in (
        clusters_message(loaded))


@pytest.mark.parametrize("files", [
    {  # two meshes of one cluster (multi-tenant): different namespaces, nothing repeated
        "tenant-a/smcp.yaml": control_plane("a", "mesh-a"),
        "tenant-a/ext.yaml": extension_yaml("audit", "shop-a"),
        "tenant-b/smcp.yaml": control_plane("b", "mesh-b"),
        "tenant-b/ext.yaml": extension_yaml("audit", "shop-b"),
    },
    {  # one control plane in the common folder itself: no folder per cluster to be seen
        "smcp.yaml": control_plane(),
        "stage/smcp.yaml": control_plane(),
        "stage/ext.yaml": extension_yaml("audit", "shop"),
    },
    {  # one control plane only (the other cluster's is managed elsewhere)
        "prod/smcp.yaml": control_plane(),
        "prod/ext.yaml": extension_yaml("audit", "shop"),
        "stage/ext.yaml": extension_yaml("audit", "shop"),
    },
], ids=["tenants", "plane-in-the-common-folder", "one-plane"])
def test_without_evidence_everything_is_one_cluster(tmp_path: Path, files: dict[str, str]
                                                   ) -> None:
    root = write_tree(tmp_path, files)
    loaded = load([str(root)])
    assert set(scopes(loaded, root).values()) == {("",)}
    assert not [f for f in loaded.inventory.findings if f.rule == RuleId.CLUSTER_FOLDERS]


def overlays(stage_namespace: str = "") -> dict[str, str]:
    return {
        "base/kustomization.yaml": "resources:\n  - ext.yaml\n  - smcp.yaml\n",
        "base/ext.yaml": extension_yaml("audit", "shop"),
        "base/smcp.yaml": control_plane(),
        "base/unlisted.yaml": extension_yaml("unlisted", "shop"),
        "overlays/prod/kustomization.yaml": "resources:\n  - ../../base\n  - ext.yaml\n",
        "overlays/prod/ext.yaml": extension_yaml("rate-limit", "shop"),
        "overlays/stage/kustomization.yaml": stage_namespace + "resources:\n  - ../../base\n",
    }


def test_overlays_over_a_shared_base_are_clusters_that_both_read_it(tmp_path: Path) -> None:
    root = write_tree(tmp_path, overlays())
    loaded = load([str(root)])
    both = ("overlays/prod", "overlays/stage")
    assert scopes(loaded, root) == {
        "base/ext.yaml": both,  # listed by the base both overlays render
        "base/smcp.yaml": both,
        "base/unlisted.yaml": ("",),  # in the base's folder, but no kustomization lists it
        "overlays/prod/ext.yaml": ("overlays/prod",),
    }
    message = clusters_message(loaded)
    assert "each is a kustomize overlay that no other kustomization lists" in message
    assert f"{root}/base is in each of {root}/overlays/prod and {root}/overlays/stage" in message


def test_overlays_over_a_base_of_workloads_alone_split_nothing_and_say_nothing(
        tmp_path: Path) -> None:
    """The overlays look like clusters, but every mesh object is outside them: one input."""
    root = write_tree(tmp_path, {
        "base/kustomization.yaml": "resources:\n  - deploy.yaml\n",
        "base/deploy.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n"
                            "spec: {template: {metadata: {labels: {app: web}}, "
                            "spec: {containers: [{name: web, image: web:1}]}}}\n",
        "overlays/prod/kustomization.yaml": "resources:\n  - ../../base\n",
        "overlays/stage/kustomization.yaml": "resources:\n  - ../../base\n",
        "mesh/ext.yaml": extension_yaml("audit", "shop"),
    })
    loaded = load([str(root)])
    assert set(scopes(loaded, root).values()) == {("",)}
    assert not [f for f in loaded.inventory.findings if f.rule == RuleId.CLUSTER_FOLDERS]


def test_overlays_that_put_the_base_in_different_namespaces_may_share_a_cluster(
        tmp_path: Path) -> None:
    root = write_tree(tmp_path, overlays(stage_namespace="namespace: shop-stage\n"))
    assert set(scopes(load([str(root)]), root).values()) == {("",)}


def test_unrelated_groups_of_overlays_are_applications_not_clusters(tmp_path: Path) -> None:
    files = {f"{app}/{path}": text.replace("  - smcp.yaml\n", "")
             for app in ("frontend", "backend") for path, text in overlays().items()
             if path != "base/smcp.yaml"}
    root = write_tree(tmp_path, files)
    assert set(scopes(load([str(root)]), root).values()) == {("",)}


def test_mesh_roots_win_over_the_evidence_and_pull_in_what_their_kustomizations_list(
        tmp_path: Path) -> None:
    root = write_tree(tmp_path, overlays())
    roots = MeshRoots((str(root / "overlays"),))
    loaded = load([str(root)], scoping=Scoping(roots))
    assert scopes(loaded, root) == {
        "base/ext.yaml": ("overlays",),
        "base/smcp.yaml": ("overlays",),
        "base/unlisted.yaml": ("",),
        "overlays/prod/ext.yaml": ("overlays",),
    }
    assert "(named by --mesh-root)" in clusters_message(loaded)
    assert "If that is wrong" not in clusters_message(loaded)


def test_one_mesh_root_over_everything_reads_it_as_one_input(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {
        "prod/smcp.yaml": control_plane(), "stage/smcp.yaml": control_plane(),
        "prod/ext.yaml": extension_yaml("audit", "shop"),
    })
    loaded = load([str(root)], scoping=Scoping(MeshRoots((str(root),))))
    assert set(scopes(loaded, root).values()) == {("",)}
    assert f"{root} is taken as a cluster of its own" in clusters_message(loaded)


def test_scopes_relative_to_a_base_are_the_same_wherever_the_tree_is(tmp_path: Path) -> None:
    files = {"prod/smcp.yaml": control_plane(), "stage/smcp.yaml": control_plane()}
    found = []
    for copy in ("one", "two"):
        root = write_tree(tmp_path / copy, files)
        loaded = load([str(root)], scoping=Scoping(base=str(root)))
        found.append(sorted(s for p in loaded.inventory.control_planes for s in p.resource.scopes))
    assert found == [["prod", "stage"], ["prod", "stage"]]


def test_what_stdin_gives_stays_in_the_default_cluster(tmp_path: Path) -> None:
    import io

    root = write_tree(tmp_path, {"prod/smcp.yaml": control_plane(),
                                 "stage/smcp.yaml": control_plane()})
    stdin = io.BytesIO(extension_yaml("piped", "shop").encode())
    loaded = load([str(root), "-"], stdin=stdin)
    (piped,) = loaded.inventory.extensions
    assert piped.resource.scopes == ("",)
