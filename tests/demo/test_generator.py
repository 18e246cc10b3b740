"""The demo generator: real export formats, storylines a viewer can find, planted bad rows,
determinism and scale.

One default-size portfolio (about 3 s) is generated per module; everything else uses small
parameters. Headers are checked against formats.md (and the shared Tempo sample when present),
and one file of every format goes through the product's real detection and adapter.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl
import pytest
from lxml import etree

from pipelines.demo import DemoSummary, generate_demo
from pipelines.demo import catalogue as cat
from pipelines.demo.vendors import MANAGED_CONTRACT, UNLISTED_VENDOR
from pipelines.ingest.detect import detect, probe_file


def columns(header: str) -> list[str]:
    """A header as formats.md prints it (one comma-separated line) -> its column names."""
    return header.split(",")


MSPDI_NS = "http://schemas.microsoft.com/project"
NS = {"p": MSPDI_NS}
SMALL = {"projects": 6, "people": 20, "months": 6}

HARVEST_HEADER = columns(
    "Date,Client,Project,Project Code,Task,Notes,Hours,Billable?,Invoiced?,Approved?,First Name,"
    "Last Name,Employee Id,Roles,Employee?,Billable Rate,Billable Amount,Cost Rate,Cost Amount,"
    "Currency,External Reference URL"
)
TOGGL_HEADER = columns(
    "User,Email,Client,Project,Task,Description,Billable,Start date,Start time,End date,End time,"
    "Duration,Tags,Amount (EUR)"
)
CLOCKIFY_HEADER = columns(
    "Project,Client,Description,Task,User,Group,Email,Tags,Billable,Start Date,Start Time,"
    "End Date,End Time,Duration (h),Duration (decimal),Billable Rate (EUR),Billable Amount (EUR)"
)
TEMPO_HEADER_START = columns(
    "Issue Key,Issue summary,Hours,Work date,Username,Full name,Period,Account Key,Account Name,"
    "Account Lead,Account Category,Account Customer,Activity Name,Component,All Components,"
    "Version Name,Issue Type,Issue Status,Project Key,Project Name,Epic,Epic Link,"
    "Work Description,Parent Key,Reporter,External Hours,Billed Hours,Issue Original Estimate,"
    "Issue Remaining Estimate"
)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoSummary:
    return generate_demo(tmp_path_factory.mktemp("demo") / "landing" / "demo")


def header_of(path: Path) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return next(csv.reader(handle))


def records(path: Path) -> list[list[str]]:
    """Data records of a CSV (quoted multi-line cells stay one record)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))[1:]


def canonical(demo: DemoSummary, relative: str) -> pl.DataFrame:
    return pl.read_csv(demo.landing_dir / relative, infer_schema=False)


