"""Golden scans: testdata/scan/<case>/input is a repository; `expected-findings.txt` lists what
`sme-migrate scan` reports on it (rule, file:line, resource, message; one a line, sorted) and
`exit-code` its exit status under the default --fail-on."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.cli import sme_migrate

CASES = Path(__file__).resolve().parents[2] / "testdata" / "scan"


def findings(root: Path) -> list[str]:
    outcome = sme_migrate("scan", str(root), "--format", "json", "--fail-on", "never")
    lines = []
    for finding in outcome.json()["findings"]:
        location = finding["location"] or {}
        where = str(Path(location.get("path", "-")).relative_to(root)) if location else "-"
        resource = finding["resource"]
        what = f"{resource['kind']} {resource['namespace'] or '-'}/{resource['name']}: " if (
            resource) else ""
        lines.append(f"{finding['rule']} {where}:{location.get('line')} {what}"
                     f"{finding['message']}")
    return sorted(lines)


@pytest.mark.parametrize("case", sorted(p for p in CASES.iterdir() if p.is_dir()),
                         ids=lambda p: p.name)
def test_golden_scan(case: Path) -> None:
    expected = (case / "expected-findings.txt").read_text().splitlines()
    assert findings(case / "input") == expected
    outcome = sme_migrate("scan", str(case / "input"))
    assert outcome.exit_code == int((case / "exit-code").read_text())
