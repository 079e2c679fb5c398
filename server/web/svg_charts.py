"""Server-side SVG bar charts for the auditor's dashboard: no JavaScript, no CDN, printable.

Each chart carries a <title>/<desc> and role="img" with a label; the figures it draws are also in
the table beside it (the accessible and exact form)."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from markupsafe import Markup

WIDTH, HEIGHT, PAD_LEFT, PAD_BOTTOM, PAD_TOP = 720, 220, 48, 28, 10


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    step = 10 ** (len(str(int(value))) - 1)
    return float(((int(value) // step) + 1) * step)


def bar_chart(points: Sequence[tuple[str, float]], label: str, unit: str, *, tick_every: int = 1) -> Markup:
    """Vertical bars, one per point; every ``tick_every``-th label is written under its bar."""
    top = _nice_max(max((v for _, v in points), default=0))
    plot_w, plot_h = WIDTH - PAD_LEFT - 8, HEIGHT - PAD_BOTTOM - PAD_TOP
    step = plot_w / max(1, len(points))
    bar_w = max(1.0, step * 0.8)
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(label)}" '
        f'xmlns="http://www.w3.org/2000/svg" preserveAspectRatio="xMinYMin meet">',
        f"<title>{escape(label)}</title>",
        f'<line x1="{PAD_LEFT}" y1="{PAD_TOP + plot_h}" x2="{WIDTH - 8}" y2="{PAD_TOP + plot_h}" stroke="#505a5f"/>',
        f'<text x="{PAD_LEFT - 6}" y="{PAD_TOP + 10}" text-anchor="end" font-size="11">{top:g}</text>',
        f'<text x="{PAD_LEFT - 6}" y="{PAD_TOP + plot_h}" text-anchor="end" font-size="11">0</text>',
        f'<text x="4" y="{PAD_TOP + plot_h / 2}" font-size="11">{escape(unit)}</text>',
    ]
    for i, (name, value) in enumerate(points):
        h = plot_h * (value / top)
        x = PAD_LEFT + i * step + (step - bar_w) / 2
        parts.append(f'<rect x="{x:.1f}" y="{PAD_TOP + plot_h - h:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                     f'fill="#1d70b8"><title>{escape(name)}: {value:g} {escape(unit)}</title></rect>')
        if i % tick_every == 0:
            parts.append(f'<text x="{x + bar_w / 2:.1f}" y="{HEIGHT - 10}" text-anchor="middle" font-size="11">'
                         f"{escape(name)}</text>")
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 (every interpolated text above is escaped)


def percent_line_chart(points: Sequence[tuple[str, float | None]], label: str, *, tick_every: int = 1) -> Markup:
    """A 0–100 % line, one point per entry; ``None`` (nothing settled that day) breaks the line
    instead of drawing a misleading zero."""
    plot_w, plot_h = WIDTH - PAD_LEFT - 8, HEIGHT - PAD_BOTTOM - PAD_TOP
    step = plot_w / max(1, len(points))
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(label)}" '
        f'xmlns="http://www.w3.org/2000/svg" preserveAspectRatio="xMinYMin meet">',
        f"<title>{escape(label)}</title>",
        f'<line x1="{PAD_LEFT}" y1="{PAD_TOP + plot_h}" x2="{WIDTH - 8}" y2="{PAD_TOP + plot_h}" stroke="#505a5f"/>',
        f'<line x1="{PAD_LEFT}" y1="{PAD_TOP}" x2="{WIDTH - 8}" y2="{PAD_TOP}" stroke="#b1b4b6" '
        'stroke-dasharray="4 3"/>',
        f'<text x="{PAD_LEFT - 6}" y="{PAD_TOP + 10}" text-anchor="end" font-size="11">100</text>',
        f'<text x="{PAD_LEFT - 6}" y="{PAD_TOP + plot_h}" text-anchor="end" font-size="11">0</text>',
        f'<text x="4" y="{PAD_TOP + plot_h / 2}" font-size="11">%</text>',
    ]
    runs: list[list[tuple[float, float]]] = [[]]
    dots: list[str] = []
    for i, (name, value) in enumerate(points):
        x = PAD_LEFT + i * step + step / 2
        if i % tick_every == 0:
            parts.append(f'<text x="{x:.1f}" y="{HEIGHT - 10}" text-anchor="middle" font-size="11">'
                         f"{escape(name)}</text>")
        if value is None:
            runs.append([])
            continue
        y = PAD_TOP + plot_h * (1 - min(max(value, 0.0), 100.0) / 100)
        runs[-1].append((x, y))
        dots.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="#00703c">'
                    f"<title>{escape(name)}: {value:.2f} %</title></circle>")
    for run in runs:
        if len(run) > 1:
            coords = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
            parts.append(f'<polyline points="{coords}" fill="none" stroke="#00703c" stroke-width="2"/>')
    parts.extend(dots)
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 (every interpolated text above is escaped)
