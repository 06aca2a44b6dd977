"""Run the real command line in-process, with stdout and stderr kept apart."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from typer.testing import CliRunner

from migrate.cli import app


@dataclass(frozen=True)
class Outcome:
    exit_code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


def sme_migrate(*args: str, stdin: str | None = None) -> Outcome:
    result = CliRunner().invoke(app, list(args), input=stdin, catch_exceptions=False)
    return Outcome(result.exit_code, result.stdout, result.stderr)
