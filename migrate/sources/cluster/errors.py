"""Why a cluster cannot be read at all (the CLI's exit 2), and one API error as data."""

from __future__ import annotations


class ClusterError(Exception):
    """No usable connection: a bad kubeconfig, an unreachable server, rejected credentials.
    The message is one line and never holds a credential."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ApiStatus(Exception):
    """A `Status` answer of the API server: its HTTP code, reason and message."""

    def __init__(self, code: int, reason: str, message: str) -> None:
        super().__init__(f"{code} {reason}: {message}")
        self.code, self.reason, self.message = code, reason, message

    @property
    def forbidden(self) -> bool:
        return self.code == 403

    @property
    def missing(self) -> bool:
        return self.code == 404

    @property
    def expired(self) -> bool:
        return self.code == 410

    @property
    def transient(self) -> bool:
        return self.code in (429, 500, 502, 503, 504)
