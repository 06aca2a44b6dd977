"""One-pass search for many needles: the same answer as one `in` per needle."""

from __future__ import annotations

import mmap
import re
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from migrate.sources.needles import MAX_SPLIT_BYTES, MAX_TRIE_NEEDLE, compile_needles

ALPHABET = b"ab-.\n\0(["  # few bytes: shared prefixes and overlaps are common
PAIR_ALPHABET = b"ab-: '\"\n/"  # keys, values and what separates them
NOT_LABEL = rb"(?<![A-Za-z0-9_.-])"
LABEL_ENDS = rb"(?![A-Za-z0-9_.-])"


def over(alphabet: bytes, min_size: int, max_size: int) -> st.SearchStrategy[bytes]:
    return st.lists(st.sampled_from(alphabet), min_size=min_size, max_size=max_size).map(bytes)


def over_alphabet(max_size: int) -> st.SearchStrategy[bytes]:
    return over(ALPHABET, 0, max_size)


@given(needles=st.sets(over_alphabet(6)), text=over_alphabet(40))
def test_finds_any_needle_exactly_when_one_is_a_substring(needles: set[bytes], text: bytes) -> None:
    assert compile_needles(needles).found_in(text, len(text)) == any(n in text for n in needles)


@pytest.mark.parametrize(
    ("needles", "text", "found"),
    [
        ({b"gateway"}, b"app: istio-ingressgateway\n", True),
        ({b"reviews", b"reviews-v2"}, b"app: reviews-v1", True),
        ({b"reviews-v2", b"ratings"}, b"app: reviews-v1", False),
        ({b"x" * (MAX_TRIE_NEEDLE + 1)}, b"." + b"x" * (MAX_TRIE_NEEDLE + 1), True),
        ({b"x" * (MAX_TRIE_NEEDLE + 1)}, b"x" * MAX_TRIE_NEEDLE, False),
    ],
)
def test_label_values_and_long_needles(needles: set[bytes], text: bytes, found: bool) -> None:
    assert compile_needles(needles).found_in(text, len(text)) is found


def test_searches_only_the_given_size_of_a_reused_buffer(tmp_path: Path) -> None:
    buffer = bytearray(b"app: ratings" + b"\0" * 10 + b"stale: reviews")
    needles = compile_needles({b"reviews"})

    assert not needles.found_in(buffer, 12)
    file = tmp_path / "f"
    file.write_bytes(bytes(buffer))
    with file.open("rb") as stream, mmap.mmap(stream.fileno(), 0, access=mmap.ACCESS_READ) as view:
        assert needles.found_in(view, len(view))


@pytest.mark.parametrize(("text", "found"), [
    (b"app: reviews\n", True),
    (b'labels: {"app": "reviews-v2"}', True),
    (b"app: reviews2\n", False),
    (b"app: my-reviews\n", False),
    (b"app: reviews.v1\n", False),
    (b"image: istio/proxyv2:1.20\n", True),  # substring needles still match anywhere
])
def test_whole_needles_match_whole_label_values_only(text: bytes, found: bool) -> None:
    needles = compile_needles([b"proxyv2"], [b"reviews", b"reviews-v2"])
    assert needles.found_in(text, len(text)) is found


@pytest.mark.parametrize(("text", "found"), [
    (b"  selector:\n    app: reviews\n", True),
    (b"selector: {app: 'reviews'}", True),
    (b'selector: {app: "reviews"}', True),
    (b"selector: {'app': 'reviews'}", True),
    (b'"selector": {"app": "reviews"}', True),
    (b'{"selector":{"app":"reviews"}}', True),
    (b"selector:\n  tier: backend\n", True),
    (b"selector:\n  myapp: reviews\n", False),  # another key
    (b"selector:\n  app: reviews2\n", False),  # another value
    (b"selector:\n  app: backend\n", False),  # a value of another key
    (b"metadata:\n  name: reviews\n", False),
])
def test_pairs_match_a_whole_key_with_a_whole_value_of_its_own(text: bytes, found: bool) -> None:
    needles = compile_needles((), (), [(b"app", b"reviews"), (b"tier", b"backend")])
    assert needles.found_in(text, len(text)) is found


def is_whole_in(needle: bytes, text: bytes) -> bool:
    """The definition: an occurrence with no label byte just before or just after it."""
    return re.search(NOT_LABEL + re.escape(needle) + LABEL_ENDS, text) is not None


def pair_is_in(key: bytes, value: bytes, text: bytes) -> bool:
    separator = rb"""['"]?[ \t]*:[ \t]*['"]?"""
    pattern = NOT_LABEL + re.escape(key) + separator + re.escape(value) + LABEL_ENDS
    return re.search(pattern, text) is not None


@example(whole={b"\na", b"a\n"}, text=b"a\na\n")  # a match that is not whole overlaps one that is
@given(whole=st.sets(over_alphabet(5)), text=over_alphabet(40))
def test_a_whole_needle_is_found_exactly_where_no_label_byte_touches_it(
        whole: set[bytes], text: bytes) -> None:
    expected = any(is_whole_in(needle, text) for needle in whole if needle)
    assert compile_needles((), whole).found_in(text, len(text)) is expected


@given(pairs=st.sets(st.tuples(over(b"ab/", 1, 3), over(b"ab- ", 1, 3)), max_size=3),
       text=over(PAIR_ALPHABET, 0, 30))
@example(pairs={(b"a", b"a b")}, text=b"a: a b")  # a value that is not a word
def test_a_pair_is_found_exactly_where_its_key_and_value_stand_whole(
        pairs: set[tuple[bytes, bytes]], text: bytes) -> None:
    expected = any(pair_is_in(key, value, text) for key, value in pairs)
    assert compile_needles((), (), pairs).found_in(text, len(text)) is expected


@pytest.mark.parametrize("value", [b"reviews", b"reviews v2", b"caf\xc3\xa9"])
def test_whole_values_in_a_file_too_large_to_split_at_once(value: bytes) -> None:
    text = b"x: y\n" * (MAX_SPLIT_BYTES // 5) + b"app: " + value + b"\n"
    assert compile_needles((), [value]).found_in(text, len(text))
    assert not compile_needles((), [value + b"2"]).found_in(text, len(text))