def digests(root: Path) -> dict[str, tuple[str, int]]:
    return {
        path.relative_to(root).as_posix(): (
            hashlib.sha256(path.read_bytes()).hexdigest(),
            path.stat().st_mtime_ns,
        )
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


# --- size ------------------------------------------------------------------------------------


def test_default_portfolio_has_the_promised_size(demo: DemoSummary) -> None:
    projects = canonical(demo, "master/projects.csv")
    people = canonical(demo, "master/people.csv")
    assert projects.height >= 24
    assert projects["portfolio"].n_unique() >= 3
    assert set(projects["methodology"]) == {"waterfall", "agile", "hybrid"}
    assert projects["project_code"].str.contains(r"^[A-Z][A-Z0-9]{1,9}$").all()
    assert people.height >= 120
    assert (people["employment_type"] == "contractor").sum() > 0
    assert people.filter(pl.col("employment_type") == "contractor")["vendor"].null_count() == 0

    months = {
        tool: sorted({re.search(r"(\d{4}-\d{2})\.csv$", f.path)[1] for f in demo.files_of(fmt)})
        for tool, fmt in (("tempo", "tempo_worklogs"), ("toggl", "toggl_detailed"))
    }
    assert len(months["tempo"]) >= 18 and len(months["toggl"]) >= 18
    assert months["tempo"][0] == "2025-05" and months["tempo"][-1] == "2026-10"
    assert demo.timesheet_rows > 60_000


def test_cost_rates_change_over_time_with_person_and_role_rates(demo: DemoSummary) -> None:
    rates = canonical(demo, "master/cost_rates.csv")
    role_only = rates.filter(pl.col("employee_id").is_null())
    assert role_only.height > 0 and role_only["role"].null_count() == 0
    person = rates.filter(pl.col("employee_id").is_not_null())
    changes = person.group_by("employee_id").agg(pl.col("hourly_cost_rate").n_unique())
    assert (changes["hourly_cost_rate"] > 1).all()
    assert {"EUR", "USD"} <= set(rates["currency"]), "Americas staff are paid in USD"


def test_timesheet_days_look_like_real_work(demo: DemoSummary) -> None:
    toggl = pl.concat(
        pl.read_csv(demo.landing_dir / f.path, infer_schema=False)
        for f in demo.files_of("toggl_detailed")
    )
    day = toggl.select(
        pl.col("Email"),
        pl.col("Start date").str.to_date(strict=False).alias("date"),
        pl.col("Duration").str.split(":").list.get(0).cast(pl.Float64).alias("h"),
        pl.col("Duration").str.split(":").list.get(1).cast(pl.Float64).alias("m"),
    ).drop_nulls("date")
    assert (day["date"].dt.weekday() <= 5).all(), "nobody books weekends"
    assert day.filter(pl.col("date") == date(2025, 12, 25)).height == 0, "Christmas is a holiday"
    per_day = day.group_by("Email", "date").agg((pl.col("h") + pl.col("m") / 60).sum())
    median = per_day["h"].median()
    assert median is not None and 6 <= median <= 8.5


# --- storylines -------------------------------------------------------------------------------


def test_storyline_codes_are_real_projects(demo: DemoSummary) -> None:
    codes = set(canonical(demo, "master/projects.csv")["project_code"])
    assert set(demo.storylines) == {
        "over_budget_late",
        "recovering_rebaseline",
        "healthy",
        "stalled_agile",
        "vendor_ahead",
    }
    assert set(demo.storylines.values()) <= codes


def test_late_project_forecast_slips_month_after_month(demo: DemoSummary) -> None:
    code = demo.storylines["over_budget_late"]
    slips = []
    for file in sorted(demo.files_of("mspdi"), key=lambda f: f.path):
        if not Path(file.path).name.startswith(f"{code}_"):
            continue
        root = etree.parse(demo.landing_dir / file.path).getroot()
        go_live = next(
            t
            for t in root.iterfind("p:Tasks/p:Task", NS)
            if t.findtext("p:Name", None, NS) == "Go-live"
        )
        baseline = go_live.find("p:Baseline[p:Number='0']", NS).findtext("p:Finish", None, NS)
        forecast = go_live.findtext("p:Finish", None, NS)
        slips.append((date.fromisoformat(forecast[:10]) - date.fromisoformat(baseline[:10])).days)
    assert len(slips) >= 18
    assert slips[0] <= 5 and slips[-1] > 90
    assert all(later >= earlier - 3 for earlier, later in zip(slips, slips[1:], strict=False))
    notes = pl.concat(
        canonical(demo, f.path) for f in demo.files_of("canonical_status_notes")
    ).filter(pl.col("project_code") == code)
    assert notes.sort("report_month")["overall_status"].to_list()[-1] == "red"


def test_rebaseline_has_an_approved_change_and_a_b2_budget_from_the_decision_month(
    demo: DemoSummary,
) -> None:
    code = demo.storylines["recovering_rebaseline"]
    changes = canonical(demo, "finance/change_requests.csv")
    approved = changes.filter((pl.col("project_code") == code) & (pl.col("status") == "approved"))
    assert approved.height == 1
    decision = approved["decision_date"][0]
    budgets = canonical(demo, "finance/budgets.csv").filter(pl.col("project_code") == code)
    b2 = budgets.filter(pl.col("baseline_version") == "B2")
    assert b2["budget_month"].min() == decision[:7] + "-01"
    assert set(b2["approved_on"]) == {decision}
    assert set(budgets["baseline_version"]) == {"B1", "B2"}
    notes = pl.concat(canonical(demo, f.path) for f in demo.files_of("canonical_status_notes"))
    statuses = notes.filter(pl.col("project_code") == code).sort("report_month")
    assert "red" in statuses["overall_status"].to_list()
    assert statuses["overall_status"][-1] == "green"


def test_stalled_team_velocity_collapses_over_the_last_four_sprints(demo: DemoSummary) -> None:
    code = demo.storylines["stalled_agile"]
    last = max(
        (f for f in demo.files_of("jira_csv") if f"_{code}_" in f.path), key=lambda f: f.dated
    )
    path = demo.landing_dir / last.path
    header = header_of(path)
    sprint_columns = [i for i, name in enumerate(header) if name == "Sprint"]
    points = header.index("Custom field (Story point estimate)")
    category = header.index("Status Category")
    done: dict[str, float] = {}
    for row in records(path):
        filled = [row[i] for i in sprint_columns if row[i]]
        if row[category] == "Done" and filled and row[points]:
            done[filled[-1]] = done.get(filled[-1], 0.0) + float(row[points])
    sprints = canonical(demo, "delivery/sprints.csv").filter(
        (pl.col("project_code") == code) & pl.col("complete_date").is_not_null()
    )
    completed = [done.get(name, 0.0) for name in sprints.sort("start_date")["sprint_name"]]
    before, last_four = completed[-10:-4], completed[-4:]
    assert sum(before) / len(before) > 30
    assert last_four == sorted(last_four, reverse=True)
    assert last_four[-1] < 0.3 * sum(before) / len(before)


def test_vendor_invoices_run_far_ahead_of_progress(demo: DemoSummary) -> None:
    code = demo.storylines["vendor_ahead"]
    orders = canonical(demo, "finance/purchase_orders.csv").filter(
        (pl.col("project_code") == code) & (pl.col("expense_type") == "capex")
    )
    po = orders.row(0, named=True)
    invoiced = (
        canonical(demo, "finance/invoices.csv")
        .filter(pl.col("po_number") == po["po_number"])["amount"]
        .cast(pl.Float64)
        .sum()
    )
    last = max(
        (f for f in demo.files_of("ado_csv") if f"_{code}_" in f.path), key=lambda f: f.dated
    )
    items = pl.read_csv(demo.landing_dir / last.path, infer_schema=False).with_columns(
        pl.col("Story Points").cast(pl.Float64)
    )
    done = items.filter(pl.col("State").is_in(["Closed", "Resolved"]))["Story Points"].sum()
    complete = done / items["Story Points"].sum()
    assert complete < 0.6
    assert invoiced > 1.8 * complete * float(po["po_amount"])


def test_healthy_project_has_the_only_earned_value_import_and_stays_green(
    demo: DemoSummary,
) -> None:
    code = demo.storylines["healthy"]
    files = demo.files_of("canonical_earned_value")
    assert [Path(f.path).name for f in files] == [f"earned_value_{code}.csv"]
    ev = canonical(demo, files[0].path).with_columns(
        pl.col(c).cast(pl.Float64) for c in ("planned_value", "earned_value", "actual_cost")
    )
    assert set(ev["project_code"]) == {code}
    last = ev.sort("status_date").row(-1, named=True)
    assert 0.9 < last["earned_value"] / last["planned_value"] < 1.1
    assert 0.9 < last["earned_value"] / last["actual_cost"] < 1.1
    notes = pl.concat(canonical(demo, f.path) for f in demo.files_of("canonical_status_notes"))
    assert set(notes.filter(pl.col("project_code") == code)["overall_status"]) == {"green"}


def test_fx_rates_cover_the_foreign_currencies_of_projects(demo: DemoSummary) -> None:
    currencies = set(canonical(demo, "master/projects.csv")["currency"]) - {"EUR"}
    fx = canonical(demo, "finance/fx_rates.csv")
    assert currencies and currencies <= set(fx["currency"])
    assert fx.group_by("currency").len()["len"].min() >= 18


# --- real formats ------------------------------------------------------------------------------


def test_jira_exports_have_repeated_sprints_both_point_fields_and_jira_dates(
    demo: DemoSummary,
) -> None:
    files = demo.files_of("jira_csv")
    assert all(re.search(r"jira_[A-Z]+_\d{4}-\d{2}-\d{2}\.csv$", f.path) for f in files)
    widest = max(header_of(demo.landing_dir / f.path).count("Sprint") for f in files)
    assert widest >= 3
    raw = (demo.landing_dir / files[-1].path).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    both = [
        f
        for f in files
        if {"Custom field (Story Points)", "Custom field (Story point estimate)"}
        <= set(header_of(demo.landing_dir / f.path))
    ]
    assert both, "some exports carry both story-point fields"
    english = [f for f in files if header_of(demo.landing_dir / f.path)[0] == "Summary"]
    header = header_of(demo.landing_dir / english[-1].path)
    for name in ("Issue key", "Issue id", "Status Category", "Parent", "Parent key"):
        assert name in header
    row = records(demo.landing_dir / english[-1].path)[0]
    assert re.fullmatch(
        r"\d{2}/[A-Z][a-z]{2}/\d{2} \d{1,2}:\d{2} [AP]M", row[header.index("Created")]
    )


def test_jira_exports_link_stories_of_one_epic(demo: DemoSummary) -> None:
    """Two ``Outward issue link (Blocks)`` columns, filled left to right: a handful of stories
    each block a later story of their own epic, both in the export, and the adapter reads
    exactly the links the generator counted."""
    code = demo.storylines["stalled_agile"]
    files = sorted(
        (f for f in demo.files_of("jira_csv") if f"_{code}_" in f.path), key=lambda f: f.dated
    )
    for file in (files[0], files[-1]):
        path = demo.landing_dir / file.path
        header = header_of(path)
        blocks = [i for i, name in enumerate(header) if name == "Outward issue link (Blocks)"]
        assert len(blocks) == 2
        issues = {row[header.index("Issue key")]: row for row in records(path)}
        epic = {key: row[header.index("Parent key")] for key, row in issues.items()}
        pairs = []
        for key, row in issues.items():
            cells = [row[i] for i in blocks]
            assert cells[0] or not cells[1], "filled left to right"
            pairs.extend((key, cell) for cell in cells if cell)
        assert 1 <= len(pairs) <= 8  # a handful
        assert len(pairs) == file.rows["dependencies"]
        for blocker, blocked in pairs:
            assert blocked in issues and epic[blocker] == epic[blocked] != ""
            assert int(blocker.rsplit("-", 1)[1]) < int(blocked.rsplit("-", 1)[1])
            assert issues[blocked][header.index("Issue Type")] == "Story"
        probe = probe_file(path, file.path)
        read = detect(probe).read(probe)["dependencies"]
        assert sorted(zip(read["predecessor_key"], read["task_key"], strict=True)) == sorted(pairs)


def test_one_jira_export_is_spanish(demo: DemoSummary) -> None:
    spanish = [
        f for f in demo.files_of("jira_csv") if header_of(demo.landing_dir / f.path)[0] == "Resumen"
    ]
    assert spanish
    path = demo.landing_dir / spanish[-1].path
    header = header_of(path)
    assert {"Clave de incidencia", "Tipo de Incidencia", "Creada", "Resuelta", "Sprint"} <= set(
        header
    )
    assert "Campo personalizado (Story point estimate)" in header
    created = [row[header.index("Creada")] for row in records(path)]
    assert all(re.fullmatch(r"\d{2}/[a-z]{3}/\d{2} \d{1,2}:\d{2} [AP]M", c) for c in created)
    assert any("/oct/" in c or "/ago/" in c or "/dic/" in c or "/ene/" in c for c in created)


def test_mspdi_files_follow_the_ms_project_schema(demo: DemoSummary) -> None:
    files = demo.files_of("mspdi")
    assert len({Path(f.path).name.split("_")[0] for f in files}) >= 5
    code = demo.storylines["healthy"]
    file = next(f for f in files if Path(f.path).name.startswith(f"{code}_"))
    root = etree.parse(demo.landing_dir / file.path).getroot()
    assert root.tag == f"{{{MSPDI_NS}}}Project"
    assert root.findtext("p:Title", None, NS) == code
    assert root.findtext("p:StatusDate", None, NS).startswith(file.dated.isoformat())
    tasks = root.findall("p:Tasks/p:Task", NS)
    assert tasks[0].findtext("p:UID", None, NS) == "0"
    assert tasks[0].findtext("p:Summary", None, NS) == "1"
    assert any(t.findtext("p:Summary", None, NS) == "1" for t in tasks[1:])
    milestones = [t for t in tasks if t.findtext("p:Milestone", None, NS) == "1"]
    assert milestones and all(m.findtext("p:Duration", None, NS) == "PT0H0M0S" for m in milestones)
    for task in tasks:
        assert re.fullmatch(r"PT\d+H\d+M\d+S", task.findtext("p:Duration", None, NS))
    links = root.findall(".//p:PredecessorLink", NS)
    assert links and {link.findtext("p:Type", None, NS) for link in links} >= {"1", "3"}
    assert all(link.findtext("p:PredecessorUID", None, NS) for link in links)
    assert all(link.findtext("p:LinkLag", None, NS).lstrip("-").isdigit() for link in links)
    # Baselines are nested blocks; costs are stored x100, so leaf baselines add up to the B1 BAC.
    leaf_cost = sum(
        int(t.find("p:Baseline[p:Number='0']", NS).findtext("p:Cost", None, NS))
        for t in tasks
        if t.findtext("p:Summary", None, NS) == "0"
    )
    bac = (
        canonical(demo, "finance/budgets.csv")
        .filter((pl.col("project_code") == code) & (pl.col("baseline_version") == "B1"))["amount"]
        .cast(pl.Float64)
        .sum()
    )
    assert leaf_cost / 100 == pytest.approx(bac, rel=1e-4)


def test_rebaselined_plan_keeps_the_original_as_baseline1(demo: DemoSummary) -> None:
    code = demo.storylines["recovering_rebaseline"]
    last = max((f for f in demo.files_of("mspdi") if f"{code}_" in f.path), key=lambda f: f.dated)
    root = etree.parse(demo.landing_dir / last.path).getroot()
    numbers = {b.findtext("p:Number", None, NS) for b in root.iterfind(".//p:Baseline", NS)}
    assert numbers == {"0", "1"}
    names = [t.findtext("p:Name", None, NS) for t in root.iterfind("p:Tasks/p:Task", NS)]
    assert any("Returns processing" in name for name in names)


def test_azure_devops_exports_quote_every_value_and_use_backslash_paths(demo: DemoSummary) -> None:
    files = demo.files_of("ado_csv")
    text = (demo.landing_dir / files[-1].path).read_text(encoding="utf-8")
    header, first = text.splitlines()[:2]
    assert '"' not in header and header.startswith("ID,Work Item Type,")
    cells = next(csv.reader(io.StringIO(first), quoting=csv.QUOTE_NONE))
    assert all(cell == "" or (cell.startswith('"') and cell.endswith('"')) for cell in cells)
    paths = [
        row["Iteration Path"]
        for f in files
        for row in csv.DictReader(io.StringIO((demo.landing_dir / f.path).read_text("utf-8")))
    ]
    assert any(re.fullmatch(r"[A-Z]+\\Release \d+\\Sprint \d+", p) for p in paths)
    trees = [f for f in files if "Title 1" in header_of(demo.landing_dir / f.path)]
    assert trees, "one hybrid project is exported from a tree query"


def test_time_tracking_headers_match_the_vendor_exports(demo: DemoSummary) -> None:
    first = {
        fmt: demo.files_of(fmt)[0]
        for fmt in ("harvest_time", "toggl_detailed", "clockify_detailed", "tempo_worklogs")
    }
    assert header_of(demo.landing_dir / first["harvest_time"].path) == HARVEST_HEADER
    assert header_of(demo.landing_dir / first["toggl_detailed"].path) == TOGGL_HEADER
    assert header_of(demo.landing_dir / first["clockify_detailed"].path) == CLOCKIFY_HEADER
    tempo = header_of(demo.landing_dir / first["tempo_worklogs"].path)
    assert tempo[: len(TEMPO_HEADER_START)] == TEMPO_HEADER_START
    assert tempo.count("Epic Link") == 2
    row = records(demo.landing_dir / first["tempo_worklogs"].path)[0]
    assert re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2} \d{1,2}:\d{2}", row[tempo.index("Work date")])
    assert re.fullmatch(r"E\d{4}", row[tempo.index("Username")])
    toggl = records(demo.landing_dir / first["toggl_detailed"].path)[0]
    assert toggl[TOGGL_HEADER.index("Email")].endswith("@pulse-demo.com")
    assert re.fullmatch(r"\d{2}:\d{2}:\d{2}", toggl[TOGGL_HEADER.index("Duration")])


