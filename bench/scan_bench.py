"""Scan benchmark: a full file scan against `grep -rl ServiceMeshExtension` on a GitOps-like tree.

Usage: .venv/bin/python bench/scan_bench.py [--files 20000] [--smes 300] [--tree DIR] [--no-git]
                                           [--runs 5] [--cold] [--quick] [--before DIR]

Builds (once; reused when the tree already exists) a synthetic repository of Deployments,
Services, ConfigMaps and kustomizations with a few hundred ServiceMeshExtensions among them,
then prints the median wall-clock times of grep, of `sme-migrate scan -o json` (with `--before
DIR`, an older source tree's too), of a bare `python -c read_paths(...)` subprocess (start-up
included) and of an in-process call, each with its ratio to grep, and the load average.

Three floors follow, what no scan in Python goes below: the interpreter's start-up, a scan of
an empty directory (start-up and the imports a scan needs), and Python opening and reading
each of the tree's files with nothing else done (one core).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import REPO, load_average, sme_migrate, versions

DEFAULT_TREES = Path(tempfile.gettempdir()) / "sme-migrate-bench"
TEAMS = ("payments", "search", "catalog", "identity", "billing", "shipping", "ads", "media")
ENVS = ("dev", "staging", "prod", "dr")
# .git holds the same bytes again (compressed): leaving it out only makes grep faster.
GREP = ["grep", "-rl", "--exclude-dir=.git", "ServiceMeshExtension"]


def deployment(name: str, namespace: str, containers: int) -> str:
    blocks = "".join(
        f"""      - name: {name}-{index}
        image: registry.example.com/{namespace}/{name}-{index}:1.{index}.7
        ports:
        - containerPort: {8080 + index}
          name: http-{index}
        env:
        - name: LOG_LEVEL
          value: info
        - name: UPSTREAM_URL
          value: http://{name}-upstream.{namespace}.svc.cluster.local:8080
        resources:
          requests: {{cpu: 100m, memory: 128Mi}}
          limits: {{cpu: "1", memory: 512Mi}}
        readinessProbe:
          httpGet: {{path: /healthz, port: {8080 + index}}}
          periodSeconds: 10
"""
        for index in range(containers)
    )
    return f"""apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
  labels:
    app: {name}
    version: v1
    app.kubernetes.io/part-of: {namespace}
spec:
  replicas: 3
  selector:
    matchLabels:
      app: {name}
  template:
    metadata:
      labels:
        app: {name}
        version: v1
      annotations:
        sidecar.istio.io/inject: "true"
    spec:
      serviceAccountName: {name}
      containers:
{blocks}"""


def service(name: str) -> str:
    return f"""apiVersion: v1
kind: Service
metadata:
  name: {name}
  labels:
    app: {name}
spec:
  selector:
    app: {name}
  ports:
  - name: http
    port: 80
    targetPort: 8080
"""


def configmap(name: str, rng: random.Random) -> str:
    settings = range(rng.randrange(5, 120))
    lines = "".join(f"    {name}.setting{index}={rng.randrange(10**6)}\n" for index in settings)
    return f"""apiVersion: v1
kind: ConfigMap
metadata:
  name: {name}-config
data:
  application.properties: |
{lines}"""


def kustomization(namespace: str, resources: list[str]) -> str:
    listed = "".join(f"- {resource}\n" for resource in resources)
    return (
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
        f"namespace: {namespace}\nresources:\n{listed}"
    )


def extension(name: str, app: str, rng: random.Random) -> str:
    phase = rng.choice(("PreAuthN", "PostAuthN", "PreAuthZ", "PostAuthZ", "PreStats", "PostStats"))
    return f"""apiVersion: maistra.io/v1
kind: ServiceMeshExtension
metadata:
  name: {name}
spec:
  image: quay.io/example/{name}:1.0.{rng.randrange(20)}
  phase: {phase}
  priority: {rng.randrange(-10, 100)}
  workloadSelector:
    labels:
      app: {app}
  config:
    header: x-{name}
    enabled: true
"""


def app_files(namespace: str, app: str, rng: random.Random) -> dict[str, str]:
    files = {
        "deployment.yaml": deployment(app, namespace, rng.choice((1, 1, 2, 3))),
        "service.yaml": service(app),
        "configmap.yaml": configmap(app, rng),
    }
    files["kustomization.yaml"] = kustomization(namespace, sorted(files))
    return files


def sme_file(app: str, rng: random.Random, serial: int) -> tuple[str, str]:
    name = f"{app}-ext{serial}"
    if rng.random() < 0.3:  # some repositories keep the extension next to its workload
        return f"{name}.yaml", extension(name, app, rng) + "---\n" + service(f"{app}-wasm")
    return f"{name}.yaml", extension(name, app, rng)


def app_dirs(root: Path, count: int) -> Iterator[tuple[Path, str, str]]:
    for index in range(count):
        env = ENVS[index % len(ENVS)]
        team = TEAMS[(index // len(ENVS)) % len(TEAMS)]
        app = f"{team}-svc{index}"
        yield root / "clusters" / env / "apps" / team / app, f"{team}-{env}", app


def build_tree(root: Path, files: int, smes: int, seed: int = 7) -> int:
    """Write the tree; returns the number of files written."""
    rng = random.Random(seed)
    apps = files // 4
    sme_apps = set(rng.sample(range(apps), smes))
    written = 0
    for index, (directory, namespace, app) in enumerate(app_dirs(root, apps)):
        directory.mkdir(parents=True, exist_ok=True)
        contents = app_files(namespace, app, rng)
        if index in sme_apps:
            name, text = sme_file(app, rng, index)
            contents[name] = text
        for name, text in contents.items():
            (directory / name).write_text(text, encoding="utf-8")
            written += 1
    return written


def git_init(root: Path) -> None:
    def git(*args: str) -> None:
        subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)

    git("init", "-q")
    git("add", "-A")
    git("-c", "user.name=bench", "-c", "user.email=bench@example.invalid", "commit", "-qm", "tree")


def evict(tree: Path) -> None:
    """Drop the tree's files from the page cache (no privileges needed), for cold-cache runs."""
    for path in tree.rglob("*"):
        if path.is_file() and not path.is_symlink():
            descriptor = os.open(path, os.O_RDONLY)
            os.posix_fadvise(descriptor, 0, 0, os.POSIX_FADV_DONTNEED)
            os.close(descriptor)


