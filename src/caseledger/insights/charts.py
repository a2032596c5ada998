"""Static SVG charts for the review report (the PDF has no JavaScript): horizontal bars
with their labels and values, drawn with presentation attributes only."""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape

FONT = "Noto Sans CJK SC, Noto Sans, sans-serif"
COLOUR = "#5070dd"


def bars(items: Sequence[tuple[str, int]], *, width: int = 520, label_width: int = 190) -> str:
    if not items:
        return ""
    row, top = 22, 6
    height = top * 2 + row * len(items)
    peak = max(n for _l, n in items) or 1
    room = width - label_width - 60
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="{FONT}" font-size="11">'
    ]
    for i, (label, n) in enumerate(items):
        y = top + i * row
        length = max(1, round(room * n / peak)) if n else 0
        text = escape(label if len(label) <= 28 else label[:27] + "…")
        out.append(
            f'<text x="{label_width - 6}" y="{y + 15}" text-anchor="end">{text}</text>'
            f'<rect x="{label_width}" y="{y + 4}" width="{length}" height="{row - 8}" '
            f'fill="{COLOUR}"/>'
            f'<text x="{label_width + length + 4}" y="{y + 15}">{n}</text>'
        )
    out.append("</svg>")
    return "".join(out)


def columns(labels: Sequence[str], values: Sequence[int], *, width: int = 520) -> str:
    """A column per period (the trend)."""
    if not values:
        return ""
    height, bottom, left = 180, 28, 36
    peak = max(values) or 1
    step = (width - left - 8) / len(values)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="{FONT}" font-size="9">',
        f'<text x="2" y="12">{peak}</text>',
        f'<line x1="{left}" y1="{height - bottom}" x2="{width}" y2="{height - bottom}" '
        'stroke="#888"/>',
    ]
    every = max(1, len(values) // 12)
    for i, (label, n) in enumerate(zip(labels, values, strict=True)):
        h = round((height - bottom - 16) * n / peak)
        x = left + i * step
        out.append(
            f'<rect x="{x + step * 0.15:.1f}" y="{height - bottom - h}" width="{step * 0.7:.1f}" '
            f'height="{h}" fill="{COLOUR}"/>'
        )
        if i % every == 0:
            out.append(f'<text x="{x:.1f}" y="{height - 10}">{escape(label[-5:])}</text>')
    out.append("</svg>")
    return "".join(out)
