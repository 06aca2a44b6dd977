"""Convert benchmark: `sme-migrate convert` of a generated mesh against a C-speed baseline.

Usage: .venv/bin/python bench/convert_bench.py [--sizes 2000,10000,20000] [--runs 3] [--quick]
                                              [--before DIR]

The mesh has 1,000 workloads (Deployments, each with its Service) and 1,000 distinct
selectors over ten namespaces.
The baseline parses the same input with PyYAML's CSafeLoader and dumps as many WasmPlugin-sized
mappings with CSafeDumper, in a subprocess like the CLI's. Prints each size's ratio to its
baseline, and the largest size's time against the smallest's (linear is the size ratio).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (
    PYTHON,
    load_average,
    median_times,
    ratio_line,
    run_quietly,
    sme_migrate,
    versions,
)

NAMESPACES = 10
PHASES = ("PreAuthN", "PostAuthN", "PreAuthZ", "PostAuthZ", "PreStats", "PostStats")
BASELINE = """
import sys, yaml
docs = [d for d in yaml.load_all(open(sys.argv[1]), Loader=yaml.CSafeLoader) if d]
plugins = [{"apiVersion": "extensions.istio.io/v1alpha1", "kind": "WasmPlugin",
            "metadata": {"name": d["metadata"]["name"], "namespace": d["metadata"]["namespace"],
                         "annotations": {"a": "maistra.io/v1 ServiceMeshExtension", "b": "x 1"}},
            "spec": {"url": "oci://" + d["spec"]["image"], "pluginName": "p", "phase": "AUTHZ",
                     "priority": 10, "selector": {"matchLabels": {"app": "x"}},
                     "pluginConfig": d["spec"]["config"]}}
           for d in docs if d["kind"] == "ServiceMeshExtension"]
sys.stdout.write(yaml.dump_all(plugins, Dumper=yaml.CSafeDumper, sort_keys=False))
"""


def workload(index: int) -> str:
    namespace = f"team{index % NAMESPACES}"
    return f"""apiVersion: apps/v1
kind: Deployment
metadata:
  name: app{index}
  namespace: {namespace}
spec:
  selector:
    matchLabels:
      app: app{index}
  template:
    metadata:
      labels:
        app: app{index}
        tier: tier{index % 7}
    spec:
      containers:
      - name: main
        image: registry.example.com/app{index}:1.0
---
apiVersion: v1
kind: Service
metadata:
  name: app{index}
  namespace: {namespace}
spec:
  selector:
    app: app{index}
  ports:
  - name: http
    port: 80
"""


def extension(index: int, selectors: int) -> str:
    target = index % selectors
    return f"""apiVersion: maistra.io/v1
kind: ServiceMeshExtension
metadata:
  name: ext{index}
  namespace: team{target % NAMESPACES}
spec:
  image: quay.io/example/filter{index % 50}:1.0.{index % 9}
  phase: {PHASES[index % len(PHASES)]}
  priority: {index % 97}
  workloadSelector:
    labels:
      app: app{target}
  config:
    header: x-ext{index}
    enabled: true
"""


def write_mesh(path: Path, smes: int, workloads: int = 1000, selectors: int = 1000) -> Path:
    documents = [workload(i) for i in range(workloads)]
    documents += [extension(i, selectors) for i in range(smes)]
    path.write_text("---\n".join(documents), encoding="utf-8")
    return path


def measure(sizes: list[int], runs: int, workdir: Path, scale: int, trees: dict[str, Path]
            ) -> dict[int, dict[str, float]]:
    results = {}
    for size in sizes:
        mesh = str(write_mesh(workdir / f"mesh-{size}.yaml", size, 1000 // scale, 1000 // scale))
        actions = {"baseline": lambda m=mesh: run_quietly([str(PYTHON), "-c", BASELINE, m])}
        for suffix, tree in trees.items():
            actions["convert" + suffix] = sme_migrate(tree, "convert", mesh, "--fail-on", "never")
        results[size] = median_times(runs, actions)
    return results


def report(results: dict[int, dict[str, float]], runs: int) -> None:
    print(f"median of {runs}; {load_average()}")
    for size, timings in results.items():
        base = timings["baseline"]
        print(ratio_line(f"baseline, {size} SMEs (CSafeLoader + CSafeDumper)", base, base))
        for label, seconds in timings.items():
            if label != "baseline":
                print(ratio_line(f"sme-migrate {label}, {size} SMEs", seconds, base, "<= 3"))
    small, large = min(results), max(results)
    for label in results[small]:
        if large > small and label != "baseline":
            growth = results[large][label] / results[small][label]
            print(f"{label}: {large} vs {small} SMEs ({large / small:.0f}x the input) takes "
                  f"{growth:.2f}x the time (target <= {1.1 * large / small:.0f})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="2000,10000,20000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="tiny sizes, one run (a smoke test)")
    parser.add_argument("--before", type=Path, help="an older source tree to time alongside")
    args = parser.parse_args()
    sizes = [40, 200] if args.quick else [int(s) for s in args.sizes.split(",")]
    runs, scale = (1, 50) if args.quick else (args.runs, 1)
    with tempfile.TemporaryDirectory(prefix="sme-convert-bench-") as workdir:
        report(measure(sizes, runs, Path(workdir), scale, versions(args.before)), runs)


if __name__ == "__main__":
    main()
