"""The filter chains in the pull request body: there when given, cut to GitHub's limit."""

from __future__ import annotations

from migrate.gitops.body import GITHUB_BODY_LIMIT, pull_request_body
from tests.support.chains import GITOPS, many_groups, view_of


def test_the_body_shows_the_example_repository_chains() -> None:
    body = pull_request_body([], [], chains=view_of(GITOPS))
    assert "## Filter chains" in body
    assert "**✅ a gateway of ServiceMeshControlPlane istio-system/basic**: identical" in body
    assert body.rstrip().endswith("</details>")


def test_without_chains_there_is_no_section() -> None:
    assert "## Filter chains" not in pull_request_body([], [])


def test_a_huge_mesh_is_cut_to_the_limit_saying_how_much_was_left_out() -> None:
    body = pull_request_body([], [], chains=many_groups(3000))
    assert len(body) <= GITHUB_BODY_LIMIT
    assert "more workload group(s) left out" in body
    assert body.rstrip().endswith("</details>")  # the section is closed, not cut mid-table
