"""Jira issue CSV export ("Export Excel CSV", all or current fields), Cloud and Server/DC.

Read as formats.md §1.1 describes it, because a dict-based CSV reader gets it wrong:

* Headers repeat. ``Sprint,Sprint,Sprint`` holds every sprint an issue was in, filled left to
  right, so the columns are read by position and the rightmost filled one is the current sprint.
  Other repeated names (two custom fields both called ``Department``) are not multi-value: the
  first position wins and the rest are ignored, which never crashes.
* Headers are in the exporting user's UI language, so each field is looked up through per-locale
  alias tables, and custom fields through every known ``Custom field (`` prefix.
* Dates follow the user's profile (``25/Feb/26 2:54 PM``, ``10/nov/25 4:51 PM``,
  ``6/21/2025 16:14``); localised month names become numbers before parsing, and a numeric
  day/month order is decided once per file from the values themselves.
* ``Parent`` holds a numeric issue id; it is turned into a key with a join on the file's own
  ``Issue id`` column. Older exports give ``Parent id`` or ``Custom field (Epic Link)`` instead.
* Server add-ons leak the Java ``toString()`` of a sprint
  (``com.atlassian.greenhopper.service.sprint.Sprint@..[..,name=X,startDate=..]``); the name and
  dates are parsed out of it.
* ``Outward issue link (Blocks)`` names the issues this one blocks (its successors) and
  ``Inward issue link (Blocks)`` the issues that block it (its predecessors). Both repeat, one
  column per linked issue, and a cell may hold several keys (``;`` or ``,``). They become the
  ``dependencies`` frame, each link once even when both its ends are in the export.

The export carries no export date, so ``snapshot_date`` is left for the loader to fill.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from pipelines.ingest.adapters.base import (
    Adapter,
    Probe,
    blank_to_null,
    by_value,
    normalise_header,
    one_of_many,
    parse_number,
    read_by_layout,
)
from pipelines.ingest.adapters.links import dependency_rows, named_links, no_dependencies
from pipelines.ingest.adapters.locale_dates import numeric_month_first_by_file, with_locale_dates
from pipelines.ingest.contracts import ENTITIES
from pipelines.ingest.errors import FileRejected

# --- header aliases ------------------------------------------------------------------------------
# System fields: canonical role -> the header in each UI language. Matching is case-insensitive
# (normalise_header), so ``Original estimate`` and ``Original Estimate`` are one alias.

SYSTEM_FIELDS: dict[str, dict[str, tuple[str, ...]]] = {
    "summary": {
        "en": ("Summary",),
        "es": ("Resumen",),
        "pt": ("Resumo",),
        "fr": ("Résumé",),
        "de": ("Zusammenfassung",),
    },
    "issue_key": {
        "en": ("Issue key", "Work item key"),
        "es": ("Clave de incidencia", "Clave de la incidencia"),
        "pt": ("Chave da item", "Chave do item", "Chave da issue", "Chave do ticket"),
        "fr": ("Clé de ticket", "Clé du ticket", "Clé de la demande"),
        "de": ("Vorgangsschlüssel", "Schlüssel"),
    },
    "issue_id": {
        "en": ("Issue id", "Work item id"),
        "es": ("ID de la incidencia", "ID de incidencia"),
        "pt": ("ID da item", "ID do item", "ID da issue"),
        "fr": ("ID de ticket", "ID du ticket"),
        "de": ("Vorgangs-ID",),
    },
    "issue_type": {
        "en": ("Issue Type", "Work type"),
        "es": ("Tipo de Incidencia",),
        "pt": ("Tipo de item", "Tipo de issue"),
        "fr": ("Type de ticket",),
        "de": ("Vorgangstyp",),
    },
    "status": {
        "en": ("Status",),
        "es": ("Estado",),
        "fr": ("État",),
    },
    "status_category": {
        "en": ("Status Category",),
        "es": ("Categoría de estado",),
        "pt": ("Categoria de status",),
        "fr": ("Catégorie d'état",),
        "de": ("Statuskategorie",),
    },
    "project_key": {
        "en": ("Project key",),
        "es": ("Clave de proyecto", "Clave del proyecto"),
        "pt": ("Chave do projeto",),
        "fr": ("Clé de projet", "Clé du projet"),
        "de": ("Projektschlüssel",),
    },
    "project_name": {
        "en": ("Project name",),
        "es": ("Nombre de proyecto", "Nombre del proyecto"),
        "pt": ("Nome do projeto",),
        "fr": ("Nom du projet",),
        "de": ("Projektname",),
    },
    "resolution": {
        "en": ("Resolution",),
        "es": ("Resolución",),
        "pt": ("Resolução",),
        "fr": ("Résolution",),
        "de": ("Lösung",),
    },
    "assignee": {
        "en": ("Assignee",),
        "es": ("Persona asignada", "Responsable"),
        "pt": ("Responsável",),
        "fr": ("Responsable", "Personne assignée"),
        "de": ("Bearbeiter", "Zugewiesene Person"),
    },
    "created": {
        "en": ("Created",),
        "es": ("Creada", "Creado"),
        "pt": ("Criado",),
        "fr": ("Création", "Créé"),
        "de": ("Erstellt",),
    },
    "resolved": {
        "en": ("Resolved",),
        "es": ("Resuelta", "Resuelto"),
        "pt": ("Resolvido",),
        "fr": ("Résolu", "Résolue"),
        "de": ("Erledigt",),
    },
    "due_date": {
        "en": ("Due date",),
        "es": ("Fecha de vencimiento",),
        "pt": ("Data de vencimento",),
        "fr": ("Date d'échéance",),
        "de": ("Fälligkeitsdatum",),
    },
    "original_estimate": {
        "en": ("Original estimate",),
        "es": ("Estimación original",),
        "pt": ("Estimativa original",),
        "fr": ("Estimation originale",),
        "de": ("Ursprüngliche Schätzung",),
    },
    "parent_key": {"en": ("Parent key",)},
    "parent_id": {"en": ("Parent", "Parent id")},
    "sprint": {"en": ("Sprint",)},
    # Issue links: no localised spelling of these is on record, so English only for now.
    "blocks_outward": {"en": ("Outward issue link (Blocks)",)},
    "blocks_inward": {"en": ("Inward issue link (Blocks)",)},
}

CUSTOM_FIELD_PREFIXES: tuple[str, ...] = (
    "Custom field (",
    "Campo personalizado (",
    "Champ personnalisé (",
    "Benutzerdefiniertes Feld (",
)
"""How each UI language wraps a custom field's name in the header."""

