"""Standard input, read no further than the size cap; a closed one is a usage error."""

from __future__ import annotations

import sys
from typing import BinaryIO

from migrate.sources.bounded import Capped, read_capped
from migrate.sources.unparsable import MAX_FILE_BYTES


class StdinUnavailable(Exception):
    """`-` was given but there is no standard input to read (`<&-`); a one-line reason."""


def read_stdin(stdin: BinaryIO | None = None) -> Capped:
    """At most MAX_FILE_BYTES of `stdin` (default: the process's); raises StdinUnavailable."""
    stream = stdin if stdin is not None else getattr(sys.stdin, "buffer", None)
    if stream is None:
        raise StdinUnavailable("`-` reads standard input, but standard input is closed")
    try:
        return read_capped(stream.read, MAX_FILE_BYTES)
    except OSError as error:
        reason = error.strerror or str(error)
        raise StdinUnavailable(f"cannot read standard input: {reason}") from None
    except ValueError:  # "I/O operation on closed file"
        raise StdinUnavailable("`-` reads standard input, but standard input is closed") from None
