"""Demo data for the factcheck domain (idempotent)."""


async def load() -> None:
    return None
