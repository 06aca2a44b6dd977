"""Plain values from YAML: what reaches the converter (and JSON output) must be JSON-like."""

from __future__ import annotations

import json

from migrate.sources.documents import parse_resources


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
