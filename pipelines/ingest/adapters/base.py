"""What every adapter shares: the probe of a file, positional CSV reading, and text normalisers.

An adapter turns one export into canonical frames: one polars DataFrame per entity, every
canonical column as text (``pl.String``) plus ``source_line`` (``pl.Int64``, the 1-based physical
line, or spreadsheet row, where the record starts). Values are normalised to the canonical text
forms (ISO dates ``YYYY-MM-DD``, ISO timestamps ``YYYY-MM-DD HH:MM:SS``, decimals with a dot,
booleans ``true``/``false``) but never judged: a value the adapter cannot normalise is passed on
as found, so the contract check can quarantine the row and show the user the original text.
"""

from __future__ import annotations

import functools
import io
import re
from collections.abc import Callable, Collection, Hashable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import fastexcel
import polars as pl

from pipelines.ingest.errors import FileRejected

MAX_FILE_BYTES = 512 * 1024 * 1024
"""Exports beyond this are rejected up front rather than exhausting memory."""


_SPACES = re.compile(r"\s+")


@dataclass
class Probe:
    """What detection learned about a file, handed to adapters so nothing is read twice."""

    path: Path
    display_name: str
    """The path as shown to users (relative to the landing folder)."""
    kind: str
    """'csv', 'xml' or 'xlsx'."""
    data: bytes = b""
    """CSV: the whole file re-encoded as UTF-8 without BOM. XML/XLSX: the raw bytes."""
    separator: str = ","
    header: list[str] = field(default_factory=list)
    """CSV/XLSX: the header cells as found (stripped), in order, duplicates kept."""
    xml_root: str = ""
    """XML: the root element's local name."""
    xml_namespace: str = ""
    sheet_name: str | None = None
    header_row: int = 1
    """1-based physical line (CSV) or sheet row (XLSX) of the header."""

    _header_index: dict[str, list[int]] | None = field(default=None, repr=False, compare=False)
    _lines: int | None = field(default=None, repr=False, compare=False)

    def header_index(self) -> dict[str, list[int]]:
        """Header multimap: normalised header -> every column position that carries it (worked
        out once a probe: adapters look up dozens of aliases)."""
        if self._header_index is None:
            index: dict[str, list[int]] = {}
            for position, name in enumerate(self.header):
                index.setdefault(normalise_header(name), []).append(position)
            self._header_index = index
        return self._header_index

    def physical_lines(self) -> int:
        """CSV: the lines of ``data`` (a last line without a newline counts), counted once."""
        if self._lines is None:
            self._lines = self.data.count(b"\n") + (0 if self.data.endswith(b"\n") else 1)
        return self._lines

    def reject(self, problem: str, expected: str = "") -> FileRejected:
        return FileRejected(self.display_name, problem, expected)


@dataclass(frozen=True)
class Adapter:
    """A real-world export format and how to read it."""

    name: str
    """Stable id recorded in raw.load_log.source_format, e.g. 'jira_csv'."""
    label: str
    """What users see, e.g. 'Jira issue export (CSV)'."""
    entities: tuple[str, ...]
    """Canonical entities this format can produce."""
    sniff: Callable[[Probe], bool]
    """True when the probe's header/XML root is this format. Must be cheap and not raise."""
    read: Callable[[Probe], dict[str, pl.DataFrame]]
    """Whole-file read into canonical frames. Raise FileRejected for file-level problems."""
    priority: int = 50
    """Lower is tried first: specific formats before generic ones."""
    read_many: Callable[[Sequence[Probe]], list[dict[str, pl.DataFrame] | FileRejected]] | None = (
        None
    )
    """Several files' :attr:`read` at once (a refused file gives its FileRejected in its place),
    for formats whose per-file cost is the normalising pass rather than the reading: the loader
    hands it the files of a batch together."""


@functools.lru_cache(maxsize=8192)
def normalise_header(name: str) -> str:
    """Case-, space- and BOM-insensitive header key (the same few hundred names and aliases
    come back for every file, hence the cache)."""
    return _SPACES.sub(" ", name.replace("\ufeff", "")).strip().casefold()


