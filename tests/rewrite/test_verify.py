"""The proof's comparison: two values are the same when they write the same canonical JSON,
whether that is found by writing both out or by walking them (plain JSON values)."""

from __future__ import annotations

import copy
import math
from typing import Any

import pytest
import yaml
from hypothesis import assume, given
from hypothesis import strategies as st

from migrate.rewrite.yamledit.loaders import load, reads_as_itself
from migrate.rewrite.yamledit.verify import canonical, same

# Scalars that one another's Python equality confuses but JSON tells apart, and the reverse.
SCALARS = st.sampled_from([0, 1, 1.0, -0.0, 0.0, True, False, None, math.nan, math.inf, "1",
                           "true", "", "a", "é"])
KEYS = st.sampled_from(["a", "b", "1"]) | st.sampled_from([1, True, None])


class Text(str):
    """A str subclass, as a library might hand back: compared by writing it out."""


VALUES = st.recursive(
    SCALARS | SCALARS.map(lambda v: Text(v) if isinstance(v, str) else v),
    lambda children: st.lists(children, max_size=3)
    | st.lists(children, max_size=3).map(tuple)
    | st.dictionaries(KEYS, children, max_size=3),
    max_leaves=8,
)


def json_says_same(left: Any, right: Any) -> bool:
    try:
        return canonical(left) == canonical(right)
    except TypeError:  # keys of several types cannot be sorted: nothing to compare with
        assume(False)
        raise


@given(VALUES, VALUES)
def test_same_is_equal_canonical_json(left: Any, right: Any) -> None:
    expected = json_says_same(left, right)
    assert same(left, right) is expected


@given(VALUES)
def test_a_value_is_the_same_as_its_copy(value: Any) -> None:
    copied = copy.deepcopy(value)
    expected = json_says_same(value, copied)
    assert same(value, copied) is expected


@pytest.mark.parametrize(("left", "right", "expected"), [
    ({"a": [1, {"b": None}]}, {"a": (1, {"b": None})}, True),  # a tuple is a JSON array
    ({"a": 1}, {"a": True}, False),
    ({"a": 1}, {"a": 1.0}, False),
    ({"n": math.nan}, {"n": math.nan}, True),
    ({"z": 0.0}, {"z": -0.0}, False),
    ({1: "x"}, {"1": "x"}, True),  # JSON writes the key 1 as "1"
    ({True: "x"}, {None: "x"}, False),  # and these as "true" and "null"
])
def test_what_json_tells_apart_and_what_it_does_not(left: Any, right: Any,
                                                    expected: bool) -> None:
    assert same(left, right) is expected


@given(st.text(max_size=8) | st.sampled_from(["yes", "1.5", "null", "~", "a: b", "- x", "#c",
                                              "2024-01-01", "'q'", "x\ny", " x", "@x"]))
def test_a_text_reads_as_itself_exactly_when_the_parser_says_so(text: str) -> None:
    try:
        expected = load(text) == text
    except yaml.YAMLError:  # what the parser refuses does not read as itself
        expected = False
    assert reads_as_itself(text) is expected
    assert reads_as_itself(text) is expected  # and again, from the cache
