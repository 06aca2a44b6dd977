"""Module fetch benchmark: how fast `check_references` succeeds and, above all, fails.

Usage: .venv/bin/python bench/module_fetch_bench.py [--repeat 3] [--skip-silent]

Starts real registries (Debian docker-registry: plain, htpasswd, TLS + token) on 127.0.0.1,
then prints the median wall-clock time of one `check_references` call per case, with the
default ModuleOptions except the credentials and transport each case needs. The failure cases
are the ones oras-py takes about two minutes over (its retries sleep 3+5+11+29+83 s).
"""

from __future__ import annotations

import argparse
import base64
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from migrate.modules.api import ModuleOptions, check_references  # noqa: E402
from tests.modules.builders import OCI_LAYER, compat_layer, sdk_module  # noqa: E402
from tests.support.network import closed_port, silent_port  # noqa: E402
from tests.support.registry import Registry, push, start_registry  # noqa: E402

USERS = {"alice": "bench-Pa55word"}


def timed(run: Callable[[], list[str]], repeat: int) -> tuple[float, list[str]]:
    times, rules = [], []
    for _ in range(repeat):
        started = time.perf_counter()
        rules = run()
        times.append(time.perf_counter() - started)
    return statistics.median(times), rules


def check(reference: str, options: ModuleOptions) -> list[str]:
    config = {reference: {"header": "x"}}
    report = check_references([reference], options, config, {reference: "add_header"})
    return [f.rule for f in report[reference].findings]


def docker_config(directory: Path, host: str, password: str) -> Path:
    auth = base64.b64encode(f"alice:{password}".encode()).decode()
    path = directory / f"config-{abs(hash((host, password)))}.json"
    path.write_text(json.dumps({"auths": {host: {"auth": auth}}}))
    return path


def cases(
    work: Path, plain: Registry, basic: Registry, token: Registry, skip_silent: bool
) -> Iterator[tuple[str, Callable[[], list[str]]]]:
    empty = work / "empty.json"
    empty.write_text("{}")
    module = compat_layer(sdk_module())
    image = push(plain, "bench/filter", "1", [(OCI_LAYER, module)]).reference
    private = push(basic, "bench/private", "1", [(OCI_LAYER, module)]).reference
    secured = push(token, "private/bench", "1", [(OCI_LAYER, module)]).reference
    plain_opts = ModuleOptions(
        registry_config=empty, insecure_registries=frozenset({plain.host}), cache_dir=work / "cache"
    )
    yield (
        "pull, cold cache",
        lambda: check(image, ModuleOptions(**{**plain_opts.__dict__, "use_cache": False})),
    )
    yield "pull, warm cache", lambda: check(image, plain_opts)
    port = closed_port()
    refused = ModuleOptions(
        registry_config=empty, insecure_registries=frozenset({f"127.0.0.1:{port}"})
    )
    yield "connection refused", lambda: check(f"127.0.0.1:{port}/a/b:1", refused)
    anonymous = ModuleOptions(
        registry_config=empty, insecure_registries=frozenset({basic.host}), use_cache=False
    )
    yield "401, no credentials (basic)", lambda: check(private, anonymous)
    wrong = ModuleOptions(
        registry_config=docker_config(work, basic.host, "wrong"),
        insecure_registries=frozenset({basic.host}),
        use_cache=False,
    )
    yield "401, wrong password (basic)", lambda: check(private, wrong)
    refused_token = ModuleOptions(
        registry_config=docker_config(work, token.host, "wrong"),
        ca_file=token.ca_file,
        use_cache=False,
    )
    yield "401, token server refuses (TLS)", lambda: check(secured, refused_token)
    untrusted = ModuleOptions(registry_config=empty, use_cache=False)
    yield "TLS, unknown CA", lambda: check(secured, untrusted)
    if not skip_silent:

        def silent() -> list[str]:
            with silent_port() as port:
                options = ModuleOptions(
                    registry_config=empty,
                    use_cache=False,
                    insecure_registries=frozenset({f"127.0.0.1:{port}"}),
                )
                return check(f"127.0.0.1:{port}/a/b:1", options)

        yield "no answer (default 10 s timeout)", silent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-silent", action="store_true", help="skip the 10 s timeout case")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="module-bench-") as tmp:
        work = Path(tmp)
        started = time.perf_counter()
        registries = [
            start_registry(work / "plain"),
            start_registry(work / "basic", htpasswd_users=USERS),
            start_registry(work / "token", tls=True, token_users=USERS),
        ]
        print(f"3 registries ready in {time.perf_counter() - started:.2f} s", file=sys.stderr)
        try:
            plain, basic, token = registries
            for name, run in cases(work, plain, basic, token, skip_silent=args.skip_silent):
                seconds, rules = timed(run, 1 if name.startswith("no answer") else args.repeat)
                print(f"{name:<36} {seconds * 1000:9.1f} ms  {','.join(rules) or 'clean'}")
        finally:
            for registry in registries:
                registry.stop()


if __name__ == "__main__":
    main()
