"""Azure DevOps work-item CSV exports (flat and tree queries), read through the real detection."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from pipelines.ingest.adapters import ado_csv
from pipelines.ingest.contracts import ENTITIES
from pipelines.ingest.detect import detect, probe_file
from pipelines.ingest.errors import FileRejected
from tests.conftest import FIXTURES, read_together

ADO = FIXTURES / "ado_csv"


def load(path: Path) -> dict[str, pl.DataFrame]:
    probe = probe_file(path)
    adapter = detect(probe)
    assert adapter.name == "ado_csv"
    return adapter.read(probe)


def column(frames: dict[str, pl.DataFrame], name: str) -> dict[str, str | None]:
    tasks = frames["tasks"]
    return dict(zip(tasks["task_key"], tasks[name], strict=True))


def task(frames: dict[str, pl.DataFrame], key: str) -> dict:
    rows = frames["tasks"].filter(pl.col("task_key") == key).to_dicts()
    assert len(rows) == 1
    return rows[0]


@pytest.mark.parametrize("path", sorted(ADO.glob("*.csv")), ids=lambda p: p.name)
def test_every_fixture_gives_canonical_text_columns(path: Path) -> None:
    frames = load(path)
    for entity in ("tasks", "sprints", "dependencies"):
        assert frames[entity].columns == [*ENTITIES[entity].column_names, "source_line"]
        assert frames[entity].schema["source_line"] == pl.Int64


# --- flat query ---------------------------------------------------------------------------------


def test_flat_query_fields() -> None:
    frames = load(ADO / "ado_flat_query.csv")
    assert frames["tasks"].height == 5
    item = task(frames, "1043")
    assert item == {
        **item,
        "project_code": "Fabrikam",  # first segment of Area Path (no Team Project column)
        "task_name": "Fix issues with code",
        "task_type": "Product Backlog Item",
        "parent_key": None,
        "status": "Committed",
        "status_category": "in_progress",
        "story_points": "5",
        "estimate_hours": "12",
        "created_at": "2025-12-12 15:30:19",  # 12/12/2025 3:30:19 PM
        "resolved_at": None,
        "sprint": "Iteration 98",  # last segment of Fabrikam\PI 20\Iteration 98
        "assignee": "Ana Souza",  # from "Ana Souza <ana.souza@example.com>"
        "snapshot_date": None,
        "source_line": 2,
    }
    bug = task(frames, "1044")
    assert bug["task_name"] == "Crash on login, second attempt"
    assert bug["estimate_hours"] == "3.5"
    assert bug["resolved_at"] == "2025-12-19 17:45:10"
    assert bug["actual_finish"] == "2025-12-19"
    assert bug["assignee"] is None


def test_identities_keep_the_display_name_or_the_bare_email() -> None:
    frames = load(ADO / "ado_flat_query.csv")
    assert column(frames, "assignee") == {
        "1043": "Ana Souza",
        "1044": None,
        "1045": "Ravi Menon",
        "1046": "dana.whitfield@example.com",
        "1047": "Lee Chan",
    }


def test_states_map_to_status_categories() -> None:
    frames = load(ADO / "ado_flat_query.csv")
    assert column(frames, "status_category") == {
        "1043": "in_progress",  # Committed
        "1044": "done",  # Closed
        "1045": "todo",  # New
        "1046": "in_progress",  # Resolved still awaits verification
        "1047": None,  # a custom state: unknown, not guessed
    }
    assert task(frames, "1047")["status"] == "Under Review"


def test_root_iteration_path_means_no_sprint_and_sprints_have_names_only() -> None:
    frames = load(ADO / "ado_flat_query.csv")
    assert task(frames, "1045")["sprint"] is None  # Iteration Path is the bare root "Fabrikam"
    assert frames["sprints"].select("sprint_name", "project_code", "source_line").rows() == [
        ("Iteration 98", "Fabrikam", 2),
        ("Iteration 99", "Fabrikam", 5),
        ("Iteration 101", "Fabrikam", 6),
    ]
    dates = frames["sprints"].select("team", "start_date", "end_date", "complete_date")
    assert dates.null_count().row(0) == (3, 3, 3, 3)


def test_crlf_line_endings_and_quoted_values() -> None:
    path = ADO / "ado_flat_query.csv"
    assert b'\r\n"1043","Product Backlog Item"' in path.read_bytes()
    assert column(load(path), "source_line") == {
        "1043": 2,
        "1044": 3,
        "1045": 4,
        "1046": 5,
        "1047": 6,
    }


# --- tree query -------------------------------------------------------------------------------


def test_tree_query_parents_come_from_the_indentation() -> None:
    frames = load(ADO / "ado_tree_query.csv")
    assert column(frames, "parent_key") == {
        "200": None,
        "201": "200",
        "202": "201",
        "203": "201",
        "204": "200",  # back up a level: the nearest shallower row is the epic
        "205": "204",
        "300": None,  # a new top-level epic
        "301": "300",
    }
    assert column(frames, "task_name")["202"] == "Scan passport"  # from Title 3
    assert column(frames, "task_name")["204"] == "Welcome journey"  # from Title 2


def test_tree_query_fields_and_day_first_dates() -> None:
    frames = load(ADO / "ado_tree_query.csv")
    passport = task(frames, "202")
    assert passport["project_code"] == "Contoso"  # Team Project
    assert passport["story_points"] == "5"  # Effort
    assert passport["status_category"] == "done"
    # 21/11/2025 in the file makes every numeric date day-first, so 05/11 is 5 November.
    assert passport["created_at"] == "2025-11-05 14:05:10"
    assert passport["resolved_at"] == "2025-11-21 16:40:00"
    assert task(frames, "200")["created_at"] == "2025-11-03 10:00:00"
    assert task(frames, "205")["status_category"] == "todo"  # Approved
    assert task(frames, "301")["status_category"] == "done"  # Removed
    assert frames["sprints"]["sprint_name"].to_list() == ["Sprint 7", "Sprint 8"]


def test_a_parent_column_wins_over_indentation(tmp_path: Path) -> None:
    path = tmp_path / "tree_with_parent.csv"
    path.write_text(
        "ID,Work Item Type,Title 1,Title 2,State,Area Path,Parent\n"
        '"10","Epic","Top",,"New","Proj",\n'
        '"11","Feature",,"Child","New","Proj","99"\n'
        '"12","Feature",,"Other child","New","Proj",\n',
        encoding="utf-8",
    )
    assert column(load(path), "parent_key") == {"10": None, "11": "99", "12": "10"}


# --- file-level problems and detection ---------------------------------------------------------


def test_export_without_any_project_column_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "default_columns.csv"
    path.write_text(
        'ID,Work Item Type,Title,Assigned To,State,Tags\n"1043","Issue","Fix it",,"To Do",\n',
        encoding="utf-8",
    )
    probe = probe_file(path)
    adapter = detect(probe)
    assert adapter.name == "ado_csv"
    with pytest.raises(FileRejected) as error:
        adapter.read(probe)
    message = str(error.value)
    assert "default_columns.csv" in message
    assert "Area Path" in message and "Team Project" in message


def test_sniffer_needs_id_work_item_type_and_a_title(tmp_path: Path) -> None:
    path = tmp_path / "almost.csv"
    path.write_text("ID,Title,State\n1,Thing,New\n", encoding="utf-8")
    assert not ado_csv.sniff(probe_file(path))
    assert ado_csv.sniff(probe_file(ADO / "ado_tree_query.csv"))
    assert ado_csv.sniff(probe_file(ADO / "ado_flat_query.csv"))


def test_sniffer_ignores_the_tempo_worklog_export(shared_samples: Path) -> None:
    assert not ado_csv.sniff(probe_file(shared_samples / "tempo" / "tempo_worklog_header.csv"))


def test_large_tree_is_read_without_row_loops(tmp_path: Path) -> None:
    """31 000 items three levels deep: the vectorised parent derivation stays correct."""
    lines = ["ID,Work Item Type,Title 1,Title 2,Title 3,State,Area Path"]
    for epic in range(1000):
        base = epic * 31
        lines.append(f'"{base}","Epic","E{epic}",,,"New","P\\A"')
        for feature in range(1, 30, 10):
            lines.append(f'"{base + feature}","Feature",,"F",,"New","P\\A"')
            lines.extend(
                f'"{base + feature + story}","Story",,,"S",,"P\\A"' for story in range(1, 10)
            )
    path = tmp_path / "big.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    parents = column(load(path), "parent_key")
    assert len(parents) == 31_000
    assert parents["30969"] is None
    assert parents["30970"] == "30969"
    assert parents["30979"] == "30970"
    assert parents["30999"] == "30990"


def test_exports_read_together_give_what_each_gives_alone(tmp_path: Path) -> None:
    """The loader reads a batch's exports of one layout in one pass: parents from the
    indentation, sprints and the day/month order stay each file's own."""
    lines = (ADO / "ado_tree_query.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    # the same query for a later slice of work: no epic row above its first features
    # (their parent is not in this export), other IDs
    later = tmp_path / "later_slice.csv"
    later.write_text(
        lines[0] + "".join(line.replace('"2', '"12').replace('"3', '"13') for line in lines[2:]),
        encoding="utf-8",
    )
    # the same layout with month-first dates: a layout of its own for the dates
    us = tmp_path / "us_dates.csv"
    us.write_text(
        lines[0] + lines[1].replace("03/11/2025", "11/23/2025").replace('"200"', '"900"'),
        encoding="utf-8",
    )
    paths = [
        ADO / "ado_tree_query.csv",
        later,
        ADO / "ado_flat_query.csv",
        us,
        ADO / "ado_tree_query.csv",
    ]
    together = read_together(ado_csv, paths)
    assert column(together[1], "parent_key") == {
        "1201": None,  # its epic is not in this export, not the previous file's last epic
        "1202": "1201",
        "1203": "1201",
        "1204": None,
        "1205": "1204",
        "1300": None,
        "1301": "1300",
    }
    assert task(together[3], "900")["created_at"] == "2025-11-23 10:00:00"
    assert together[0]["tasks"].equals(together[4]["tasks"])


# --- Predecessor / Successor link columns -> dependencies ----------------------------------------

LINKED_HEADER = "ID,Work Item Type,Title,State,Area Path,Predecessor,Successor\n"


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


def test_predecessor_and_successor_columns_read_the_right_way_round(tmp_path: Path) -> None:
    """Predecessor on 11 naming 10: 10 comes first. Successor on 12 naming 13: 12 comes first.
    Both ends are in the row's own project; finish-to-start, no lag."""
    frames = load(
        export(
            tmp_path,
            "links.csv",
            '"10","Task","Design","New","Fabrikam\\Web",,\n'
            '"11","Task","Build","New","Fabrikam\\Web","10",\n'
            '"12","Task","Test","New","Fabrikam\\Web",,"13"\n',
        )
    )
    assert links(frames) == [
        ("Fabrikam", "11", "Fabrikam", "10", 3),
        ("Fabrikam", "13", "Fabrikam", "12", 4),
    ]
    dependencies = frames["dependencies"]
    assert dependencies.columns == [*ENTITIES["dependencies"].column_names, "source_line"]
    assert set(dependencies["link_type"]) == {"FS"}
    assert set(dependencies["lag_days"]) == {"0"}
    assert dependencies["snapshot_date"].null_count() == dependencies.height


def test_cells_of_several_ids_hashes_and_urls(tmp_path: Path) -> None:
    """A cell names one or more work items (``;`` or ``,``), as ``12``, ``#12`` or a URL ending
    in the ID; a repeated link column is read too; the Team Project names the project."""
    header = "ID,Work Item Type,Title,State,Team Project,Predecessor,Predecessor,Successor\n"
    frames = load(
        export(
            tmp_path,
            "ids.csv",
            '"20","Task","Go live","New","Contoso","#17; 18","19",'
            '"https://dev.azure.com/org/Contoso/_workitems/edit/21, 22/"\n',
            header,
        )
    )
    assert links(frames) == [
        ("Contoso", "20", "Contoso", "17", 2),
        ("Contoso", "20", "Contoso", "18", 2),
        ("Contoso", "20", "Contoso", "19", 2),
        ("Contoso", "21", "Contoso", "20", 2),
        ("Contoso", "22", "Contoso", "20", 2),
    ]


def test_a_link_on_both_its_ends_is_kept_once_at_the_first_line(tmp_path: Path) -> None:
    frames = load(
        export(
            tmp_path,
            "both_ends.csv",
            '"31","Task","Build","New","Proj","30",\n'
            '"30","Task","Design","New","Proj",,"31"\n'
            '"32","Task","Ship","New","Proj","31","33"\n',
        )
    )
    assert links(frames) == [
        ("Proj", "31", "Proj", "30", 2),
        ("Proj", "32", "Proj", "31", 4),
        ("Proj", "33", "Proj", "32", 4),
    ]


@pytest.mark.parametrize("path", sorted(ADO.glob("*.csv")), ids=lambda p: p.name)
def test_exports_without_link_columns_give_an_empty_dependencies_frame(path: Path) -> None:
    frames = load(path)
    assert frames["tasks"].height > 0
    assert frames["dependencies"].height == 0
    assert frames["dependencies"].schema == {
        **dict.fromkeys(ENTITIES["dependencies"].column_names, pl.String),
        "source_line": pl.Int64,
    }


def test_exports_with_links_read_together_give_what_each_gives_alone(tmp_path: Path) -> None:
    """Links and their deduplication stay each export's own in a batch; a tree query with
    link columns reads its links as a flat one does."""
    flat = export(
        tmp_path,
        "flat.csv",
        '"31","Task","Build","New","Proj","30",\n"30","Task","Design","New","Proj",,"31"\n',
    )
    half = export(tmp_path, "half.csv", '"30","Task","Design","New","Proj",,"31"\n')
    tree = export(
        tmp_path,
        "tree.csv",
        '"1","Epic","Top",,"New","Tree",,\n"2","Task",,"Child","New","Tree","1",\n',
        "ID,Work Item Type,Title 1,Title 2,State,Area Path,Predecessor,Successor\n",
    )
    paths = [flat, half, ADO / "ado_flat_query.csv", tree, flat]
    together = read_together(ado_csv, paths)
    assert links(together[0]) == [("Proj", "31", "Proj", "30", 2)]
    assert links(together[1]) == [("Proj", "31", "Proj", "30", 2)]
    assert together[2]["dependencies"].height == 0
    assert links(together[3]) == [("Tree", "2", "Tree", "1", 3)]
    assert together[4]["dependencies"].equals(together[0]["dependencies"])
