"""Recognise a file by its content (never by its name) and hand it to the adapter that reads it."""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from pathlib import Path

import fastexcel

from pipelines.ingest.adapters import ADAPTERS
from pipelines.ingest.adapters.base import MAX_FILE_BYTES, Adapter, Probe, normalise_header
from pipelines.ingest.contracts import ENTITIES
from pipelines.ingest.errors import FileRejected

SEPARATORS = (",", ";", "\t", "|")
MAX_XLSX_UNPACKED_BYTES = 256 * 1024**2
"""A workbook's parts once inflated: beyond this it is refused before any sheet is parsed (a few
MB of ZIP can inflate to gigabytes of sheet XML, and parsing holds every cell in memory)."""
MAX_LINE_BYTES = 1024**2
"""One physical line of a CSV: a longer one is not a record but a broken or hostile file."""
XML_PROLOG = re.compile(r"<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^\[>]*(\[.*?\])?\s*>", re.DOTALL)
XML_ROOT = re.compile(r"<(?:([\w.-]+):)?([\w.-]+)([^>]*)>", re.DOTALL)


def xml_root_of(head: str) -> tuple[str, str]:
    """(root element local name, its namespace) from the start of an XML document.

    Declarations, comments and the DOCTYPE are skipped, so a tag quoted inside a comment cannot
    pass for the root; a prefixed root takes the namespace bound to its prefix.
    """
    body = XML_PROLOG.sub("", head)
    match = XML_ROOT.search(body)
    if not match:
        return "", ""
    prefix, name, attributes = match.groups()
    attribute = f"xmlns:{prefix}" if prefix else "xmlns"
    namespace = re.search(re.escape(attribute) + r"""\s*=\s*["']([^"']*)["']""", attributes)
    return name, namespace.group(1) if namespace else ""


def decode(raw: bytes, display_name: str) -> str:
    """Bytes -> text: UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252."""
    return _decode(raw, display_name)[0]


def _decode(raw: bytes, display_name: str) -> tuple[str, bytes | None]:
    """:func:`decode`, and the text's own UTF-8 when the file holds it (``raw`` without its
    BOM: nothing replaced), so it need not be encoded again."""
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8) :]
    elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return raw.decode("utf-16"), None
        except UnicodeDecodeError:
            raise FileRejected(
                display_name,
                "the file says it is UTF-16 but is not valid UTF-16.",
                "a UTF-8, UTF-16 or Windows-1252 text export.",
            ) from None
    try:
        return raw.decode("utf-8"), raw
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace"), None


_CONTROL_BYTES = bytes([*range(9), *range(14, 32)])


def looks_binary(raw: bytes) -> bool:
    head = raw[:8192]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    if b"\x00" in head:
        return True
    control = len(head) - len(head.translate(None, _CONTROL_BYTES))
    return bool(head) and control / len(head) > 0.05


def _first_filled_line(text: str) -> tuple[int, str] | None:
    """The index and text of the first non-blank line, splitting only as much of the text as
    it takes (a timesheet export runs to tens of thousands of lines; its header is the first)."""
    size = 1 << 16
    while True:
        lines = text[:size].splitlines()
        whole = size >= len(text)
        complete = lines if whole else lines[:-1]  # the last piece may be cut short
        found = next(((i, line) for i, line in enumerate(complete) if line.strip()), None)
        if found is not None or whole:
            return found
        size *= 4


def _csv_probe(path: Path, display_name: str, text: str, raw: bytes | None = None) -> Probe:
    """``raw``: the file's bytes when they are ``text`` in UTF-8 already (no second encoding)."""
    found = _first_filled_line(text)
    if found is None:
        raise FileRejected(display_name, "the file is empty.", "a header row and data rows.")
    first, header_line = found
    separator = max(SEPARATORS, key=lambda sep: _count_outside_quotes(header_line, sep))
    if _count_outside_quotes(header_line, separator) == 0:
        separator = ","
    data = raw if raw is not None else text.encode("utf-8")
    # one line: the standard library's reader (a polars read costs ~1 ms a file in set-up)
    try:
        cells = next(csv.reader([header_line], delimiter=separator), [])
    except csv.Error as error:  # a header cell over the reader's 128 KB limit
        raise FileRejected(
            display_name,
            f"its header row (line {first + 1}) cannot be read as CSV ({error}).",
            "a header row of column names separated by commas or semicolons.",
        ) from None
    header = [cell.strip() for cell in cells]
    while header and header[-1] == "":
        header.pop()
    return Probe(
        path=path,
        display_name=display_name,
        kind="csv",
        data=data,
        separator=separator,
        header=header,
        header_row=first + 1,
    )


