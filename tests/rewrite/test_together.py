"""The items of one `kind: List` are proved together (migrate/rewrite/together.py): the List is
read back a fixed number of times, not once per item, and yet every item gets exactly the unit
that its own proof (the List read back with that item's edit alone) gives it."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from functools import partial
from pathlib import Path
from types import FrameType
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from migrate.model import Finding
from migrate.pipeline.request import InputRequest
from migrate.pipeline.rewrite import RewriteRequest, rewrite
from migrate.rewrite.apply import read_sources
from migrate.rewrite.plugins import Draft, guarded, plugin_draft, prove
from migrate.rewrite.together import prove_all
from migrate.rewrite.units import Unit
from migrate.rewrite.yamledit.spans import span_of
from migrate.rewrite.yamledit.verify import document_values

PHASES = ("PreAuthN", "PostAuthN", "PreAuthZ", "PostAuthZ", "PreStats", "PostStats")


def _item(index: int, config: str = "") -> str:
    config = config or f"      config:\n        header: x-{index % 3}\n"
    return ("  - apiVersion: maistra.io/v1\n    kind: ServiceMeshExtension\n    metadata:\n"
            f"      name: ext-{index}\n      namespace: team{index % 4}\n    spec:\n"
            f"      image: quay.io/example/filter{index}:1\n"
            f"      phase: {PHASES[index % len(PHASES)]}\n      priority: {index % 7}\n"
            f"      workloadSelector:\n        labels:\n          app: app{index % 5}\n{config}")


def _list(items: Sequence[str]) -> str:
    return ("apiVersion: v1\nkind: List\nitems:\n" + "".join(items) +
            'metadata:\n  resourceVersion: ""\n')


def _write(directory: Path, text: str) -> Path:
    path = directory / "list.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _drafts(path: Path) -> list[Draft]:
    result = rewrite(RewriteRequest(InputRequest((str(path),)), check=True))
    assert result.migration is not None
    source = read_sources([str(path)])[0][str(path)]
    drafts = [plugin_draft(source, c.extension.resource, c.plugin)
              for c in result.migration.conversions if c.plugin is not None]
    assert drafts and all(isinstance(d, Draft) for d in drafts)
    return [d for d in drafts if isinstance(d, Draft)]


def _one_by_one(drafts: Sequence[Draft]) -> list[Unit | Finding]:
    return [guarded(d.resource, partial(prove, d)) for d in drafts]


def _first_rendering(drafted: Draft, change: Callable[[str], str]) -> Draft:
    """The draft with `change` applied to its first rendering (the others kept after it)."""
    def renderings() -> Iterator[str]:
        texts = drafted.renderings()
        first = next(texts, None)
        if first is not None:
            yield change(first)
        yield from texts
    return replace(drafted, renderings=renderings)


def _unchanged(drafted: Draft) -> Callable[[str], str]:
    """A 'rendering' that is the extension as it stands: it never reads back as the plugin."""
    start, end = span_of(drafted.source.text, drafted.located.node)
    return lambda _: drafted.source.text[start:end]


def test_a_list_is_read_back_a_fixed_number_of_times_not_once_per_item(tmp_path: Path) -> None:
    text = _list([_item(i) for i in range(50)])
    path = _write(tmp_path, text)
    parsed: list[int] = []  # the length of every text read back, as the profiler sees it

    def watch(frame: FrameType, event: str, _: Any) -> None:
        if event == "call" and frame.f_code is document_values.__code__:
            parsed.append(len(frame.f_locals["text"]))

    sys.setprofile(watch)
    try:
        result = rewrite(RewriteRequest(InputRequest((str(path),)), check=True))
    finally:
        sys.setprofile(None)
    assert len(result.plan.replaced) == 50
    # as it is; with the 50 edits, proving the units; the new file, proving the file
    assert len([length for length in parsed if length >= len(text) // 2]) == 3


def test_items_whose_first_rendering_fails_get_their_next_one_as_on_their_own(
        tmp_path: Path) -> None:
    drafts = _drafts(_write(tmp_path, _list([_item(i) for i in range(12)])))
    drafts = [_first_rendering(d, _unchanged(d)) if i in (0, 5, 6, 11) else d
              for i, d in enumerate(drafts)]
    outcomes = prove_all(drafts)
    assert outcomes == _one_by_one(drafts)
    assert all(isinstance(o, Unit) for o in outcomes)


def test_an_alias_that_only_resolves_with_another_items_edit_is_not_proved_by_it(
        tmp_path: Path) -> None:
    drafts = _drafts(_write(tmp_path, _list([_item(i) for i in range(6)])))
    anchored = _first_rendering(drafts[0], lambda t: t.replace("header: x-0", "header: &h x-0"))
    aliased = _first_rendering(drafts[3], lambda t: t.replace("header: x-0", "header: *h"))
    assert "*h" in next(aliased.renderings())
    drafts = [anchored, *drafts[1:3], aliased, *drafts[4:]]
    outcomes = prove_all(drafts)
    assert outcomes == _one_by_one(drafts)
    unit = outcomes[3]
    assert isinstance(unit, Unit) and "*h" not in unit.edits[str(tmp_path / "list.yaml")][0].text


def test_a_list_with_aliases_between_items_is_proved_item_by_item(tmp_path: Path) -> None:
    items = [_item(0, "      config: &shared\n        header: x\n"),
             _item(1, "      config: *shared\n"), _item(2), _item(3, "      config: *shared\n")]
    drafts = _drafts(_write(tmp_path, _list(items)))
    assert prove_all(drafts) == _one_by_one(drafts)


def test_a_json_list_is_proved_as_its_items_are_on_their_own(tmp_path: Path) -> None:
    items = ",\n".join(
        f'    {{"apiVersion": "maistra.io/v1", "kind": "ServiceMeshExtension", '
        f'"metadata": {{"name": "e{i}", "namespace": "n"}}, "spec": {{"image": '
        f'"quay.io/x/e{i}:1", "phase": "PreAuthN", "priority": {i}, "config": {{"a": [{i}]}}}}}}'
        for i in range(5))
    path = tmp_path / "list.json"
    path.write_text(f'{{"apiVersion": "v1", "kind": "List", "items": [\n{items}\n]}}\n')
    drafts = _drafts(path)
    assert len(drafts) == 5 and prove_all(drafts) == _one_by_one(drafts)


CONFIGS = ("", "      config: {a: 1}  # flow\n", "      # above\n      config:\n        a: 'yes'\n",
           "      config:\n        flat:\n        - a\n        - b\n",
           "      config:\n        t: |\n          x\n")


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(CONFIGS), st.booleans()), min_size=2, max_size=8))
def test_every_item_gets_the_unit_its_own_proof_gives_it(
        tmp_path: Path, shapes: list[tuple[str, bool]]) -> None:
    drafts = _drafts(_write(tmp_path, _list([_item(i, c) for i, (c, _) in enumerate(shapes)])))
    drafts = [_first_rendering(d, _unchanged(d)) if fails else d
              for d, (_, fails) in zip(drafts, shapes, strict=True)]
    assert prove_all(drafts) == _one_by_one(drafts)