def read_csv_positional(probe: Probe, keep: Sequence[str] | None = None) -> pl.DataFrame:
    """Read the data rows of a CSV probe with every column as text, named by position.

    Columns are ``c0, c1, …`` in header order, so repeated headers (Jira's ``Sprint,Sprint``)
    survive; ``source_line`` is the physical line where each record starts, counting the newlines
    inside quoted multi-line cells. Blank records are dropped.

    ``keep``: only these columns, when the reader needs no others (a time export's thirty
    columns, of which it reads eight). The rows are the same: the file is read whole again when
    a record spans lines (its newlines may sit in any cell) or a record has text only in
    columns not kept (it is not blank, so it must not be dropped).
    """
    cells = read_csv_cells(probe, keep)
    if (
        keep is not None
        and cells.height
        and (
            probe.physical_lines() - probe.header_row != cells.height
            or not _with_text(cells, cells.columns).all()
        )
    ):
        cells = read_csv_cells(probe)
    return number_csv_rows(cells, [probe], len(probe.header), {0: cells.height})


def read_csv_cells(probe: Probe, keep: Sequence[str] | None = None) -> pl.DataFrame:
    """The data rows of a CSV probe as text columns ``c0..cN`` (header width, ragged rows cut
    or padded; only the ``keep`` ones when given), not yet numbered: :func:`number_csv_rows`
    adds ``source_line``."""
    width = len(probe.header)
    try:
        frame = pl.read_csv(
            io.BytesIO(probe.data),
            has_header=False,
            separator=probe.separator,
            infer_schema=False,
            skip_rows=probe.header_row,
            truncate_ragged_lines=True,
            schema={f"c{i}": pl.String for i in range(width)},
            missing_columns="insert",
            raise_if_empty=False,
            quote_char='"',
            columns=None if keep is None else sorted({int(name[1:]) for name in keep}),
        )
    except pl.exceptions.PolarsError as error:
        raise probe.reject(
            f"the file could not be read as CSV ({str(error).splitlines()[0]}).",
            "a delimited text export with one header row.",
        ) from None
    if keep is not None:
        return frame
    if frame.width > width:
        frame = frame.select(frame.columns[:width])
    if frame.width < width:
        frame = frame.with_columns(
            pl.lit(None, pl.String).alias(f"c{i}") for i in range(frame.width, width)
        )
    return frame


def number_csv_rows(
    cells: pl.DataFrame,
    probes: Sequence[Probe],
    width: int,
    heights: dict[int, int] | None = None,
) -> pl.DataFrame:
    """``source_line`` for the stacked cells of CSV files (``_file`` indexes ``probes``; each
    file's rows together, in file order), blank records dropped, in one pass for every file.

    A record starts on the line after the header plus its row number within its file, plus the
    newlines inside the quoted cells of the records before it in its file; when a file has as
    many physical lines as records (no record spans lines) the row number alone gives it.
    ``heights``: each file's count of rows, when known (one file needs no ``_file`` column then).
    """
    if cells.height == 0:
        return cells.with_columns(pl.lit(None, pl.Int64).alias("source_line"))
    if heights is None:
        heights = dict(cells.group_by("_file", maintain_order=True).len().iter_rows())
    heights = {index: height for index, height in heights.items() if height}
    # whether each file has one physical line a record (then no record spans lines)
    one_line_each = {
        index: probes[index].physical_lines() - probes[index].header_row == height
        for index, height in heights.items()
    }
    columns = [f"c{i}" for i in range(width) if f"c{i}" in cells.columns]
    if len(heights) == 1:
        (index,) = heights
        line = probes[index].header_row + 1 + pl.int_range(pl.len(), dtype=pl.Int64)
        if not one_line_each[index]:
            newlines = _newlines(cells, columns)
            line = line + newlines.cum_sum() - newlines
    else:
        files = pl.DataFrame(
            {
                "_file": list(heights),
                "_first_line": [probes[index].header_row + 1 for index in heights],
                "_one_line_each": list(one_line_each.values()),
            },
            schema={
                "_file": cells.schema["_file"],
                "_first_line": pl.Int64,
                "_one_line_each": pl.Boolean,
            },
        )
        cells = cells.join(files, on="_file", how="left", maintain_order="left")
        line = pl.col("_first_line") + pl.int_range(pl.len(), dtype=pl.Int64).over("_file")
        if not all(one_line_each.values()):
            newlines = _newlines(cells, columns)
            line = line + pl.when(pl.col("_one_line_each")).then(0).otherwise(
                newlines.cum_sum().over("_file") - newlines
            )
    return (
        cells.with_columns(line.alias("source_line"))
        .filter(_with_text(cells, columns))
        .drop("_first_line", "_one_line_each", strict=False)
    )


