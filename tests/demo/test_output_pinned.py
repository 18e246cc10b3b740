"""The generator's output is pinned: a small portfolio must come out byte for byte as listed
in ``small_portfolio.sha256`` (content hash, modification time and path of every file), and
say what a load should find as ``small_portfolio_summary.json`` does (rows per entity, the
planted bad rows).

Restructuring the generator must not change a single byte. When a change to the demo is meant
to change the files, regenerate the listing and review its diff with the change:

    python -m tests.demo.test_output_pinned
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from datetime import date
from pathlib import Path

from pipelines.demo import DemoSummary, generate_demo

EXPECTED = Path(__file__).with_name("small_portfolio.sha256")
EXPECTED_SUMMARY = Path(__file__).with_name("small_portfolio_summary.json")
PORTFOLIO = {"seed": 7, "as_of": date(2026, 10, 31), "projects": 6, "people": 20, "months": 6}


def listing(root: Path) -> list[str]:
    """One line per file under ``root``: sha256, mtime in whole seconds, relative path."""
    return [
        f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {path.stat().st_mtime_ns // 10**9}  "
        f"{path.relative_to(root).as_posix()}"
        for path in sorted(root.rglob("*"))
        if path.is_file()
    ]


def summary_facts(summary: DemoSummary) -> dict[str, object]:
    """What a load of the portfolio should find, as plain JSON values."""
    return {
        "expected_rows": summary.expected_rows,
        "bad_rows": [
            [bad.file, bad.line, bad.entity, bad.reason, bad.detail] for bad in summary.bad_rows
        ],
        "storylines": summary.storylines,
        "files": [[f.path, f.format, f.rows, f.dated.isoformat()] for f in summary.files],
    }


def test_small_portfolio_is_byte_identical_to_the_pinned_listing(tmp_path: Path) -> None:
    summary = generate_demo(tmp_path / "demo", **PORTFOLIO)
    actual = listing(summary.landing_dir)
    expected = EXPECTED.read_text(encoding="utf-8").splitlines()
    assert [line.split()[-1] for line in actual] == [line.split()[-1] for line in expected], (
        "the generator writes another set of files than the pinned listing"
    )
    changed = [a.split()[-1] for a, e in zip(actual, expected, strict=True) if a != e]
    assert not changed, f"{len(changed)} files changed (bytes or mtime): {changed[:10]}"
    facts = json.loads(json.dumps(summary_facts(summary)))
    assert facts == json.loads(EXPECTED_SUMMARY.read_text(encoding="utf-8"))


def test_the_pinned_listing_covers_every_kind_of_file() -> None:
    """A listing that lost files would pin less than it seems to."""
    folders = {line.split()[-1].split("/")[0] for line in EXPECTED.read_text().splitlines()}
    assert folders == {
        "azure_devops",
        "calendars",
        "delivery",
        "finance",
        "governance",
        "jira",
        "master",
        "ms_project",
        "plans",
        "risks",
        "status",
        "timesheets",
        "vendors",
    }


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as folder:
        written = generate_demo(Path(folder) / "demo", **PORTFOLIO)
        EXPECTED.write_text("\n".join(listing(written.landing_dir)) + "\n", encoding="utf-8")
        facts = json.dumps(summary_facts(written), indent=1, ensure_ascii=False)
        EXPECTED_SUMMARY.write_text(facts + "\n", encoding="utf-8")
    print(f"wrote {EXPECTED} and {EXPECTED_SUMMARY}")
