-- One row per portfolio per reporting month, plus an 'All portfolios' row per month: the
-- earned-value totals of the projects reporting in the month, portfolio indices computed from
-- those totals (never averages of project ratios), the projects' overall health counts and the
-- open risk exposure. Amounts in the reporting currency; nothing rounded.
--
-- * CPI = sum(EV) / sum(AC) and SPI = sum(EV) / sum(PV), over the projects whose EV is known in
--   the month (and, for SPI, whose PV is known): a project with no progress evidence yet would
--   otherwise add cost without value.
-- * SPI(t) = sum(ES) / sum(AT) over the projects whose earned schedule is known: each project's
--   SPI(t) weighted by the months it has run.
-- * EAC: sum of the projects' EAC, a project without one (no CPI yet) counting its BAC - with no
--   performance data the budget is the forecast. VAC = sum(BAC) - EAC.
-- The roll-up is int_kpi_rollup_monthly's portfolio level (the same roll-up, per programme:
-- rpt_program_kpis_monthly).

select {{ star_except(['rollup_level', 'program']) }}
from {{ ref('int_kpi_rollup_monthly') }}
where rollup_level = 'portfolio'
