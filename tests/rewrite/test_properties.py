"""Properties over generated multi-document files: whatever the mix of documents, comments,
markers, line endings, final newline and BOM, every extension becomes a WasmPlugin, nothing
outside the extensions moves, no line inside them whose content stays the same changes its bytes
(whatever list style each of its lists uses), and a second plan changes nothing."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from migrate.pipeline.request import InputRequest
from migrate.pipeline.rewrite import RewriteRequest, rewrite
from migrate.sources.documents import parse_resources
from tests.rewrite.identity import problems

PHASES = ("PreAuthN", "PostAuthN", "PreAuthZ", "PostAuthZ", "PreStats", "PostStats")
# A configuration pasted together from two sources: indentless lists and indented ones.
MIXED_LISTS = ("  config:  # mixed\n    flat:\n    - a\n    - b: 1\n      c:\n      - d\n"
               "    deep:\n      - e\n      - f:\n          - g\n")
comments = st.lists(st.sampled_from(["# a note", "#", "  # indented", ""]), max_size=2)


@st.composite
def extension(draw: st.DrawFn, index: int) -> str:
    inner = draw(st.sampled_from(["", "  # inside\n"]))
    selector = draw(st.sampled_from(["", "  workloadSelector:\n    labels: {app: web}\n",
                                     "  workloadSelector:\n    labels:\n      app: 'web'\n"]))
    config = draw(st.sampled_from(["  config: {a: 1}\n", "  config:\n    a: \"yes\"\n", "",
                                   "  config: '{\"a\": [1, 2]}'  # JSON text\n", MIXED_LISTS]))
    version = "v1alpha1" if "JSON text" in config else "v1"  # v1 types config as an object
    return (f"apiVersion: maistra.io/{version}\nkind: ServiceMeshExtension\nmetadata:\n"
            f"  name: ext-{index}\n  namespace: istio-system\nspec:\n{inner}{config}"
            f"  image: quay.io/example/ext-{index}:1\n"
            f"  phase: {draw(st.sampled_from(PHASES))}\n"
            f"  priority: {draw(st.integers(-5, 5))}\n{selector}")


@st.composite
def other(draw: st.DrawFn, index: int) -> str:
    value = draw(st.sampled_from(["plain", "'single'", '"double"', "yes", "&anchor x"]))
    return (f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-{index}  # kept\n"
            f"data:\n  key: {value}\n")


@st.composite
def manifest(draw: st.DrawFn) -> bytes:
    kinds = draw(st.lists(st.booleans(), min_size=1, max_size=5))
    documents = []
    for index, is_extension in enumerate(kinds):
        lead = "".join(f"{c}\n" for c in draw(comments))
        body = draw(extension(index) if is_extension else other(index))
        tail = "".join(f"{c}\n" for c in draw(comments))
        end = draw(st.sampled_from(["", "...\n"]))
        documents.append(lead + body + tail + end)
    separator = draw(st.sampled_from(["---\n", "--- # next\n"]))
    text = draw(st.sampled_from(["", "---\n"])) + separator.join(documents)
    if not draw(st.booleans()):
        text = text.rstrip("\n")
    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    return (b"\xef\xbb\xbf" if draw(st.booleans()) else b"") + text.encode()


def _plan(root: Path) -> dict[str, bytes]:
    result = rewrite(RewriteRequest(InputRequest((str(root),)), check=True))
    return {change.path: change.after for change in result.plan.changes}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(manifest())
def test_extensions_become_plugins_and_nothing_else_moves(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "manifest.yaml"
        path.write_bytes(data)
        changes = _plan(Path(directory))
        after = changes.get(str(path), data)
        assert problems(data.decode(), after.decode()) == []
        kinds = [r.kind for r in parse_resources(after, str(path))]
        assert "ServiceMeshExtension" not in kinds
        assert after.startswith(b"\xef\xbb\xbf") == data.startswith(b"\xef\xbb\xbf")
        assert after.endswith(b"\n") == data.endswith(b"\n")
        path.write_bytes(after)
        assert _plan(Path(directory)) == {}