CUSTOM_FIELDS: dict[str, tuple[str, ...]] = {
    # Both story-point fields can be present in one export (company- and team-managed projects).
    "story_points": (
        "Story Points",
        "Story point estimate",
        "Puntos de historia",
        "Estimación de puntos de historia",
        "Pontos de história",
        "Estimativa de pontos da história",
    ),
    "epic_link": ("Epic Link",),
    "team": ("Team", "Equipo", "Equipe", "Équipe"),
    "start_date": ("Start date", "Fecha de inicio", "Data de início", "Date de début"),
    "sprint": ("Sprint",),
}
"""Custom fields by display name; their ids differ per instance, so names are all we have."""


def _aliases(role: str) -> list[str]:
    """Every header spelling for a role: system names, then custom-field names with each prefix."""
    names = [name for names in SYSTEM_FIELDS.get(role, {}).values() for name in names]
    for inner in CUSTOM_FIELDS.get(role, ()):
        names.extend(f"{prefix}{inner})" for prefix in CUSTOM_FIELD_PREFIXES)
        names.append(inner)
    return names


def _positions(probe: Probe, role: str) -> list[int]:
    """Column positions carrying any alias of ``role``, in file order (duplicates kept)."""
    index = probe.header_index()
    found: set[int] = set()
    for name in _aliases(role):
        found.update(index.get(normalise_header(name), ()))
    return sorted(found)


