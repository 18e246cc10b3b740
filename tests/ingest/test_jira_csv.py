"""Jira issue CSV exports, read through the real detection as a user's dropped file would be."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from pipelines.ingest.adapters import ado_csv, jira_csv, locale_dates
from pipelines.ingest.contracts import ENTITIES
from pipelines.ingest.detect import detect, probe_file
from pipelines.ingest.errors import FileRejected
from tests.conftest import FIXTURES, read_together

JIRA = FIXTURES / "jira_csv"
ADO = FIXTURES / "ado_csv"


def load(path: Path) -> dict[str, pl.DataFrame]:
    probe = probe_file(path)
    adapter = detect(probe)
    assert adapter.name == "jira_csv"
    return adapter.read(probe)


def task(frames: dict[str, pl.DataFrame], key: str) -> dict:
    rows = frames["tasks"].filter(pl.col("task_key") == key).to_dicts()
    assert len(rows) == 1, f"{key} should appear once"
    return rows[0]


def sprints(frames: dict[str, pl.DataFrame]) -> dict[str, dict]:
    return {row["sprint_name"]: row for row in frames["sprints"].to_dicts()}


@pytest.mark.parametrize("path", sorted(JIRA.glob("*.csv")), ids=lambda p: p.name)
def test_every_fixture_gives_canonical_text_columns(path: Path) -> None:
    frames = load(path)
    for entity in ("tasks", "sprints", "dependencies"):
        frame = frames[entity]
        assert frame.columns == [*ENTITIES[entity].column_names, "source_line"]
        assert all(dtype == pl.String for dtype in frame.drop("source_line").dtypes)
        assert frame.schema["source_line"] == pl.Int64


# --- English Cloud export: BOM, repeated Sprint columns, both story-point fields ------------------


def test_bom_is_stripped_from_the_first_header() -> None:
    probe = probe_file(JIRA / "jira_cloud_en_repeated_sprints.csv")
    assert (JIRA / "jira_cloud_en_repeated_sprints.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert probe.header[0] == "Summary"
    assert jira_csv.sniff(probe)


def test_repeated_sprint_columns_keep_the_last_filled_sprint() -> None:
    frames = load(JIRA / "jira_cloud_en_repeated_sprints.csv")
    assert task(frames, "PAY-2")["sprint"] == "PAY Sprint 3"  # carried over three sprints
    assert task(frames, "PAY-3")["sprint"] == "PAY Sprint 3"
    assert task(frames, "PAY-4")["sprint"] == "PAY Sprint 4"
    assert task(frames, "PAY-5")["sprint"] is None


def test_sprints_entity_has_every_sprint_once_with_its_team() -> None:
    frames = load(JIRA / "jira_cloud_en_repeated_sprints.csv")
    found = sprints(frames)
    assert sorted(found) == ["PAY Sprint 1", "PAY Sprint 2", "PAY Sprint 3", "PAY Sprint 4"]
    assert found["PAY Sprint 1"]["team"] == "Falcon"
    assert found["PAY Sprint 4"]["team"] == "Kestrel"
    assert found["PAY Sprint 4"]["project_code"] == "PAY"
    assert found["PAY Sprint 1"]["start_date"] is None  # plain names carry no dates
    assert found["PAY Sprint 4"]["source_line"] == 7


def test_story_points_take_the_first_non_empty_of_both_fields() -> None:
    frames = load(JIRA / "jira_cloud_en_repeated_sprints.csv")
    assert task(frames, "PAY-2")["story_points"] == "5.0"  # Story Points only
    assert task(frames, "PAY-3")["story_points"] == "3.0"  # Story point estimate only
    assert task(frames, "PAY-4")["story_points"] == "8.0"  # both: the leftmost wins
    assert task(frames, "PAY-1")["story_points"] is None


def test_multi_line_description_does_not_shift_line_numbers() -> None:
    frames = load(JIRA / "jira_cloud_en_repeated_sprints.csv")
    lines = dict(zip(frames["tasks"]["task_key"], frames["tasks"]["source_line"], strict=True))
    assert lines == {"PAY-1": 2, "PAY-2": 3, "PAY-3": 6, "PAY-4": 7, "PAY-5": 8}


def test_english_fields_dates_estimates_and_parents() -> None:
    frames = load(JIRA / "jira_cloud_en_repeated_sprints.csv")
    api = task(frames, "PAY-2")
    assert api["project_code"] == "PAY"
    assert api["task_name"] == "Settlement API"
    assert api["task_type"] == "Story"
    assert api["parent_key"] == "PAY-1"
    assert api["status"] == "Done"
    assert api["status_category"] == "done"
    assert api["estimate_hours"] == "8.0"  # 28800 seconds
    assert api["created_at"] == "2026-01-05 10:00:00"
    assert api["resolved_at"] == "2026-02-20 16:30:00"
    assert api["planned_finish"] == "2026-02-27"  # Due date
    assert api["assignee"] == "Ravi Menon"
    assert api["snapshot_date"] is None  # the loader takes it from the file name or mtime
    epic = task(frames, "PAY-1")
    assert epic["planned_start"] == "2026-01-05"  # Custom field (Start date)
    assert epic["parent_key"] is None
    assert epic["status_category"] == "in_progress"
    assert task(frames, "PAY-3")["estimate_hours"] == "1.5"
    assert task(frames, "PAY-3")["status_category"] == "in_progress"  # "In Review" status


def test_duplicate_custom_field_names_do_not_break_the_read() -> None:
    probe = probe_file(JIRA / "jira_cloud_en_repeated_sprints.csv")
    assert probe.header.count("Custom field (Department)") == 2
    assert detect(probe).read(probe)["tasks"].height == 5


# --- Spanish UI export ------------------------------------------------------------------------


def test_spanish_headers_months_and_custom_field_prefix() -> None:
    frames = load(JIRA / "jira_cloud_es.csv")
    assert frames["tasks"].height == 4
    story = task(frames, "OPS-11")
    assert story["task_name"] == "Alta de usuarios con doble factor"
    assert story["task_type"] == "Historia"
    assert story["project_code"] == "OPS"
    assert story["assignee"] == "Jorge Ruiz"
    assert story["created_at"] == "2025-10-15 10:30:00"
    assert story["resolved_at"] == "2025-12-03 09:05:00"  # 3/dic/25 9:05 AM
    assert story["story_points"] == "3.5"  # Campo personalizado (Story Points) "3,5"
    assert story["estimate_hours"] == "2.0"  # Estimación original 7200 s
    assert story["status_category"] == "done"  # "Listo"
    assert story["sprint"] == "OPS Sprint 5"
    epic = task(frames, "OPS-10")
    assert epic["created_at"] == "2025-09-02 09:00:00"  # 2/sept/25
    assert epic["planned_finish"] == "2026-03-31"  # 31/mar/26
    assert epic["status_category"] == "in_progress"  # "En curso"
    subtask = task(frames, "OPS-12")
    assert subtask["created_at"] == "2025-10-28 17:07:00"  # "5:07 p. m."
    assert subtask["story_points"] == "2.0"  # only the Story point estimate spelling
    assert task(frames, "OPS-13")["status_category"] == "todo"  # "Por hacer"


def test_parent_by_numeric_id_is_mapped_through_issue_id() -> None:
    frames = load(JIRA / "jira_cloud_es.csv")
    assert task(frames, "OPS-10")["parent_key"] is None
    assert task(frames, "OPS-11")["parent_key"] == "OPS-10"  # Parent 20010
    assert task(frames, "OPS-12")["parent_key"] == "OPS-11"  # Parent 20011
    # A parent outside the export cannot be resolved: its id is passed on as found.
    assert task(frames, "OPS-13")["parent_key"] == "99999"


# --- Server/DC export with the greenhopper Sprint string -------------------------------------


def test_greenhopper_sprint_strings_give_names_and_dates() -> None:
    frames = load(JIRA / "jira_server_greenhopper.csv")
    assert task(frames, "CORE-2")["sprint"] == "CORE Sprint 2"
    assert task(frames, "CORE-3")["sprint"] == "CORE Sprint 3"
    found = sprints(frames)
    assert sorted(found) == ["CORE Sprint 1", "CORE Sprint 2", "CORE Sprint 3"]
    assert found["CORE Sprint 1"] == {
        "sprint_name": "CORE Sprint 1",
        "team": "Platform",
        "project_code": "CORE",
        "start_date": "2025-06-02",
        "end_date": "2025-06-16",
        "complete_date": "2025-06-16",
        "source_line": 3,
    }
    assert found["CORE Sprint 2"]["complete_date"] == "2025-07-01"
    assert found["CORE Sprint 3"]["complete_date"] is None  # completeDate=<null>: still active
    assert found["CORE Sprint 3"]["source_line"] == 4


def test_server_parent_id_epic_link_and_us_dates() -> None:
    frames = load(JIRA / "jira_server_greenhopper.csv")
    assert task(frames, "CORE-3")["parent_key"] == "CORE-2"  # Parent id 30002
    assert task(frames, "CORE-2")["parent_key"] == "CORE-1"  # Custom field (Epic Link)
    assert task(frames, "CORE-4")["parent_key"] == "CORE-1"
    assert task(frames, "CORE-3")["created_at"] == "2025-06-21 16:14:00"
    assert task(frames, "CORE-1")["created_at"] == "2025-06-02 09:00:00"  # 6/2 is month-first
    assert task(frames, "CORE-2")["resolved_at"] == "2025-07-02 09:30:00"
    assert task(frames, "CORE-1")["planned_finish"] == "2025-12-19"
    assert task(frames, "CORE-2")["story_points"] == "5.0"
    assert task(frames, "CORE-2")["estimate_hours"] == "4.0"  # "Original Estimate" 14400 s


def test_status_category_is_derived_when_the_export_has_none() -> None:
    frames = load(JIRA / "jira_server_greenhopper.csv")
    categories = dict(
        zip(frames["tasks"]["task_key"], frames["tasks"]["status_category"], strict=True)
    )
    assert categories == {
        "CORE-1": "todo",  # Open
        "CORE-2": "done",  # Closed, resolution Fixed
        "CORE-3": "in_progress",  # In Progress
        "CORE-4": "todo",  # Reopened
        "CORE-5": None,  # a custom status with no resolution: unknown, not guessed
    }


# --- Portuguese export without a project column --------------------------------------------------


def test_portuguese_export_takes_the_project_from_the_issue_key() -> None:
    frames = load(JIRA / "jira_cloud_pt.csv")
    login = task(frames, "APP-7")
    assert login["project_code"] == "APP"
    assert login["task_name"] == "Tela de login"
    assert login["created_at"] == "2026-02-12 15:15:00"  # 12/fev/26 3:15 PM
    assert login["estimate_hours"] == "2.0"
    assert login["assignee"] == "Beatriz Lima"
    assert login["sprint"] == "APP Sprint 2"
    assert login["status_category"] == "done"  # status "Concluído"
    assert task(frames, "APP-8")["created_at"] == "2025-10-03 10:00:00"  # 3/out/25
    assert task(frames, "APP-8")["status_category"] == "in_progress"
    assert sorted(sprints(frames)) == ["APP Sprint 1", "APP Sprint 2"]


# --- values that cannot be normalised, and file-level problems ----------------------------------


def test_unparseable_values_are_passed_on_as_found(tmp_path: Path) -> None:
    path = tmp_path / "jira.csv"
    path.write_text(
        "Summary,Issue key,Issue id,Status,Project key,Created,Original estimate,"
        "Custom field (Story Points)\n"
        "Odd row,ODD-1,1,To Do,ODD,sometime next week,2h,lots\n",
        encoding="utf-8",
    )
    row = task(load(path), "ODD-1")
    assert row["created_at"] == "sometime next week"
    assert row["estimate_hours"] == "2h"
    assert row["story_points"] == "lots"


def test_header_only_export_gives_empty_frames(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_text("Summary,Issue key,Issue id,Sprint,Sprint,Parent\n", encoding="utf-8")
    frames = load(path)
    assert frames["tasks"].height == 0
    assert frames["sprints"].height == 0
    assert frames["tasks"].columns[-1] == "source_line"


def test_reading_a_file_without_issue_keys_is_rejected_with_a_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "not_jira.csv"
    path.write_text("Summary,Status\nSomething,Open\n", encoding="utf-8")
    probe = probe_file(path)
    assert not jira_csv.sniff(probe)
    with pytest.raises(FileRejected, match="Issue key"):
        jira_csv.read(probe)


# --- the sniffer matches only Jira ---------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(ADO.glob("*.csv")), ids=lambda p: p.name)
def test_jira_sniffer_ignores_azure_devops_exports(path: Path) -> None:
    assert not jira_csv.sniff(probe_file(path))


@pytest.mark.parametrize("path", sorted(JIRA.glob("*.csv")), ids=lambda p: p.name)
def test_azure_devops_sniffer_ignores_jira_exports(path: Path) -> None:
    assert not ado_csv.sniff(probe_file(path))


def test_jira_sniffer_ignores_a_tempo_worklog_export(shared_samples: Path) -> None:
    # Tempo has "Issue Key" and "Issue summary" but no "Summary".
    assert not jira_csv.sniff(probe_file(shared_samples / "tempo" / "tempo_worklog_header.csv"))


# --- the real INFO 380 Cloud export --------------------------------------------------------------


def test_real_cloud_export(shared_samples: Path) -> None:
    frames = load(shared_samples / "jira_csv" / "jira_cloud_en_INFO380.csv")
    tasks = frames["tasks"]
    assert tasks.height == 45
    assert tasks["task_type"].value_counts().sort("task_type").rows() == [
        ("Epic", 9),
        ("Story", 36),
    ]
    assert tasks["story_points"].cast(pl.Float64).sum() == 207.0
    first = task(frames, "TB1-50")
    assert first["task_name"] == (
        "System automatically switches to backup course when primary is unavailable"
    )
    assert first["project_code"] == "TB1"
    assert first["parent_key"] == "TB1-13"
    assert first["status"] == "To Do"
    assert first["status_category"] == "todo"
    assert first["story_points"] == "5.0"
    assert first["created_at"] == "2026-02-25 14:54:00"  # 25/Feb/26 2:54 PM
    assert first["sprint"] == "TB1 Sprint 3"
    assert first["assignee"] == "Kenneth Wu"
    assert first["source_line"] == 2
    # Descriptions span many lines: later rows still point at their physical line.
    assert task(frames, "TB1-49")["source_line"] == 11
    assert task(frames, "TB1-9")["source_line"] == 347
    last = task(frames, "TB1-51")
    assert (last["source_line"], last["created_at"], last["parent_key"]) == (
        421,
        "2026-03-04 10:00:00",
        "TB1-1",
    )
    assert task(frames, "TB1-1")["parent_key"] is None
    assert sorted(sprints(frames)) == ["TB1 Sprint 1", "TB1 Sprint 2", "TB1 Sprint 3"]
    assert frames["sprints"]["team"].null_count() == 3  # the Team field is empty in this export


def test_real_export_parent_ids_map_to_the_same_keys(shared_samples: Path, tmp_path: Path) -> None:
    """Without ``Parent key`` the numeric ``Parent`` column must give the same parents."""
    original = shared_samples / "jira_csv" / "jira_cloud_en_INFO380.csv"
    text = original.read_text(encoding="utf-8-sig")
    header, rest = text.split("\n", 1)
    assert ",Parent key," in header
    renamed = tmp_path / "no_parent_key.csv"
    renamed.write_text(header.replace(",Parent key,", ",Hidden parent,") + "\n" + rest, "utf-8")
    expected = load(original)["tasks"].select("task_key", "parent_key")
    assert load(renamed)["tasks"].select("task_key", "parent_key").equals(expected)


@pytest.mark.parametrize(
    ("text", "month_first", "expected"),
    [
        ("25/Feb/26 2:54 PM", True, "2026-02-25 14:54:00"),
        ("10/nov/25 4:51 PM", True, "2025-11-10 16:51:00"),
        ("28/oct/25 5:07 p. m.", True, "2025-10-28 17:07:00"),
        ("25/févr./26 14:54", True, "2026-02-25 14:54:00"),
        ("3/Mär/26 10:00", True, "2026-03-03 10:00:00"),
        ("10.11.2025 14:30", True, "2025-11-10 14:30:00"),  # dotted dates are day-first
        ("6/21/2025 16:14", True, "2025-06-21 16:14:00"),
        ("6/7/2025 16:14", False, "2025-07-06 16:14:00"),
        ("2025-06-21T16:14:00", False, "2025-06-21 16:14:00"),
        ("12/Foo/25 10:00", True, "12/Foo/25 10:00"),  # kept as found
    ],
)
def test_locale_dates(text: str, month_first: bool, expected: str) -> None:
    frame = locale_dates.with_locale_dates(
        pl.DataFrame({"x": [text]}),
        {"out": (pl.col("x"), "timestamp")},
        month_first=month_first,
    )
    assert frame["out"].to_list() == [expected]


def test_exports_read_together_give_what_each_gives_alone(tmp_path: Path) -> None:
    """The loader reads a batch's exports of one layout in one pass: parents by issue id,
    sprints and the day/month order stay each file's own."""
    spanish = JIRA / "jira_cloud_es.csv"
    # another project's export with the same issue ids (each Jira site numbers its own)
    other = tmp_path / "other_site.csv"
    other.write_text(spanish.read_text(encoding="utf-8").replace("OPS-", "OPX-"), "utf-8")
    paths = [spanish, other, JIRA / "jira_cloud_en_repeated_sprints.csv", spanish]
    paths.append(JIRA / "jira_server_greenhopper.csv")
    together = read_together(jira_csv, paths)
    assert task(together[1], "OPX-11")["parent_key"] == "OPX-10"  # its own site's issue 20010
    assert task(together[0], "OPS-11")["parent_key"] == "OPS-10"
    # the same export twice in a batch: each copy keeps all of its sprints
    assert together[0]["sprints"].height > 0
    assert together[3]["sprints"].equals(together[0]["sprints"])