def test_tempo_header_matches_the_real_sample(demo: DemoSummary, shared_samples: Path) -> None:
    sample = header_of(shared_samples / "tempo" / "tempo_worklog_header.csv")
    assert header_of(demo.landing_dir / demo.files_of("tempo_worklogs")[0].path) == sample


def test_jira_header_matches_the_real_cloud_sample(demo: DemoSummary, shared_samples: Path) -> None:
    """A board with one story-point field exports exactly the real Cloud header, except that
    the Sprint column repeats as often as the most carried-over issue needs, and that its two
    ``Outward issue link (Blocks)`` columns (the sample links no issues) come where real
    exports put issue links: after Security Level."""
    sample = header_of(shared_samples / "jira_csv" / "jira_cloud_en_INFO380.csv")
    code = demo.storylines["stalled_agile"]
    file = next(f for f in demo.files_of("jira_csv") if f"_{code}_" in f.path)
    ours = header_of(demo.landing_dir / file.path)
    blocks = "Outward issue link (Blocks)"
    assert [h for h in ours if h not in ("Sprint", blocks)] == [h for h in sample if h != "Sprint"]
    first_link = ours.index(blocks)
    assert ours[first_link - 1 : first_link + 2] == ["Security Level", blocks, blocks]
    first_sprint = ours.index("Sprint")
    assert set(ours[first_sprint : first_sprint + ours.count("Sprint")]) == {"Sprint"}


