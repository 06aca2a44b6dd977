"""Two cores for long lists: the same result as one, and no child left behind."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from migrate.sources import halves
from migrate.sources.halves import DISABLE_VARIABLE, in_two_halves
from tests.sources.source_trees import deployment_yaml, extension_yaml, write_tree
from tests.support.cli import sme_migrate

ITEMS = list(range(5_000))


def _tagged(items: Sequence[int]) -> list[tuple[int, int]]:
    """Each item with the process that computed it."""
    return [(item, os.getpid()) for item in items]


def _values_and_processes(result: list[tuple[int, int]]) -> tuple[list[int], set[int]]:
    return [item for item, _ in result], {pid for _, pid in result}


def _no_children_left() -> bool:
    try:
        os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


@pytest.fixture(autouse=True)
def _both_cores(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv(DISABLE_VARIABLE, raising=False)
    monkeypatch.setattr(halves, "_cores", lambda: 2)  # as in CI, on a machine with one
    yield
    assert _no_children_left()


def test_a_long_list_is_shared_with_a_second_process_in_order() -> None:
    values, processes = _values_and_processes(in_two_halves(_tagged, ITEMS))
    assert values == ITEMS
    assert len(processes) == 2 and os.getpid() in processes


@pytest.mark.parametrize("items", [ITEMS[:100], []])
def test_a_short_list_stays_in_this_process(items: list[int]) -> None:
    values, processes = _values_and_processes(in_two_halves(_tagged, items))
    assert values == items
    assert processes <= {os.getpid()}


def test_no_fork_while_other_threads_run() -> None:
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        _, processes = _values_and_processes(in_two_halves(_tagged, ITEMS))
    finally:
        stop.set()
        other.join()
    assert processes == {os.getpid()}


def test_the_variable_keeps_it_on_one_core(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(DISABLE_VARIABLE, "1")
    _, processes = _values_and_processes(in_two_halves(_tagged, ITEMS))
    assert processes == {os.getpid()}


def test_an_error_in_the_childs_half_is_raised_here() -> None:
    parent = os.getpid()

    def fails_in_child(items: Sequence[int]) -> list[int]:
        if os.getpid() != parent:
            raise ValueError(f"item {items[0]} is bad")
        return list(items)

    with pytest.raises(ValueError, match=f"item {len(ITEMS) // 2} is bad"):
        in_two_halves(fails_in_child, ITEMS)


def test_a_child_that_dies_costs_time_not_results() -> None:
    parent = os.getpid()

    def dies_in_child(items: Sequence[int]) -> list[int]:
        if os.getpid() != parent:
            os._exit(9)  # as if the OOM killer took it
        return list(items)

    assert in_two_halves(dies_in_child, ITEMS) == ITEMS


def test_an_error_in_this_half_stops_the_child() -> None:
    parent = os.getpid()

    def fails_here(items: Sequence[int]) -> list[int]:
        if os.getpid() == parent:
            raise KeyError("here")
        threading.Event().wait(30)  # the child would outlive the parent's error
        return list(items)

    with pytest.raises(KeyError):
        in_two_halves(fails_here, ITEMS)


def test_a_scan_on_two_cores_reports_what_one_core_does(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files: dict[str, str | bytes] = {}
    for index in range(1_200):
        team = f"team{index % 40}"
        files[f"{team}/app{index}/deployment.yaml"] = deployment_yaml(f"app{index}", f"app{index}")
        files[f"{team}/app{index}/config.yaml"] = f"kind: ConfigMap\ndata: {{n: '{index}'}}\n"
    for index in range(0, 1_200, 97):
        files[f"team{index % 40}/app{index}/sme.yaml"] = extension_yaml(
            f"ext{index}", f"team{index % 40}").replace(
            "spec:\n", f"spec:\n  workloadSelector:\n    labels:\n      app: app{index}\n")
    files["team3/broken.yaml"] = "kind: ServiceMeshExtension\nspec: [unclosed\n"
    files["team4/binary.yaml"] = b"kind: ServiceMeshExtension\x00\xff"
    root = write_tree(tmp_path, files)
    two = sme_migrate("scan", str(root), "-o", "json", "--fail-on", "never")
    monkeypatch.setenv(DISABLE_VARIABLE, "1")
    one = sme_migrate("scan", str(root), "-o", "json", "--fail-on", "never")
    assert two.stdout == one.stdout
    summary = one.json()["summary"]
    assert summary["files"] == len(files) and summary["extensions"] == 13