# --- "blocks" issue links -> dependencies --------------------------------------------------------

LINKED_HEADER = (
    "Summary,Issue key,Issue id,Issue Type,Status,Project key,Outward issue link (Blocks),"
    "Outward issue link (Blocks),Inward issue link (Blocks)\n"
)


def export(folder: Path, name: str, body: str, header: str = LINKED_HEADER) -> Path:
    path = folder / name
    path.write_text(header + body, encoding="utf-8")
    return path


def links(frames: dict[str, pl.DataFrame]) -> list[tuple]:
    """(successor project, successor, predecessor project, predecessor, line), file order."""
    return (
        frames["dependencies"]
        .select(
            "project_code", "task_key", "predecessor_project_code", "predecessor_key", "source_line"
        )
        .rows()
    )


def test_blocks_links_put_the_blocked_issue_as_successor(tmp_path: Path) -> None:
    """Outward on PAY-1 naming PAY-2: PAY-1 blocks PAY-2. Inward on PAY-4 naming PAY-3: PAY-3
    blocks PAY-4. Both are finish-to-start without lag; the loader fills the snapshot date."""
    frames = load(
        export(
            tmp_path,
            "links.csv",
            "Pay in,PAY-1,1,Story,To Do,PAY,PAY-2,,\n"
            "Settle,PAY-2,2,Story,To Do,PAY,,,\n"
            "Refund,PAY-3,3,Story,To Do,PAY,,,\n"
            "Report,PAY-4,4,Story,To Do,PAY,,,PAY-3\n",
        )
    )
    assert links(frames) == [
        ("PAY", "PAY-2", "PAY", "PAY-1", 2),
        ("PAY", "PAY-4", "PAY", "PAY-3", 5),
    ]
    dependencies = frames["dependencies"]
    assert dependencies.columns == [*ENTITIES["dependencies"].column_names, "source_line"]
    assert set(dependencies["link_type"]) == {"FS"}
    assert set(dependencies["lag_days"]) == {"0"}
    assert dependencies["snapshot_date"].null_count() == dependencies.height


