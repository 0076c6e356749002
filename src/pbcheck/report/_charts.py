"""Charts for the HTML report, as deterministic inline SVG (extra ``plots``).

matplotlib is imported only here and only when charts are asked for.  The
figures never touch pyplot's global state, and the SVG is reproducible:
a fixed ``svg.hashsalt`` per chart (so clip-path ids never depend on a
random salt and never collide between two charts of one page), no date
metadata, text kept as ``<text>`` in DejaVu Sans (bundled with matplotlib)
and chart labels in ASCII — series and sections appear as ``S1``, ``P1``…
with their Chinese names in the caption under the chart, because CJK glyphs
are missing from matplotlib's default fonts.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

import attrs

from pbcheck.errors import MissingExtraError
from pbcheck.report._model import CycleReport

if TYPE_CHECKING:
    from matplotlib.figure import Figure

_ASCII_ID = re.compile(r"[A-Za-z0-9_.\-]{1,12}")
#: matplotlib's RDF metadata block: not needed inline, and it names its tools.
_METADATA = re.compile(r"\s*<metadata>.*?</metadata>", re.DOTALL)


@attrs.frozen
class Chart:
    """One chart: a stable name, its SVG text and a caption (Chinese, escaped later)."""

    name: str
    title: str
    svg: str
    caption: str


def _series_labels(report: CycleReport) -> list[tuple[str, str]]:
    return [(f"S{index}", table.series) for index, table in enumerate(report.series, 1)]


def _section_labels(
    report: CycleReport, rubric_id: str | None = None
) -> list[tuple[str, str, str]]:
    """(label, section id, title) of the sections charted: depth 1, else depth 0.

    The sections of *rubric_id*'s units (of the first unit's rubric if
    ``None``): sections of different rubrics are never charted together.
    """
    units = [u for u in report.units if rubric_id in (None, u.line.rubric_id)]
    if not units:
        return []
    sections = units[0].sections
    depth = 1 if any(s.depth == 1 for s in sections) else 0
    chosen = [s for s in sections if s.depth == depth]
    return [
        (
            s.section_id if _ASCII_ID.fullmatch(s.section_id) else f"Q{index}",
            s.section_id,
            s.title,
        )
        for index, s in enumerate(chosen, 1)
    ]


def charts(report: CycleReport) -> tuple[Chart, ...]:
    """Both charts of *report*; :class:`MissingExtraError` without matplotlib."""
    try:
        import matplotlib as mpl  # noqa: PLC0415 - optional extra
        from matplotlib import figure as mpl_figure  # noqa: PLC0415
        from matplotlib.backends.backend_svg import (  # noqa: PLC0415
            FigureCanvasSVG,
        )
    except ImportError:
        raise MissingExtraError("plots", "charts in the HTML report") from None

    def render(name: str, figure: Figure) -> str:
        FigureCanvasSVG(figure)
        buffer = io.BytesIO()
        with mpl.rc_context({"svg.hashsalt": f"pbcheck-{name}"}):
            figure.savefig(
                buffer, format="svg", metadata={"Date": None, "Creator": None}
            )
        text = buffer.getvalue().decode("utf-8")
        text = _METADATA.sub("", text[text.index("<svg") :])
        return text.strip()

    out: list[Chart] = []
    with mpl.rc_context(
        {
            "font.family": "DejaVu Sans",
            "font.size": 9,
            "svg.fonttype": "none",
            "axes.unicode_minus": False,
        }
    ):
        series = _series_labels(report)
        if series and report.units:
            out.append(
                Chart(
                    "score-distribution",
                    "各系列总分分布",
                    render(
                        "score-distribution", _distribution(mpl_figure.Figure, report)
                    ),
                    "；".join(f"{label} = {name}" for label, name in series)
                    + "。每点一个单位，× 为一票否决。",
                )
            )
        # One attainment chart per rubric (分类考核): its units, its sections.
        several = report.several_rubrics
        for index, (rubric_id, rubric_title) in enumerate(
            report.rubric_titles.items() if several else [(None, "")], 1
        ):
            sections = _section_labels(report, rubric_id)
            if not (sections and series):
                continue
            name = f"section-attainment-{index}" if several else "section-attainment"
            out.append(
                Chart(
                    name,
                    f"各部分完成度（%）：{rubric_title}"
                    if several
                    else "各部分完成度（%）",
                    render(
                        name,
                        _attainment(mpl_figure.Figure, report, sections, rubric_id),
                    ),
                    "；".join(f"{label} = {title}" for label, _, title in sections)
                    + "；"
                    + "；".join(f"{label} = {name}" for label, name in series)
                    + "。",
                )
            )
    return tuple(out)


def _distribution(figure_class: type[Figure], report: CycleReport) -> Figure:
    labels = [label for label, _ in _series_labels(report)]
    figure = figure_class(figsize=(1.6 + 1.2 * len(labels), 3.6), layout="constrained")
    axes = figure.add_subplot()
    for column, table in enumerate(report.series):
        values = [float(line.total) for line in table.lines if not line.vetoed]
        vetoed = [float(line.total) for line in table.lines if line.vetoed]
        if values:
            axes.boxplot([values], positions=[column], widths=0.5, showfliers=False)
        offsets = [column + (0.12 if i % 2 else -0.12) for i in range(len(values))]
        axes.scatter(offsets, values, s=10, color="#1f5f99", alpha=0.7, zorder=3)
        if vetoed:
            axes.scatter(
                [column] * len(vetoed),
                vetoed,
                s=30,
                marker="x",
                color="#b22222",
                zorder=4,
            )
    axes.set_xticks(range(len(labels)), labels)
    axes.set_xlim(-0.6, len(labels) - 0.4)
    axes.set_ylabel("total score")
    axes.set_title("Total score by series")
    axes.grid(axis="y", alpha=0.3)
    return figure


def _attainment(
    figure_class: type[Figure],
    report: CycleReport,
    sections: Sequence[tuple[str, str, str]],
    rubric_id: str | None = None,
) -> Figure:
    columns = min(3, len(sections))
    rows = -(-len(sections) // columns)
    labels = [label for label, _ in _series_labels(report)]
    figure = figure_class(figsize=(7.0, 0.4 + 2.2 * rows), layout="constrained")
    grid = figure.subplots(rows, columns, squeeze=False, sharey=True)
    by_unit = {unit.line.unit_id: unit for unit in report.units}
    for index, (label, section_id, _) in enumerate(sections):
        axes = grid[index // columns][index % columns]
        data = []
        for table in report.series:
            values = [
                float(section.attainment) * 100
                for line in table.lines
                if rubric_id in (None, line.rubric_id)
                for section in by_unit[line.unit_id].sections
                if section.section_id == section_id and section.applicable
            ]
            data.append(values or [0.0])
        axes.boxplot(
            data,
            positions=list(range(len(labels))),
            widths=0.5,
            flierprops={"markersize": 3},
        )
        axes.set_xticks(range(len(labels)), labels)
        axes.set_ylim(0, 105)
        axes.set_title(label)
        axes.grid(axis="y", alpha=0.3)
    for index in range(len(sections), rows * columns):
        grid[index // columns][index % columns].set_visible(False)
    figure.suptitle("Section attainment (%) by series")
    return figure
