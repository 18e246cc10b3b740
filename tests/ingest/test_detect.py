"""Format detection by content: encodings, separators, XML roots and files that are not exports."""

from __future__ import annotations

import codecs
import zipfile
from pathlib import Path

import pytest

from pipelines.ingest.detect import detect, probe_file
from pipelines.ingest.errors import FileRejected

HEADER = "project_code\tproject_name\tportfolio\tmethodology\tstart_date\tplanned_finish_date\n"


def test_utf16_tab_separated_unicode_text_export(tmp_path: Path):
    path = tmp_path / "projects.txt"
    text = HEADER + "PAY\tPagamentos São Paulo\tDigital\tagile\t2025-01-06\t2026-06-30\n"
    path.write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    probe = probe_file(path)
    assert (probe.kind, probe.separator) == ("csv", "\t")
    frame = detect(probe).read(probe)["projects"]
    assert frame.get_column("project_name").to_list() == ["Pagamentos São Paulo"]


def test_semicolon_separated_windows_1252(tmp_path: Path):
    path = tmp_path / "people.csv"
    path.write_bytes(
        "employee_id;full_name;capacity_hours_per_week\nE1;José Muñoz;37,5\n".encode("cp1252")
    )
    probe = probe_file(path)
    frame = detect(probe).read(probe)["people"]
    assert frame.row(0)[:2] == ("E1", "José Muñoz")
    assert frame.get_column("capacity_hours_per_week").to_list() == ["37.5"]


def test_xml_root_in_a_comment_is_not_taken_for_the_document_root(tmp_path: Path):
    path = tmp_path / "plan.xml"
    path.write_text(
        '<?xml version="1.0"?>\n<!-- <Project xmlns="http://schemas.microsoft.com/'
        'project"> -->\n<Workbook xmlns="urn:other"><Row/></Workbook>\n'
    )
    probe = probe_file(path)
    assert (probe.xml_root, probe.xml_namespace) == ("Workbook", "urn:other")
    with pytest.raises(FileRejected, match=r"unrecognised XML \(root element <Workbook>\)"):
        detect(probe)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "legacy Excel 97-2003"),
        (b"", "the file is empty"),
        (b"\x00\x01\x02binary" * 50, "binary"),
    ],
)
def test_files_that_are_not_exports(tmp_path: Path, content: bytes, message: str):
    path = tmp_path / "export.csv"
    path.write_bytes(content)
    with pytest.raises(FileRejected, match=message) as error:
        probe_file(path, "landing/export.csv")
    assert str(error.value).startswith("landing/export.csv: ")


def test_zip_that_is_not_a_workbook(tmp_path: Path):
    path = tmp_path / "export.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(FileRejected, match="ZIP archive, not an export"):
        probe_file(path)


def test_a_very_wide_file_is_told_which_columns_are_too_many(tmp_path: Path):
    columns = ["employee_id", "project_code", "task_key", "work_date", "hours"]
    columns += [f"x{i}" for i in range(10_000)]
    path = tmp_path / "wide.csv"
    path.write_text(",".join(columns) + "\nE1,PAY,PAY-1,2026-10-05,7.5\n")
    with pytest.raises(FileRejected) as rejected:
        detect(probe_file(path))
    assert "has every required timesheets column, but 10,000 of its 10,005 columns" in str(
        rejected.value
    )
    assert "(first: x0, x1, x2, x3, x4, …)" in str(rejected.value)
    assert "missing" not in str(rejected.value)


def test_a_zip_bomb_workbook_is_refused_before_it_is_parsed(tmp_path: Path):
    from bench.hostile import zip_bomb

    path = tmp_path / "timesheets.xlsx"
    zip_bomb(path, rows=1_500_000)  # about 280 MiB of sheet XML in a few MB
    assert path.stat().st_size < 5 * 1024**2
    with pytest.raises(FileRejected) as rejected:
        probe_file(path)
    assert "the workbook unpacks to 2" in str(rejected.value)
    assert "(mostly xl/worksheets/sheet1.xml), over the 256 MiB limit" in str(rejected.value)
    # the same workbook, small, is an ordinary export
    zip_bomb(path, rows=10_000)
    assert detect(probe_file(path)).name == "canonical_timesheets"


def test_a_line_longer_than_a_record_can_be_is_refused_with_its_number(tmp_path: Path):
    path = tmp_path / "time.csv"
    body = "employee_id,project_code,task_key,work_date,hours\n" + "E1,PAY,PAY-1,2026-10-05,7\n" * 3
    path.write_text(body + "E1,PAY," + "x" * (3 * 1024**2) + "\nE1,PAY,PAY-1,2026-10-06,7\n")
    with pytest.raises(FileRejected) as rejected:
        probe_file(path)
    assert "line 5 is 3.0 MiB long, over the 1 MiB limit for one line" in str(rejected.value)
    # a long file of short lines is fine
    path.write_text(body + "E1,PAY,PAY-1,2026-10-05,7\n" * 100_000)
    assert detect(probe_file(path)).name == "canonical_timesheets"


def test_the_header_is_found_past_long_blank_runs_and_in_long_lines(tmp_path: Path) -> None:
    """The probe splits only the head of a file to find its header, growing the head as needed:
    a header after 100 KB of blank lines, or wider than the head, is found whole."""
    columns = [f"custom field {index:05d}" for index in range(6000)]  # a ~120 KB header line
    for name, text in {
        "blank_lead.csv": "\n" * 100_000 + "a,b\n1,2\n",
        "wide.csv": ",".join(columns) + "\n" + ",".join("x" for _ in columns) + "\n",
        "crlf.csv": "\r\n" * 40_000 + "a;b\r\n1;2\r\n",
    }.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8", newline="")
        probe = probe_file(path)
        lines = text.splitlines()
        first = next(i for i, line in enumerate(lines) if line.strip())
        assert probe.header_row == first + 1, name
        assert probe.header == [cell.strip() for cell in lines[first].split(probe.separator)]
        assert probe.data == text.encode("utf-8")


def test_a_header_cell_too_long_to_read_is_refused_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "odd.csv"
    path.write_text('\nid,"' + "x" * 140_000 + '",hours\n1,2,3\n', encoding="utf-8")
    with pytest.raises(FileRejected) as rejected:
        probe_file(path)
    assert "odd.csv: its header row (line 2) cannot be read as CSV" in str(rejected.value)