def test_repeated_link_columns_and_cells_of_several_keys(tmp_path: Path) -> None:
    """Every Outward column is read, and a cell may name several keys (``;`` or ``,``)."""
    frames = load(
        export(
            tmp_path,
            "many.csv",
            'Pay in,PAY-1,1,Story,To Do,PAY,PAY-2,"PAY-3; PAY-4",\n'
            'Settle,PAY-2,2,Story,To Do,PAY,,PAY-5,"PAY-6,PAY-7 ;"\n',
        )
    )
    assert links(frames) == [
        ("PAY", "PAY-2", "PAY", "PAY-1", 2),
        ("PAY", "PAY-3", "PAY", "PAY-1", 2),
        ("PAY", "PAY-4", "PAY", "PAY-1", 2),
        ("PAY", "PAY-5", "PAY", "PAY-2", 3),
        ("PAY", "PAY-2", "PAY", "PAY-6", 3),
        ("PAY", "PAY-2", "PAY", "PAY-7", 3),
    ]


def test_a_link_written_on_both_its_ends_is_kept_once_at_the_first_line(tmp_path: Path) -> None:
    """PAY-1's Outward naming PAY-2 and PAY-2's Inward naming PAY-1 are one link, kept at the
    line seen first, whichever of its ends that is."""
    outward_first = load(
        export(
            tmp_path,
            "outward_first.csv",
            "Pay in,PAY-1,1,Story,To Do,PAY,PAY-2,,\nSettle,PAY-2,2,Story,To Do,PAY,,,PAY-1\n",
        )
    )
    assert links(outward_first) == [("PAY", "PAY-2", "PAY", "PAY-1", 2)]
    inward_first = load(
        export(
            tmp_path,
            "inward_first.csv",
            "Settle,PAY-2,2,Story,To Do,PAY,,,PAY-1\nPay in,PAY-1,1,Story,To Do,PAY,PAY-2,,\n",
        )
    )
    assert links(inward_first) == [("PAY", "PAY-2", "PAY", "PAY-1", 2)]