def median_times(
    runs: int, actions: dict[str, Callable[[], object]], before: Callable[[], None] = lambda: None
) -> dict[str, float]:
    """Median wall-clock time of each action; rounds interleave the actions so that load from
    other processes hits them alike."""
    samples: dict[str, list[float]] = {label: [] for label in actions}
    for _ in range(runs):
        for label, action in actions.items():
            before()
            start = time.perf_counter()
            action()
            samples[label].append(time.perf_counter() - start)
    return {label: statistics.median(times) for label, times in samples.items()}


def run_quietly(command: list[str]) -> None:
    result = subprocess.run(command, capture_output=True)
    if result.returncode not in (0, 1):  # scan exits 1 when it finds extensions
        raise RuntimeError(f"{command[0]} failed ({result.returncode}): {result.stderr[-2000:]!r}")


def measure(tree: Path, runs: int, cold: bool, before: Path | None) -> dict[str, float]:
    from migrate.sources.files import read_paths

    python = str(REPO / ".venv" / "bin" / "python")
    snippet = f"from migrate.sources.files import read_paths; read_paths([{str(tree)!r}])"
    actions: dict[str, Callable[[], object]] = {
        "grep -rl": lambda: run_quietly([*GREP, str(tree)]),
        "python -c read_paths (start-up included)": lambda: run_quietly([python, "-c", snippet]),
        "read_paths in-process": lambda: read_paths([str(tree)]),
    }
    for suffix, source in versions(before).items():
        actions[f"sme-migrate scan -o json{suffix}"] = sme_migrate(source, "scan", str(tree),
                                                                   "-o", "json")
    empty = Path(tempfile.mkdtemp(prefix="sme-migrate-empty-"))
    files = read_paths_files(tree)
    actions |= {
        "floor: python -c pass": lambda: run_quietly([python, "-c", "pass"]),
        "floor: sme-migrate scan EMPTY_DIR -o json": sme_migrate(REPO, "scan", str(empty),
                                                                 "-o", "json"),
        "floor: open + read each file, in Python": lambda: read_each(files),
    }
    try:
        return median_times(runs, actions, (lambda: evict(tree)) if cold else lambda: None)
    finally:
        empty.rmdir()


def read_paths_files(tree: Path) -> list[str]:
    from migrate.sources.walk import walk

    return list(walk(str(tree)).files)


def read_each(files: list[str]) -> None:
    """What reading costs in Python with no other work: one open, read and close a file."""
    buffer = bytearray(1024 * 1024)
    for path in files:
        descriptor = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
        try:
            os.readv(descriptor, [buffer])
        finally:
            os.close(descriptor)


def describe(tree: Path) -> str:
    from migrate.sources.files import read_paths

    scan = read_paths([str(tree)])
    kinds: dict[str, int] = {}
    for resource in scan.resources:
        kinds[resource.kind] = kinds.get(resource.kind, 0) + 1
    return (
        f"files scanned {scan.files_scanned}, resources {len(scan.resources)} {kinds}, "
        f"findings {len(scan.findings)}, workload files {len(scan.workload_files)}"
    )


def prepare(tree: Path, files: int, smes: int, use_git: bool) -> None:
    if tree.exists() and (tree / ".git").exists() == use_git:
        return
    shutil.rmtree(tree, ignore_errors=True)
    start = time.perf_counter()
    written = build_tree(tree, files, smes)
    if use_git:
        git_init(tree)
    seconds = time.perf_counter() - start
    print(f"built {written} files in {seconds:.1f} s under {tree}", file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=20_000)
    parser.add_argument("--smes", type=int, default=300)
    parser.add_argument("--tree", type=Path, help=f"default: {DEFAULT_TREES}/{{git,plain}}")
    parser.add_argument("--no-git", action="store_true", help="plain directory, no git work tree")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cold", action="store_true", help="evict the tree from the page cache")
    parser.add_argument("--quick", action="store_true", help="a 200-file tree, one run (smoke)")
    parser.add_argument("--before", type=Path, help="an older source tree to time alongside")
    args = parser.parse_args()
    sys.path.insert(0, str(REPO))
    if args.quick:
        args.files, args.smes, args.runs = 200, 5, 1
        args.tree = args.tree or DEFAULT_TREES / "quick"
    tree = args.tree or DEFAULT_TREES / ("plain" if args.no_git else "git")
    prepare(tree, args.files, args.smes, not args.no_git)
    print(describe(tree))
    timings = measure(tree, args.runs, args.cold, args.before)
    grep = timings["grep -rl"]
    cache = "cold (evicted before each run)" if args.cold else "warm"
    print(f"median of {args.runs}, {cache} page cache; grep is: {' '.join(GREP)} TREE; "
          f"{load_average()}")
    for label, seconds in timings.items():
        target = "   (target <= 3)" if label.startswith("sme-migrate scan -o") else ""
        print(f"{label:45s} {seconds * 1000:8.1f} ms   {seconds / grep:5.2f} x grep{target}")


if __name__ == "__main__":
    main()