def _first(probe: Probe, role: str) -> pl.Expr:
    """The leftmost column for a role: duplicate non-multi-value headers are kept by position."""
    positions = _positions(probe, role)
    if not positions:
        return pl.lit(None, pl.String)
    return blank_to_null(pl.col(f"c{positions[0]}"))


def _first_filled(probe: Probe, role: str) -> pl.Expr:
    """Per row, the first non-empty cell among every column of a role, left to right."""
    cells = [blank_to_null(pl.col(f"c{position}")) for position in _positions(probe, role)]
    if not cells:
        return pl.lit(None, pl.String)
    return pl.coalesce(cells) if len(cells) > 1 else cells[0]


# --- status categories ---------------------------------------------------------------------------

STATUS_CATEGORY_NAMES: dict[str, tuple[str, ...]] = {
    "todo": (
        "to do",
        "todo",
        "new",
        "por hacer",
        "tareas por hacer",
        "pendiente",
        "a fazer",
        "itens pendentes",
        "pendente",
        "à faire",
        "a faire",
        "zu erledigen",
        "offen",
    ),
    "in_progress": (
        "in progress",
        "en curso",
        "en progreso",
        "em andamento",
        "em progresso",
        "en cours",
        "in arbeit",
        "in bearbeitung",
    ),
    "done": (
        "done",
        "listo",
        "hecho",
        "finalizado",
        "finalizada",
        "terminado",
        "completado",
        "concluído",
        "concluido",
        "feito",
        "terminé",
        "terminée",
        "fait",
        "fertig",
        "erledigt",
    ),
}
"""The three Jira status categories as the export's UI language names them."""

STATUS_NAMES: dict[str, tuple[str, ...]] = {
    "todo": (
        "to do",
        "open",
        "backlog",
        "new",
        "reopened",
        "selected for development",
        "ready",
        "por hacer",
        "abierta",
        "abierto",
        "nuevo",
        "nueva",
        "pendiente",
        "reabierta",
        "a fazer",
        "aberto",
        "aberta",
        "novo",
        "nova",
        "pendente",
        "reaberto",
        "à faire",
        "ouvert",
        "ouverte",
        "nouveau",
        "rouvert",
        "offen",
        "neu",
        "zu erledigen",
        "erneut geöffnet",
    ),
    "in_progress": (
        "in progress",
        "in review",
        "in development",
        "in test",
        "in testing",
        "testing",
        "code review",
        "review",
        "blocked",
        "en curso",
        "en progreso",
        "en revisión",
        "em andamento",
        "em progresso",
        "em revisão",
        "en cours",
        "in arbeit",
        "in bearbeitung",
    ),
    "done": (
        "done",
        "closed",
        "resolved",
        "cancelled",
        "canceled",
        "won't do",
        "completed",
        "cerrada",
        "cerrado",
        "resuelta",
        "resuelto",
        "listo",
        "hecho",
        "finalizada",
        "finalizado",
        "concluído",
        "concluido",
        "fechado",
        "fechada",
        "resolvido",
        "feito",
        "terminé",
        "terminée",
        "fermé",
        "fermée",
        "résolu",
        "résolue",
        "erledigt",
        "geschlossen",
        "fertig",
        "gelöst",
    ),
}
"""Common workflow status names, for exports that carry no Status Category column."""

UNRESOLVED = (
    "unresolved",
    "sin resolver",
    "não resolvido",
    "nao resolvido",
    "non résolu",
    "nicht erledigt",
)


def _lookup(text: pl.Expr, table: dict[str, tuple[str, ...]]) -> pl.Expr:
    lowered = text.str.to_lowercase()
    out = pl.lit(None, pl.String)
    for category, names in reversed(table.items()):
        out = pl.when(lowered.is_in(list(names))).then(pl.lit(category)).otherwise(out)
    return out