def _newlines(cells: pl.DataFrame, columns: list[str]) -> pl.Expr:
    """The newlines inside each record's quoted cells, counted in the columns that have any
    (a description, a comment: rarely more than two of an export's columns)."""
    # a column with no value at all (an export's unused custom fields) is not looked at
    filled = [column for column in columns if cells[column].null_count() < cells.height]
    found = (
        cells.select(
            pl.col(column).str.contains("\n", literal=True).any() for column in filled
        ).row(0)
        if filled
        else ()
    )
    spanning = [column for column, has in zip(filled, found, strict=True) if has]
    if not spanning:
        return pl.lit(0, pl.Int64)
    return pl.sum_horizontal(
        pl.col(column).str.count_matches("\n", literal=True).fill_null(0) for column in spanning
    ).cast(pl.Int64)


def _with_text(cells: pl.DataFrame, columns: list[str]) -> pl.Series:
    """Whether each record has a cell with text in it (else it is blank: every cell empty,
    missing or only whitespace). The column filled most often decides most records alone; only
    the records it leaves open are looked at cell by cell, not the whole file a column at a
    time (~10x less work on a timesheet export)."""

    def has_text(column: str) -> pl.Expr:
        return pl.col(column).str.contains(r"\S").fill_null(False)

    fullest = min(columns, key=lambda column: cells[column].null_count())
    decided = cells.select(has_text(fullest)).to_series()
    open_rows = (~decided).arg_true()
    if open_rows.len() == 0:
        return decided
    rest = cells[open_rows].select(pl.any_horizontal(has_text(column) for column in columns))
    return decided.scatter(open_rows, rest.to_series())


def read_xlsx_positional(probe: Probe) -> pl.DataFrame:
    """The data rows under an XLSX probe's header, as text columns c0..cN with sheet row numbers."""
    sheet = (
        fastexcel.read_excel(probe.data)
        .load_sheet(probe.sheet_name, header_row=None, skip_rows=0, dtypes="string")
        .to_polars()
    )
    width = len(probe.header)
    frame = sheet.slice(probe.header_row)
    names = frame.columns[:width]
    frame = frame.select(
        *[pl.col(name).cast(pl.String).alias(f"c{i}") for i, name in enumerate(names)],
        *[pl.lit(None, pl.String).alias(f"c{i}") for i in range(len(names), width)],
    ).with_columns(
        (pl.int_range(pl.len(), dtype=pl.Int64) + probe.header_row + 1).alias("source_line")
    )
    blank = pl.all_horizontal(
        [
            pl.col(f"c{i}").is_null() | (pl.col(f"c{i}").str.strip_chars() == "")
            for i in range(width)
        ]
    )
    return frame.filter(~blank)


def read_positional(probe: Probe) -> pl.DataFrame:
    """A CSV or XLSX probe's data rows as text columns ``c0..cN``; XLSX rows come numbered
    (``source_line``), CSV rows not yet (see :func:`number_csv_rows`)."""
    if probe.kind == "xlsx":
        return read_xlsx_positional(probe)
    return read_csv_cells(probe)


READERS = 4
"""Files of a layout read side by side (polars reads outside the interpreter lock)."""


