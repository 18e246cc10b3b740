"""Reports: build a month-end MSR/FSR pack, a weekly steering pack or a closed project's closure
report from the browser, and the packs that exist, with their snapshot and downloads.

A pack is built from the snapshot this page shows (pinned: a refresh publishing meanwhile does
not change it), by the same code and rules as `pmo report --snapshot`: a new version folder
with its manifest, never overwriting one. Reads the packs' manifest.json files through
dashboards.data; no KPI here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import polars as pl
import streamlit as st

from dashboards import data

MIME = {
    ".html": "text/html",
    ".pdf": "application/pdf",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
KINDS = {"MSR": "msr", "FSR": "fsr"}
FORMATS = {"PDF": "pdf", "XLSX": "xlsx", "HTML": "html"}


def build_with_status(label: str, build: Callable[[Callable[[str], None]], Any]) -> None:
    """Run one pack build with its steps shown live; a refused or failed build is said in
    words (never a traceback) and files nothing."""
    from pipelines.publish.reports import ReportError

    with st.status(f"Building the {label} pack …", expanded=True) as status:
        try:
            result = build(status.write)
        except ReportError as error:
            status.update(label=f"The {label} pack was not built", state="error")
            st.error(str(error), icon=":material/error:")
            return
        except Exception as error:  # a printer or disk failure: said in words, never a traceback
            status.update(label=f"The {label} pack was not built", state="error")
            st.error(
                f"Building the {label} pack failed ({type(error).__name__}: {error}). Nothing "
                "was filed: a pack is placed only when every file of it is written.",
                icon=":material/error:",
            )
            return
        status.update(
            label=f"{label} v{result.version} built from snapshot {result.snapshot_id}",
            state="complete",
            expanded=False,
        )
    for caveat in result.caveats:
        st.caption(f"Caveat: {caveat}")


def build_chosen(
    snapshot: data.Snapshot, generator: str, subject: str, formats: list[str], label: str
) -> None:
    """A submitted form's pack: ``generator`` (a function of pipelines.publish.reports taking the
    data directory and ``subject``, the week or the project) run on the page's snapshot in the
    chosen formats, with live steps; no format chosen is said, not built."""
    if not formats:
        st.warning("Choose at least one format.", icon=":material/warning:")
        return
    from pipelines.config import resolve_data_dir
    from pipelines.publish import reports

    generate = getattr(reports, generator)
    build_with_status(
        label,
        lambda progress: generate(
            resolve_data_dir(),
            subject,
            snapshot_id=snapshot.snapshot_id,
            formats=[FORMATS[f] for f in formats],
            progress=progress,
        ),
    )


def build_form(snapshot: data.Snapshot) -> None:
    """Month, reports and formats, and a button that builds the pack with live steps."""
    months = sorted(data.reporting_months(snapshot), reverse=True)
    if not months:
        return
    with st.form("build_pack", border=True):
        st.markdown(f"**Build a pack** from snapshot `{snapshot.snapshot_id}`")
        month_column, kinds_column, formats_column = st.columns([1, 2, 2])
        month = month_column.selectbox(
            "Month", months, format_func=lambda m: f"{m:%B %Y}", key="build_month"
        )
        kinds = kinds_column.multiselect(
            "Reports",
            list(KINDS),
            default=list(KINDS),
            key="build_kinds",
            help="MSR: the monthly status report. FSR: the financial status report.",
        )
        formats = formats_column.multiselect(
            "Formats",
            list(FORMATS),
            default=list(FORMATS),
            key="build_formats",
            help="PDF to circulate, XLSX (the same tables as a workbook), HTML to read on screen.",
        )
        submitted = st.form_submit_button("Build pack", icon=":material/build:", type="primary")
    if not submitted:
        return
    if not kinds or not formats:
        st.warning("Choose at least one report and one format.", icon=":material/warning:")
        return
    from pipelines.config import resolve_data_dir
    from pipelines.publish.reports import generate_report

    label = f"{month:%B %Y}"
    build_with_status(
        label,
        lambda progress: generate_report(
            resolve_data_dir(),
            f"{month:%Y-%m}",
            snapshot_id=snapshot.snapshot_id,
            formats=[FORMATS[f] for f in formats],
            kinds=[KINDS[k] for k in kinds],
            progress=progress,
        ),
    )


WEEKS = "rpt_portfolio_week_summary"


def weekly_form(snapshot: data.Snapshot) -> None:
    """Week and formats, and a button that builds the weekly steering pack with live steps."""
    if WEEKS not in snapshot.models:
        return
    weeks = data.read(
        snapshot, WEEKS, select=["iso_week", "week_start"], order_by=["week_start"], descending=True
    )
    if weeks.is_empty():
        return
    labels = dict(weeks.select("iso_week", "week_start").iter_rows())
    with st.form("build_weekly", border=True):
        st.markdown(f"**Build a weekly steering pack** from snapshot `{snapshot.snapshot_id}`")
        week_column, formats_column = st.columns([1, 2])
        week = week_column.selectbox(
            "Week",
            list(labels),
            format_func=lambda w: f"{w} (from {labels[w]:%d %b %Y})",
            key="build_week",
        )
        formats = formats_column.multiselect(
            "Formats", list(FORMATS), default=list(FORMATS), key="build_week_formats"
        )
        submitted = st.form_submit_button(
            "Build weekly pack", icon=":material/build:", type="primary"
        )
    if submitted:
        build_chosen(snapshot, "generate_weekly_report", week, formats, week)


PROJECTS = "dim_projects"


def closure_form(snapshot: data.Snapshot) -> None:
    """A closed project and formats, and a button that builds its closure report (filed under
    the month it closed from) with live steps."""
    if PROJECTS not in snapshot.models:
        return
    closed = data.read(
        snapshot,
        PROJECTS,
        select=["project_code", "project_name", "closed_from_month"],
        where={"is_closed": True},
    )
    # the latest closures first, by code within a month
    closed = closed.filter(pl.col("closed_from_month").is_not_null()).sort(
        ["closed_from_month", "project_code"], descending=[True, False]
    )
    if closed.is_empty():
        return
    labels = {
        code: f"{code} · {name} (closed {month:%b %Y})" for code, name, month in closed.iter_rows()
    }
    with st.form("build_closure", border=True):
        st.markdown(f"**Build a project closure report** from snapshot `{snapshot.snapshot_id}`")
        project_column, formats_column = st.columns([3, 4])
        project = project_column.selectbox(
            "Closed project", list(labels), format_func=labels.get, key="build_closure_project"
        )
        formats = formats_column.multiselect(
            "Formats", list(FORMATS), default=list(FORMATS), key="build_closure_formats"
        )
        submitted = st.form_submit_button(
            "Build closure report", icon=":material/build:", type="primary"
        )
    if submitted:
        build_chosen(snapshot, "generate_closure_report", project, formats, f"{project} closure")


st.title("Reports")
snapshot = data.current()
if snapshot is not None:
    build_form(snapshot)
    weekly_form(snapshot)
    closure_form(snapshot)
packs = data.report_packs()
if not packs:
    st.info(
        "No month-end packs yet. Build one above, or `pmo report --month YYYY-MM` builds one "
        "from the current snapshot; the month-end schedule builds last month's pack on its "
        "business day.",
        icon=":material/description:",
    )
else:
    st.dataframe(
        pl.DataFrame(
            {
                "Period": [p.period for p in packs],
                "Version": [f"v{p.version}" for p in packs],
                "Snapshot": [p.snapshot_id for p in packs],
                "Generated at": [p.generated_at for p in packs],
                "Reports": [", ".join(k.upper() for k in p.kinds) for p in packs],
                "Formats": [", ".join(p.formats) for p in packs],
            }
        ),
        hide_index=True,
        key="report_list",
    )
    labels = [f"{p.period} v{p.version}" for p in packs]
    chosen = st.selectbox("Pack", labels, key="report_pack")
    pack = packs[labels.index(chosen)]
    st.caption(f"Built from snapshot `{pack.snapshot_id}` (code {pack.code_version}).")
    columns = st.columns(3)
    for index, file in enumerate(sorted(pack.files, key=lambda f: f.name)):
        with columns[index % 3]:
            st.download_button(
                f"{file.name}",
                data=data.report_file(file),
                file_name=file.name,
                mime=MIME.get(file.suffix, "application/octet-stream"),
                key=f"download_{pack.period}_{pack.version}_{file.name}",
                icon=":material/download:",
            )