def _count_outside_quotes(line: str, separator: str) -> int:
    return re.sub(r'"[^"]*"', "", line).count(separator)


def _xlsx_probe(path: Path, display_name: str, raw: bytes) -> Probe:
    try:
        reader = fastexcel.read_excel(raw)
    except Exception as error:  # calamine raises its own types
        raise FileRejected(
            display_name, f"the workbook could not be opened ({error}).", "an .xlsx workbook."
        ) from None
    best: Probe | None = None
    for sheet_name in reader.sheet_names:
        sheet = reader.load_sheet(
            sheet_name, header_row=None, skip_rows=0, n_rows=30, dtypes="string"
        ).to_polars()
        for offset, row in enumerate(sheet.iter_rows()):
            cells = [(cell or "").strip() for cell in row]
            filled = [cell for cell in cells if cell]
            if len(filled) >= 2:
                while cells and cells[-1] == "":
                    cells.pop()
                probe = Probe(
                    path=path,
                    display_name=display_name,
                    kind="xlsx",
                    data=raw,
                    header=cells,
                    sheet_name=sheet_name,
                    header_row=offset + 1,
                )
                if best is None or _matching_adapter(probe) is not None:
                    best = probe
                break
        if best is not None and _matching_adapter(best) is not None:
            return best
    if best is None:
        raise FileRejected(
            display_name, "no sheet has a header row.", "a sheet whose first row names the columns."
        )
    return best


def _matching_adapter(probe: Probe) -> Adapter | None:
    for adapter in sorted(ADAPTERS, key=lambda a: a.priority):
        try:
            if adapter.sniff(probe):
                return adapter
        except Exception:  # noqa: S112  a sniffer must never take detection down
            continue
    return None


def probe_file(path: Path, display_name: str | None = None, raw: bytes | None = None) -> Probe:
    """Read a file once and describe it; raises FileRejected for unreadable input. ``raw``:
    the file's bytes, when the caller has read them already."""
    display_name = display_name or path.name
    try:
        size = path.stat().st_size if raw is None else len(raw)
    except OSError as error:
        raise FileRejected(display_name, f"the file cannot be read ({error.strerror}).") from None
    if size > MAX_FILE_BYTES:
        raise FileRejected(
            display_name,
            f"the file is {size / 1024**2:,.0f} MiB, "
            f"over the {MAX_FILE_BYTES // 1024**2} MiB limit.",
            "split the export by month or project.",
        )
    if raw is None:
        raw = path.read_bytes()
    if not raw or raw.isspace():  # not raw.strip(): no copy of the whole file
        raise FileRejected(display_name, "the file is empty.", "a header row and data rows.")
    if raw[:4] == b"PK\x03\x04":
        try:
            names = zipfile.ZipFile(io.BytesIO(raw)).namelist()
        except zipfile.BadZipFile:
            names = []
        if "xl/workbook.xml" in names:
            _check_unpacked_size(raw, display_name)
            return _xlsx_probe(path, display_name, raw)
        raise FileRejected(
            display_name, "this is a ZIP archive, not an export.", "CSV, XLSX or MS Project XML."
        )
    if raw[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise FileRejected(
            display_name,
            "this is a legacy Excel 97-2003 (.xls) workbook, which is not read.",
            "save it as .xlsx or CSV and drop it again.",
        )
    if looks_binary(raw):
        raise FileRejected(
            display_name, "the file is binary, not a text export.", "CSV, XLSX or MS Project XML."
        )
    head = (
        decode(raw[:65536], display_name).lstrip()
        if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF8))
        else raw[:65536].decode("utf-8", "replace").lstrip()
    )
    if head.startswith("<"):
        root, namespace = xml_root_of(head)
        return Probe(
            path=path,
            display_name=display_name,
            kind="xml",
            data=raw,
            xml_root=root,
            xml_namespace=namespace,
        )
    _check_line_lengths(raw, display_name)
    text, utf8 = _decode(raw, display_name)
    return _csv_probe(path, display_name, text, utf8)


