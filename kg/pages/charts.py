"""Charts of the graph's figures as one offline page of inline SVG (``aikg charts``).

Pay by role (ranges as bars between their two bounds, medians, percentiles and single
figures as marks), market size over the years, growth and investment figures, and, when a
loaded graph has them, hot technologies. Every figure with a value comes from the
``chart-figures`` query and is drawn exactly once, as one mark (``<g class="figure">``) whose
tooltip (an SVG ``<title>``) gives its label, value, kind, period, region and source. Figures
in different currencies or units are never put on one axis.

The SVG is written here, not by a plotting library: the page needs no script at all (its
Content-Security-Policy allows none), weighs a few tens of kilobytes and is byte-identical
for the same graph (see ``bench/bench_viz.py --charts`` for the measured comparison).

Hot technologies: any catalogue query whose name starts with ``hot-technolog`` is charted,
one bar per row, from its first text column (the label) and first numeric column (the bar).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from markupsafe import Markup, escape

from kg.query import sparql
from kg.errors import KGError
from kg.store.io import atomic_write

PAGE = "charts.html"
WIDTH, LEFT, RIGHT, ROW = 900, 330, 40, 30
FAMILY = "system-ui, -apple-system, 'Segoe UI', sans-serif"


@dataclass
class Figure:
    iri: str
    label: str
    cls: str
    value: float
    kind: str | None = None
    currency: str | None = None
    unit: str | None = None
    percentile: int | None = None
    start: str | None = None
    end: str | None = None
    subject: str | None = None
    subject_label: str | None = None
    range: str | None = None
    range_label: str | None = None
    side: str | None = None
    regions: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    issues: list[str] = field(default_factory=list)

    @property
    def measure(self) -> str:
        """What the axis counts: the currency, else the unit."""
        return self.currency or self.unit or "value"

    def period(self) -> str | None:
        if self.start and self.end and self.start != self.end:
            return f"{self.start} to {self.end}"
        return self.start or self.end

    def tip(self) -> str:
        lines = [self.label, f"{amount(self.value, self.measure)}" + (f" ({self.kind})" if self.kind else "")]
        if self.percentile is not None:
            lines.append(f"percentile {self.percentile}")
        lines.append("period: " + (self.period() or "not given"))
        lines.append("region: " + (", ".join(self.regions) or "not given"))
        if self.sources:
            lines.append("source: " + "; ".join(self.sources))
        lines += [f"note: {issue}" for issue in self.issues]
        return "\n".join(lines)


def figures(g) -> list[Figure]:
    """Every figure with a value, once, from the ``chart-figures`` query."""
    found: dict[str, Figure] = {}
    for row in g.named("chart-figures"):
        iri = row["figure"]
        fig = found.get(iri)
        if fig is None:
            fig = found[iri] = Figure(
                iri, row.get("figureLabel") or sparql.curie(iri),
                row.get("classLabel") or sparql.curie(row["class"]), float(row["value"]),
                row.get("kindLabel"), row.get("currency"), row.get("unit"), row.get("percentile"),
                _text(row.get("periodStart")), _text(row.get("periodEnd")), row.get("subject"),
                row.get("subjectLabel"), row.get("range"), row.get("rangeLabel"), row.get("side"))
        for key, bucket in (("regionLabel", fig.regions), ("sourceLabel", fig.sources),
                            ("issue", fig.issues)):
            if row.get(key) and row[key] not in bucket:
                bucket.append(row[key])
    return [found[k] for k in sorted(found)]


def _text(value) -> str | None:
    return None if value is None else str(value)


_SCALES = [(1e12, "tn"), (1e9, "bn"), (1e6, "m"), (1e3, "k")]


def amount(value: float, measure: str, short: bool = False) -> str:
    """``USD 244,342``, ``USD 65 bn`` (short), ``23 percent``, ``3 multiple``."""
    if short:
        for size, word in _SCALES:
            if abs(value) >= size:
                text = f"{value / size:.3g} {word}"
                break
        else:
            text = f"{value:.3g}"
    else:
        text = f"{value:,.2f}".rstrip("0").rstrip(".")
    if measure == "percent":
        return f"{text} %"
    if measure == "multiple":
        return f"{text}\u00d7"
    return f"{measure} {text}" if measure.isupper() and len(measure) == 3 else f"{text} {measure}"


def _ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round numbers spanning [low, high] (low is usually 0)."""
    span = (high - low) or abs(high) or 1.0
    step = 10 ** math.floor(math.log10(span / count))
    for factor in (1, 2, 2.5, 5, 10):
        if span / (step * factor) <= count:
            step *= factor
            break
    first = math.floor(low / step) * step
    return [first + k * step for k in range(int(math.ceil((high - first) / step)) + 1)]


