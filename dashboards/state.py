"""Shared filters (portfolio, programme, project, as-of month), kept in the URL.

A link's query parameters (``?portfolio=…&program=…&project=ERP&month=2026-09``) seed the
filters on a session's first run, and every run writes them back, so any view can be shared as
a link and the filters survive page switches. (Streamlit's own ``bind="query-params"`` would
put the *displayed* label in the URL, e.g. ``project=ERP · Finance ERP migration``.) The widgets
live in the entry point, which runs on every page; the resulting :class:`Context` is handed to
the page through ``st.session_state``.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date

import polars as pl
import streamlit as st

from dashboards import data
from dashboards.components.formatting import month_label

ALL_PORTFOLIOS = "All portfolios"  # the name the roll-up models give their total rows
PORTFOLIO_ROLLUP = "rpt_portfolio_kpis_monthly"
PROGRAM_ROLLUP = "rpt_program_kpis_monthly"
ALL_PROGRAMS = "All programmes"
ALL_PROJECTS = "All projects"

KEY_PORTFOLIO, KEY_PROGRAM, KEY_PROJECT, KEY_MONTH = "portfolio", "program", "project", "month"
PENDING_PROJECT = "_pending_project"  # set by a chart click; applied before the widgets exist
GOTO_PROJECT = "_goto_project"
CONTEXT = "_context"
PROJECT_PAGE = "views/project.py"


@dataclass(frozen=True)
class Context:
    """What every page needs: the snapshot, the filters and the projects in scope."""

    snap: data.Snapshot
    portfolio: str | None
    program: str | None
    project: str | None
    month: date | None
    latest_month: date | None
    months: list[date]
    projects: pl.DataFrame = field(repr=False)

    @property
    def scope(self) -> list[str]:
        """Project codes selected by portfolio / programme / project."""
        return self.projects["project_code"].to_list()

    @property
    def is_narrowed(self) -> bool:
        """Whether the sidebar selects part of the portfolio (a portfolio, programme or
        project): pages that show every project's rows then keep the selection's."""
        return bool(self.portfolio or self.program or self.project)

    @property
    def month_end(self) -> date | None:
        if self.month is None:
            return None
        last = calendar.monthrange(self.month.year, self.month.month)[1]
        return self.month.replace(day=last)

    @property
    def previous_month(self) -> date | None:
        older = [m for m in self.months if self.month and m < self.month]
        return max(older) if older else None

    @property
    def is_latest(self) -> bool:
        return self.month == self.latest_month

    @property
    def scope_label(self) -> str:
        if self.project:
            return self.project_name(self.project)
        if self.program:
            return f"{self.program} ({self.portfolio})" if self.portfolio else self.program
        return self.portfolio or ALL_PORTFOLIOS

    @property
    def rollup(self) -> tuple[str, dict[str, str]]:
        """The published totals of the selection (model, key): the programme's when one is
        chosen (within the portfolio, or across portfolios), else the portfolio's."""
        portfolio = self.portfolio or ALL_PORTFOLIOS
        if self.program and PROGRAM_ROLLUP in self.snap.models:
            return PROGRAM_ROLLUP, {"portfolio": portfolio, "program": self.program}
        return PORTFOLIO_ROLLUP, {"portfolio": portfolio}

    @property
    def rollup_label(self) -> str:
        """What the totals of :attr:`rollup` are of."""
        model, key = self.rollup
        if model == PROGRAM_ROLLUP:
            return self.scope_label
        return key["portfolio"]

    def project_name(self, code: str) -> str:
        names = dict(self.projects.select("project_code", "project_name").iter_rows())
        return f"{code} · {names[code]}" if names.get(code) else code


def _reset_below_portfolio() -> None:
    st.session_state[KEY_PROGRAM] = ALL_PROGRAMS
    st.session_state[KEY_PROJECT] = ALL_PROJECTS


def _reset_project() -> None:
    st.session_state[KEY_PROJECT] = ALL_PROJECTS


def apply_pending_navigation() -> None:
    """A chart click asked for a project: select it before the sidebar widgets are drawn."""
    pending = st.session_state.pop(PENDING_PROJECT, None)
    if pending:
        st.session_state[KEY_PROJECT] = pending
        st.session_state[GOTO_PROJECT] = True