def one_of_many(
    read_many: Callable[[Sequence[Probe]], list[dict[str, pl.DataFrame] | FileRejected]],
    probe: Probe,
) -> dict[str, pl.DataFrame]:
    """``read_many`` on one file: its frames, or its FileRejected raised."""
    (frames,) = read_many([probe])
    if isinstance(frames, FileRejected):
        raise frames
    return frames


def _each(work: Callable[[Probe], pl.DataFrame], probes: Sequence[Probe]) -> list:
    """``work`` on every probe, in order: its frame or the FileRejected it raised."""

    def one(probe: Probe) -> pl.DataFrame | FileRejected:
        try:
            return work(probe)
        except FileRejected as error:
            return error

    if len(probes) < 2:
        return [one(probe) for probe in probes]
    with ThreadPoolExecutor(max_workers=min(READERS, len(probes))) as pool:
        return list(pool.map(one, probes))


def read_by_layout(
    probes: Sequence[Probe],
    check: Callable[[Probe], None],
    settings: Callable[[Probe, pl.DataFrame, list[int]], dict[int, Hashable]],
    normalise: Callable[[Probe, pl.DataFrame, Hashable], dict[str, pl.DataFrame]],
) -> list[dict[str, pl.DataFrame] | FileRejected]:
    """Read several exports of one CSV (or XLSX) format, each file's frames (or why it is
    refused) in order, with no per-file pass beyond reading the file.

    ``check`` refuses a file by its header alone. Each file's rows are read as positional text
    columns; files with the same header have the same columns at the same places, so their
    rows are stacked with a ``_file`` column (the probe's index) and numbered and checked in
    one pass. ``settings`` decides from the stacked rows a setting per file (its day/month
    order, say; each of the files given must get one, a file without rows too), and
    ``normalise`` runs once for the files sharing a setting: every step that looks across rows
    must keep to one file (``over("_file")``, ``_file`` in join and group keys). Its frames
    come back split by ``_file``; a file with no rows gets empty frames."""
    results: list[dict[str, pl.DataFrame] | FileRejected | None] = [None] * len(probes)
    checked: list[int] = []
    for index, probe in enumerate(probes):
        try:
            check(probe)
        except FileRejected as error:
            results[index] = error
            continue
        checked.append(index)
    cells = _each(read_positional, [probes[index] for index in checked])
    layouts: dict[Hashable, list[tuple[int, pl.DataFrame]]] = {}
    for index, frame in zip(checked, cells, strict=True):
        if isinstance(frame, FileRejected):
            results[index] = frame
            continue
        probe = probes[index]
        layouts.setdefault((probe.kind, tuple(probe.header)), []).append((index, frame))
    for (kind, _), members in layouts.items():
        first = probes[members[0][0]]
        indexes = [index for index, _ in members]
        stacked = _stack(members)
        if kind != "xlsx":
            heights = {index: frame.height for index, frame in members}
            stacked = number_csv_rows(stacked, probes, len(first.header), heights)
        by_setting: dict[Hashable, list[int]] = {}
        for index, setting in settings(first, stacked, indexes).items():
            by_setting.setdefault(setting, []).append(index)
        for setting, chosen in by_setting.items():
            rows = (
                stacked if len(by_setting) == 1 else stacked.filter(pl.col("_file").is_in(chosen))
            )
            split = split_by_file(normalise(first, rows, setting), chosen)
            for index, frames in split.items():
                results[index] = frames
        assert all(results[index] is not None for index in indexes)
    return results  # type: ignore[return-value]  # every slot is filled above


def _stack(members: list[tuple[int, pl.DataFrame]]) -> pl.DataFrame:
    """Files' frames one under the other, with ``_file`` (Int64) naming each row's file."""
    files = pl.DataFrame(
        {"_file": [index for index, _ in members], "rows": [f.height for _, f in members]},
        schema={"_file": pl.Int64, "rows": pl.Int64},
    ).select(pl.col("_file").repeat_by("rows").explode().drop_nulls())
    return pl.concat([frame for _, frame in members], how="vertical").hstack(files)


