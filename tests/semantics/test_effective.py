import pytest

from migrate.model import SmePhase
from migrate.semantics.effective import (
    ModuleDefaults,
    resolve,
    resolve_config,
    status_disagreements,
)
from tests.support.resources import inventory


def only_extension(text: str):  # type: ignore[no-untyped-def]
    (extension,) = inventory(text).extensions
    return extension


V1 = """
apiVersion: maistra.io/v1
kind: ServiceMeshExtension
metadata: {name: ext, namespace: istio-system}
spec:
  image: r/ext:1
"""


def test_status_wins_over_spec_and_manifest_because_it_is_what_ran() -> None:
    ext = only_extension(
        V1 + "  phase: PreAuthZ\n  priority: 7\nstatus: {phase: PostStats, priority: 1}\n"
    )
    effective = resolve(ext, ModuleDefaults("PreStats", 3))
    assert (effective.phase, effective.priority, effective.phase_source) == (
        SmePhase.PostStats, 1, "status")
    assert status_disagreements(ext, effective) == [
        "spec.phase 'PreAuthZ' but status.phase 'PostStats'",
        "spec.priority 7 but status.priority 1"]


def test_a_status_without_priority_means_zero_not_the_spec() -> None:
    ext = only_extension(V1 + "  phase: PreAuthZ\n  priority: 7\nstatus: {phase: PreAuthZ}\n")
    effective = resolve(ext, ModuleDefaults(priority=50))
    assert (effective.phase, effective.priority) == (SmePhase.PreAuthZ, 0)
    assert status_disagreements(ext, effective) == ["spec.priority 7 but status.priority 0"]


def test_spec_is_read_when_the_status_has_no_phase() -> None:
    ext = only_extension(V1 + "  phase: PreAuthZ\n  priority: 7\n"
                         "status: {deployment: {ready: false}}\n")
    effective = resolve(ext)
    assert (effective.phase, effective.priority, effective.phase_source) == (
        SmePhase.PreAuthZ, 7, "spec")
    assert status_disagreements(ext, effective) == []


def test_status_then_manifest_fill_what_spec_leaves_unset() -> None:
    from_status = resolve(only_extension(V1 + "status: {phase: PostAuthN, priority: 4}\n"),
                          ModuleDefaults("PreStats", 100))
    assert (from_status.phase, from_status.priority) == (SmePhase.PostAuthN, 4)
    from_manifest = resolve(only_extension(V1), ModuleDefaults("PreStats", 100))
    assert (from_manifest.phase, from_manifest.priority, from_manifest.phase_source) == (
        SmePhase.PreStats,
        100,
        "manifest",
    )


def test_priority_defaults_to_zero_and_explicit_zero_counts_as_set() -> None:
    assert resolve(only_extension(V1 + "  phase: PreAuthN\n")).priority == 0
    explicit = only_extension(V1 + "  phase: PreAuthN\n  priority: 0\n")
    assert resolve(explicit, ModuleDefaults(priority=50)).priority == 0


def test_unresolved_and_misspelled_phases_are_told_apart() -> None:
    unresolved = resolve(only_extension(V1))
    assert (unresolved.phase, unresolved.raw_phase) == (None, None)
    typo = resolve(only_extension(V1 + "  phase: preauthz\n"))
    assert (typo.phase, typo.raw_phase) == (None, "preauthz")
    empty = resolve(only_extension(V1 + "  phase: ''\n"), ModuleDefaults("PreAuthZ"))
    assert (empty.phase, empty.raw_phase) == (None, "")  # an explicit "" was never applied


def test_non_integer_priority_is_not_guessed() -> None:
    effective = resolve(only_extension(V1 + "  phase: PreAuthN\n  priority: '10'\n"))
    assert effective.priority is None and effective.raw_priority == "10"


ALPHA = """
apiVersion: maistra.io/v1alpha1
kind: ServiceMeshExtension
metadata: {name: ext, namespace: istio-system}
spec:
  image: r/ext:1
  phase: PreAuthN
"""


@pytest.mark.parametrize(
    ("config_line", "plugin_config", "representable", "note"),
    [
        (
            '  config: \'{"a": 1, "b": {"c": [true, null]}}\'',
            {"a": 1, "b": {"c": [True, None]}},
            True,
            "",
        ),
        (
            "  config: |\n    rules:\n      - path: /x\n    limit: 5",
            {"rules": [{"path": "/x"}], "limit": 5},
            True,
            "yaml",
        ),
        ("  config: test", None, False, "plain text ('test')"),
        ("  config: '[1, 2]'", None, False, "a list in JSON"),
        ("  config: '42'", None, False, "a scalar (42) in JSON"),
        ("  config: 'null'", None, True, "no-config"),
        ("  config: ' null '", None, True, "no-config"),
        ("  config: {a: 1}", None, False, "wrong-type"),
        ("  config: [a]", None, False, "wrong-type"),
        ("  config: ''", None, True, "no-config"),
        ("", None, True, "no-config"),
        ("  config: |\n    a: 2024-01-01", None, False, "JSON cannot carry"),
        ("  config: |\n    1: one", None, False, "JSON cannot carry"),
        ("  config: '{\"a\": NaN}'", None, False, "Struct cannot carry"),
        ("  config: |\n    enabled: yes", None, False, "YAML 1.1 and YAML 1.2"),
        ("  config: |\n    port: 0800", None, False, "YAML 1.1 and YAML 1.2"),
        ("  config: |\n    enabled: true\n    name: 'yes'", {"enabled": True, "name": "yes"},
         True, "yaml"),
    ],
)
def test_v1alpha1_string_configs(
    config_line: str, plugin_config: object, representable: bool, note: str
) -> None:
    outcome = resolve_config(only_extension(ALPHA + config_line + "\n"))
    assert outcome.plugin_config == plugin_config
    assert outcome.representable is representable
    assert note in outcome.note


def test_v1_object_config_is_copied_and_raw_v1alpha1_config_is_parsed_as_a_string() -> None:
    obj = resolve_config(only_extension(V1 + "  config: {custom-header: test}\n"))
    assert obj.plugin_config == {"custom-header": "test"} and obj.note == ""
    raw = resolve_config(only_extension(V1 + "  config: {raw_v1alpha1_config: test}\n"))
    assert not raw.representable
    empty = resolve_config(only_extension(V1 + "  config: {}\n"))
    assert (empty.plugin_config, empty.note) == (None, "empty-object")


def test_yaml_alias_bomb_in_a_config_string_is_refused_without_expanding_it() -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
        f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
        f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(9)
    )
    text = ALPHA + "  config: |\n" + "".join(f"    {line}\n" for line in bomb.splitlines())
    outcome = resolve_config(only_extension(text))
    assert not outcome.representable and "aliases" in outcome.note
