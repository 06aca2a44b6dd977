"""One file as the rewrite sees it: its bytes, its text (without BOM), its documents."""

from __future__ import annotations

import codecs
import functools
from dataclasses import dataclass
from typing import Any

from migrate.rewrite.objects import ByLine, by_first_line
from migrate.rewrite.yamledit.spans import Document, parse_documents
from migrate.rewrite.yamledit.style import Measures, line_ending, measure
from migrate.rewrite.yamledit.verify import document_values
from migrate.sources.documents import UTF8_BOM, decode
from migrate.sources.sniff import UTF16_SAMPLE_BYTES, utf16_codec

_UTF16 = ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))


@dataclass(frozen=True)
class SourceFile:
    path: str
    data: bytes
    target: str = ""  # the real path the bytes were read from, when `path` is a symlink

    @functools.cached_property
    def text(self) -> str:
        """The decoded text; raises Unparsable (binary, neither UTF-8 nor UTF-16 with a BOM)."""
        return decode(self.data)

    @functools.cached_property
    def documents(self) -> tuple[Document, ...]:
        """Raises SpanError (and Unparsable from `text`)."""
        return parse_documents(self.text)

    @functools.cached_property
    def objects(self) -> ByLine:
        """The documents' objects by (document, first line), for `locate`."""
        return by_first_line(self.documents)

    @functools.cached_property
    def measures(self) -> Measures:
        """The indentation counts of the whole file, for `style.detect`."""
        return measure(d.root for d in self.documents if d.root is not None)

    @functools.cached_property
    def line_ending(self) -> str:
        return line_ending(self.text)

    @functools.cached_property
    def values(self) -> list[Any]:
        return document_values(self.text)

    def encode(self, text: str) -> bytes:
        """New text as bytes in the file's own encoding, with the BOM it had (a UTF-16 file
        written by a Windows tool stays UTF-16: every byte of it would change otherwise)."""
        return encode_like(self.data, text)


def _bomless_utf16(data: bytes) -> str | None:
    codec = utf16_codec(data[:UTF16_SAMPLE_BYTES])
    return codec if codec not in (None, "utf-16") else None


def encode_like(data: bytes, text: str) -> bytes:
    """`text` encoded as `data` is: UTF-16 (either byte order, with or without a BOM) stays so."""
    for bom, codec in _UTF16:
        if data.startswith(bom):
            return bom + text.encode(codec)
    if bomless := _bomless_utf16(data):
        return text.encode(bomless)
    bom = UTF8_BOM if data.startswith(UTF8_BOM) else b""
    return bom + text.encode("utf-8")


def text_of(data: bytes) -> str:
    """The characters of a file's bytes as they are (BOM included), for showing a diff."""
    for bom, codec in _UTF16:
        if data.startswith(bom):
            return data[len(bom):].decode(codec)
    return data.decode(_bomless_utf16(data) or "utf-8")
