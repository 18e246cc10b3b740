"""MS Project XML (MSPDI): what a PMO analyst sees after dropping a saved plan, and what is refused.

Every test goes through the real detection (probe_file -> detect -> read), as the loader does.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import polars as pl
import pytest

from pipelines.ingest.adapters import mspdi
from pipelines.ingest.adapters.base import Probe
from pipelines.ingest.contracts import ENTITIES
from pipelines.ingest.detect import detect, probe_file
from pipelines.ingest.errors import FileRejected
from tests.conftest import read_together

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "mspdi"


def load(path: Path) -> dict[str, pl.DataFrame]:
    probe = probe_file(path)
    adapter = detect(probe)
    assert adapter.name == "mspdi"
    return adapter.read(probe)


def rejection(path: Path) -> FileRejected:
    """The FileRejected a user sees for this file, whether detection or reading refuses it."""
    with pytest.raises(FileRejected) as caught:
        probe = probe_file(path)
        detect(probe).read(probe)
    return caught.value


def by_key(frame: pl.DataFrame, key: str, column: str = "task_key") -> dict[str, object]:
    rows = frame.filter(pl.col(column) == key).to_dicts()
    assert len(rows) == 1, f"expected one row for {key!r}, found {len(rows)}"
    return rows[0]


def assert_canonical(frames: dict[str, pl.DataFrame]) -> None:
    assert set(frames) == {
        "tasks",
        "milestones",
        "dependencies",
        "working_calendars",
        "calendar_exceptions",
    }
    for entity, frame in frames.items():
        assert frame.columns == [*ENTITIES[entity].column_names, "source_line"]
        assert all(dtype == pl.String for dtype in frame.drop("source_line").dtypes)
        assert frame.schema["source_line"] == pl.Int64


# --- own fixture: a tracked plan with summary, baselines, costs, milestones, links ------------


@pytest.fixture(scope="module")
def plan() -> dict[str, pl.DataFrame]:
    return load(FIXTURES / "payments_plan_status.xml")


def test_plan_is_detected_and_canonical(plan: dict[str, pl.DataFrame]) -> None:
    assert_canonical(plan)


def test_project_summary_task_and_blank_rows_are_not_tasks(plan: dict[str, pl.DataFrame]) -> None:
    tasks = plan["tasks"]
    # UID 0 (the project itself) and the IsNull blank row (UID 9) are left out.
    assert tasks["task_key"].to_list() == ["1", "2", "3", "7", "8"]
    assert "PRJ-001 payments plan" not in tasks["task_name"].to_list()


def test_title_is_the_project_code_and_status_date_the_snapshot(
    plan: dict[str, pl.DataFrame],
) -> None:
    for entity, frame in plan.items():
        if entity in ("working_calendars", "calendar_exceptions"):
            assert frame.is_empty()  # the plan carries no <Calendars>: Monday to Friday
            continue
        assert frame["project_code"].unique().to_list() == ["PRJ-001"]
        assert frame["snapshot_date"].unique().to_list() == ["2026-10-31"]


def test_summary_task_is_kept_but_flagged(plan: dict[str, pl.DataFrame]) -> None:
    summary = by_key(plan["tasks"], "1")
    assert summary["task_name"] == "Settlement API"
    assert summary["task_type"] == "summary"
    assert summary["is_summary"] == "true"
    assert summary["is_milestone"] == "false"
    assert summary["parent_key"] is None
    assert summary["baseline_cost"] == "40000.0"  # <Cost>4000000</Cost> is stored x100
    assert summary["estimate_hours"] == "360.0"  # baseline 0 Work, not the current 400 h


def test_summary_flag_prevents_double_counting(plan: dict[str, pl.DataFrame]) -> None:
    tasks = plan["tasks"].with_columns(pl.col("baseline_cost").cast(pl.Float64))
    leaves = tasks.filter(pl.col("is_summary") == "false")["baseline_cost"].sum()
    assert leaves == 40000.0  # 8,000 + 32,000 + 0: the same money as the summary row
    assert tasks["baseline_cost"].sum() == 80000.0  # what a naive sum would report


def test_baseline_zero_is_the_plan_and_other_baselines_are_ignored(
    plan: dict[str, pl.DataFrame],
) -> None:
    review = by_key(plan["tasks"], "2")
    assert review["task_name"] == "API contract & schema review"
    # Baseline1 (Number 1) comes first in the XML with 7,000 / 70 h / 2026-03-25: ignored.
    assert review["baseline_cost"] == "8000.0"
    assert review["estimate_hours"] == "80.0"
    assert review["planned_start"] == "2026-04-01"
    assert review["planned_finish"] == "2026-04-14"
    assert review["actual_start"] == "2026-04-01"
    assert review["actual_finish"] == "2026-04-15"
    assert review["percent_complete"] == "100"
    assert review["status_category"] == "done"
    assert review["status"] == "Complete"
    assert review["parent_key"] == "1"
    assert review["task_type"] == "task"
    assert review["source_line"] == 62


def test_in_progress_task_with_predecessor_links(plan: dict[str, pl.DataFrame]) -> None:
    build = by_key(plan["tasks"], "3")
    assert build["percent_complete"] == "40"
    assert build["status_category"] == "in_progress"
    assert build["status"] == "In Progress"
    assert build["planned_finish"] == "2026-09-30"  # baseline finish, not the slipped 10-14
    assert build["actual_finish"] is None
    assert build["parent_key"] == "1"


def test_predecessor_links_become_dependencies_with_type_and_lag_in_days(
    plan: dict[str, pl.DataFrame],
) -> None:
    links = plan["dependencies"].sort("task_key", "predecessor_key")
    assert links.select(
        "project_code",
        "task_key",
        "predecessor_project_code",
        "predecessor_key",
        "link_type",
        "lag_days",
        "snapshot_date",
        "source_line",
    ).rows() == [
        ("PRJ-001", "3", "PRJ-001", "2", "FS", "0.0", "2026-10-31", 113),
        # Type 0 is finish-to-finish; -4800 tenths of a minute of an 8-hour day is a 1-day lead
        ("PRJ-001", "7", "PRJ-001", "2", "FF", "-1.0", "2026-10-31", 151),
        ("PRJ-001", "7", "PRJ-001", "3", "FS", "1.0", "2026-10-31", 144),
    ]


def test_current_start_and_finish_are_the_forecast_dates(plan: dict[str, pl.DataFrame]) -> None:
    build = by_key(plan["tasks"], "3")
    assert build["planned_finish"] == "2026-09-30"  # the baseline
    assert build["forecast_finish"] == "2026-10-14"  # where the plan has it now


def test_assignee_is_first_assigned_person_email_first(plan: dict[str, pl.DataFrame]) -> None:
    tasks = plan["tasks"]
    assert by_key(tasks, "3")["assignee"] == "ana.souza@example.com"
    # Task 2's first assignment is a material resource (test devices): not a person.
    assert by_key(tasks, "2")["assignee"] == "Ravi Menon"
    # Go-live's assignment is to the "unassigned" resource -65535.
    assert by_key(tasks, "7")["assignee"] is None


def test_milestones_are_flagged_tasks_and_milestone_rows(plan: dict[str, pl.DataFrame]) -> None:
    go_live = by_key(plan["tasks"], "7")
    assert go_live["task_type"] == "milestone"
    assert go_live["is_milestone"] == "true"
    assert go_live["status_category"] == "todo"
    assert go_live["status"] == "Not Started"
    assert go_live["parent_key"] is None
    assert go_live["estimate_hours"] == "0.0"

    milestones = plan["milestones"]
    assert milestones["milestone_name"].to_list() == ["Go-live", "Scheme certification passed"]
    live = by_key(milestones, "Go-live", "milestone_name")
    assert live["baseline_date"] == "2026-09-30"
    assert live["forecast_date"] == "2026-11-13"
    assert live["actual_date"] is None
    assert live["source_line"] == go_live["source_line"] == 129
    certified = by_key(milestones, "Scheme certification passed", "milestone_name")
    assert certified["baseline_date"] is None  # no baseline saved for it
    assert certified["forecast_date"] == "2026-06-03"
    assert certified["actual_date"] == "2026-06-03"
    assert by_key(plan["tasks"], "8")["parent_key"] == "1"
    assert by_key(plan["tasks"], "8")["planned_start"] == "2026-06-01"  # no baseline: Start


# --- outline levels without outline numbers; values passed on as found -----------------------


@pytest.fixture(scope="module")
def levels() -> dict[str, pl.DataFrame]:
    return load(FIXTURES / "outline_levels_only.xml")


def test_parent_from_outline_level_order(levels: dict[str, pl.DataFrame]) -> None:
    tasks = levels["tasks"]
    parents = dict(zip(tasks["task_key"], tasks["parent_key"], strict=True))
    assert parents == {"10": None, "11": "10", "12": "11", "13": "10", "14": None}


def test_empty_title_falls_back_to_name_without_extension(
    levels: dict[str, pl.DataFrame],
) -> None:
    assert levels["tasks"]["project_code"].unique().to_list() == ["Warehouse move"]
    # No <StatusDate>: the loader takes the date from the file name or modification time.
    assert levels["tasks"]["snapshot_date"].null_count() == levels["tasks"].height


def test_unreadable_values_are_passed_on_as_found(levels: dict[str, pl.DataFrame]) -> None:
    tasks = levels["tasks"]
    assert tasks.height == 5  # nothing dropped
    pack = by_key(tasks, "11")
    assert pack["percent_complete"] == "abc"
    assert pack["status_category"] is None
    assert pack["estimate_hours"] == "24.25"  # PT24H15M0S
    assert pack["baseline_cost"] is None
    assert by_key(tasks, "12")["planned_start"] == "not a date"
    assert by_key(tasks, "12")["source_line"] == 30
    assert by_key(tasks, "14")["is_summary"] == "false"  # absent <Summary> means 0
    move = levels["milestones"].to_dicts()
    assert move == [
        {
            "project_code": "Warehouse move",
            "milestone_name": "Move day",
            "baseline_date": None,
            "forecast_date": "2026-01-12",
            "actual_date": None,
            "snapshot_date": None,
            "source_line": 43,
        }
    ]


# --- hostile and broken input ------------------------------------------------------------------


def test_billion_laughs_is_rejected_quickly() -> None:
    started = time.perf_counter()
    error = rejection(FIXTURES / "billion_laughs.xml")
    assert time.perf_counter() - started < 5
    assert error.file == "billion_laughs.xml"
    assert "declares XML entities" in error.problem
    assert "lollol" not in str(error)


def test_external_entity_is_rejected_without_leaking_the_file() -> None:
    error = rejection(FIXTURES / "xxe_passwd.xml")
    assert "declares XML entities" in error.problem
    assert "XXE" in error.problem
    message = str(error)
    assert "root:" not in message
    passwd = Path("/etc/passwd")
    if passwd.is_file():
        first_line = passwd.read_text(errors="replace").splitlines()[0]
        assert first_line not in message


def test_external_dtd_reference_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "external_dtd.xml"
    path.write_text(
        '<?xml version="1.0"?>\n'
        '<!DOCTYPE Project SYSTEM "file:///etc/passwd">\n'
        f'<Project xmlns="{mspdi.NAMESPACE}"><Name>X</Name><Tasks><Task><UID>1</UID>'
        "<Name>Leak</Name></Task></Tasks></Project>\n",
        encoding="utf-8",
    )
    error = rejection(path)
    assert "external DTD" in error.problem


def test_utf16_entity_declarations_are_rejected_too() -> None:
    text = (
        '<?xml version="1.0" encoding="UTF-16"?>\n'
        '<!DOCTYPE Project [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
        f'<Project xmlns="{mspdi.NAMESPACE}"><Name>&xxe;</Name></Project>\n'
    )
    probe = Probe(
        path=Path("utf16.xml"),
        display_name="utf16.xml",
        kind="xml",
        data=text.encode("utf-16"),
        xml_root="Project",
        xml_namespace=mspdi.NAMESPACE,
    )
    with pytest.raises(FileRejected, match="declares XML entities"):
        mspdi.read(probe)


def test_truncated_file_names_the_line() -> None:
    error = rejection(FIXTURES / "truncated.xml")
    assert "malformed at line 12" in error.problem


def test_mismatched_tag_names_the_line(tmp_path: Path) -> None:
    lines = (FIXTURES / "payments_plan_status.xml").read_text(encoding="utf-8").splitlines()
    broken_at = next(i for i, line in enumerate(lines, 1) if "<Name>Go-live</Name>" in line)
    lines[broken_at - 1] = lines[broken_at - 1].replace("</Name>", "</Nmae>")
    path = tmp_path / "hand_edited.xml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    error = rejection(path)
    assert f"malformed at line {broken_at}" in error.problem
    assert "Nmae" in error.problem


def test_project_without_title_or_name_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "anonymous.xml"
    path.write_text(
        f'<?xml version="1.0"?>\n<Project xmlns="{mspdi.NAMESPACE}">\n<Title> </Title>\n'
        "<Tasks><Task><UID>1</UID><Name>A</Name></Task></Tasks>\n</Project>\n",
        encoding="utf-8",
    )
    error = rejection(path)
    assert "neither a <Title> nor a <Name>" in error.problem


def test_project_root_in_another_namespace_is_not_mspdi() -> None:
    probe = probe_file(FIXTURES / "other_namespace_project.xml")
    assert not mspdi.sniff(probe)
    error = rejection(FIXTURES / "other_namespace_project.xml")
    assert "unrecognised XML" in error.problem


def test_non_project_root_is_not_mspdi() -> None:
    probe = probe_file(FIXTURES / "not_a_project.xml")
    assert not mspdi.sniff(probe)
    error = rejection(FIXTURES / "not_a_project.xml")
    assert "<Schedule>" in error.problem


def test_real_root_is_checked_not_only_the_probe() -> None:
    # A comment mentioning <Project xmlns=...> can fool the cheap byte-level probe;
    # the parsed root decides.
    error = rejection(FIXTURES / "disguised_root.xml")
    assert "<Schedule>" in error.problem


def test_sniffer_does_not_match_other_formats(tmp_path: Path) -> None:
    jira = tmp_path / "jira.csv"
    jira.write_text(
        "Summary,Issue key,Issue id,Issue Type,Status,Project key\nA,PAY-1,1,Story,Done,PAY\n",
        encoding="utf-8",
    )
    other_files = [jira] + [
        path
        for path in (FIXTURES.parent).glob("*/*")
        if path.is_file() and path.parent.name != "mspdi"
    ]
    for path in other_files:
        try:
            probe = probe_file(path)
        except FileRejected:
            continue
        assert not mspdi.sniff(probe), path


def test_sniff_never_raises_on_odd_probes() -> None:
    assert not mspdi.sniff(Probe(path=Path("x"), display_name="x", kind="csv"))
    assert not mspdi.sniff(Probe(path=Path("x"), display_name="x", kind="xml"))


# --- real MS Project files (MPXJ test corpus, ../shared/samples/mspdi) -----------------------


def test_real_baselines_file(shared_samples: Path) -> None:
    frames = load(shared_samples / "mspdi" / "mpxj_task-baselines-project2007-mspdi.xml")
    assert_canonical(frames)
    tasks = frames["tasks"]
    assert tasks.height == 55  # 56 <Task> elements minus UID 0
    assert tasks["project_code"].unique().to_list() == ["task-baselines-project2007-mspdi"]

    def task(name: str) -> dict[str, object]:
        return by_key(tasks, name, "task_name")

    assert task("Baseline Cost - Task")["baseline_cost"] == "1.0"  # <Cost>100</Cost> / 100
    assert task("Baseline1 Cost - Task")["baseline_cost"] is None  # Baseline1 is not Baseline
    assert task("Baseline Start - Task")["planned_start"] == "2014-04-01"
    assert task("Baseline1 Start - Task")["planned_start"] == "2015-02-09"  # current Start
    assert task("Baseline Finish - Task")["planned_finish"] == "2014-03-01"
    assert task("Baseline Work - Task")["estimate_hours"] == "51.0"  # PT51H0M0S
    assert task("Baseline1 Work - Task")["estimate_hours"] == "0.0"  # current Work PT0H0M0S
    assert task("Baseline Cost - Task")["source_line"] == 220
    assert frames["milestones"].height == 0


def test_real_costs_file(shared_samples: Path) -> None:
    frames = load(shared_samples / "mspdi" / "mpxj_task-costs-project2019-mspdi.xml")
    tasks = frames["tasks"]
    assert tasks["task_name"].to_list() == [f"Cost{i}" for i in range(1, 11)]
    assert tasks["project_code"].unique().to_list() == ["task-costs-project2019-mspdi"]
    # The 100..1000 values are custom Cost1..Cost10 fields (ExtendedAttribute), not baselines.
    assert tasks["baseline_cost"].null_count() == 10
    assert tasks["estimate_hours"].unique().to_list() == ["0.0"]
    assert tasks["planned_start"].unique().to_list() == ["2018-10-18"]
    assert by_key(tasks, "Cost1", "task_name")["source_line"] == 349


def test_real_legacy_sample(shared_samples: Path) -> None:
    frames = load(shared_samples / "mspdi" / "mpxj_legacy_sample1.xml")
    tasks = frames["tasks"]
    assert tasks.height == 22
    assert tasks.filter(pl.col("is_summary") == "false").height == 18
    assert tasks.filter(pl.col("is_summary") == "true")["task_name"].to_list() == [
        "First Task",
        "Recurring Task",
        "Task Relationships",
        "Resource Assignments",
    ]
    assert tasks["project_code"].unique().to_list() == ["MPXJ Sample"]
    assert tasks["snapshot_date"].null_count() == 22  # no <StatusDate> in this file

    def task(name: str) -> dict[str, object]:
        return by_key(tasks, name, "task_name")

    assert task("Second Task")["parent_key"] == "1"  # 1.1.1 under 1.1
    assert task("Second Task")["estimate_hours"] == "500.0"
    assert task("Second Task")["assignee"] == "First Resource"
    assert task("Assigned Task 1")["parent_key"] == "22"  # 1.3.13.1 under 1.3.13
    assert task("Assigned Task 2")["assignee"] == "Second Resource"
    assert task("Resource Assignments")["parent_key"] == "19"
    assert task("First Task")["source_line"] == 317
    assert task("Third task")["task_type"] == "milestone"
    assert frames["milestones"].to_dicts() == [
        {
            "project_code": "MPXJ Sample",
            "milestone_name": "Third task",
            "baseline_date": None,
            "forecast_date": "2003-01-07",
            "actual_date": None,
            "snapshot_date": None,
            "source_line": 421,
        }
    ]


def test_real_relations_and_dates_files(shared_samples: Path) -> None:
    relations = load(shared_samples / "mspdi" / "mpxj_mspdirelations.xml")["tasks"]
    assert relations["task_name"].to_list() == [f"Task {i}" for i in range(1, 6)]
    assert relations["project_code"].unique().to_list() == ["mspdirelations"]  # .xml removed
    assert by_key(relations, "5")["planned_finish"] == "2006-09-25"

    links = load(shared_samples / "mspdi" / "mpxj_mspdirelations.xml")["dependencies"]
    assert sorted(links.select("task_key", "predecessor_key", "link_type", "lag_days").rows()) == [
        ("2", "1", "FS", "0.0"),
        ("3", "2", "SS", "1.0"),
        ("4", "3", "FF", "0.0"),
        ("5", "4", "SF", "0.0"),
    ]

    dates = load(shared_samples / "mspdi" / "mpxj_task-dates-project2019-mspdi.xml")["tasks"]
    assert dates.height == 10
    assert dates["status_category"].unique().to_list() == ["todo"]
    assert dates["planned_finish"].unique().to_list() == ["2018-10-18"]


# --- many files at once (how the loader reads a batch) ---------------------------------------


def test_files_read_together_give_what_each_gives_alone(tmp_path: Path) -> None:
    """The loader reads a batch's plans in one pass: each file must come back as it reads on
    its own - its own project, status date, assignees and parents, even where two plans share
    task UIDs and outline numbers - and a refused file must not take the others with it."""
    plan = (FIXTURES / "payments_plan_status.xml").read_text(encoding="utf-8")
    # the same plan re-used for another project: the same outline numbers with other task
    # UIDs (each + 100), another status date and nobody assigned
    other = tmp_path / "other_project.xml"
    shifted = re.sub(r"<UID>([1-9]\d*)</UID>", lambda uid: f"<UID>{int(uid[1]) + 100}</UID>", plan)
    other.write_text(
        shifted.replace("<Title>PRJ-001</Title>", "<Title>PRJ-002</Title>")
        .replace(
            "<StatusDate>2026-10-31T17:00:00</StatusDate>", "<StatusDate>2026-09-30</StatusDate>"
        )
        .replace("<Assignments>", "<!-- none --><Unused>")
        .replace("</Assignments>", "</Unused>"),
        encoding="utf-8",
    )
    paths = [
        FIXTURES / "payments_plan_status.xml",
        FIXTURES / "truncated.xml",
        other,
        FIXTURES / "outline_levels_only.xml",
        FIXTURES / "xxe_passwd.xml",
    ]
    together = read_together(mspdi, paths)
    assert [isinstance(result, FileRejected) for result in together] == [
        False,
        True,
        False,
        False,
        True,
    ]
    first, second = together[0], together[2]
    assert isinstance(first, dict) and isinstance(second, dict)
    assert set(first["tasks"]["project_code"]) == {"PRJ-001"}
    assert set(second["tasks"]["project_code"]) == {"PRJ-002"}
    assert set(second["tasks"]["snapshot_date"]) == {"2026-09-30"}
    assert first["tasks"]["assignee"].drop_nulls().len() > 0
    assert second["tasks"]["assignee"].drop_nulls().len() == 0
    # parents resolve within each file: the same outline numbers, each file's own task UIDs
    assert first["tasks"].height == second["tasks"].height
    parents = first["tasks"]["parent_key"].to_list()
    assert any(parent is not None for parent in parents)
    assert second["tasks"]["parent_key"].to_list() == [
        None if parent is None else str(int(parent) + 100) for parent in parents
    ]


def _plan_with_levels(folder: Path, title: str, tasks: list[tuple[str, str, bool]]) -> Path:
    """A plan with only outline levels: (UID, OutlineLevel, whether it is a blank row)."""
    rows = "".join(
        f"<Task><UID>{uid}</UID><Name>Task {uid}</Name><OutlineLevel>{level}</OutlineLevel>"
        f"<IsNull>{int(blank)}</IsNull></Task>"
        for uid, level, blank in tasks
    )
    path = folder / f"{title}.xml"
    path.write_text(
        f'<Project xmlns="{mspdi.NAMESPACE}"><Title>{title}</Title><Tasks>{rows}</Tasks></Project>',
        encoding="utf-8",
    )
    return path


def test_parents_by_outline_level_stay_within_each_file_read_together(tmp_path: Path) -> None:
    """A task's parent by level is the nearest task above it with a lower level in its own
    plan: a blank row does not count, a level that is not a number has no parent and is no
    parent, and a plan read after another never takes a parent from it."""
    first = _plan_with_levels(
        tmp_path,
        "PLAN-A",
        [
            ("10", "1", False),
            ("11", "2", False),
            ("12", "1", True),  # a blank row: left out, and not a parent
            ("13", "3", False),
            ("14", "x", False),
            ("15", "2", False),
        ],
    )
    second = _plan_with_levels(tmp_path, "PLAN-B", [("20", "2", False), ("21", "3", False)])
    together = read_together(mspdi, [first, second])
    alone = [load(first), load(second)]
    expected = [
        {"10": None, "11": "10", "13": "11", "14": None, "15": "10"},
        {"20": None, "21": "20"},
    ]
    for frames in (together, alone):
        for plan, parents in zip(frames, expected, strict=True):
            assert isinstance(plan, dict)
            tasks = plan["tasks"]
            assert dict(zip(tasks["task_key"], tasks["parent_key"], strict=True)) == parents


# --- the project's working calendar -----------------------------------------------------------


def test_the_project_calendar_resolves_through_its_base_with_both_exception_forms() -> None:
    """site_calendar_plan.xml: the project calendar (UID 3, "Site 4x10") derives from Standard
    (UID 1): Fridays off and Monday to Thursday 07:00-12:00 + 12:30-17:30 (10 h); Standard's
    exceptions hold (written in both the pre-2007 and the 2007+ form), its own add a worked
    Saturday and a weekly stand-down that is refused by name. A resource calendar (UID 4) is
    not the project's."""
    frames = load(FIXTURES / "site_calendar_plan.xml")
    assert_canonical(frames)
    calendars = frames["working_calendars"]
    assert calendars.to_dicts() == [
        {
            "project_code": "PRJ-004",
            "calendar_name": "Site 4x10",
            "is_monday_working": "true",
            "is_tuesday_working": "true",
            "is_wednesday_working": "true",
            "is_thursday_working": "true",
            "is_friday_working": "false",
            "is_saturday_working": "false",
            "is_sunday_working": "false",
            "hours_per_day": "10",
            "snapshot_date": "2026-10-30",
            "source_line": 109,
        }
    ]
    exceptions = frames["calendar_exceptions"].sort("start_date")
    assert exceptions.select(
        "exception_name", "start_date", "end_date", "is_working", "source_line"
    ).rows() == [
        ("New Year's Day", "2026-01-01", "2026-01-01", "false", 94),
        ("Summer shutdown", "2026-08-03", "2026-08-07", "false", 83),  # the 2007+ form wins
        (
            "Site safety stand-down",
            "2026-09-07",
            "every week (MS Project recurring exception, type 6)",
            "false",
            162,
        ),
        ("Catch-up Saturday", "2026-11-07", "2026-11-07", "true", 153),
        ("Standard exception", "2026-12-24", "2026-12-25", "false", 65),
        ("New Year's Day", "2027-01-01", "2027-01-01", "false", 94),
    ]
    assert set(exceptions["project_code"]) == {"PRJ-004"}
    assert set(exceptions["snapshot_date"]) == {"2026-10-30"}


