"""The business year, April to March (MoU ¶48): the one place it is worked out."""

from __future__ import annotations

from datetime import date


def business_year(day: date) -> int:
    """The year the business year holding ``day`` starts in."""
    return day.year if day.month >= 4 else day.year - 1


def business_year_dates(day: date) -> tuple[date, date]:
    """The first and last day of the business year holding ``day``."""
    first = business_year(day)
    return date(first, 4, 1), date(first + 1, 3, 31)


def business_year_label(start_year: int) -> str:
    return f"April {start_year} to March {start_year + 1}"
