"""Golden scans: testdata/scan/<case>/input is a repository; `expected-findings.txt` lists what
`sme-migrate scan` reports on it (rule, file:line, resource, message; one a line, sorted) and
`exit-code` its exit status under the default --fail-on. `args` (optional) holds more options;
a case whose `exit-code` is 2 (a usage error) has `expected-error.txt`, the one line on stderr,
instead of findings. Each case runs in its own directory and names its input `input`, as a user
runs the tool in a repository, so paths in messages read `input/...` wherever the checkout is."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.cli import sme_migrate

CASES = Path(__file__).resolve().parents[2] / "testdata" / "scan"
INPUT = "input"


def case_args(case: Path) -> list[str]:
    args = case / "args"
    return args.read_text().split() if args.exists() else []


def findings(args: list[str]) -> list[str]:
    outcome = sme_migrate("scan", INPUT, *args, "--format", "json", "--fail-on", "never")
    lines = []
    for finding in outcome.json()["findings"]:
        location = finding["location"] or {}
        where = str(Path(location.get("path", "-")).relative_to(INPUT)) if location else "-"
        resource = finding["resource"]
        what = f"{resource['kind']} {resource['namespace'] or '-'}/{resource['name']}: " if (
            resource) else ""
        lines.append(f"{finding['rule']} {where}:{location.get('line')} {what}"
                     f"{finding['message']}")
    return sorted(lines)


@pytest.mark.parametrize("case", sorted(p for p in CASES.iterdir() if p.is_dir()),
                         ids=lambda p: p.name)
def test_golden_scan(case: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(case)
    exit_code = int((case / "exit-code").read_text())
    outcome = sme_migrate("scan", INPUT, *case_args(case))
    assert outcome.exit_code == exit_code
    if exit_code == 2:
        assert outcome.stdout == ""
        assert outcome.stderr == (case / "expected-error.txt").read_text()
        return
    expected = (case / "expected-findings.txt").read_text().splitlines()
    assert findings(case_args(case)) == expected