def status_category(
    category: pl.Expr, status: pl.Expr, resolution: pl.Expr, resolved: pl.Expr
) -> pl.Expr:
    """The Status Category column when it names a known category, else derived.

    Derivation: a resolution (other than "Unresolved") or a resolved date means done; otherwise
    common status names. A category the tables do not know and cannot derive is kept as found,
    so the contract check shows it.
    """
    resolution_lower = resolution.str.to_lowercase()
    is_resolved = (resolution.is_not_null() & ~resolution_lower.is_in(list(UNRESOLVED))) | (
        resolved.is_not_null()
    )
    derived = pl.coalesce(
        pl.when(is_resolved).then(pl.lit("done")),
        _lookup(status, STATUS_NAMES),
    )
    return pl.coalesce(_lookup(category, STATUS_CATEGORY_NAMES), derived, category)


# --- sprints -------------------------------------------------------------------------------------

_GREENHOPPER = r"Sprint@[0-9A-Fa-f]+\["


def sprint_name(cell: pl.Expr) -> pl.Expr:
    """The sprint name: the cell itself, or ``name=`` from a greenhopper ``toString()``."""
    is_object = cell.str.contains(_GREENHOPPER)
    name = cell.str.extract(r"[\[,]name=(.*?)(?:,[A-Za-z]+=|\]\s*$)", 1).str.strip_chars()
    return pl.when(is_object).then(pl.coalesce(name, cell)).otherwise(cell)


def _sprint_date(cell: pl.Expr, field: str) -> pl.Expr:
    return cell.str.extract(rf"[\[,]{field}=(\d{{4}}-\d{{2}}-\d{{2}})", 1)


# --- the adapter ---------------------------------------------------------------------------------

_KEY_SHAPE = r"^[A-Za-z][A-Za-z0-9_]*-\d+$"
TASK_COLUMNS = ENTITIES["tasks"].column_names
SPRINT_COLUMNS = ENTITIES["sprints"].column_names


def sniff(probe: Probe) -> bool:
    """A header with an issue-key column and a summary column, in any supported language."""
    try:
        if probe.kind not in ("csv", "xlsx"):
            return False
        return bool(_positions(probe, "issue_key")) and bool(_positions(probe, "summary"))
    except Exception:
        return False


def _parent_key(probe: Probe, frame: pl.DataFrame) -> pl.DataFrame:
    """Add ``_parent``: Parent key, else Parent/Parent id mapped through Issue id, else Epic Link.

    The numeric id is mapped with one join against the file's own ``Issue id`` column; an id
    whose issue is not in the export is kept as found.
    """
    issue_id = _first(probe, "issue_id")
    frame = frame.with_columns(
        _issue_id=issue_id,
        _parent_ref=_first_filled(probe, "parent_id"),
    )
    ids = (
        frame.select(pl.col("_file"), pl.col("_issue_id"), pl.col("_key").alias("_id_key"))
        .drop_nulls()
        .unique(["_file", "_issue_id"], keep="first", maintain_order=True)
    )
    frame = frame.join(
        ids,
        left_on=["_file", "_parent_ref"],
        right_on=["_file", "_issue_id"],
        how="left",
        maintain_order="left",
    )
    by_ref = (
        pl.when(pl.col("_parent_ref").str.contains(_KEY_SHAPE))
        .then(pl.col("_parent_ref"))
        .otherwise(pl.coalesce(pl.col("_id_key"), pl.col("_parent_ref")))
    )
    return frame.with_columns(
        _parent=pl.coalesce(_first(probe, "parent_key"), by_ref, _first(probe, "epic_link"))
    )


DATE_ROLES = ("created", "resolved", "due_date", "start_date")


def read(probe: Probe) -> dict[str, pl.DataFrame]:
    """The whole export -> tasks (one row per issue), sprints (one row per sprint name) and
    dependencies (one row per "blocks" link)."""
    return one_of_many(read_many, probe)


def read_many(probes: Sequence[Probe]) -> list[dict[str, pl.DataFrame] | FileRejected]:
    """Each export's :func:`read` (or why it is refused), exports of one layout in one pass."""
    return read_by_layout(probes, _check, _month_first, _normalise)


