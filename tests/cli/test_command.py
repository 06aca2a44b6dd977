"""Every command runs under one guard: a usage error and a crash are exit 2 with one line."""

from __future__ import annotations

import typer
from typer.testing import CliRunner

from migrate.cli.command import shared_options
from migrate.cli.options import Gating
from migrate.pipeline.errors import UsageError


def _app(failure: Exception) -> typer.Typer:
    app = typer.Typer()

    @app.command()
    @shared_options
    def explode(gating: Gating) -> None:
        assert gating.fail_on.value == "warning"
        raise failure

    return app


def test_an_unexpected_exception_is_exit_2_with_one_line_not_a_traceback() -> None:
    result = CliRunner().invoke(_app(KeyError("spec")), ["--fail-on", "warning"])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "internal error: KeyError" in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_a_usage_error_is_exit_2_with_its_message() -> None:
    result = CliRunner().invoke(_app(UsageError("no such thing")), ["--fail-on", "WARNING"])
    assert result.exit_code == 2 and result.stderr == "sme-migrate: no such thing\n"


def test_a_group_option_keeps_its_validation() -> None:
    result = CliRunner().invoke(_app(UsageError("unreached")), ["--fail-on", "sometimes"])
    assert result.exit_code == 2 and "unreached" not in result.stderr
