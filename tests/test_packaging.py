"""pyproject.toml against the code: one version, one repository address, every import declared."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import migrate

REPO = Path(__file__).resolve().parents[1]


def project() -> dict[str, object]:
    data = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    return dict(data["project"]) | {"tool": data["tool"]}


def test_the_version_is_the_one_in_the_package() -> None:
    config = project()
    assert "version" not in config and "version" in config["dynamic"]  # type: ignore[operator]
    dynamic = config["tool"]["setuptools"]["dynamic"]  # type: ignore[index]
    assert dynamic["version"] == {"attr": "migrate.__version__"}


def test_the_repository_address_is_the_one_in_the_code() -> None:
    urls = project()["urls"]
    assert isinstance(urls, dict) and urls
    assert all(url.startswith(migrate.REPOSITORY_URL + "/") or url == migrate.REPOSITORY_URL
               for url in urls.values())


def _third_party_imports() -> set[str]:
    found: set[str] = set()
    for path in (REPO / "migrate").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return {name for name in found if name not in sys.stdlib_module_names and name != "migrate"}


def _requirement_name(requirement: str) -> str:
    name = re.split(r"[<>=!~\[; ]", requirement, maxsplit=1)[0]
    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_package_the_code_imports_is_a_plain_dependency() -> None:
    declared = {_requirement_name(r) for r in project()["dependencies"]}  # type: ignore[attr-defined]
    distributions = metadata.packages_distributions()
    needed = {
        _requirement_name(dist)
        for module in _third_party_imports()
        for dist in distributions.get(module, [module])
    }
    assert needed <= declared, f"imported but not in [project] dependencies: {needed - declared}"