def split_by_file(
    frames: dict[str, pl.DataFrame], indexes: Sequence[int]
) -> dict[int, dict[str, pl.DataFrame]]:
    """Frames of several files, told apart by their ``_file`` column, back as each file's own
    frames (without ``_file``); a file with no rows gets empty frames."""
    parts = {
        entity: frame.partition_by("_file", as_dict=True, include_key=False)
        for entity, frame in frames.items()
    }
    empty = {entity: frame.drop("_file").clear() for entity, frame in frames.items()}
    return {
        index: {entity: parts[entity].get((index,), empty[entity]) for entity in frames}
        for index in indexes
    }


def pick(
    probe: Probe,
    names: Sequence[str],
    *,
    occurrence: int = 0,
) -> pl.Expr:
    """The first header among ``names`` that is present, as a stripped text expression.

    Falls back to a null column so optional fields need no special-casing.
    """
    index = probe.header_index()
    for name in names:
        positions = index.get(normalise_header(name))
        if positions and occurrence < len(positions):
            return blank_to_null(pl.col(f"c{positions[occurrence]}"))
    return pl.lit(None, pl.String)


def pick_all(probe: Probe, name: str) -> list[pl.Expr]:
    """Every column carrying this header (multi-value fields), in file order."""
    positions = probe.header_index().get(normalise_header(name), [])
    return [blank_to_null(pl.col(f"c{position}")) for position in positions]


def has_headers(probe: Probe, *names: str) -> bool:
    index = probe.header_index()
    return all(normalise_header(name) in index for name in names)


def blank_to_null(expr: pl.Expr) -> pl.Expr:
    stripped = expr.cast(pl.String).str.strip_chars()
    return pl.when(stripped == "").then(None).otherwise(stripped)


# --- normalisers: text in, canonical text out (the original kept where parsing fails) ---------

MONTH_NAMES: dict[str, int] = {}
for _number, _aliases in enumerate(
    (
        "jan january ene enero janv janvier janeiro gen gennaio januar jänner",
        "feb february febrero fev fevereiro févr fevr février febbraio februar",
        "mar march marzo março mars märz maart",
        "apr april abr abril avr avril aprile",
        "may mayo mai maio mag maggio mei",
        "jun june junio juin junho giu giugno juni",
        "jul july julio juil juillet julho lug luglio juli",
        "aug august ago agosto août aout",
        "sep sept september septiembre set setembro septembre settembre",
        "oct october octubre out outubro octobre ott ottobre okt oktober",
        "nov november noviembre novembre novembro",
        "dec december dic diciembre dez dezembro déc dec décembre dicembre dezember",
    ),
    start=1,
):
    for _alias in _aliases.split():
        MONTH_NAMES[_alias] = _number


def month_names_to_numbers(expr: pl.Expr, words: Collection[str] | None = None) -> pl.Expr:
    """Replace localised month names (``Feb``, ``nov``, ``março``) by two-digit numbers.

    ``words``: the lower-cased words the column holds (:func:`words_in`), when known: only the
    month names among them are looked for. A name is only ever replaced where it is a whole
    word, so the others would change nothing, and each name looked for costs a regular
    expression (~1 ms) however few the rows."""
    out = expr
    for alias, number in sorted(MONTH_NAMES.items(), key=lambda item: -len(item[0])):
        if words is not None and alias not in words:
            continue
        out = out.str.replace_all(
            rf"(?i)(^|[^\w]){re.escape(alias)}\.?([^\w]|$)", f"${{1}}{number:02d}${{2}}"
        )
    return out


def words_in(frame: pl.DataFrame, exprs: Sequence[pl.Expr]) -> set[str]:
    """Every word (a run of letters, digits or underscores) in the text of ``exprs``,
    lower-cased, in one pass over ``frame``."""
    found = frame.select(
        pl.concat([expr.str.extract_all(r"\w+").explode() for expr in exprs])
        .str.to_lowercase()
        .unique()
        .alias("word")
    )
    return set(found["word"].drop_nulls())


