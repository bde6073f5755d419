"""Demo data for the youth training (filled in below)."""


def seed() -> list[str]:
    return []