def _check(probe: Probe) -> None:
    if not _positions(probe, "issue_key"):
        raise probe.reject(
            f"no issue key column was found (header starts: {', '.join(probe.header[:6])}).",
            "a Jira issue CSV export with an 'Issue key' column (or its translation).",
        )


def _month_first(probe: Probe, frame: pl.DataFrame, files: list[int]) -> dict[int, bool]:
    """Whether each stacked export's numeric dates are month-first."""
    return numeric_month_first_by_file(frame, [_first(probe, role) for role in DATE_ROLES], files)


def _normalise(probe: Probe, frame: pl.DataFrame, month_first: bool) -> dict[str, pl.DataFrame]:
    """Tasks, sprints and dependencies of the exports stacked in ``frame`` (one layout, see
    read_by_layout)."""
    key = _first(probe, "issue_key")
    project_code = pl.coalesce(
        _first(probe, "project_key"),
        _first(probe, "project_name"),
        key.str.extract(r"^(.+)-\d+$", 1),
    )
    frame = frame.with_columns(_key=key, _project=project_code)
    frame = _parent_key(probe, frame)
    frame = with_locale_dates(
        frame,
        {
            "_planned_start": (_first(probe, "start_date"), "date"),
            "_planned_finish": (_first(probe, "due_date"), "date"),
            "_created_at": (_first(probe, "created"), "timestamp"),
            "_resolved_at": (_first(probe, "resolved"), "timestamp"),
        },
        month_first=month_first,
    )
    sprint_cells = [blank_to_null(pl.col(f"c{p}")) for p in _positions(probe, "sprint")]
    latest_sprint = pl.coalesce(sprint_cells[::-1]) if sprint_cells else pl.lit(None, pl.String)
    status = _first(probe, "status")
    # each normaliser below runs once per distinct value (see by_value)
    frame = frame.with_columns(
        by_value(frame, [_first_filled(probe, "story_points")], parse_number).alias(
            "_story_points"
        ),
        by_value(frame, [_first_filled(probe, "original_estimate")], _estimate_hours).alias(
            "_estimate_hours"
        ),
        by_value(
            frame,
            [
                _first(probe, "status_category"),
                status,
                _first(probe, "resolution"),
                _first(probe, "resolved").is_not_null(),
            ],
            lambda category, status, resolution, resolved: status_category(
                category, status, resolution, pl.when(resolved).then(pl.lit(True))
            ),
        ).alias("_status_category"),
        by_value(frame, [latest_sprint], sprint_name).alias("_sprint"),
    )
    columns: dict[str, pl.Expr] = {
        "project_code": pl.col("_project"),
        "task_key": pl.col("_key"),
        "task_name": _first(probe, "summary"),
        "task_type": _first(probe, "issue_type"),
        "parent_key": pl.col("_parent"),
        "status": status,
        "status_category": pl.col("_status_category"),
        "story_points": pl.col("_story_points"),
        "estimate_hours": pl.col("_estimate_hours"),
        "planned_start": pl.col("_planned_start"),
        "planned_finish": pl.col("_planned_finish"),
        "created_at": pl.col("_created_at"),
        "resolved_at": pl.col("_resolved_at"),
        "sprint": pl.col("_sprint"),
        "assignee": _first(probe, "assignee"),
    }
    tasks = frame.select(
        *[
            columns.get(name, pl.lit(None, pl.String)).cast(pl.String).alias(name)
            for name in TASK_COLUMNS
        ],
        pl.col("source_line"),
        pl.col("_file"),
    )
    return {
        "tasks": tasks,
        "sprints": _sprints(probe, frame, sprint_cells),
        "dependencies": _dependencies(probe, frame),
    }