# --- bad rows, counts, dates ---------------------------------------------------------------------


def test_bad_rows_are_planted_where_the_summary_says(demo: DemoSummary) -> None:
    reasons = sorted(bad.reason for bad in demo.bad_rows)
    assert reasons == [
        "24",
        "24",
        "date",
        "hours",
        "loop",
        "loop",
        "priority",
        "project",
        "timestamp",
        "vendor",
    ]
    for bad in demo.bad_rows:
        lines = (demo.landing_dir / bad.file).read_text(encoding="utf-8").splitlines()
        line = lines[bad.line - 1]
        if bad.reason == "project":
            assert ",INTRA," in line
        elif bad.reason == "hours":
            assert ",-" in line
        elif bad.reason == "date":
            assert re.search(r"(/32/|-32\b)", line)
        elif bad.reason == "loop":
            assert bad.entity == "dependencies" and line.count(",FF,") == 1
        elif bad.reason == "priority":
            assert bad.entity == "service_tickets" and ",TBD," in line
        elif bad.reason == "timestamp":
            assert bad.entity == "service_tickets" and "31/02/2026 25:00" in line
        elif bad.reason == "vendor":
            assert bad.entity == "service_tickets" and f",{UNLISTED_VENDOR}," in line
        else:
            assert "13:00:00" in line
    pair = [bad for bad in demo.bad_rows if bad.reason == "24"]
    assert pair[0].file == pair[1].file
    first, second = (
        (demo.landing_dir / pair[0].file).read_text("utf-8").splitlines()[b.line - 1].split(",")
        for b in pair
    )
    assert first[1] == second[1] and first[7] == second[7], "same person (email), same start date"