def open_project(code: str) -> None:
    """Ask for a project's detail page (works from callbacks and from the page body)."""
    st.session_state[PENDING_PROJECT] = code


def _from_url(key: str, options: list[str]) -> None:
    """On a session's first run, a filter starts from the link's query parameter when valid."""
    if key in st.session_state or key not in st.query_params:
        return
    value = st.query_params[key]
    if value in options:
        st.session_state[key] = value


def _to_url(values: dict[str, str], defaults: dict[str, str]) -> None:
    """Write the filters back to the URL (defaults left out), so the view can be shared."""
    wanted = {key: value for key, value in values.items() if value != defaults.get(key)}
    st.query_params.from_dict(wanted)


def sidebar_filters(snap: data.Snapshot) -> Context:
    """Draw the shared filters in the sidebar and return the context they select."""
    master = data.projects(snap)
    months = data.reporting_months(snap)
    portfolios = sorted(p for p in master["portfolio"].unique().to_list() if p)
    options = [ALL_PORTFOLIOS, *portfolios]
    _from_url(KEY_PORTFOLIO, options)
    portfolio = st.sidebar.selectbox(
        "Portfolio", options, key=KEY_PORTFOLIO, on_change=_reset_below_portfolio
    )
    in_portfolio = (
        master if portfolio == ALL_PORTFOLIOS else master.filter(pl.col("portfolio") == portfolio)
    )
    programs = sorted(p for p in in_portfolio["program"].unique().to_list() if p)
    options = [ALL_PROGRAMS, *programs]
    _from_url(KEY_PROGRAM, options)
    if st.session_state.get(KEY_PROGRAM) not in (None, *options):
        st.session_state[KEY_PROGRAM] = ALL_PROGRAMS
    program = st.sidebar.selectbox("Programme", options, key=KEY_PROGRAM, on_change=_reset_project)
    in_program = (
        in_portfolio
        if program == ALL_PROGRAMS
        else in_portfolio.filter(pl.col("program") == program)
    )
    names = dict(master.select("project_code", "project_name").iter_rows())
    codes = in_program["project_code"].to_list()
    _from_url(KEY_PROJECT, [ALL_PROJECTS, *master["project_code"].to_list()])
    if st.session_state.get(KEY_PROJECT) not in (None, ALL_PROJECTS, *codes):
        # a project chosen elsewhere (a chart click, a link) outside the current scope
        codes = master["project_code"].to_list()
    project = st.sidebar.selectbox(
        "Project",
        [ALL_PROJECTS, *codes],
        key=KEY_PROJECT,
        format_func=lambda code: code if code == ALL_PROJECTS else f"{code} · {names.get(code)}",
    )
    month_keys = [m.strftime("%Y-%m") for m in months] or ["—"]
    _from_url(KEY_MONTH, month_keys)
    if st.session_state.get(KEY_MONTH) not in (None, *month_keys):
        st.session_state[KEY_MONTH] = month_keys[0]  # a new snapshot no longer has that month
    chosen = st.sidebar.selectbox(
        "As of month",
        month_keys,
        key=KEY_MONTH,
        format_func=lambda key: key if key == "—" else month_label(key + "-01"),
        help="Shows the portfolio as it was at that month end.",
    )
    _to_url(
        {KEY_PORTFOLIO: portfolio, KEY_PROGRAM: program, KEY_PROJECT: project, KEY_MONTH: chosen},
        {
            KEY_PORTFOLIO: ALL_PORTFOLIOS,
            KEY_PROGRAM: ALL_PROGRAMS,
            KEY_PROJECT: ALL_PROJECTS,
            KEY_MONTH: month_keys[0],
        },
    )
    month = date.fromisoformat(chosen + "-01") if chosen != "—" else None
    scope = (
        in_program if project == ALL_PROJECTS else master.filter(pl.col("project_code") == project)
    )
    return Context(
        snap=snap,
        portfolio=None if portfolio == ALL_PORTFOLIOS else portfolio,
        program=None if program == ALL_PROGRAMS else program,
        project=None if project == ALL_PROJECTS else project,
        month=month,
        latest_month=months[0] if months else None,
        months=months,
        projects=scope,
    )


def context() -> Context:
    """The context the entry point prepared for this run."""
    found = st.session_state.get(CONTEXT)
    if found is None:
        st.error("Open the dashboard through its entry point (dashboards/streamlit_app.py).")
        st.stop()
    return found
