"""Percentiles from the roll-ups' histograms (pure): linear within a bucket, the lower edge
for the open last bucket, so a figure is never more precise than what was counted."""

from __future__ import annotations

from collections.abc import Sequence


def percentile(counts: Sequence[int], edges: Sequence[float], q: float) -> float | None:
    total = sum(counts)
    if total <= 0:
        return None
    target = q * total
    seen = 0.0
    for i, count in enumerate(counts):
        if count and seen + count >= target:
            low = edges[i - 1] if i > 0 else 0.0
            if i >= len(edges):
                return float(low)
            share = (target - seen) / count
            return round(low + share * (edges[i] - low), 1)
        seen += count
    return float(edges[-1])


def change(now: float | None, before: float | None) -> float | None:
    """Relative change in percent, None when there is nothing to compare with."""
    if now is None or not before:
        return None
    return round((now - before) * 100 / before, 1)
