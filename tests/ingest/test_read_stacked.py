"""Task exports of a batch are read stacked: each file is only read, then the rows of every file
of one layout are numbered, checked and normalised in one pass. That must give each file exactly
what reading it alone gives (the same rows, the same ``source_line``), and a bad file among good
ones is refused alone, with its own message, while the others load."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from pipelines.ingest.adapters import ado_csv, jira_csv, mspdi
from pipelines.ingest.errors import FileRejected
from tests.conftest import FIXTURES, read_together
from tests.ingest.test_batched_load import load_both_ways
from tests.ingest.test_load import PEOPLE, PROJECTS

HEADER = "Summary,Issue key,Issue id,Issue Type,Status,Project key,Created,Due date\n"


def jira_rows(tmp_path: Path) -> dict[str, Path]:
    """Exports of one layout that number their rows differently: cells spanning lines, blank
    lines, CRLF endings, a header alone; and a CSV that is no Jira export."""
    texts = {
        # a cell over three lines (line 3 to 5), a blank line (6), then line 7
        "multi.csv": HEADER
        + "First,PAY-101,10001,Story,Done,PAY,02/Jan/26 9:15 AM,30/Jun/26\n"
        + '"Second\nspans\nlines",PAY-102,10002,Story,Done,PAY,05/Jan/26 10:00 AM,\n'
        + "\n"
        + "Third,PAY-103,10003,Task,To Do,PAY,06/Jan/26 10:00 AM,\n",
        # one line a record, Windows line ends, no final newline
        "plain.csv": HEADER.replace("\n", "\r\n")
        + "One,CRM-101,20001,Story,Done,CRM,1/13/2026 16:14,\r\n"
        + "Two,CRM-102,20002,Story,Done,CRM,1/14/2026 16:14,",
        "header_only.csv": HEADER,
        # a blank line first, then a record whose cell spans two lines
        "blank_first.csv": HEADER + "\n" + '"A\nB",PAY-109,10009,Bug,Done,PAY,,\n',
        "not_jira.csv": "Name,Hours\nAna,3\n",
    }
    tmp_path.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, text in texts.items():
        paths[name] = tmp_path / name
        paths[name].write_bytes(text.encode("utf-8"))
    return paths


def lines(result: dict, entity: str = "tasks") -> dict[str, int]:
    frame = result[entity]
    return dict(zip(frame["task_key"].to_list(), frame["source_line"].to_list(), strict=True))


def test_jira_exports_read_stacked_give_each_file_its_rows_and_lines(tmp_path: Path) -> None:
    paths = jira_rows(tmp_path)
    order = ["multi.csv", "not_jira.csv", "plain.csv", "header_only.csv", "blank_first.csv"]
    order += ["multi.csv"]  # the same export twice: each copy numbered on its own
    together = read_together(jira_csv, [paths[name] for name in order])
    assert lines(together[0]) == {"PAY-101": 2, "PAY-102": 3, "PAY-103": 7}
    assert lines(together[5]) == lines(together[0])
    assert lines(together[2]) == {"CRM-101": 2, "CRM-102": 3}
    assert together[3]["tasks"].height == 0
    assert lines(together[4]) == {"PAY-109": 3}
    # the day/month order stays each file's own: 1/13/2026 is month-first, 02/Jan/26 day-first
    assert together[2]["tasks"]["created_at"].to_list()[0] == "2026-01-13 16:14:00"
    assert together[0]["tasks"]["created_at"].to_list()[0] == "2026-01-02 09:15:00"
    refused = together[1]
    assert isinstance(refused, FileRejected)
    assert "not_jira.csv" in str(refused) and "no issue key column" in str(refused)


def test_records_with_no_text_are_blank_whatever_column_is_empty(tmp_path: Path) -> None:
    sparse = tmp_path / "sparse.csv"
    sparse.write_text(
        HEADER
        + ",,,,,,,\n"  # line 2: separators only
        + "  , ,\t,,,,,\n"  # line 3: whitespace only
        + ",PAY-110,10010,Story,Done,PAY,,\n"  # line 4: no summary, the rest filled
        + ",,,,,,,30/Jun/26\n"  # line 5: the due date alone
        + "Fourth,PAY-111,10011,Story,Done,PAY,,\n",  # line 6
        encoding="utf-8",
    )
    (result,) = read_together(jira_csv, [sparse])
    tasks = result["tasks"]
    assert tasks["source_line"].to_list() == [4, 5, 6]
    assert tasks["task_key"].to_list() == ["PAY-110", None, "PAY-111"]


def test_azure_devops_exports_read_stacked_give_each_file_its_rows_and_lines(
    tmp_path: Path,
) -> None:
    flat = (FIXTURES / "ado_csv" / "ado_flat_query.csv").read_text(encoding="utf-8")
    header, *records = flat.splitlines(keepends=True)
    spaced = tmp_path / "spaced.csv"  # blank lines between the records
    spaced.write_text(header + "\n".join(records) + "\n", encoding="utf-8")
    empty = tmp_path / "empty.csv"
    empty.write_text(header, encoding="utf-8")
    paths = [FIXTURES / "ado_csv" / "ado_flat_query.csv", spaced, empty, spaced]
    together = read_together(ado_csv, paths)
    plain_lines = together[0]["tasks"]["source_line"].to_list()
    spaced_lines = together[1]["tasks"]["source_line"].to_list()
    assert plain_lines == list(range(2, 2 + len(plain_lines)))
    assert spaced_lines == [2 + 2 * i for i in range(len(plain_lines))]
    assert together[2]["tasks"].height == 0
    assert together[3]["tasks"].equals(together[1]["tasks"])


def test_a_batch_of_task_exports_with_a_bad_file_loads_like_file_by_file(
    tmp_path: Path, monkeypatch
) -> None:
    """Jira, Azure DevOps and MS Project exports in one batch, a truncated plan among them:
    the same raw rows, load log and quarantine as one file a batch; the bad plan alone is
    refused, with the line where it breaks."""
    paths = jira_rows(tmp_path / "made")

    def landing_files(landing: Path) -> None:
        (landing / "master").mkdir(parents=True, exist_ok=True)
        (landing / "master" / "projects.csv").write_text(PROJECTS, encoding="utf-8")
        (landing / "master" / "people.csv").write_text(PEOPLE, encoding="utf-8")
        sources = [
            paths["multi.csv"],
            paths["plain.csv"],
            paths["header_only.csv"],
            FIXTURES / "mspdi" / "payments_plan_status.xml",
            FIXTURES / "mspdi" / "truncated.xml",
            FIXTURES / "mspdi" / "outline_levels_only.xml",
            FIXTURES / "ado_csv" / "ado_flat_query.csv",
            FIXTURES / "ado_csv" / "ado_tree_query.csv",
            FIXTURES / "jira_csv" / "jira_cloud_en_repeated_sprints.csv",
        ]
        for number, source in enumerate(sources):
            target = landing / "exports" / f"{number:02d}_{source.name}"
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
            os.utime(target, (1_700_000_000 + number, 1_700_000_000 + number))

    batched, single, con = load_both_ways(tmp_path, monkeypatch, [landing_files])
    try:
        assert batched == single
        log = con.execute(
            "select source_file, status, error, rows_read from raw.load_log"
            " where entity = 'tasks' order by source_file"
        ).fetchall()
        assert [row[1] for row in log].count("rejected") == 1
        (bad,) = [row for row in log if row[1] == "rejected"]
        assert bad[0] == "exports/04_truncated.xml"
        assert "malformed at line" in bad[2]
        assert all(row[3] > 0 for row in log if row[1] == "loaded" and "header_only" not in row[0])
        task_lines = con.execute(
            "select task_key, source_line from raw.tasks"
            " where source_file = 'exports/00_multi.csv' order by task_key"
        ).fetchall()
        assert task_lines == [("PAY-101", 2), ("PAY-102", 3), ("PAY-103", 7)]
    finally:
        con.close()


def test_mspdi_files_read_stacked_keep_their_own_rows_and_refusals() -> None:
    folder = FIXTURES / "mspdi"
    names = ["payments_plan_status.xml", "truncated.xml", "outline_levels_only.xml"]
    together = read_together(mspdi, [folder / name for name in [*names, names[0]]])
    assert isinstance(together[1], FileRejected)
    assert "truncated.xml" in str(together[1])
    assert together[3]["tasks"].equals(together[0]["tasks"])