def test_keys_of_other_projects_carry_their_prefix_as_project(tmp_path: Path) -> None:
    """A key of another Jira project names that project by its prefix (the part before the last
    ``-``), for the loader to resolve against the projects master."""
    frames = load(
        export(
            tmp_path,
            "cross.csv",
            "Pay in,PAY-1,1,Story,To Do,PAY,OPS-12,,CORE_2-7\n",
        )
    )
    assert links(frames) == [
        ("OPS", "OPS-12", "PAY", "PAY-1", 2),
        ("PAY", "PAY-1", "CORE_2", "CORE_2-7", 2),
    ]


def test_a_prefix_of_the_exports_own_issues_takes_their_project(tmp_path: Path) -> None:
    """Without a Project key column the issues' project is their project name: a key whose
    prefix is that of issues in the export gets their project, so a link written on both its
    ends (across two projects of one export) is still one link; another prefix stays as is."""
    header = (
        "Summary,Issue key,Project name,Outward issue link (Blocks),Inward issue link (Blocks)\n"
    )
    frames = load(
        export(
            tmp_path,
            "names.csv",
            "Pay in,PAY-1,Payments,OPS-12,PAY-3\n"
            "Runbook,OPS-12,Operations,,PAY-1\n"
            "Audit,OPS-13,Operations,,SEC-4\n",
            header,
        )
    )
    assert links(frames) == [
        ("Operations", "OPS-12", "Payments", "PAY-1", 2),
        ("Payments", "PAY-1", "Payments", "PAY-3", 2),
        ("Operations", "OPS-13", "SEC", "SEC-4", 4),
    ]


