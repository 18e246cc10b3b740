"""Service-desk ticket exports (CSV/XLSX) -> service_tickets.

Read tolerantly from the list exports of the common tools, matched by header:

- ServiceNow (incident list, Export > CSV/Excel): ``number, short_description, priority,
  opened_at, resolved_at, assignment_group, company`` (priority as ``2 - High``); a first
  response where the instance keeps one in a custom field (``u_first_response``).
- Jira Service Management (issue search, Export > CSV): ``Issue key, Summary, Priority,
  Created, Resolved`` with the vendor in ``Organizations`` (or a ``Vendor`` field) and
  ``Date of First Response`` where the project has it.
- Any service desk's ticket list with ``Ticket ID``/``Incident``, ``Priority``,
  ``Created``/``Opened``, ``Resolved``, ``Vendor``/``Supplier``/``Company``.

A file is a service-desk export when it names a ticket, its priority, when it was opened and
the vendor handling it (a Jira software export has no vendor column, so it stays a task export).
Priorities become p1-p5: a leading number (``1 - Critical``, ``P2``, ``3``), else the words
Critical/Highest/Blocker/Urgent (p1), High (p2), Moderate/Medium (p3), Low (p4),
Lowest/Planning/Trivial (p5); anything else is kept as found so the loader quarantines the row
naming the value. Timestamps are read as ISO, day-first with month names (Jira's
``05/Oct/26 9:12 AM``) or day-first numeric; a value that cannot be read is kept as found for
the loader to quarantine.
"""

from __future__ import annotations

import polars as pl

from pipelines.ingest.adapters.base import (
    Adapter,
    Probe,
    blank_to_null,
    canonical_frame,
    has_headers,
    month_names_to_numbers,
    parse_datetime,
    pick,
    read_csv_positional,
    read_positional,
    words_in,
)

ENTITY = "service_tickets"
TICKET_ID = (
    "number",
    "Issue key",
    "Ticket ID",
    "Ticket number",
    "Incident ID",
    "Incident",
    "Request ID",
)
PRIORITY = ("priority", "Ticket priority")
OPENED = ("opened_at", "Opened", "Opened at", "Created", "Created at", "Created date")
OPENED += ("sys_created_on",)
RESPONDED = (
    "u_first_response",
    "first_response",
    "First response",
    "Date of First Response",
    "First response at",
    "Responded",
    "Responded at",
    "responded_at",
)
RESOLVED = ("resolved_at", "Resolved", "Resolved at", "Resolution date", "resolved")
VENDOR = (
    "company",
    "vendor",
    "Supplier",
    "Organizations",
    "Organization",
    "Custom field (Organizations)",
    "Custom field (Vendor)",
    "u_vendor",
)
CONTRACT = ("contract", "Contract ID", "u_contract", "Service contract", "contract_id")
GROUP = ("assignment_group", "Assignment group", "Assigned group", "Team")
DESCRIPTION = ("short_description", "Summary", "Short description", "Subject", "Title")
DATETIME_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M:%SZ",
    # a two-digit year before a four-digit one: %Y would read "26" as the year 26
    "%d/%m/%y %I:%M %p",
    "%d/%m/%Y %I:%M %p",
    "%d/%m/%y %H:%M",
    "%d/%m/%Y %H:%M",
    "%d/%m/%y %H:%M:%S",
    "%d/%m/%Y %H:%M:%S",
    "%d.%m.%y %H:%M",
    "%d.%m.%Y %H:%M",
    "%d.%m.%y %H:%M:%S",
    "%d.%m.%Y %H:%M:%S",
)
PRIORITY_WORDS = (
    (r"critical|highest|blocker|urgent", "p1"),
    (r"high", "p2"),
    (r"moderate|medium|normal", "p3"),
    (r"low", "p4"),
    (r"lowest|planning|trivial", "p5"),
)


def _present(probe: Probe, names: tuple[str, ...]) -> bool:
    return any(has_headers(probe, name) for name in names)


def sniff(probe: Probe) -> bool:
    """A ticket id, its priority, when it was opened and the vendor handling it; the canonical
    template (``ticket_id, vendor, priority, created_at``) is left to the canonical reader."""
    if probe.kind not in ("csv", "xlsx"):
        return False
    if has_headers(probe, "ticket_id", "created_at"):
        return False
    return all(_present(probe, names) for names in (TICKET_ID, PRIORITY, OPENED, VENDOR))


def priority_code(expr: pl.Expr) -> pl.Expr:
    """``1 - Critical`` / ``P2`` / ``High`` -> ``p1``/``p2``; anything else kept as found."""
    text = blank_to_null(expr)
    lowered = text.str.to_lowercase()
    digit = lowered.str.extract(r"^p?\s*([1-5])\b", 1)
    result = pl.when(digit.is_not_null()).then(pl.lit("p") + digit)
    for pattern, code in PRIORITY_WORDS:  # whole words: "low" does not match "lowest"
        result = result.when(lowered.str.contains(rf"^\s*(?:{pattern})\b")).then(pl.lit(code))
    return result.otherwise(text)


TIMESTAMPS = {"created_at": OPENED, "responded_at": RESPONDED, "resolved_at": RESOLVED}


def read(probe: Probe) -> dict[str, pl.DataFrame]:
    """One service_tickets row per ticket."""
    frame = read_csv_positional(probe) if probe.kind == "csv" else read_positional(probe)
    # month names become numbers once per column, before the formats are tried (an expression
    # that repeated it for every format ran ~1,000 regexes a column), and only the names the
    # file holds are looked for (most exports have none: ~100 regexes a column less)
    cells = {name: blank_to_null(pick(probe, names)) for name, names in TIMESTAMPS.items()}
    words = words_in(frame, list(cells.values()))
    frame = frame.with_columns(
        month_names_to_numbers(cell, words).alias(f"_{name}") for name, cell in cells.items()
    )
    columns = {
        "ticket_id": pick(probe, TICKET_ID),
        "vendor": pick(probe, VENDOR),
        "contract_id": pick(probe, CONTRACT),
        "priority": priority_code(pick(probe, PRIORITY)),
        **{name: parse_datetime(pl.col(f"_{name}"), DATETIME_FORMATS) for name in TIMESTAMPS},
        "assignment_group": pick(probe, GROUP),
        "short_description": pick(probe, DESCRIPTION),
    }
    return {ENTITY: canonical_frame(columns, frame)}


ADAPTERS: tuple[Adapter, ...] = (
    Adapter(
        name="service_desk_tickets",
        label="Service-desk ticket export (ServiceNow, Jira Service Management)",
        entities=(ENTITY,),
        sniff=sniff,
        read=read,
        priority=20,
    ),
)
