"""Dates for the demo: the reporting window, month ends, working days and public holidays.

Everything is computed from ``as_of`` and ``months`` only (never from the clock), so two runs with
the same arguments see the same calendar.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(day: date, months: int) -> date:
    """Same day-of-month ``months`` later, clipped to the month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, days_in_month(year, month + 1)))


def days_in_month(year: int, month: int) -> int:
    following = date(year + (month == 12), month % 12 + 1, 1)
    return (following - timedelta(days=1)).day


def month_end(day: date) -> date:
    return day.replace(day=days_in_month(day.year, day.month))


def months_between(first: date, last: date) -> list[date]:
    """First days of the months from ``first``'s to the last one starting on or before ``last``."""
    months, current = [], month_start(first)
    while current <= last:
        months.append(current)
        current = add_months(current, 1)
    return months


def month_index(day: date) -> int:
    """Months since year 0: a cheap integer key for month arithmetic."""
    return day.year * 12 + day.month - 1


def next_weekday(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def previous_weekday(day: date) -> date:
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def easter_sunday(year: int) -> date:
    """Gregorian Easter (anonymous algorithm): Good Friday and Easter Monday are holidays."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    el = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * el) // 451
    month, day = divmod(h + el - 7 * m + 114, 31)
    return date(year, month, day + 1)


def public_holidays(year: int) -> list[date]:
    """A generic European office calendar: enough to leave visible gaps in the timesheets."""
    easter = easter_sunday(year)
    return sorted(
        {
            date(year, 1, 1),
            easter - timedelta(days=2),
            easter + timedelta(days=1),
            date(year, 5, 1),
            easter + timedelta(days=39),  # Ascension
            date(year, 12, 25),
            date(year, 12, 26),
        }
    )


def to_day(day: date) -> int:
    """Day number (days since 1970-01-01), the integer form used in numpy arrays."""
    return (day - date(1970, 1, 1)).days


def from_day(number: int) -> date:
    return date(1970, 1, 1) + timedelta(days=int(number))


@dataclass(frozen=True)
class Window:
    """The history the demo covers: ``months`` calendar months ending with the month of as_of."""

    as_of: date
    months: int

    @property
    def start(self) -> date:
        return add_months(month_start(self.as_of), -(self.months - 1))

    @property
    def month_starts(self) -> list[date]:
        return [add_months(self.start, offset) for offset in range(self.months)]

    @property
    def snapshot_dates(self) -> list[date]:
        """Month ends, the last one clipped to as_of (a status date is never in the future)."""
        return [min(month_end(start), self.as_of) for start in self.month_starts]

    def workdays(self, first: date, last: date) -> np.ndarray:
        """Weekdays that are not public holidays, as day numbers (int64)."""
        days = np.arange(to_day(first), to_day(last) + 1, dtype=np.int64)
        weekday = (days + 3) % 7  # 1970-01-01 was a Thursday (weekday 3)
        holidays = {
            to_day(holiday)
            for year in range(first.year, last.year + 1)
            for holiday in public_holidays(year)
        }
        keep = (weekday < 5) & ~np.isin(days, np.fromiter(holidays, dtype=np.int64))
        return days[keep]
