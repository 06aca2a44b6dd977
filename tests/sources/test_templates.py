"""A template is named for its language, and the fix says how to render that language."""

from __future__ import annotations

import pytest

from migrate.sources.templates import Language, find_template

HEAD = "apiVersion: maistra.io/v1\nkind: ServiceMeshExtension\nmetadata:\n  name: x\n"


@pytest.mark.parametrize(("path", "body", "language", "command"), [
    ("x.yaml", "  namespace: {{ .Values.ns }}\n", Language.HELM, "helm template"),
    ("x.yaml", "  namespace: {{ .Namespace }}\n", Language.GO, "gomplate"),
    ("x.yaml", "  namespace: {{- include \"ns\" . }}\n", Language.GO, "gomplate"),
    ("x.yaml", "  namespace: {{ ns | lower }}\n", Language.JINJA, "jinja2 <file>"),
    ("x.yaml", "{% if on %}\n  namespace: a\n{% endif %}\n", Language.JINJA, "jinja2 <file>"),
    ("x.yaml.j2", "  namespace: {{ ns }}\n", Language.JINJA, "jinja2 <file>"),
    ("x.yaml", "  namespace: {{ns}}\n", Language.MUSTACHE, "mustache <variables.yaml>"),
    ("x.yaml", "{{#items}}\n  namespace: a\n{{/items}}\n", Language.MUSTACHE, "mustache"),
    ("x.mustache", "  namespace: {{ .ns }}\n", Language.MUSTACHE, "mustache"),
], ids=["helm-values", "go", "go-include", "jinja-filter", "jinja-statement", "j2-name",
        "mustache-variable", "mustache-section", "mustache-name"])
def test_each_language_is_named_with_its_renderer(path: str, body: str, language: Language,
                                                  command: str) -> None:
    found = find_template(HEAD + body, path, lambda: False)
    assert found is not None and found.language is language
    assert found.problem.reason.startswith(language.value)
    assert command in found.problem.reason and found.line == 5


def test_a_chart_template_says_helm_whatever_its_markers() -> None:
    found = find_template(HEAD + "  namespace: {{ns}}\n", "t.yaml", lambda: True)
    assert found is not None and found.language is Language.HELM_CHART
    assert "helm template <release> <chart>" in found.problem.reason


def test_a_file_without_markers_is_no_template() -> None:
    assert find_template(HEAD + "  namespace: a  # 100% sure\n", "x.j2", lambda: True) is None
