"""What the module check hands the conversion: which images block it, and why."""

from migrate import rules
from migrate.modules.api import ModuleReport
from migrate.pipeline.modules import destination_of, failure_reason, fed_options, repackageable
from migrate.rules import RuleId
from migrate.semantics.outcome import Options

IMAGE = "quay.io/acme/header:2.0"
DIGEST = "sha256:" + "e" * 64


def report(image_format: str, *rule_ids: RuleId) -> ModuleReport:
    findings = tuple(rules.finding(r, f"{IMAGE}: problem {r}") for r in rule_ids)
    return ModuleReport(IMAGE, DIGEST, image_format, "0.2.1", None, None, findings)


def test_a_passing_image_is_pinned_only_on_request() -> None:
    passing = {IMAGE: report("oci-compat", RuleId.MUTABLE_TAG)}  # a warning does not fail the check
    assert fed_options(Options(), passing, pin=False).module_digests == {}
    fed = fed_options(Options(), passing, pin=True)
    assert (fed.module_digests, fed.module_failures) == ({IMAGE: "e" * 64}, {})


def test_a_failing_image_is_never_pinned_and_says_why() -> None:
    broken = report("oci-compat", RuleId.DIGEST_MISMATCH, RuleId.UNSAFE_ARCHIVE_ENTRY)
    fed = fed_options(Options(), {IMAGE: broken}, pin=True)
    assert fed.module_digests == {}
    assert fed.module_failures[IMAGE] == (
        f"the module check of {IMAGE} failed: MOD004 problem MOD004; MOD009 problem MOD009")


def test_a_maistra_image_names_the_repackage_command_and_any_other_failure() -> None:
    command = f"sme-migrate modules repackage {IMAGE} --to {IMAGE}-istio"
    only_format = failure_reason(report("maistra", RuleId.MAISTRA_FORMAT_IMAGE))
    assert only_format is not None and f"`{command}`" in only_format
    assert "failed" not in only_format
    also_broken = failure_reason(
        report("maistra", RuleId.MAISTRA_FORMAT_IMAGE, RuleId.MODULE_RUNAWAY))
    assert also_broken is not None and f"`{command}`" in also_broken
    assert also_broken.endswith(f"the module check of {IMAGE} failed: MOD020 problem MOD020")


COPY = "registry.example:5000/istio/header@" + DIGEST


def test_a_copy_keeps_the_basename_and_tag_under_the_prefix() -> None:
    assert destination_of(IMAGE, "registry.example:5000/istio/") == (
        "registry.example:5000/istio/header:2.0")
    by_digest = destination_of(f"quay.io/acme/header@{DIGEST}", "r.example/p")
    assert by_digest == f"r.example/p/header:sha256-{'e' * 64}"  # a tag, never a moving one
    assert destination_of("docker.io/library/nginx", "r.example/p") == "r.example/p/nginx:latest"


def test_the_copy_replaces_the_image_only_while_its_check_passes() -> None:
    copy = report("oci-compat")
    fed = fed_options(Options(), {IMAGE: copy}, pin=True, replacements={IMAGE: COPY})
    assert (fed.image_replacements, fed.module_digests) == ({IMAGE: COPY}, {IMAGE: "e" * 64})
    failed = fed_options(Options(), {IMAGE: report("oci-compat", RuleId.MODULE_TRAPPED)},
                         pin=True, replacements={IMAGE: COPY})
    assert failed.image_replacements == {} and IMAGE in failed.module_failures


def test_only_a_maistra_image_whose_only_error_is_its_format_is_repackaged() -> None:
    assert repackageable(report("maistra", RuleId.MAISTRA_FORMAT_IMAGE, RuleId.MUTABLE_TAG))
    assert not repackageable(report("maistra", RuleId.MAISTRA_FORMAT_IMAGE,
                                     RuleId.MODULE_RUNAWAY))  # a broken module stays broken
    assert not repackageable(report("oci-compat"))