# -- SVG ------------------------------------------------------------------------------------
def _attrs(attrs: dict) -> str:
    return "".join(f' {k.replace("_", "-")}="{escape(v)}"' for k, v in attrs.items() if v is not None)


def el(tag: str, attrs: dict | None = None, *children) -> Markup:
    """One SVG element; text children are escaped, Markup children kept."""
    inner = "".join(str(c) if isinstance(c, Markup) else str(escape(c)) for c in children)
    return Markup(f"<{tag}{_attrs(attrs or {})}>{inner}</{tag}>")


def _axis(ticks, x_of, top, bottom, measure) -> list[Markup]:
    parts = []
    for t in ticks:
        x = round(x_of(t), 1)
        parts.append(el("line", {"x1": x, "x2": x, "y1": top, "y2": bottom, "class": "grid"}))
        parts.append(el("text", {"x": x, "y": bottom + 16, "text_anchor": "middle", "class": "tick"},
                        amount(t, measure, short=True)))
    return parts


_MARKS = {"median": "diamond", "percentile": "triangle", "average": "square"}


def _mark(fig: Figure, x: float, y: float, colour: str) -> Markup:
    kind = (fig.kind or "").lower()
    shape = next((s for word, s in _MARKS.items() if word in kind), "circle")
    if fig.percentile is not None:
        shape = "triangle"
    if shape == "diamond":
        body = el("path", {"d": f"M{x:.1f},{y - 8:.1f}l8,8l-8,8l-8,-8z", "fill": colour})
    elif shape == "triangle":
        body = el("path", {"d": f"M{x:.1f},{y - 8:.1f}l8,14h-16z", "fill": colour})
    elif shape == "square":
        body = el("rect", {"x": f"{x - 6:.1f}", "y": f"{y - 6:.1f}", "width": 12, "height": 12, "fill": colour})
    else:
        body = el("circle", {"cx": f"{x:.1f}", "cy": f"{y:.1f}", "r": 6, "fill": colour})
    return el("g", {"class": "figure", "data_figure": fig.iri, "data_shape": shape},
              el("title", None, fig.tip()), body)


def dot_chart(title: str, rows: list[tuple[str, list[Figure]]], measure: str, colour: str) -> Markup:
    """One row per label: a range is a bar between its two bound figures; other figures are
    marks. Every figure given is one mark."""
    values = [f.value for _, figs in rows for f in figs]
    high = max(values) * 1.05 if values and max(values) > 0 else 1.0
    ticks = _ticks(0, high)
    high = ticks[-1]
    x_of = lambda v: LEFT + (WIDTH - LEFT - RIGHT) * v / high  # noqa: E731
    top, height = 40, 40 + ROW * len(rows)
    parts = [el("text", {"x": 0, "y": 20, "class": "title"}, title)]
    parts += _axis(ticks, x_of, top - 10, height, measure)
    for k, (label, figs) in enumerate(rows):
        y = top + ROW * k + ROW / 2 - 5
        parts.append(el("text", {"x": LEFT - 12, "y": y + 4, "text_anchor": "end", "class": "label"},
                        _cut(label, 44)))
        if len(figs) == 2 and figs[0].range and figs[0].range == figs[1].range:
            lo, hi = sorted(figs, key=lambda f: f.value)
            parts.append(el("rect", {"x": f"{x_of(lo.value):.1f}", "y": f"{y - 5:.1f}",
                                     "width": f"{max(1.0, x_of(hi.value) - x_of(lo.value)):.1f}",
                                     "height": 10, "fill": colour, "opacity": "0.35", "class": "range"}))
        for fig in figs:
            parts.append(_mark(fig, x_of(fig.value), y, colour))
        last = max(figs, key=lambda f: f.value)
        text = " \u2013 ".join(amount(f.value, measure, short=True) for f in sorted(figs, key=lambda f: f.value))
        parts.append(el("text", {"x": f"{x_of(last.value) + 12:.1f}", "y": y + 4, "class": "value"}, text))
    return el("svg", {"xmlns": "http://www.w3.org/2000/svg", "viewBox": f"0 0 {WIDTH} {height + 24}",
                      "width": WIDTH, "height": height + 24, "role": "img", "aria_label": title},
              *parts)