@pytest.mark.parametrize("path", sorted(JIRA.glob("*.csv")), ids=lambda p: p.name)
def test_exports_without_link_columns_give_an_empty_dependencies_frame(path: Path) -> None:
    frames = load(path)
    assert frames["tasks"].height > 0
    dependencies = frames["dependencies"]
    assert dependencies.height == 0
    assert dependencies.columns == [*ENTITIES["dependencies"].column_names, "source_line"]
    assert dependencies.schema == {
        **dict.fromkeys(ENTITIES["dependencies"].column_names, pl.String),
        "source_line": pl.Int64,
    }


def test_link_columns_left_empty_give_no_links(tmp_path: Path) -> None:
    frames = load(export(tmp_path, "empty_links.csv", "Pay in,PAY-1,1,Story,To Do,PAY,,, \n"))
    assert frames["tasks"].height == 1
    assert frames["dependencies"].height == 0
    assert frames["dependencies"].schema["source_line"] == pl.Int64


def test_exports_with_links_read_together_give_what_each_gives_alone(tmp_path: Path) -> None:
    """Links, their deduplication and the prefix map stay each export's own in a batch."""
    pay = export(
        tmp_path,
        "pay.csv",
        "Pay in,PAY-1,1,Story,To Do,PAY,PAY-2,,\nSettle,PAY-2,2,Story,To Do,PAY,,,PAY-1\n",
    )
    # the other end of the link in another export: not the same file, so kept there too
    half = export(tmp_path, "half.csv", "Settle,PAY-2,2,Story,To Do,PAY,,,PAY-1\n")
    names = tmp_path / "names.csv"
    names.write_text(
        "Summary,Issue key,Project name,Outward issue link (Blocks)\nPay in,PAY-1,Payments,PAY-2\n",
        encoding="utf-8",
    )
    paths = [pay, half, JIRA / "jira_cloud_en_repeated_sprints.csv", names, pay]
    together = read_together(jira_csv, paths)
    assert links(together[0]) == [("PAY", "PAY-2", "PAY", "PAY-1", 2)]
    assert links(together[1]) == [("PAY", "PAY-2", "PAY", "PAY-1", 2)]
    assert together[2]["dependencies"].height == 0
    assert links(together[3]) == [("Payments", "PAY-2", "Payments", "PAY-1", 2)]
    assert together[4]["dependencies"].equals(together[0]["dependencies"])