def parse_date(expr: pl.Expr, formats: Sequence[str]) -> pl.Expr:
    """Text -> ISO date text, trying each strftime format in turn; unparsed values kept as found."""
    text = blank_to_null(expr)
    attempts = [text.str.strptime(pl.Date, fmt, strict=False, exact=True) for fmt in formats]
    parsed = pl.coalesce(attempts) if attempts else pl.lit(None, pl.Date)
    # %Y also accepts two-digit years ("26-01-2015" as year 26): no export means year 26.
    parsed = pl.when(parsed.dt.year() >= 1900).then(parsed)
    return pl.when(parsed.is_not_null()).then(parsed.dt.strftime("%Y-%m-%d")).otherwise(text)


def parse_datetime(expr: pl.Expr, formats: Sequence[str]) -> pl.Expr:
    """Text -> ISO timestamp text (``YYYY-MM-DD HH:MM:SS``); unparsed values kept as found."""
    text = blank_to_null(expr)
    attempts = [
        text.str.strptime(pl.Datetime("us"), fmt, strict=False, exact=True) for fmt in formats
    ]
    parsed = pl.coalesce(attempts) if attempts else pl.lit(None, pl.Datetime("us"))
    return (
        pl.when(parsed.is_not_null()).then(parsed.dt.strftime("%Y-%m-%d %H:%M:%S")).otherwise(text)
    )


def parse_number(expr: pl.Expr, *, decimal_comma: bool | None = None) -> pl.Expr:
    """Locale number text -> dot-decimal text.

    Handles currency symbols, spaces and thousands separators; ``decimal_comma=None`` decides per
    value (a single comma followed by one or two digits, or any comma with no dot, is a decimal).
    """
    text = blank_to_null(expr).str.replace_all(r"[\s\u00a0\u202f$€£¥%]|[A-Z]{3}$", "")
    if decimal_comma is True:
        normalised = text.str.replace_all(r"\.", "").str.replace(",", ".", literal=True)
    elif decimal_comma is False:
        normalised = text.str.replace_all(",", "", literal=True)
    else:
        comma_decimal = text.str.contains(r"^-?[\d.]*,\d+$") & ~text.str.contains(
            r"^-?\d{1,3}(,\d{3})+$"
        )
        normalised = (
            pl.when(comma_decimal)
            .then(text.str.replace_all(r"\.", "").str.replace(",", ".", literal=True))
            .otherwise(text.str.replace_all(",", "", literal=True))
        )
    ok = normalised.cast(pl.Float64, strict=False).is_not_null()
    return pl.when(ok).then(normalised).otherwise(blank_to_null(expr))


def hms_to_hours(expr: pl.Expr) -> pl.Expr:
    """``HH:MM[:SS]`` (hours may exceed 24) -> decimal hours text; other values kept as found."""
    text = blank_to_null(expr)
    parts = text.str.extract_groups(r"^(-?)(\d+):(\d{1,2})(?::(\d{1,2}))?$")
    sign = pl.when(parts.struct.field("1") == "-").then(-1.0).otherwise(1.0)
    hours = parts.struct.field("2").cast(pl.Float64, strict=False)
    minutes = parts.struct.field("3").cast(pl.Float64, strict=False)
    seconds = parts.struct.field("4").cast(pl.Float64, strict=False).fill_null(0)
    total = sign * (hours + minutes / 60 + seconds / 3600)
    return pl.when(total.is_not_null()).then(total.cast(pl.String)).otherwise(text)


def parse_bool(expr: pl.Expr) -> pl.Expr:
    """Yes/No, true/false, 1/0, Ja/Nein, Sí/No, Oui/Non, Sim/Não -> 'true'/'false'."""
    text = blank_to_null(expr).str.to_lowercase()
    truthy = ["yes", "y", "true", "t", "1", "ja", "sí", "si", "oui", "sim", "x", "billable"]
    falsy = ["no", "n", "false", "f", "0", "nein", "non", "não", "nao", "-", "non-billable"]
    return (
        pl.when(text.is_in(truthy))
        .then(pl.lit("true"))
        .when(text.is_in(falsy))
        .then(pl.lit("false"))
        .otherwise(blank_to_null(expr))
    )