def test_a_lag_counts_the_calendars_working_day_not_minutes_per_day() -> None:
    """LinkLag 6000 tenths of a minute = 600 minutes: one 10-hour day of the site calendar
    (MinutesPerDay, 480, would make it 1.25)."""
    links = load(FIXTURES / "site_calendar_plan.xml")["dependencies"]
    assert links.select("task_key", "predecessor_key", "link_type", "lag_days").rows() == [
        ("2", "1", "FS", "1.0")
    ]


def test_the_samples_standard_calendar(shared_samples: Path) -> None:
    """Every MPXJ sample's project calendar (CalendarUID 1) is "Standard": Sunday (DayType 1)
    and Saturday (7) off, Monday to Friday 08:00-12:00 and 13:00-17:00, no exceptions. The
    legacy sample's other calendars (Night Shift, two resource calendars) are not the
    project's."""
    for name, line in (
        ("mpxj_legacy_sample1.xml", 55),
        ("mpxj_task-dates-project2019-mspdi.xml", 178),
        ("mpxj_mspdirelations.xml", 62),
    ):
        path = shared_samples / "mspdi" / name
        assert path.read_text(encoding="utf-8").splitlines()[line - 1].strip() == "<Calendar>"
        frames = load(path)
        (row,) = frames["working_calendars"].to_dicts()
        assert row["calendar_name"] == "Standard"
        flags = [row[f"is_{day}_working"] for day in ("monday", "tuesday", "wednesday")]
        flags += [row[f"is_{day}_working"] for day in ("thursday", "friday", "saturday", "sunday")]
        assert flags == ["true"] * 5 + ["false"] * 2
        assert (row["hours_per_day"], row["source_line"]) == ("8", line)
        assert frames["calendar_exceptions"].height == 0
