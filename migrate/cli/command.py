"""Register a command whose signature names option groups, and run it the same way every time:
a usage error is exit 2 with one line, an unexpected exception is exit 2 (never 1, the
"findings" status) with one line and a hint."""

from __future__ import annotations

import dataclasses
import functools
import inspect
import os
import sys
import traceback
from collections.abc import Callable
from typing import Any, get_type_hints

import typer

from migrate.pipeline.errors import UsageError
from migrate.pipeline.status import ExitCode

TRACEBACK_VARIABLE = "SME_MIGRATE_TRACEBACK"
Command = Callable[..., None]


def fail(message: str) -> typer.Exit:
    """Print a usage or tool error; the caller raises what this returns."""
    typer.echo(f"sme-migrate: {message}", err=True)
    return typer.Exit(ExitCode.ERROR)


def shared_options(func: Command) -> Command:
    """`func` with each option-group parameter replaced by the group's own options."""
    hints = get_type_hints(func, include_extras=True)
    groups: dict[str, Callable[..., object]] = {
        name: hint for name, hint in hints.items()
        if name != "return" and isinstance(hint, type) and dataclasses.is_dataclass(hint)}
    parameters = [_own_parameter(p, hints[p.name]) for p in _parameters(func)
                  if p.name not in groups]
    parameters += [option for group in groups.values() for option in _group_parameters(group)]

    @functools.wraps(func)
    def run(**values: Any) -> None:
        for name, group in groups.items():
            fields = {f.name: values.pop(f.name) for f in _fields(group)}
            values[name] = group(**fields)
        _guarded(func, values)

    run.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    run.__annotations__ = {p.name: p.annotation for p in parameters}
    return run


def _parameters(func: Command) -> list[inspect.Parameter]:
    return list(inspect.signature(func).parameters.values())


def _own_parameter(parameter: inspect.Parameter, hint: Any) -> inspect.Parameter:
    return parameter.replace(kind=inspect.Parameter.KEYWORD_ONLY, annotation=hint)


def _fields(group: Any) -> tuple[dataclasses.Field[Any], ...]:
    return dataclasses.fields(group)


def _group_parameters(group: Any) -> list[inspect.Parameter]:
    hints = get_type_hints(group, include_extras=True)
    return [inspect.Parameter(f.name, inspect.Parameter.KEYWORD_ONLY, default=f.default,
                              annotation=hints[f.name]) for f in _fields(group)]


def _guarded(func: Command, values: dict[str, Any]) -> None:
    try:
        func(**values)
    except UsageError as error:
        raise fail(error.message) from None
    except (typer.Exit, typer.Abort):
        raise
    except Exception as error:  # a bug: say so in one line, not in the "findings" status
        if os.environ.get(TRACEBACK_VARIABLE):
            traceback.print_exc(file=sys.stderr)
        raise fail(f"internal error: {type(error).__name__}: {error}. This is a bug; please "
                   f"report it (set {TRACEBACK_VARIABLE}=1 for the traceback)") from None