def _check_unpacked_size(raw: bytes, display_name: str) -> None:
    """Refuse a workbook that inflates beyond MAX_XLSX_UNPACKED_BYTES, counting while inflating
    (the sizes a ZIP declares can lie), before anything parses it."""
    limit = MAX_XLSX_UNPACKED_BYTES

    def refuse(part: str, amount: str) -> FileRejected:
        return FileRejected(
            display_name,
            f"the workbook unpacks to {amount} (mostly {part}), over the {limit // 1024**2} MiB "
            "limit for a workbook: it was not opened.",
            "an export of at most that size: split it by month or project, or save it as CSV.",
        )

    with zipfile.ZipFile(io.BytesIO(raw)) as book:
        parts = book.infolist()
        declared = sum(part.file_size for part in parts)
        biggest = max(parts, key=lambda part: part.file_size).filename
        if declared > limit:
            raise refuse(biggest, f"{declared / 1024**2:,.0f} MiB")
        total = 0
        for part in parts:
            try:
                with book.open(part) as stream:
                    while chunk := stream.read(1 << 20):
                        total += len(chunk)
                        if total > limit:
                            raise refuse(part.filename, f"more than {limit // 1024**2} MiB")
            except (zipfile.BadZipFile, OSError, EOFError) as error:
                raise FileRejected(
                    display_name,
                    f"the workbook is damaged ({part.filename}: {error}).",
                    "an .xlsx workbook saved again from Excel.",
                ) from None


def _check_line_lengths(raw: bytes, display_name: str) -> None:
    """Refuse a text file with a line over MAX_LINE_BYTES before it is decoded or split.

    A line over the limit holds at least one whole block of half the limit (blocks aligned from
    the file's start) without a newline in it, so only such blocks are looked at closer: a
    search for a newline in each block, not a pass over every byte."""
    half = MAX_LINE_BYTES // 2
    start = 0
    while start < len(raw):
        if raw.find(b"\n", start, start + half) >= 0:
            start += half
            continue
        line_start = raw.rfind(b"\n", 0, start) + 1
        line_end = raw.find(b"\n", start)
        line_end = len(raw) if line_end < 0 else line_end
        length = line_end - line_start
        if length > MAX_LINE_BYTES:
            line = raw.count(b"\n", 0, line_start) + 1
            raise FileRejected(
                display_name,
                f"line {line:,} is "
                f"{length / 1024**2:,.1f} MiB long, over the "
                f"{MAX_LINE_BYTES // 1024**2} MiB limit for one line: the file was not read.",
                "one record per line (a CSV export, at most 1 MiB a line).",
            )
        start = (line_end // half + 1) * half


def detect(probe: Probe) -> Adapter:
    """The adapter for this probe, or a FileRejected that says what was expected."""
    adapter = _matching_adapter(probe)
    if adapter is not None:
        return adapter
    if probe.kind == "xml":
        raise FileRejected(
            probe.display_name,
            f"unrecognised XML (root element <{probe.xml_root or '?'}>).",
            "an MS Project XML (MSPDI) file whose root is <Project> in namespace "
            "http://schemas.microsoft.com/project.",
        )
    raise FileRejected(probe.display_name, *closest_entity_hint(probe.header))


def closest_entity_hint(header: list[str]) -> tuple[str, str]:
    """For an unrecognised table: which canonical entity it most resembles and what it lacks."""
    present = {normalise_header(name).replace(" ", "_") for name in header}
    best_name, best_overlap = None, 0
    for entity in ENTITIES.values():
        overlap = len(present & set(entity.column_names))
        if overlap > best_overlap:
            best_name, best_overlap = entity.name, overlap
    shown = ", ".join(header[:8]) + (", …" if len(header) > 8 else "")
    if best_name is not None and best_overlap >= 2:
        entity = ENTITIES[best_name]
        missing = [name for name in entity.required_columns if name not in present]
        if not missing:
            unknown = [
                name
                for name in header
                if normalise_header(name).replace(" ", "_") not in entity.column_names
            ]
            return (
                f"has every required {best_name} column, but {len(unknown):,} of its "
                f"{len(header):,} columns are not {best_name} columns (first: "
                f"{', '.join(unknown[:5])}{', …' if len(unknown) > 5 else ''}), so it is not "
                f"read as a {best_name} file.",
                f"the canonical {best_name} columns and at most as many others: drop the extra "
                f"columns (run `pmo template {best_name}` for a template).",
            )
        return (
            f"looks like a {best_name} file but is missing required column(s): "
            f"{', '.join(missing)} (header found: {shown}).",
            f"the canonical {best_name} header: {', '.join(entity.column_names)} "
            f"(run `pmo template {best_name}` for a template).",
        )
    return (
        f"unknown format (header found: {shown or 'none'}).",
        "a Jira, Azure DevOps, Tempo, Harvest, Toggl or Clockify export, MS Project XML, "
        "or a canonical CSV/XLSX (see `pmo template ENTITY`).",
    )
