"""`python -m bench.hostile`: time and peak memory of `pmo validate` on hostile files.

- an XLSX "zip bomb": a few MB on disk, about 1.1 GB of sheet XML once inflated;
- a 200 MB CSV that is one single line.

Prints seconds and peak RSS of each `pmo validate` (a child process), and its first output
line. Not a test: nothing here asserts timings.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
    'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.'
    'org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats'
    '.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    "</Relationships>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.'
    'org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats'
    '.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    'package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/'
    'sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
    'worksheet+xml"/></Types>'
)


def zip_bomb(path: Path, rows: int = 4_020_000) -> None:
    """A valid workbook whose one sheet holds `rows` rows of a canonical timesheets header."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as book:
        book.writestr("[Content_Types].xml", CONTENT_TYPES)
        book.writestr("_rels/.rels", ROOT_RELS)
        book.writestr("xl/workbook.xml", WORKBOOK)
        book.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        with book.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(
                b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
                b'openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            )
            header = "".join(
                f'<c t="inlineStr"><is><t>{name}</t></is></c>'
                for name in ("employee_id", "project_code", "task_key", "work_date", "hours")
            )
            sheet.write(f"<row>{header}</row>".encode())
            row = (
                b'<row><c t="inlineStr"><is><t>E1</t></is></c><c t="inlineStr"><is><t>PAY</t>'
                b'</is></c><c t="inlineStr"><is><t>PAY-1</t></is></c><c t="inlineStr"><is><t>'
                b"2026-10-05</t></is></c><c><v>7.5</v></c></row>"
            )
            block = row * 10_000
            for _ in range(rows // 10_000):
                sheet.write(block)
            sheet.write(b"</sheetData></worksheet>")


def one_line_csv(path: Path, size: int = 200 * 1024**2) -> None:
    with path.open("wb") as handle:
        handle.write(b"employee_id,project_code,task_key,work_date,hours,comment\nE1,PAY,PAY-1,")
        chunk = b"x" * (1024**2)
        for _ in range(size // len(chunk)):
            handle.write(chunk)
        handle.write(b"\n")


def measure(path: Path) -> tuple[float, float, str]:
    """Seconds, peak RSS in MB and first output line of `pmo validate` on one file."""
    start = time.perf_counter()
    with tempfile.TemporaryFile("w+") as output:
        child = subprocess.Popen(
            [sys.executable, "-m", "pipelines.cli", "validate", str(path)],
            stdout=output,
            stderr=subprocess.STDOUT,
            text=True,
        )
        _, _, usage = os.wait4(child.pid, 0)  # this child's own peak, not the largest so far
        child.returncode = 0
        seconds = time.perf_counter() - start
        output.seek(0)
        first = output.read().strip().splitlines()[:1]
    return seconds, usage.ru_maxrss / 1024, first[0][:160] if first else ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("bench/out/hostile"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    files = {
        "zip bomb (xlsx)": args.out / "bomb.xlsx",
        "200 MB one-line CSV": args.out / "line.csv",
    }
    if not files["zip bomb (xlsx)"].exists():
        zip_bomb(files["zip bomb (xlsx)"])
    if not files["200 MB one-line CSV"].exists():
        one_line_csv(files["200 MB one-line CSV"])
    for label, path in files.items():
        seconds, peak, first = measure(path)
        size = path.stat().st_size / 1024**2
        print(f"{label:<22} {size:7.1f} MB  {seconds:6.1f} s  peak RSS {peak:7.0f} MB  {first}")


if __name__ == "__main__":
    main()
