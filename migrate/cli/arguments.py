"""The positional arguments the manifest commands take."""

from __future__ import annotations

from typing import Annotated

import typer

ScanPaths = Annotated[
    list[str], typer.Argument(help="Files or directories to read (recursively); - reads stdin.")
]
FilePaths = Annotated[
    list[str], typer.Argument(help="Files or directories to rewrite in place (recursively).")
]
