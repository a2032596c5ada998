"""Demo data: a deterministic generator and a bulk loader that journals every record."""
