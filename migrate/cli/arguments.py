"""The positional arguments the manifest commands take."""

from __future__ import annotations

from typing import Annotated

import typer

ScanPaths = Annotated[
    list[str] | None, typer.Argument(
        help="Files or directories to read (recursively); - reads stdin. None with --cluster.",
        show_default=False)
]
FilePaths = Annotated[
    list[str], typer.Argument(help="Files or directories to rewrite in place (recursively).")
]