def _estimate_hours(estimate: pl.Expr) -> pl.Expr:
    """Jira's original estimate (seconds) as hours; text that is not a number kept as found."""
    estimate_text = parse_number(estimate)
    estimate_seconds = estimate_text.cast(pl.Float64, strict=False)
    return (
        pl.when(estimate_seconds.is_not_null())
        .then((estimate_seconds / 3600).cast(pl.String))
        .otherwise(estimate_text)
    )


def _sprints(probe: Probe, frame: pl.DataFrame, sprint_cells: list[pl.Expr]) -> pl.DataFrame:
    """One row per distinct sprint per project, from every Sprint column (not just the latest).

    Dates come only from greenhopper strings; the team from a ``Team`` custom field when the
    export has one (the first filled value among the sprint's issues).
    """
    empty = pl.DataFrame(
        schema={
            **dict.fromkeys(SPRINT_COLUMNS, pl.String),
            "source_line": pl.Int64,
            "_file": pl.Int64,
        }
    )
    if not sprint_cells or frame.height == 0:
        return empty
    team = _first(probe, "team")
    long = pl.concat(
        [
            frame.select(
                pl.col("_file"),
                pl.col("_project").alias("project_code"),
                team.alias("team"),
                cell.alias("cell"),
                pl.col("source_line"),
            )
            for cell in sprint_cells
        ]
    ).filter(pl.col("cell").is_not_null())
    cell = pl.col("cell")
    sprints = (
        long.with_columns(
            sprint_name=sprint_name(cell),
            start_date=_sprint_date(cell, "startDate"),
            end_date=_sprint_date(cell, "endDate"),
            complete_date=_sprint_date(cell, "completeDate"),
        )
        .filter(pl.col("sprint_name").is_not_null())
        .sort("_file", "source_line", maintain_order=True)
        .group_by("_file", "project_code", "sprint_name", maintain_order=True)
        .agg(
            pl.col("team").drop_nulls().first(),
            pl.col("start_date").drop_nulls().first(),
            pl.col("end_date").drop_nulls().first(),
            pl.col("complete_date").drop_nulls().first(),
            pl.col("source_line").min(),
        )
    )
    return sprints.select(
        *[pl.col(name).cast(pl.String) for name in SPRINT_COLUMNS], "source_line", "_file"
    )


_KEY_PREFIX = r"^(.+)-[^-]*$"
"""A key's project prefix: what comes before its last ``-`` (``OPS`` in ``OPS-12``)."""


def _dependencies(probe: Probe, frame: pl.DataFrame) -> pl.DataFrame:
    """One row per "blocks" link: an Outward cell on A naming B says A blocks B (B is the
    successor), an Inward cell on A naming B says B blocks A.

    A named key's project is the export's own project for the keys of its own issues (the
    prefix of the keys in the export, mapped to those issues' project); another prefix is a
    link to another Jira project, whose prefix is passed on as its project code for the loader
    to resolve against the projects master (or quarantine)."""
    cells = sorted(
        [(position, True) for position in _positions(probe, "blocks_outward")]
        + [(position, False) for position in _positions(probe, "blocks_inward")]
    )
    if not cells or frame.height == 0:
        return no_dependencies()
    prefixes = (
        frame.select(
            pl.col("_file"),
            pl.col("_key").str.extract(_KEY_PREFIX, 1).alias("_prefix"),
            pl.col("_project").alias("_prefix_project"),
        )
        .drop_nulls()
        .unique(["_file", "_prefix"], keep="first", maintain_order=True)
    )
    links = (
        named_links(frame, cells)
        .with_columns(pl.col("_other").str.extract(_KEY_PREFIX, 1).alias("_prefix"))
        .join(prefixes, on=["_file", "_prefix"], how="left", maintain_order="left")
    )
    other_project = pl.coalesce("_prefix_project", "_prefix", "_project")
    return dependency_rows(links, other_project)


ADAPTERS: tuple[Adapter, ...] = (
    Adapter(
        name="jira_csv",
        label="Jira issue export (CSV)",
        entities=("tasks", "sprints", "dependencies"),
        sniff=sniff,
        read=read,
        read_many=read_many,
    ),
)
