"""Demo data for the actionplans domain (idempotent)."""


async def load() -> None:
    return None