def test_suppliers_without_a_contract_and_every_order_naming_a_registered_vendor(
    demo: DemoSummary,
) -> None:
    register = set(canonical(demo, "vendors/vendors.csv")["vendor"])
    contracts = canonical(demo, "vendors/contracts.csv")
    uncontracted = register - set(contracts["vendor"])
    assert uncontracted == set(cat.VENDORS_HARDWARE + cat.VENDORS_SOFTWARE)
    for relative in ("finance/purchase_orders.csv", "finance/invoices.csv"):
        assert set(canonical(demo, relative)["vendor"]) <= register, relative
    assert UNLISTED_VENDOR not in register
    # the SLA report's two rows that count in no SLA result: a metric without a term, and a
    # statement of work quoted under a number no contract carries
    report = pl.read_excel(demo.landing_dir / "vendors/sla_report.xlsx", has_header=False)
    cells = {str(value) for column in report.columns for value in report[column].to_list()}
    assert "first_time_fix_pct" in cells and MANAGED_CONTRACT in cells
    quoted = {value for value in cells if value.startswith("SOW-")}
    assert len(quoted - set(contracts["contract_id"])) == 1


def test_expected_rows_are_written_rows_minus_bad_rows(demo: DemoSummary) -> None:
    written: dict[str, int] = {}
    for file in demo.files:
        for entity, count in file.rows.items():
            written[entity] = written.get(entity, 0) + count
    bad = Counter(bad.entity for bad in demo.bad_rows)
    assert demo.expected_rows["timesheets"] == written["timesheets"] - bad["timesheets"]
    assert demo.expected_rows["dependencies"] == written["dependencies"] - bad["dependencies"] > 0
    assert demo.expected_rows["service_tickets"] == written["service_tickets"] - 3 > 0
    others = {"timesheets", "sprints", "dependencies", "service_tickets"}
    assert {k: v for k, v in demo.expected_rows.items() if k not in others} == {
        k: v for k, v in written.items() if k not in others
    }
    toggl = demo.files_of("toggl_detailed")[0]
    assert len(records(demo.landing_dir / toggl.path)) == toggl.rows["timesheets"]


