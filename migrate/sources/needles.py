"""Whether bytes contain any of many byte strings, in one pass.

One regex shaped like a trie of the needles lets the regex engine follow shared prefixes: with
300 needles over 5,000 files it took 0.05 s where one `find` per needle took 0.9 s (a plain
`a|b|c` alternation took 1.3 s). Whole values (label values, namespaces) are found as words
instead: the file's bytes split into its runs of label bytes, in C, and a set lookup of those
took 12 µs a workload file where the trie of 300 values took 23 µs.
"""

from __future__ import annotations

import mmap
import re
from collections.abc import Collection
from dataclasses import dataclass

MAX_TRIE_NEEDLE = 200  # the trie regex nests one group per byte; longer needles use find()
# Up to this many needles, one find() each beats the regex: find() skips ahead in C (memchr and
# memmem), the regex tries each byte (two needles over 5,000 workload files: 0.056 s, 0.016 s).
MAX_FINDS = 4
# A whole value (a label value, a namespace) is not part of a longer one: no label character on
# either side, so needle `app3` is not found in `app30` or `my-app3`.
_LABEL_BYTE = rb"[A-Za-z0-9_.-]"
_LABEL_CHAR = re.compile(_LABEL_BYTE)
_WORD = re.compile(_LABEL_BYTE + b"+")
# Every byte that is not a label byte becomes a space, so that split() gives the words.
_SPACE_FOR_NON_LABEL = bytes(byte if _LABEL_CHAR.fullmatch(bytes([byte])) else 0x20
                             for byte in range(256))
# Above this a file's words are looked up one by one (a large file split at once would build
# every word of it in memory).
MAX_SPLIT_BYTES = 1024 * 1024
_VALUE_END = b"(?!" + _LABEL_BYTE + b")"
# Between a key and its value: `key: value`, `'key': 'value'`, `"key":"value"` and the like.
_PAIR_SEPARATOR = rb"""['"]?[ \t]*:[ \t]*['"]?"""
_END = -1  # a trie key: a needle ends here (whole values go on: `app3` and `app30` both count)

_Trie = dict[int, "_Trie"]
_Searchable = bytes | bytearray | mmap.mmap


@dataclass(frozen=True)
class Needles:
    pattern: re.Pattern[bytes] | None
    long: tuple[bytes, ...]  # found with find(): too long for the trie, or few
    words: frozenset[bytes] = frozenset()  # whole values made of label bytes alone
    # The other whole values, and the pairs (their keys are few: the regex engine skips to
    # where one starts): each ends at a value's end; its start is checked apart.
    whole: re.Pattern[bytes] | None = None
    pairs: re.Pattern[bytes] | None = None

    def found_in(self, view: _Searchable, size: int) -> bool:
        if self.pattern is not None and self.pattern.search(view, 0, size):
            return True
        if self.words and _has_word(view, size, self.words):
            return True
        if any(_found_whole(pattern, view, size) for pattern in (self.whole, self.pairs)):
            return True
        return any(view.find(needle, 0, size) >= 0 for needle in self.long)


def _has_word(view: _Searchable, size: int, words: frozenset[bytes]) -> bool:
    """Whether one of `words` is a whole run of label bytes in the first `size` bytes."""
    if size > MAX_SPLIT_BYTES:
        return any(match[0] in words for match in _WORD.finditer(view, 0, size))
    text = memoryview(view)[:size].tobytes()
    return not words.isdisjoint(text.translate(_SPACE_FOR_NON_LABEL).split())


def _is_word(value: bytes) -> bool:
    return _WORD.fullmatch(value) is not None


def _found_whole(pattern: re.Pattern[bytes] | None, view: _Searchable, size: int) -> bool:
    """Tries each start the pattern matches at: a match whose start is not a value's may
    overlap one that is (`a\n` inside `\na\n`), which finditer() would skip."""
    position = 0
    while pattern is not None and (match := pattern.search(view, position, size)):
        if _starts_value(view, match.start()):
            return True
        position = match.start() + 1
    return False


def _starts_value(view: _Searchable, start: int) -> bool:
    # A lookbehind in the pattern would stop the regex engine from scanning for the needles'
    # first bytes (four times slower over a tree's workload files); matches are few.
    return start == 0 or not _LABEL_CHAR.fullmatch(view[start - 1:start])


def compile_needles(needles: Collection[bytes], whole: Collection[bytes] = (),
                    pairs: Collection[tuple[bytes, bytes]] = ()) -> Needles:
    """`needles` are found anywhere; `whole` only as whole values (see _LABEL_BYTE); `pairs`
    as `key: value` with a whole key and value, written in YAML or JSON, quoted or not."""
    if b"" in needles:
        return Needles(re.compile(b""), ())  # the empty needle is in everything
    few = len(needles) <= MAX_FINDS
    short = [needle for needle in needles if len(needle) <= MAX_TRIE_NEEDLE and not few]
    long = tuple(needle for needle in needles if len(needle) > MAX_TRIE_NEEDLE or few)
    words = frozenset(value for value in whole if _is_word(value))
    others = [value for value in whole if value and value not in words]
    pattern = re.compile(_pattern_of(_trie_of(short))) if short else None
    ending = _pattern_of(_trie_of(others, True)) + _VALUE_END
    return Needles(pattern, long, words, re.compile(ending) if others else None,
                   _pairs_pattern(pairs))


def _pairs_pattern(pairs: Collection[tuple[bytes, bytes]]) -> re.Pattern[bytes] | None:
    """One branch per key, its values as a trie: the keys are few, so the regex engine skips
    ahead to where one starts (a trie of six written forms of each pair took 39 ms to compile
    for 300 workloads' labels, this 5 ms)."""
    values: dict[bytes, set[bytes]] = {}
    for key, value in pairs:
        if key and value:
            values.setdefault(key, set()).add(value)
    branches = [re.escape(key) + _PAIR_SEPARATOR + _pattern_of(_trie_of(found, True))
                for key, found in sorted(values.items())]
    return re.compile(b"(?:" + b"|".join(branches) + b")" + _VALUE_END) if branches else None


def _trie_of(needles: Collection[bytes], whole: bool = False) -> _Trie:
    """A trie where an empty node marks the end of a needle (longer ones add nothing to "any");
    with `whole`, an _END key marks it and longer needles stay."""
    root: _Trie = {}
    for needle in sorted(needles, key=len):
        node = root
        for byte in needle:
            if byte in node and not node[byte] and not whole:
                break  # a shorter needle already ends here
            node = node.setdefault(byte, {})
        else:
            if whole:
                node[_END] = {}
            else:
                node.clear()
    return root


def _pattern_of(node: _Trie) -> bytes:
    branches = [b"" if byte == _END else re.escape(bytes([byte])) + _pattern_of(child)
                for byte, child in node.items()]
    if len(branches) <= 1:
        return b"".join(branches)
    return b"(?:" + b"|".join(branches) + b")"
