"""Demo data for the timelines domain (idempotent)."""


async def load() -> None:
    return None