def test_sprint_calendar_is_the_newest_sprints_file(demo: DemoSummary) -> None:
    """Task exports name the calendar's sprints without dates; loaded oldest first, the dated
    calendar must come last so the warehouse keeps one dated row per sprint."""
    calendar = canonical(demo, "delivery/sprints.csv")
    assert demo.expected_rows["sprints"] == calendar.height
    assert calendar["start_date"].null_count() == 0
    keys = set(zip(calendar["project_code"], calendar["sprint_name"], strict=True))
    newest = max(
        (demo.landing_dir / f.path).stat().st_mtime
        for f in demo.files
        if "sprints" in f.rows and f.format != "canonical_sprints"
    )
    assert (demo.landing_dir / "delivery/sprints.csv").stat().st_mtime > newest
    code = demo.storylines["stalled_agile"]
    last = max(
        (f for f in demo.files_of("jira_csv") if f"_{code}_" in f.path), key=lambda f: f.dated
    )
    header = header_of(demo.landing_dir / last.path)
    named = {
        row[i]
        for row in records(demo.landing_dir / last.path)
        for i, name in enumerate(header)
        if name == "Sprint" and row[i]
    }
    assert {(code, name) for name in named} <= keys


def test_snapshot_files_carry_their_date_in_the_name_and_the_mtime(demo: DemoSummary) -> None:
    for file in demo.files:
        mtime = datetime.fromtimestamp((demo.landing_dir / file.path).stat().st_mtime, tz=UTC)
        assert mtime.date() == file.dated
        if file.format in ("jira_csv", "ado_csv", "mspdi", "canonical_risks"):
            assert file.dated.isoformat() in file.path


