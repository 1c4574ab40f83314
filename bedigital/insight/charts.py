"""Charts of the ecosystem report: matplotlib (Agg, no network) to SVG, embedded as data URIs.

Each function takes plain numbers and labels already in the reader's language and returns a
`data:image/svg+xml;base64,…` URI for an <img>; the report prints the figures under each chart.
"""
from __future__ import annotations

import base64
import io
from typing import Sequence

import matplotlib

matplotlib.use("Agg")  # no display, no GUI toolkit: rendering works on a server and in CI

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import patches, ticker  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

# Distinguishable for the common colour-vision deficiencies (Okabe-Ito, then Tableau's muted tones).
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000",
           "#8C564B", "#7F7F7F", "#BCBD22", "#17BECF", "#AEC7E8", "#FFBB78"]
INK, MUTED, GRID = "#1a1a1a", "#4a4a4a", "#d0d0d0"

# The 19 municipalities on a schematic grid (column, row), north at the top: not to scale.
TILES: dict[str, tuple[int, int]] = {
    "ganshoren": (1, 0), "jette": (2, 0), "schaerbeek": (3, 0), "evere": (4, 0),
    "berchem-sainte-agathe": (0, 1), "koekelberg": (1, 1), "brussels": (2, 1), "saint-josse-ten-noode": (3, 1),
    "woluwe-saint-lambert": (4, 1),
    "anderlecht": (0, 2), "molenbeek": (1, 2), "saint-gilles": (2, 2), "etterbeek": (3, 2), "woluwe-saint-pierre": (4, 2),
    "forest": (1, 3), "ixelles": (2, 3), "auderghem": (3, 3),
    "uccle": (1, 4), "watermael-boitsfort": (2, 4),
}

matplotlib.rcParams.update({
    "svg.fonttype": "none",          # text stays text: smaller, selectable, in the page's font
    "svg.hashsalt": "bedigital",     # stable element ids: the same figures give the same file
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.edgecolor": GRID,
    "axes.labelcolor": INK,
    "xtick.color": MUTED,
    "ytick.color": MUTED,
    "axes.spines.top": False,
    "axes.spines.right": False,
})


def _data_uri(fig: Figure) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None, "Creator": "bedigital.brussels"})
    plt.close(fig)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _integer_axis(axis) -> None:
    axis.set_major_locator(ticker.MaxNLocator(integer=True))


def stacked_bars(columns: Sequence[str], series: dict[str, Sequence[int]]) -> str:
    """One bar per column (e.g. month), stacked by series (e.g. theme), with a legend."""
    fig, ax = plt.subplots(figsize=(7.5, 3.6))
    bottom = [0] * len(columns)
    for n, (name, values) in enumerate(series.items()):
        ax.bar(columns, values, bottom=bottom, label=name, color=PALETTE[n % len(PALETTE)], width=0.7)
        bottom = [b + v for b, v in zip(bottom, values)]
    _integer_axis(ax.yaxis)
    ax.grid(axis="y", color=GRID, linewidth=0.5)
    ax.set_axisbelow(True)
    if series:
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False, fontsize=8)
    ax.tick_params(axis="x", labelrotation=45 if len(columns) > 6 else 0)
    return _data_uri(fig)


def trend_lines(columns: Sequence[str], series: dict[str, Sequence[int]]) -> str:
    """One line per series over the columns."""
    fig, ax = plt.subplots(figsize=(7.5, 3.0))
    markers = "osD^v"
    for n, (name, values) in enumerate(series.items()):
        ax.plot(columns, values, label=name, color=PALETTE[n % len(PALETTE)], marker=markers[n % len(markers)], linewidth=2)
    _integer_axis(ax.yaxis)
    ax.set_ylim(bottom=0)
    ax.grid(axis="y", color=GRID, linewidth=0.5)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False, fontsize=8)
    ax.tick_params(axis="x", labelrotation=45 if len(columns) > 6 else 0)
    return _data_uri(fig)


def horizontal_bars(labels: Sequence[str], values: Sequence[float], *, percent: bool = False) -> str:
    """One bar per label, largest first as given, each bar carrying its value."""
    height = max(1.2, 0.32 * len(labels) + 0.6)
    fig, ax = plt.subplots(figsize=(7.5, height))
    positions = list(range(len(labels)))[::-1]
    bars = ax.barh(positions, values, color=PALETTE[0], height=0.65)
    ax.set_yticks(positions, labels=list(labels))
    texts = [f"{v * 100:.0f}%" if percent else f"{v:g}" for v in values]
    ax.bar_label(bars, labels=texts, padding=3, fontsize=8, color=INK)
    ax.set_xlim(0, 1.1 if percent else max([*values, 1]) * 1.15)
    if percent:
        ax.xaxis.set_major_formatter(ticker.PercentFormatter(1.0))
    else:
        _integer_axis(ax.xaxis)
    ax.grid(axis="x", color=GRID, linewidth=0.5)
    ax.set_axisbelow(True)
    return _data_uri(fig)


def tile_map(counts: dict[str, int], names: dict[str, str]) -> str:
    """The municipalities as tiles on a schematic grid, shaded by count, each with its name and count."""
    fig, ax = plt.subplots(figsize=(6.5, 5.2))
    top = max([*counts.values(), 1])
    cmap = matplotlib.colormaps["Blues"]
    for key, (column, row) in TILES.items():
        value = counts.get(key, 0)
        shade = 0.08 + 0.82 * value / top
        ax.add_patch(patches.Rectangle((column, -row), 0.94, 0.94, color=cmap(shade), ec="#ffffff"))
        ink = "#ffffff" if shade > 0.55 else INK
        label = names.get(key, key)
        ax.text(column + 0.47, -row + 0.6, _wrap(label), ha="center", va="center", fontsize=6.5, color=ink)
        ax.text(column + 0.47, -row + 0.22, str(value), ha="center", va="center", fontsize=11, fontweight="bold", color=ink)
    ax.set_xlim(-0.05, 5)
    ax.set_ylim(-4.05, 1)
    ax.set_aspect("equal")
    ax.axis("off")
    return _data_uri(fig)


def _wrap(name: str) -> str:
    """Long municipality names on two lines, cut at a hyphen near the middle."""
    if len(name) <= 12 or "-" not in name:
        return name
    cuts = [i for i, c in enumerate(name) if c == "-"]
    cut = min(cuts, key=lambda i: abs(i - len(name) / 2))
    return name[: cut + 1] + "\n" + name[cut + 1:]
