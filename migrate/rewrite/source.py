"""One file as the rewrite sees it: its bytes, its text (without BOM), its documents."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from migrate.rewrite.yamledit.spans import Document, parse_documents
from migrate.rewrite.yamledit.style import Measures, measure
from migrate.rewrite.yamledit.verify import document_values
from migrate.sources.documents import UTF8_BOM, decode
from migrate.sources.sniff import UTF16_SAMPLE_BYTES, utf16_codec


@dataclass(frozen=True)
class SourceFile:
    path: str
    data: bytes

    @functools.cached_property
    def text(self) -> str:
        """The decoded text; raises Unparsable (UTF-16, binary, not UTF-8)."""
        return decode(self.data)

    @functools.cached_property
    def documents(self) -> tuple[Document, ...]:
        """Raises SpanError (and Unparsable from `text`)."""
        return parse_documents(self.text)

    @functools.cached_property
    def measures(self) -> Measures:
        """The indentation counts of the whole file, for `style.detect`."""
        return measure(d.root for d in self.documents if d.root is not None)

    @functools.cached_property
    def values(self) -> list[Any]:
        return document_values(self.text)

    def encode(self, text: str) -> bytes:
        """New text as bytes, in the file's encoding and with the BOM it had (a UTF-16 file
        written by a Windows tool stays UTF-16: every byte of it would change otherwise)."""
        codec = utf16_codec(self.data[:UTF16_SAMPLE_BYTES])
        if codec == "utf-16":  # with a BOM: keep its byte order
            bom = self.data[:2]
            return bom + text.encode("utf-16-le" if bom == b"\xff\xfe" else "utf-16-be")
        if codec is not None:
            return text.encode(codec)
        bom = UTF8_BOM if self.data.startswith(UTF8_BOM) else b""
        return bom + text.encode("utf-8")
