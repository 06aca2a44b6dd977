"""Module re-check benchmark: a warm `scan --check-modules` of many images against one image.

Usage: .venv/bin/python bench/module_recheck_bench.py [--images 100] [--runs 3] [--quick]
                                                     [--before DIR]

Starts a real local registry (Debian docker-registry, plain HTTP on 127.0.0.1), pushes
`--images` distinct small real modules (the SDK-built add_header filter, each with its own
custom section, so each has its own digest), writes one SME per image in one directory and a
second directory with one SME, fills the cache with one run of each, then times the CLI
`scan DIR --check-modules` of both side by side (interleaved rounds, medians) and prints the
ratio with its target (<= 3x: a warm re-check costs little per image when nothing changed)
and the load average. Tags are resolved on every run (the manifest requests stay); each run
must report every image with the same finding (see EXPECTED), else the bench fails.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common import (
    load_average,
    median_times,
    python_of,
    ratio_line,
    sme_migrate,
    versions,
)

from tests.modules.builders import OCI_LAYER, compat_layer, sdk_module, with_custom_section
from tests.support.registry import Registry, push, start_registry

TARGET = "<= 3x"
# The SDK filter does not know the root id the migration gives it (`<name>_root`) and traps in
# proxy_on_vm_start: one finding per image, which shows that its start-up was run (or its
# verdict read from the cache).
EXPECTED = {"MOD019"}
SME = """apiVersion: maistra.io/v1
kind: ServiceMeshExtension
metadata:
  name: filter{index}
  namespace: team{team}
spec:
  image: {image}
  phase: PostAuthZ
  priority: 10
  workloadSelector:
    labels:
      app: app{index}
  config:
    header: x-bench-{index}
"""


def push_images(registry: Registry, count: int) -> list[str]:
    """`count` distinct images, one module each."""
    base = sdk_module()
    return [
        push(registry, f"bench/filter{i}", "1.0",
             [(OCI_LAYER, compat_layer(with_custom_section(base, "bench", str(i).encode())))]
             ).reference
        for i in range(count)
    ]


def write_smes(directory: Path, images: list[str]) -> Path:
    directory.mkdir(parents=True)
    for index, image in enumerate(images):
        text = SME.format(index=index, team=index % 5, image=image)
        (directory / f"filter{index}.yaml").write_text(text)
    return directory


def scan_command(directory: Path, registry: Registry, work: Path) -> list[str]:
    config = work / "docker-config.json"
    config.write_text('{"auths": {}}')
    return ["scan", str(directory), "--check-modules", "--insecure-registry", registry.host,
            "--registry-config", str(config), "--cache-dir", str(work / "cache"),
            "--format", "json", "--fail-on", "never"]


def checked_scan(source: Path, args: list[str], images: int) -> None:
    """One run that must have checked every module (no registry failure, none skipped)."""
    done = subprocess.run([str(python_of(source)), "-m", "migrate", *args], capture_output=True,
                          cwd=source, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"scan failed ({done.returncode}): {done.stderr[-2000:]!r}")
    findings = json.loads(done.stdout)["findings"]
    broken = [f for f in findings if f["rule"] in ("MOD001", "MOD002", "MOD003", "MOD004")]
    if broken:
        raise RuntimeError(f"the registry was not read: {broken[:3]}")
    rules: dict[str, set[str]] = {}
    for finding in findings:
        if finding["rule"].startswith("MOD"):
            rules.setdefault(finding["resource"]["name"], set()).add(finding["rule"])
    if len(rules) != images or any(found != EXPECTED for found in rules.values()):
        raise RuntimeError(f"not every module was checked as expected: {rules}")


def measure(work: Path, images: int, runs: int, before: Path | None) -> dict[str, float]:
    registry = start_registry(work / "registry")
    try:
        references = push_images(registry, images)
        many = scan_command(write_smes(work / "many", references), registry, work)
        one = scan_command(write_smes(work / "one", references[:1]), registry, work)
        actions: dict[str, Callable[[], None]] = {}
        for suffix, source in versions(before).items():
            checked_scan(source, many, images)  # fills the cache
            checked_scan(source, one, 1)
            actions[f"{images} images{suffix}"] = _cli(source, many)
            actions[f"1 image{suffix}"] = _cli(source, one)
        timings: dict[str, float] = median_times(runs, actions)
        return timings
    finally:
        registry.stop()


def _cli(source: Path, args: list[str]) -> Callable[[], None]:
    run: Callable[[], None] = sme_migrate(source, *args)
    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="5 images, one run (smoke)")
    parser.add_argument("--before", type=Path, help="an older source tree to time alongside")
    args = parser.parse_args()
    if args.quick:
        args.images, args.runs = 5, 1
    with tempfile.TemporaryDirectory(prefix="module-recheck-") as tmp:
        timings = measure(Path(tmp), args.images, args.runs, args.before)
    print(f"warm `scan DIR --check-modules`, median of {args.runs} interleaved rounds")
    for suffix in versions(args.before):
        many, one = timings[f"{args.images} images{suffix}"], timings[f"1 image{suffix}"]
        print(ratio_line(f"1 image{suffix}", one, one))
        print(ratio_line(f"{args.images} images{suffix}, x the 1-image time", many, one, TARGET))
    print(load_average())


if __name__ == "__main__":
    main()