def year_chart(title: str, figs: list[Figure], measure: str, colour: str) -> Markup:
    """Columns by year (a market size over the years, projections included)."""
    figs = sorted(figs, key=lambda f: (f.start or "", f.iri))
    high = _ticks(0, max(f.value for f in figs) * 1.05)[-1] or 1.0
    plot_top, plot_bottom, left = 40, 260, 90
    pitch = min(140, (WIDTH - left - RIGHT) / max(1, len(figs)))
    y_of = lambda v: plot_bottom - (plot_bottom - plot_top) * v / high  # noqa: E731
    parts = [el("text", {"x": 0, "y": 20, "class": "title"}, title)]
    for t in _ticks(0, high):
        y = round(y_of(t), 1)
        parts.append(el("line", {"x1": left, "x2": WIDTH - RIGHT, "y1": y, "y2": y, "class": "grid"}))
        parts.append(el("text", {"x": left - 8, "y": y + 4, "text_anchor": "end", "class": "tick"},
                        amount(t, measure, short=True)))
    for k, fig in enumerate(figs):
        x = left + pitch * k + pitch * 0.2
        y = y_of(fig.value)
        bar = el("rect", {"x": f"{x:.1f}", "y": f"{y:.1f}", "width": f"{pitch * 0.6:.1f}",
                          "height": f"{plot_bottom - y:.1f}", "fill": colour})
        parts.append(el("g", {"class": "figure", "data_figure": fig.iri, "data_shape": "bar"},
                        el("title", None, fig.tip()), bar))
        parts.append(el("text", {"x": f"{x + pitch * 0.3:.1f}", "y": f"{y - 6:.1f}",
                                 "text_anchor": "middle", "class": "value"},
                        amount(fig.value, measure, short=True)))
        parts.append(el("text", {"x": f"{x + pitch * 0.3:.1f}", "y": plot_bottom + 18,
                                 "text_anchor": "middle", "class": "tick"}, fig.period() or "no year"))
    return el("svg", {"xmlns": "http://www.w3.org/2000/svg", "viewBox": f"0 0 {WIDTH} {plot_bottom + 30}",
                      "width": WIDTH, "height": plot_bottom + 30, "role": "img", "aria_label": title},
              *parts)


def _cut(text: str, chars: int) -> str:
    return text if len(text) <= chars else text[: chars - 1].rstrip() + "\u2026"


# -- the sections ---------------------------------------------------------------------------
PAY_COLOUR, MARKET_COLOUR, TECH_COLOUR = "#1f5fa8", "#e8590c", "#2ca02c"


def _pay_rows(figs: list[Figure]) -> list[tuple[str, list[Figure]]]:
    """Ranges first (one row per range, its two ends), then single figures by value."""
    ranges: dict[str, list[Figure]] = defaultdict(list)
    singles = []
    for fig in figs:
        (ranges[fig.range].append(fig) if fig.range else singles.append(fig))
    rows = []
    for key in sorted(ranges, key=lambda r: (min(f.value for f in ranges[r]), r)):
        members = ranges[key]
        if len(members) == 2:
            rows.append((members[0].range_label or sparql.curie(key), members))
        else:  # a range with one bound in this chart: its figure stands alone
            singles += members
    rows += [(f.label, [f]) for f in sorted(singles, key=lambda f: (f.value, f.iri))]
    return rows


