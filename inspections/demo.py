"""Demo establishments and inspections (idempotent)."""

from __future__ import annotations

from inspections.tables import Establishment

# Real establishment names are fine in demo data; HMP Example is the journeys' own prison.
DEMO_ESTABLISHMENTS = [
    ("HMP Example", "EXA", "prison", "adult", "public", "Yorkshire", "North East"),
    ("HMP Leeds", "LEI", "prison", "adult", "public", "Yorkshire", "North East"),
    ("HMP Wakefield", "WDI", "prison", "adult", "public", "Yorkshire", "North East"),
    ("HMP Birmingham", "BMI", "prison", "adult", "public", "West Midlands", "Midlands"),
    ("HMP Oakwood", "OWI", "prison", "adult", "contracted", "West Midlands", "Midlands"),
    ("HMP Pentonville", "PVI", "prison", "adult", "public", "London", "London"),
    ("HMP Thameside", "TSI", "prison", "adult", "contracted", "London", "London"),
    ("HMYOI Feltham", "FMI", "yoi", "cyp", "public", "Youth Custody Service", "London"),
    ("HMYOI Wetherby", "WYI", "yoi", "cyp", "public", "Youth Custody Service", "North East"),
    ("Oakhill STC", "OKH", "stc", "cyp", "contracted", "Youth Custody Service", "South East"),
    ("Heathrow IRC", "HRW", "irc", "adult", "contracted", "Immigration detention", "London"),
    ("HMP Millsike", "MKI", "prison", "adult", "public", "Yorkshire", "North East"),
]


async def load_establishments() -> None:
    existing = {r["name"] for r in await Establishment.select(Establishment.name)}
    new = [
        Establishment(
            name=name,
            code=code,
            kind=kind,
            cohort=cohort,
            operator=operator,
            prison_group=group,
            region=region,
        )
        for name, code, kind, cohort, operator, group, region in DEMO_ESTABLISHMENTS
        if name not in existing
    ]
    if new:
        await Establishment.insert(*new)


async def load() -> None:
    """Inspections in every stage, relative to today (skipped once any inspection exists)."""
    from inspections.demo_inspections import load_inspections

    await load_inspections()
