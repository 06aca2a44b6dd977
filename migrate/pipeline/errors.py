"""What the pipeline raises when the request itself cannot run (the CLI's exit 2)."""

from __future__ import annotations


class UsageError(Exception):
    """The user must change the request: a missing path, a bad option value, an unwritable
    output. The message is one line that says what and why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
