"""A new key with a word or a map of words is written without ruamel's dumper, and the text is
the one ruamel writes, whatever the words, the file's indentation and the column."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from migrate.rewrite.yamledit import render
from migrate.rewrite.yamledit.style import Style
from migrate.rewrite.yamledit.transform import fresh

CHARACTERS = "abcxyzNOTY_019./- :#'\"!&*?@%`{}[],|>~=é\t"
TEXT = st.text(alphabet=CHARACTERS, min_size=1, max_size=24)
# what the rewrite inserts: real annotation keys and values, plugin names, and look-alikes
# of everything YAML reads as something else
SAMPLES = st.sampled_from([
    "sme-migrate.io/migrated-from", "maistra.io/v1 ServiceMeshExtension", "PostAuthZ/10",
    "ext1_root", "y", "n", "yes", "No", "on", "OFF", "null", "Null", "~", "true", "e3", "1e3",
    "0o17", "0x1F", ".inf", "-", "- a", "a - b", "a #b", "a: b", "_", "x" * 101,
])
WORDS = st.from_regex(r"[A-Za-z_][A-Za-z0-9_./-]{0,12}( [A-Za-z0-9_./-]{1,6}){0,2}",
                      fullmatch=True)
WORD = st.one_of(WORDS, WORDS, SAMPLES, TEXT)
STYLES = st.builds(Style, st.sampled_from(["\n", "\r\n"]), st.sampled_from([2, 4]),
                   st.sampled_from([0, 2]), st.sampled_from([2]))


def _by_ruamel(value: Any, column: int, style: Style) -> str:
    return render._dump(render._yaml(style), value, column, style)


def _same_as_ruamel(key: str, child: Any, column: int, style: Style) -> None:
    value = fresh({key: child})
    assert render.render_fresh(value, column, style) == _by_ruamel(value, column, style)


@settings(max_examples=300, deadline=None)
@given(key=WORDS, child=st.one_of(WORDS, st.dictionaries(WORDS, WORDS, min_size=1, max_size=3)),
       column=st.sampled_from([0, 2, 6]), style=STYLES)
def test_words_are_written_as_ruamel_writes_them(key: str, child: Any, column: int,
                                                  style: Style) -> None:
    _same_as_ruamel(key, child, column, style)


@settings(max_examples=300, deadline=None)
@given(key=WORD, child=st.one_of(WORD, st.dictionaries(WORD, WORD, min_size=1, max_size=3)),
       column=st.sampled_from([0, 2, 6]), style=STYLES)
def test_anything_else_too(key: str, child: Any, column: int, style: Style) -> None:
    _same_as_ruamel(key, child, column, style)


def test_annotations_and_plugin_names_take_the_fast_path() -> None:
    annotations = fresh({"annotations": {"sme-migrate.io/migrated-from":
                                         "maistra.io/v1 ServiceMeshExtension"}})
    assert render._plain_block(annotations, Style()) is not None
    assert render._plain_block(fresh({"pluginName": "ext1_root"}), Style()) is not None
    assert render._plain_block(fresh({"pluginName": "yes"}), Style()) is None
