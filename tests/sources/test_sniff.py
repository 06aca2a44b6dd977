"""The byte prefilter and reading: what is parsed, what is listed as a workload, and what
cannot be read (SME021) — always without stopping the scan."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from migrate.sources.files import read_paths, read_workloads
from migrate.sources.sniff import Reader, Verdict, verdict_of
from tests.sources.source_trees import (
    Tree,
    can_run_unprivileged,
    deployment_yaml,
    extension_yaml,
    messages,
    names,
    scan_in_subprocess,
)

BROKEN = "spec: [unclosed\n  - : :\n"  # would be an SME013 finding if it were parsed


def test_files_without_an_interest_kind_are_never_parsed(tree: Tree) -> None:
    root = tree(
        {
            "ext.yaml": extension_yaml("ext"),
            "broken-unrelated.yaml": "kind: ConfigMap\n" + BROKEN,
            "broken-extension.yaml": "kind: ServiceMeshExtension\n" + BROKEN,
        }
    )

    scan = read_paths([str(root)])

    assert names(scan) == ["ext"]
    assert messages(scan, "SME013").keys() == {"broken-extension.yaml"}
    assert scan.files_scanned == 3


def test_other_files_count_only_when_they_declare_an_extension(tree: Tree) -> None:
    root = tree(
        {
            "deploy/sme": extension_yaml("no-suffix"),
            "templates/sme.tpl": extension_yaml("template-suffix"),
            "README.md": "Our ServiceMeshExtensions are being migrated.\n" + BROKEN,
            "notes.txt": "kind: ServiceMeshControlPlane\n"
            + BROKEN,  # only extensions, outside YAML
        }
    )

    scan = read_paths([str(root)])

    assert names(scan) == ["no-suffix", "template-suffix"]
    assert scan.findings == ()


def test_a_file_named_explicitly_is_read_whatever_its_suffix(tree: Tree) -> None:
    root = tree({"smcp.txt": "apiVersion: maistra.io/v2\nkind: ServiceMeshControlPlane\n"})

    scan = read_paths([str(root / "smcp.txt")])

    assert [r.kind for r in scan.resources] == ["ServiceMeshControlPlane"]


def test_file_between_buffer_and_size_limit_is_parsed(tree: Tree) -> None:
    blob = "".join(f"      line {index} of an embedded document\n" for index in range(60_000))
    big = extension_yaml("big") + "  config:\n    blob: |\n" + blob  # ~2.5 MiB

    root = tree({"big.yaml": big})
    scan = read_paths([str(root)])

    assert names(scan) == ["big"]
    assert scan.resources[0].spec["config"]["blob"].count("\n") == 60_000


def test_large_rendered_bundle_is_listed_as_workloads_and_read_on_demand(tree: Tree) -> None:
    deployments = "---\n".join(
        deployment_yaml(f"app{index}", f"app{index}") for index in range(5000)
    )
    root = tree({"install.yaml": deployments})  # ~1.3 MiB, over the read buffer

    scan = read_paths([str(root)])
    found = read_workloads(scan.workload_files, [b"app: app4321"])  # needles select files

    assert scan.workload_files == (str(root / "install.yaml"),)
    assert len(found) == 5000
    assert found[4321].name == "app4321"
    assert found[4321].location is not None and found[4321].location.document == 4321


def test_symlinked_file_is_read_through(tree: Tree) -> None:
    root = tree({"real/ext.yaml": extension_yaml("target")})
    (root / "in").mkdir()
    (root / "in/link.yaml").symlink_to("../real/ext.yaml")

    scan = read_paths([str(root / "in")])

    assert [r.location.path for r in scan.resources if r.location] == [str(root / "in/link.yaml")]


def test_a_file_and_a_symlink_to_it_are_read_once(tree: Tree) -> None:
    root = tree({"real/ext.yaml": extension_yaml("target")})
    (root / "link.yaml").symlink_to("real/ext.yaml")
    (root / "other.yaml").symlink_to("real/ext.yaml")

    scan = read_paths([str(root), str(root / "link.yaml")])

    assert [r.location.path for r in scan.resources if r.location] == [str(root / "real/ext.yaml")]
    assert scan.files_scanned == 1


def test_symlink_loop_and_broken_link_are_findings(tree: Tree) -> None:
    root = tree({"valid.yaml": extension_yaml("still-found")})
    (root / "a.yaml").symlink_to("a.yaml")
    (root / "gone.yaml").symlink_to("missing.yaml")

    scan = read_paths([str(root)])

    assert names(scan) == ["still-found"]
    assert messages(scan, "SME021") == {
        "a.yaml": "cannot be read: symbolic link loop (Too many levels of symbolic links)",
        "gone.yaml": (
            "cannot be read: broken symbolic link (its target 'missing.yaml' does not exist)"
        ),
    }


def test_symlinks_to_a_fifo_or_a_device_do_not_hang(tree: Tree) -> None:
    root = tree({"valid.yaml": extension_yaml("still-found")})
    os.mkfifo(root / "pipe")
    (root / "pipe.yaml").symlink_to("pipe")
    (root / "zero.yaml").symlink_to("/dev/zero")

    scanned = scan_in_subprocess([str(root)])  # a hang fails by timeout instead of hanging pytest

    assert scanned["names"] == ["still-found"]
    assert scanned["findings"] == []


@pytest.mark.skipif(not can_run_unprivileged(), reason="cannot drop root's file access here")
def test_unreadable_file_is_a_finding_and_the_rest_is_scanned(shared_tree: Tree) -> None:
    root = shared_tree(
        {
            "valid.yaml": extension_yaml("still-found"),
            "secret.yaml": extension_yaml("locked"),
        }
    )
    (root / "secret.yaml").chmod(0)

    scanned = scan_in_subprocess([str(root)], as_unprivileged=True)

    assert scanned["names"] == ["still-found"]
    assert [(f["rule"], f["location"]["path"], f["message"]) for f in scanned["findings"]] == [
        ("SME021", str(root / "secret.yaml"), "cannot be read: Permission denied")
    ]


def test_reader_reuses_its_buffer_without_leaking_bytes_between_files(tmp_path: Path) -> None:
    long = tmp_path / "long.yaml"
    short = tmp_path / "short.yaml"
    long.write_text(extension_yaml("a-much-longer-name-than-the-next-one"))
    short.write_text(extension_yaml("b"))
    reader = Reader()

    first, second = reader.sniff(str(long)), reader.sniff(str(short))

    assert first is not None and second is not None
    assert (first.verdict, second.verdict) == (Verdict.PARSE, Verdict.PARSE)
    assert second.data == short.read_bytes()


@pytest.mark.parametrize(("text", "verdict"), [
    (b"apiVersion: v1\nkind: Service\nmetadata: {name: a}\n", Verdict.SERVICES),
    (b"kind: 'Service'  # the front door\r\n", Verdict.SERVICES),
    (b'{"apiVersion": "v1", "kind": "Service", "metadata": {}}', Verdict.SERVICES),
    (b"items: [{kind: Service, metadata: {name: a}}]", Verdict.SERVICES),
    (b"kind: ServiceAccount\nmetadata: {name: a}\n", None),
    (b"kind: ServiceMonitor\n", None),
    (b"# a Service for it comes later\nkind: ConfigMap\n", None),
    (b"kind: Service\n---\nkind: Deployment\nspec: {template: {spec: {containers: []}}}\n",
     Verdict.WORKLOAD),
])
def test_a_manifest_with_services_only_is_read_for_them_on_demand(
        text: bytes, verdict: Verdict | None) -> None:
    assert verdict_of(text, len(text), manifest=True) is verdict


@pytest.mark.parametrize(("text", "verdict"), [
    (b"apiVersion: networking.istio.io/v1beta1\nkind: Gateway\nmetadata: {name: a}\n",
     Verdict.WORKLOAD),
    (b'{"apiVersion": "networking.istio.io/v1", "kind": "Gateway"}', Verdict.WORKLOAD),
    (b"apiVersion: networking.istio.io/v1beta1\nkind: GatewayClass\n", None),
    (b"apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\n", None),  # not Istio's
    (b"# our Gateway lives in networking.istio.io/v1\nkind: ConfigMap\n", None),
])
def test_an_istio_gateway_is_read_on_demand_like_a_workload(text: bytes,
                                                             verdict: Verdict | None) -> None:
    """Which gateway pods a VirtualService's CORS and fault filters run on (SME035)."""
    assert verdict_of(text, len(text), manifest=True) is verdict


