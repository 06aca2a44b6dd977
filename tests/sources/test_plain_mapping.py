"""The parser-free reading of plain kustomizations: what it reads, the parser reads alike."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from migrate.sources.plain_mapping import plain_mapping

TRICKY_WORDS = ("namespace", "resources", "yes", "No", "on", "true", "null", "Null", "~", "1",
                "0x1F", "0o17", "1_000", "1.5", ".inf", ".NaN", "1e3", "1:30", "2001-12-14",
                "2001-13-14", "=", "<<", "...", "---", "-a", "a-", "a:", "a:b", "a#b", "a b",
                "'quoted'", '"q"', "[a]", "{a: b}", "*alias", "&anchor a", "!tag a", "|", ">",
                "%x", "@x", "`x", "?x", "a,b", "base/", "../../base", "./x.yaml", "é")
PLAIN_WORDS = st.from_regex(r"[a-z][a-c1./_=+-]{0,5}", fullmatch=True)
PLAIN_KEYS = st.from_regex(r"[a-z][a-z0-9_-]{0,6}", fullmatch=True)
WORDS = st.one_of(PLAIN_WORDS, st.sampled_from(TRICKY_WORDS),
                  st.text(alphabet="ab1._/-=+:#'\"[]{}*&!|>%@`~?, \t", min_size=1, max_size=6))
INDENTS = st.sampled_from(("", "  ", " ", "    ", "\t"))
VALUE_FORMS = ("{k}: {v}", "{k}: {v} # note", "{k}:  {v}  ")
LIST_FORMS = ("{k}:", "{k}:  # note")
ITEM_FORMS = ("{i}- {v}", "{i}- {v} # note", "{i}-  {v}")
ODD_FORMS = ("{i}{v}", "{i}{k}: {v}", "---", "{k}: {v}\r", "{k} : {v}", "{i}- {k}: {v}", "{i}#",
             "", "{i}- {v}", "{i}-{v}")


@st.composite
def entry(draw: st.DrawFn, key: str, indent: str, words: st.SearchStrategy[str]) -> list[str]:
    """The lines of one key: a word, or a list of words."""
    if draw(st.booleans()):
        return [draw(st.sampled_from(VALUE_FORMS)).format(k=key, v=draw(words))]
    items = [draw(st.sampled_from(ITEM_FORMS)).format(i=indent, v=draw(words))
             for _ in range(draw(st.integers(0, 3)))]
    return [draw(st.sampled_from(LIST_FORMS)).format(k=key), *items]


@st.composite
def documents(draw: st.DrawFn) -> str:
    """Half of them mappings of plain words and lists of them (the form read), the others
    with odd words or odd lines here and there (to be refused, or read as the parser does)."""
    clean = draw(st.booleans())
    indent = draw(INDENTS.filter(lambda i: "\t" not in i) if clean else INDENTS)
    words = PLAIN_WORDS if clean else WORDS
    keys = draw(st.lists(PLAIN_KEYS if clean else st.one_of(PLAIN_KEYS, WORDS),
                         min_size=int(clean), max_size=4, unique=clean))
    lines = [line for key in keys for line in draw(entry(key, indent, words))]
    for _ in range(0 if clean else draw(st.integers(0, 2))):
        odd = draw(st.sampled_from(ODD_FORMS)).format(k=draw(WORDS), v=draw(WORDS),
                                                      i=draw(INDENTS))
        lines.insert(draw(st.integers(0, len(lines))), odd)
    return "\n".join(lines) + draw(st.sampled_from(("\n", "", "\n\n")))


def parsed(text: str) -> object:
    try:
        return yaml.load(text, Loader=yaml.CSafeLoader)
    except (yaml.YAMLError, ValueError) as error:
        return error


@settings(max_examples=600, deadline=None)
@given(documents())
def test_what_it_reads_the_parser_reads_alike(text: str) -> None:
    read = plain_mapping(text)

    if read is not None:
        assert read == parsed(text)


@pytest.mark.parametrize("text", [
    "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: payments\n"
    "resources:\n- deployment.yaml\n- ../../base\n",
    "# the prod overlay\nnamespace: prod  # pinned\nbases:\n  - ../base/\n\nresources:\n"
    "  - extra.yaml\n",
    "resources:\n",
])
def test_the_usual_kustomizations_need_no_parser(text: str) -> None:
    assert plain_mapping(text) == yaml.safe_load(text)


@pytest.mark.parametrize("text", [
    "namespace: 'quoted'\n",  # quotes, flow style, nesting: the parser's
    "resources: [a.yaml]\n",
    "patches:\n- path: patch.yaml\n  target:\n    kind: Deployment\n",
    "namespace: 2024\n",  # not a string
    "namespace: a:\n",  # not YAML at all
    "resources:\n- a:\n",  # a list of one mapping
    "namespace: a\nnamespace: b\n",  # a duplicate key
    "namespace: a\n---\nresources: []\n",  # a second document
    "resources:\n- a\n  - b\n",  # a continued word, not two items
    "namespace: a # note\rresources: b\n",  # a carriage return ends a line for YAML
    "namespace: a\t# note\n",  # tabs, and anything not ASCII, even in comments
    "namespace: a # caf\u00e9\n",
    "",
])
def test_anything_else_is_left_to_the_parser(text: str) -> None:
    assert plain_mapping(text) is None