def by_value(
    frame: pl.DataFrame, keys: Sequence[pl.Expr], work: Callable[..., pl.Expr]
) -> pl.Series:
    """``work(*keys)`` for every row of ``frame``, worked out once per distinct combination of
    the keys' values and looked up per row (nulls match nulls).

    For normalisers that depend on nothing but their inputs, over columns whose values repeat:
    a status, story points, a sprint or a date take a handful of values over thousands of rows
    (and every monthly snapshot of a project repeats them), while a normaliser's chain of text
    operations costs the same for each row it runs on."""
    names = [f"__key{index}" for index in range(len(keys))]
    rows = frame.with_columns(
        key.alias(name) for key, name in zip(keys, names, strict=True)
    ).select(names)  # a key may be a literal (a column the export lacks): broadcast it
    return per_distinct(rows, work(*(pl.col(name) for name in names)))


def inputs_of(exprs: Sequence[pl.Expr]) -> list[str]:
    """The columns the expressions read, each once, in order."""
    return list(dict.fromkeys(name for expr in exprs for name in expr.meta.root_names()))


def distinct_inputs(frame: pl.DataFrame, exprs: Sequence[pl.Expr]) -> pl.DataFrame:
    """The distinct combinations of the columns the expressions read: what a whole-file
    decision (``any``, ``all``) over the expressions needs, at a fraction of the rows."""
    return frame.select(inputs_of(exprs)).unique()


def per_distinct(frame: pl.DataFrame, expr: pl.Expr) -> pl.Series:
    """``expr`` for every row of ``frame``, worked out once per distinct combination of the
    columns it reads and looked up per row (see :func:`by_value`): a time export's dates,
    durations and flags take a few hundred values over tens of thousands of entries."""
    inputs = inputs_of([expr])
    if not inputs:
        return frame.with_columns(expr.alias("__value")).get_column("__value")
    rows = frame.select(inputs)
    table = rows.unique().with_columns(expr.alias("__value"))
    return rows.join(
        table, on=inputs, how="left", nulls_equal=True, maintain_order="left"
    ).get_column("__value")


def by_shared_value(
    frame: pl.DataFrame, columns: dict[str, pl.Expr], work: Callable[[pl.Expr], pl.Expr]
) -> pl.DataFrame:
    """``frame`` with a column ``name = work(text)`` for each ``name -> text`` of ``columns``,
    ``work`` run once over the distinct texts of all of them together (see :func:`by_value`):
    for columns one normaliser reads, whose values overlap (a plan's start, finish and
    baseline dates)."""
    names = list(columns)
    keys = frame.with_columns(
        expr.cast(pl.String).alias(f"__key_{name}") for name, expr in columns.items()
    ).select(f"__key_{name}" for name in names)
    distinct = pl.concat(keys.get_columns()).unique().to_frame("key")
    table = distinct.with_columns(work(pl.col("key")).alias("value"))
    known = table.filter(pl.col("key").is_not_null())
    of_null = table.filter(pl.col("key").is_null()).get_column("value")
    null_value = of_null[0] if of_null.len() else None
    dtype = table.schema["value"]
    return frame.with_columns(
        pl.when(keys.get_column(f"__key_{name}").is_null())
        .then(pl.lit(null_value, dtype))
        .otherwise(
            keys.get_column(f"__key_{name}").replace_strict(
                known.get_column("key"), known.get_column("value"), default=None, return_dtype=dtype
            )
        )
        .alias(name)
        for name in names
    )


def canonical_frame(columns: dict[str, pl.Expr], source: pl.DataFrame) -> pl.DataFrame:
    """Select canonical columns (as text) plus source_line from a positional frame."""
    return source.select(
        *[expr.cast(pl.String).alias(name) for name, expr in columns.items()],
        pl.col("source_line"),
    )
