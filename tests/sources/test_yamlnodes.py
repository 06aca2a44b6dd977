"""Plain values from YAML: what reaches the converter (and JSON output) must be JSON-like."""

from __future__ import annotations

import json

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from migrate.sources.documents import parse_resources
from migrate.sources.yamlnodes import FastLoader


def body_of(text: str) -> dict[str, object]:
    (resource,) = parse_resources(text.encode(), "x.yaml")
    return dict(resource.body)


def test_timestamps_stay_strings_and_the_body_serialises_to_json() -> None:
    body = body_of(
        "kind: ServiceMeshExtension\nmetadata:\n  creationTimestamp: 2021-06-01T10:00:00Z\n"
        "spec:\n  since: 2021-06-01\n  raw: !!binary aGVsbG8=\n"
    )

    assert body["metadata"] == {"creationTimestamp": "2021-06-01T10:00:00Z"}
    assert body["spec"] == {"since": "2021-06-01", "raw": "aGVsbG8="}
    assert json.loads(json.dumps(body)) == body


def test_keys_become_strings_as_kubernetes_writes_them() -> None:
    body = body_of("kind: X\nlabels:\n  on: 1\n  2: two\n  null: n\n  1.5: f\n")

    assert body["labels"] == {"true": 1, "2": "two", "null": "n", "1.5": "f"}


def test_yaml_11_scalars_resolve_like_kubernetes() -> None:
    body = body_of("kind: X\nspec:\n  a: yes\n  b: 010\n  c: ~\n  d: 1.0\n  e: '1'\n")

    assert body["spec"] == {"a": True, "b": 8, "c": None, "d": 1.0, "e": "1"}


def test_merge_keys_are_applied_and_explicit_keys_win() -> None:
    body = body_of(
        "kind: X\nbase: &base {image: a, phase: PreAuthN}\n"
        "extra: &extra {priority: 5, image: c}\n"
        "spec:\n  <<: [*base, *extra]\n  image: b\n"
    )

    assert body["spec"] == {"image": "b", "phase": "PreAuthN", "priority": 5}


def test_custom_tags_keep_their_text() -> None:
    assert body_of("kind: X\nspec: !Ref other\n")["spec"] == "other"


def test_aliases_within_limits_are_expanded_into_independent_values() -> None:
    body = body_of("kind: X\na: &cfg {k: [1, 2]}\nb: *cfg\n")

    assert body["a"] == body["b"] == {"k": [1, 2]}


class _StockResolverLoader(yaml.CSafeLoader):
    """FastLoader's constructors with PyYAML's own resolve()."""


for _tag in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:binary"):
    _StockResolverLoader.add_constructor(_tag, FastLoader.yaml_constructors[_tag])

SCALARS = st.one_of(
    st.sampled_from(["true", "False", "yes", "off", "~", "null", "", "1", "-1", "0x1F", "0o17",
                     "1_000", "1.5", ".inf", "-.Inf", ".nan", "1e3", "1:30", "190:20:30",
                     "2001-12-14", "2001-12-14t21:59:43.10-05:00", "<<", "=", "app", "v1"]),
    st.text(alphabet="0123456789.:-_eE+xob ", max_size=8))


@settings(max_examples=300, deadline=None)
@given(st.lists(SCALARS, min_size=1, max_size=6), st.booleans())
def test_remembered_tags_are_the_resolvers_own(words: list[str], quoted: bool) -> None:
    """The fast loader remembers each plain scalar's tag: it reads every word, plain or
    quoted, as PyYAML's resolver does."""
    form = "- '{}'" if quoted else "- {}"
    text = "\n".join(form.format(word) for word in words) + "\n"
    try:
        expected = yaml.load(text, Loader=_StockResolverLoader)
    except yaml.YAMLError:
        return  # not a list of scalars (a word YAML reads as something else)
    twice = [yaml.load(text, Loader=FastLoader) for _ in range(2)]  # the second remembers

    assert twice == [expected, expected]
