"""Registry options shared by `modules check`, `scan --check-modules` and `convert`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

RegistryConfig = Annotated[
    Path | None,
    typer.Option(
        "--registry-config",
        help="docker config.json with registry credentials "
        "(default: $DOCKER_CONFIG/config.json or ~/.docker/config.json).",
    ),
]
InsecureRegistry = Annotated[
    list[str] | None,
    typer.Option(
        "--insecure-registry",
        metavar="HOST[:PORT]",
        help="Speak plain HTTP to this registry (repeatable).",
    ),
]
CaFile = Annotated[
    Path | None, typer.Option("--ca-file", help="PEM CA bundle to trust for registry TLS.")
]
Timeout = Annotated[
    float, typer.Option("--timeout", min=0.1, help="Seconds to wait for a registry to answer.")
]
CacheDir = Annotated[
    Path | None, typer.Option("--cache-dir", help="Blob cache (default ~/.cache/sme-migrate).")
]
NoCache = Annotated[bool, typer.Option("--no-cache", help="Do not read or write the blob cache.")]
CheckModules = Annotated[
    bool,
    typer.Option(
        "--check-modules",
        help="Pull each image, check its format and Wasm module, and start it with the "
        "migrated configuration; read phase/priority defaults from its manifest.yaml.",
    ),
]
Pin = Annotated[
    bool,
    typer.Option("--pin", help="Pin spec.sha256 to the image manifest digest (checks modules)."),
]
