"""Where `convert --output-dir` puts each cluster's plugins."""

from __future__ import annotations

from migrate.emit.manifests import cluster_folders


def test_each_cluster_gets_its_folder_below_the_one_that_holds_them_all() -> None:
    assert cluster_folders(["clusters/prod", "clusters/stage"]) == {
        "clusters/prod": "prod", "clusters/stage": "stage"}
    assert cluster_folders(["a/east", "b/west"]) == {"a/east": "a/east", "b/west": "b/west"}


def test_the_files_outside_every_cluster_folder_write_into_the_directory_itself() -> None:
    assert cluster_folders(["", "overlays/prod"]) == {"": ".", "overlays/prod": "prod"}