def test_every_format_is_recognised_and_read_by_the_product(tmp_path: Path) -> None:
    summary = generate_demo(tmp_path / "demo", **SMALL)
    seen = {}
    for file in summary.files:
        seen.setdefault(file.format, file)
    assert {
        "jira_csv",
        "ado_csv",
        "mspdi",
        "tempo_worklogs",
        "harvest_time",
        "toggl_detailed",
        "clockify_detailed",
        "canonical_risks",
        "canonical_budgets",
    } <= set(seen)
    for fmt, file in seen.items():
        probe = probe_file(summary.landing_dir / file.path, file.path)
        adapter = detect(probe)
        assert adapter.name == fmt, file.path
        frames = adapter.read(probe)
        for entity, count in file.rows.items():
            assert frames[entity].height == count, (file.path, entity)


# --- determinism and scale --------------------------------------------------------------------


def test_same_seed_gives_byte_identical_files(tmp_path: Path) -> None:
    first = generate_demo(tmp_path / "a", **SMALL)
    second = generate_demo(tmp_path / "b", **SMALL)
    assert digests(first.landing_dir) == digests(second.landing_dir)
    assert first.expected_rows == second.expected_rows
    other = generate_demo(tmp_path / "c", seed=8, **SMALL)
    assert digests(other.landing_dir) != digests(first.landing_dir)


def test_rerun_replaces_an_earlier_portfolio(tmp_path: Path) -> None:
    generate_demo(tmp_path / "d", projects=7, people=24, months=7)
    summary = generate_demo(tmp_path / "d", **SMALL)
    on_disk = {
        p.relative_to(summary.landing_dir).as_posix()
        for p in summary.landing_dir.rglob("*")
        if p.is_file()
    }
    assert on_disk == {f.path for f in summary.files}


def test_scale_parameters_grow_the_timesheets(tmp_path: Path) -> None:
    small = generate_demo(tmp_path / "small", **SMALL)
    more_people = generate_demo(tmp_path / "people", **{**SMALL, "people": 40})
    more_months = generate_demo(tmp_path / "months", **{**SMALL, "months": 9})
    assert more_people.timesheet_rows > 1.7 * small.timesheet_rows
    assert more_months.timesheet_rows > 1.3 * small.timesheet_rows
    assert len(more_months.files_of("tempo_worklogs")) == 9


def test_too_small_a_portfolio_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="projects must be at least 6"):
        generate_demo(tmp_path / "tiny", projects=3)
