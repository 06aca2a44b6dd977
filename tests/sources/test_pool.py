"""Reading many files: the threaded path (taken when the disk is cold) changes nothing."""

from __future__ import annotations

from migrate.sources.pool import CHUNK_FILES, sniff_all
from tests.sources.source_trees import Tree, extension_yaml


def test_threaded_reading_gives_the_same_results_in_the_same_order(tree: Tree) -> None:
    files = {
        f"d{index // 50}/f{index:04}.yaml": "kind: ConfigMap\n" for index in range(3 * CHUNK_FILES)
    }
    files.update({f"d{index}/ext.yaml": extension_yaml(f"e{index}") for index in range(0, 15, 3)})
    root = tree(files)
    paths = sorted(str(path) for path in root.rglob("*.yaml"))

    in_order = sniff_all(paths, cold_seconds_per_file=float("inf"))
    threaded = sniff_all(paths, cold_seconds_per_file=float("-inf"))  # every chunk is cold

    assert threaded == in_order
    assert [found.path for found in threaded] == [
        str(root / f"d{i}/ext.yaml") for i in (0, 12, 3, 6, 9)
    ]