@pytest.mark.parametrize(("text", "verdict"), [
    (b"apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nspec:\n  action: CUSTOM\n",
     Verdict.PARSE),
    (b'{"apiVersion": "security.istio.io/v1", "kind": "AuthorizationPolicy", '
     b'"spec": {"action": "CUSTOM"}}', Verdict.PARSE),
    (b"apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nspec: {action: ALLOW}\n",
     None),
    (b"apiVersion: networking.istio.io/v1\nkind: VirtualService\nspec:\n  http:\n"
     b"  - corsPolicy: {allowOrigins: [{exact: x}]}\n", Verdict.PARSE),
    (b"apiVersion: networking.istio.io/v1\nkind: VirtualService\nspec:\n  http:\n"
     b"  - fault: {abort: {httpStatus: 503}}\n", Verdict.PARSE),
    (b"apiVersion: networking.istio.io/v1\nkind: VirtualService\nspec:\n  http:\n"
     b"  - route: [{destination: {host: default}}]\n", None),
    (b"# CUSTOM AuthorizationPolicy examples live elsewhere\nkind: ConfigMap\n", None),
])
def test_policies_that_move_plugins_are_parsed_in_files_of_their_own(
        text: bytes, verdict: Verdict | None) -> None:
    assert verdict_of(text, len(text), manifest=True) is verdict


def test_the_bytes_of_workload_files_are_held_up_to_the_readers_budget(tmp_path: Path) -> None:
    first, second = tmp_path / "first.yaml", tmp_path / "second.yaml"
    first.write_text(deployment_yaml("first", "first"))
    second.write_text(deployment_yaml("second", "second"))
    reader = Reader(held_bytes=first.stat().st_size)

    held, over = reader.sniff(str(first)), reader.sniff(str(second))

    assert held is not None and over is not None
    assert (held.verdict, over.verdict) == (Verdict.WORKLOAD, Verdict.WORKLOAD)
    assert (held.data, over.data) == (first.read_bytes(), b"")  # the second is read again later
