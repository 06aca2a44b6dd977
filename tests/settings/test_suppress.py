"""Suppression by flag, glob, rule name, annotation and config file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from migrate.model import Finding, Location, ResourceRef, ScanReport, Severity
from migrate.settings.suppress import (
    ANNOTATION,
    Ignore,
    Suppressions,
    apply,
    load_suppressions,
    parse_ignore,
)

LEGACY = ResourceRef("maistra.io/v1", "ServiceMeshExtension", "legacy-shop", "auth-filter")
BOOKINFO = ResourceRef("maistra.io/v1", "ServiceMeshExtension", "bookinfo", "ratings-auth")
UNNAMESPACED = ResourceRef("maistra.io/v1", "ServiceMeshExtension", None, "loose")


def finding(rule: str, resource: ResourceRef | None) -> Finding:
    return Finding(rule, Severity.ERROR, f"{rule} finding", resource, Location("a.yaml", 1))


FINDINGS = (
    finding("SME001", LEGACY),
    finding("SME001", BOOKINFO),
    finding("SME007", BOOKINFO),
    finding("SME013", None),
    finding("SME001", UNNAMESPACED),
)


Annotations = dict[ResourceRef, dict[str, str]]


def suppressed_by(
    flags: list[str], annotations: Annotations | None = None
) -> set[tuple[str, str | None]]:
    _, suppressed = apply(FINDINGS, load_suppressions(flags, None, []), annotations or {})
    return {(f.rule, f.resource.name if f.resource else None) for f in suppressed}


def test_nothing_is_suppressed_without_suppressions() -> None:
    kept, suppressed = apply(FINDINGS, Suppressions(), {})
    assert kept == FINDINGS and suppressed == ()


def test_plain_flag_suppresses_every_finding_of_the_rule_even_without_resource() -> None:
    assert suppressed_by(["SME013"]) == {("SME013", None)}
    assert suppressed_by(["SME001"]) == {
        ("SME001", "auth-filter"),
        ("SME001", "ratings-auth"),
        ("SME001", "loose"),
    }


def test_rule_name_works_like_its_id_in_any_case() -> None:
    assert suppressed_by(["ServiceMeshExtension-Found"]) == suppressed_by(["sme001"])


def test_glob_on_namespace_and_name() -> None:
    assert suppressed_by(["SME001=legacy-*/*"]) == {("SME001", "auth-filter")}
    assert suppressed_by(["SME001=*/ratings-?uth"]) == {("SME001", "ratings-auth")}
    assert suppressed_by(["SME001=bookinfo/nomatch-*"]) == set()


def test_a_finding_without_resource_is_not_suppressed_by_a_targeted_flag() -> None:
    assert suppressed_by(["SME013=*/*"]) == set()


def test_a_resource_without_namespace_matches_only_a_namespace_wildcard() -> None:
    assert ("SME001", "loose") in suppressed_by(["SME001=*/loose"])
    assert suppressed_by(["SME001=default/loose"]) == set()


def test_the_kept_and_suppressed_findings_keep_their_order_and_add_up() -> None:
    kept, suppressed = apply(FINDINGS, load_suppressions(["SME001"], None, []), {})
    assert kept == (FINDINGS[2], FINDINGS[3])
    assert suppressed == (FINDINGS[0], FINDINGS[1], FINDINGS[4])
    report = ScanReport(findings=kept, suppressed=suppressed)
    assert report.summary()["suppressed"] == 3


def test_annotation_suppresses_the_listed_rules_on_that_resource_only() -> None:
    annotations = {BOOKINFO: {ANNOTATION: " SME001 , no-config,"}}
    assert suppressed_by([], annotations) == {
        ("SME001", "ratings-auth"),
        ("SME007", "ratings-auth"),
    }


def test_annotation_naming_an_unknown_rule_still_applies_the_known_ones() -> None:
    annotations = {BOOKINFO: {ANNOTATION: "SME999,SME007"}}
    assert suppressed_by([], annotations) == {("SME007", "ratings-auth")}


def test_other_annotations_suppress_nothing() -> None:
    annotations = {BOOKINFO: {"galley.istio.io/analyze-suppress": "SME001"}}
    assert suppressed_by([], annotations) == set()


@pytest.mark.parametrize(
    ("flag", "message"),
    [
        ("SME999", "unknown rule 'SME999'"),
        ("no-such-rule=a/b", "unknown rule 'no-such-rule'"),
        ("SME001=bookinfo", "expected RULE or RULE=namespace/name"),
        ("SME001=/name", "expected RULE or RULE=namespace/name"),
        ("SME001=ns/", "expected RULE or RULE=namespace/name"),
        ("SME001=a/b/c", "expected RULE or RULE=namespace/name"),
    ],
)
def test_a_bad_flag_is_refused_with_a_clear_message(flag: str, message: str) -> None:
    with pytest.raises(ValueError, match=message) as error:
        load_suppressions([flag], None, [])
    assert str(error.value).startswith(f"--ignore {flag!r}: ")


def test_parse_ignore_resolves_names_to_ids() -> None:
    assert parse_ignore("no-config=book*/r*") == Ignore("SME007", "book*", "r*")


def write_config(directory: Path, text: str) -> Path:
    path = directory / ".sme-migrate.yaml"
    path.write_text(text, encoding="utf-8")
    return path


CONFIG = """\
ignore:
  - SME013
  - SME001=legacy-*/*
  - rule: no-config
    namespace: bookinfo
    reason: the plugin treats empty config like null
"""


def test_config_file_in_a_scanned_directory_is_applied(tmp_path: Path) -> None:
    write_config(tmp_path, CONFIG)
    suppressions = load_suppressions([], None, [str(tmp_path)])
    _, suppressed = apply(FINDINGS, suppressions, {})
    assert suppressed == (FINDINGS[0], FINDINGS[2], FINDINGS[3])


def test_flags_and_config_add_up(tmp_path: Path) -> None:
    write_config(tmp_path, "ignore: [SME013]\n")
    suppressions = load_suppressions(["SME007"], None, [str(tmp_path)])
    assert {i.rule for i in suppressions.ignores} == {"SME013", "SME007"}


def test_explicit_config_wins_over_the_scanned_directory(tmp_path: Path) -> None:
    write_config(tmp_path, "ignore: [SME013]\n")
    explicit = tmp_path / "ci.yaml"
    explicit.write_text("ignore: [SME007]\n", encoding="utf-8")
    suppressions = load_suppressions([], explicit, [str(tmp_path)])
    assert suppressions.ignores == (Ignore("SME007"),)


def test_no_config_file_means_no_suppressions(tmp_path: Path) -> None:
    assert load_suppressions([], None, [str(tmp_path), "-"]) == Suppressions()


def test_a_bad_config_names_the_file(tmp_path: Path) -> None:
    path = write_config(tmp_path, "ignore:\n  - SME001=nope\n")
    expected = f"config file {path}: ignore 'SME001=nope': expected RULE or RULE=namespace/name"
    with pytest.raises(ValueError, match=re.escape(expected)):
        load_suppressions([], None, [str(tmp_path)])


def test_a_missing_explicit_config_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"cannot read config file .*missing\.yaml"):
        load_suppressions([], tmp_path / "missing.yaml", [])
