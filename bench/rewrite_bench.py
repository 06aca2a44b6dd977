"""Rewrite benchmark: `rewrite --check` against a scan of the same file, and a `kind: List`
(what `oc get servicemeshextensions -o yaml` prints) against a multi-document file.

Usage: .venv/bin/python bench/rewrite_bench.py [--smes 300] [--lists 250,500] [--runs 3]
                                               [--quick] [--before DIR]

Each rewrite works on a fresh copy of its input (it edits in place). `--lists 250,500,1000`
adds the largest size of the issue (minutes with a quadratic rewrite).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import load_average, median_times, ratio_line, sme_migrate, versions

PHASES = ("PreAuthN", "PostAuthN", "PreAuthZ", "PostAuthZ", "PreStats", "PostStats")


def extension(index: int, indent: str = "") -> str:
    text = f"""apiVersion: maistra.io/v1
kind: ServiceMeshExtension
metadata:
  name: ext{index}
  namespace: team{index % 10}
spec:
  image: quay.io/example/filter{index % 50}:1.0.{index % 9}
  phase: {PHASES[index % len(PHASES)]}
  priority: {index % 97}
  workloadSelector:
    labels:
      app: app{index % 100}
  config:
    header: x-ext{index}
"""
    lines = text.splitlines(keepends=True)
    return indent[:-2] + "- " + lines[0] + "".join(indent + line for line in lines[1:]) \
        if indent else text


def multi_document(count: int) -> str:
    return "---\n".join(extension(i) for i in range(count))


def kind_list(count: int) -> str:
    items = "".join(extension(i, "  ") for i in range(count))
    return f"apiVersion: v1\nkind: List\nitems:\n{items}metadata:\n  resourceVersion: \"\"\n"


def fresh_copy(source: Path, work: Path, rewrite: Callable[[], None]) -> Callable[[], None]:
    def run() -> None:
        shutil.copyfile(source, work)
        rewrite()
    return run


def rewrites(text: str, name: str, workdir: Path, trees: dict[str, Path], *flags: str
             ) -> dict[str, Callable[[], object]]:
    source = workdir / f"{name}.source.yaml"
    source.write_text(text, encoding="utf-8")
    actions: dict[str, Callable[[], object]] = {}
    for suffix, tree in trees.items():
        work = workdir / f"{name}{suffix.strip(' ()')}.yaml"
        command = sme_migrate(tree, "rewrite", *flags, str(work), "--fail-on", "never")
        actions[f"rewrite {' '.join(flags)} {name}{suffix}".replace("  ", " ")] = \
            fresh_copy(source, work, command)
    return actions


def check_vs_scan(smes: int, runs: int, workdir: Path, trees: dict[str, Path]) -> None:
    text = multi_document(smes)
    path = workdir / "scan.yaml"
    path.write_text(text, encoding="utf-8")
    actions: dict[str, Callable[[], object]] = {"scan": sme_migrate(trees[""], "scan", str(path))}
    actions.update(rewrites(text, f"{smes}-smes", workdir, trees, "--check"))
    timings = median_times(runs, actions)
    print(ratio_line(f"scan, {smes} SMEs in one file", timings["scan"], timings["scan"]))
    for label, seconds in timings.items():
        if label != "scan":
            print(ratio_line(label, seconds, timings["scan"], "<= 2"))


def list_vs_documents(size: int, runs: int, workdir: Path, trees: dict[str, Path]) -> None:
    actions = rewrites(multi_document(size), f"{size}-documents", workdir, {"": trees[""]})
    actions.update(rewrites(kind_list(size), f"list-of-{size}", workdir, trees))
    timings = median_times(runs, actions)
    base = next(iter(timings.values()))
    for label, seconds in timings.items():
        print(ratio_line(label, seconds, base, "" if seconds == base else "<= 2"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smes", type=int, default=300)
    parser.add_argument("--lists", default="250,500")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="tiny sizes, one run (a smoke test)")
    parser.add_argument("--before", type=Path, help="an older source tree to time alongside")
    args = parser.parse_args()
    smes, lists, runs = (10, [5, 10], 1) if args.quick else (
        args.smes, [int(s) for s in args.lists.split(",")], args.runs)
    trees = versions(args.before)
    print(f"median of {runs}; {load_average()}")
    with tempfile.TemporaryDirectory(prefix="sme-rewrite-bench-") as workdir:
        check_vs_scan(smes, runs, Path(workdir), trees)
        for size in lists:
            list_vs_documents(size, runs, Path(workdir), trees)
    print(load_average())


if __name__ == "__main__":
    main()