def sections(g, found: list[Figure] | None = None) -> list[dict]:
    """The page's sections: ``{"heading", "note", "charts": [svg, ...]}``, in reading order."""
    found = figures(g) if found is None else found
    pay = [f for f in found if f.subject is not None and f.cls in ("Salary figure", "Compensation share")]
    rest = [f for f in found if f not in pay]
    out = []
    groups: dict[tuple, list[Figure]] = defaultdict(list)
    for fig in pay:
        groups[(fig.subject_label or sparql.curie(fig.subject), fig.measure)].append(fig)
    charts = [dot_chart(f"{who} ({measure})", _pay_rows(groups[(who, measure)]), measure, PAY_COLOUR)
              for who, measure in sorted(groups)]
    if charts:
        out.append({"heading": "Pay and compensation by role", "charts": charts,
                    "note": "Bars are ranges quoted as a pair; \u25c6 median, \u25b2 percentile, "
                            "\u25a0 average, \u25cf other figures. Hover a mark for its period, "
                            "region and source."})
    by_class: dict[tuple, list[Figure]] = defaultdict(list)
    for fig in rest:
        by_class[(fig.cls, fig.measure)].append(fig)
    market = []
    for cls, measure in sorted(by_class):
        figs = by_class[(cls, measure)]
        years = {f.start for f in figs}
        if None not in years and len(years) > 1:
            market.append(year_chart(f"{cls} over the years ({measure})", figs, measure, MARKET_COLOUR))
        else:
            rows = [(f.label, [f]) for f in sorted(figs, key=lambda f: (f.value, f.iri))]
            market.append(dot_chart(f"{cls} ({measure})", rows, measure, MARKET_COLOUR))
    if market:
        out.append({"heading": "Market size, growth and investment", "charts": market,
                    "note": "Figures in different units or currencies are charted apart, never "
                            "converted."})
    tech = hot_technologies(g)
    if tech:
        out.append({"heading": "Hot technologies", "charts": tech,
                    "note": "From the catalogue queries named hot-technolog\u2026 (O*NET data)."})
    return out


def hot_technologies(g) -> list[Markup]:
    """A bar chart per catalogue query named ``hot-technolog*`` that returns rows."""
    from kg.query import catalogue

    charts = []
    known = catalogue.catalogue()
    for name in sorted(n for n in known if n.startswith("hot-technolog")):
        rows = g.named(name)
        if not rows:
            continue
        columns = list(rows[0])
        text = next((c for c in columns if isinstance(rows[0][c], str) and not rows[0][c].startswith("http")), None)
        number = next((c for c in columns if isinstance(rows[0][c], (int, float, Decimal))
                       and not isinstance(rows[0][c], bool)), None)
        if text is None or number is None:
            continue
        bars = [_bar_figure(name, r, text, number, k) for k, r in enumerate(rows[:40])]
        rows_ = [(f.label, [f]) for f in bars]
        charts.append(dot_chart(_cut(known[name].summary, 90), rows_, number, TECH_COLOUR))
    return charts


def _bar_figure(name: str, row: dict, text: str, number: str, k: int) -> Figure:
    return Figure(f"{name}#{k}", str(row[text]), name, float(row[number]), unit=number)


def charts_page(g, out_path: Path) -> Path:
    """Write the charts page; raises :class:`KGError` when the graph has no figures."""
    import jinja2

    figs = figures(g)
    found = sections(g, figs)
    if not found:
        raise KGError("The graph has no figures with a value (ail:value on a ail:MarketStatistic); "
                      "nothing to chart.")
    count = sum(len(s["charts"]) for s in found)
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(Path(__file__).parent.parent / "templates")),
                             autoescape=True, keep_trailing_newline=True, trim_blocks=True,
                             lstrip_blocks=True)
    html = env.get_template("charts.html").render(
        title="Figures of the graph", sections=found,
        subtitle=f"{len(figs)} figures in {count} charts; hover a mark for its details")
    atomic_write(Path(out_path), html.encode("utf-8"))
    return Path(out_path)
