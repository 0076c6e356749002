"""Charts of a season as matplotlib Figures, and as deterministic inline SVG (extra ``plots``).

matplotlib is imported only here and only when a chart is asked for.  The
figures are :class:`matplotlib.figure.Figure` objects made without pyplot, so
drawing one never touches pyplot's global state or opens a window.

Labels are Chinese — series, section and unit names, titles and axes — drawn
in a CJK font when one is installed (:func:`cjk_font`).  When none is, a
:class:`CjkFontWarning` says what to install and the charts fall back to
ASCII labels (``S1``, ``P1``… with English titles; the HTML caption maps
them to their Chinese names) instead of empty boxes (豆腐块).

The SVG of the HTML report is reproducible: a fixed ``svg.hashsalt`` per chart
(clip-path ids never depend on a random salt and never collide between two
charts of one page), no date metadata, and text kept as ``<text>`` so that
the browser draws it with its own fonts.
"""

from __future__ import annotations

import io
import re
import warnings
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import attrs

from pbcheck.errors import InvalidValueError, MissingExtraError
from pbcheck.report._model import CycleReport, SeriesTable

if TYPE_CHECKING:
    from types import ModuleType

    from matplotlib.figure import Figure

    from pbcheck.outcomes.history import History

__all__ = [
    "CJK_FONTS",
    "Chart",
    "CjkFontWarning",
    "charts",
    "cjk_font",
    "distribution_chart",
    "ranking_chart",
    "section_chart",
    "trend_chart",
]

#: CJK font families tried in order (sans-serif first: charts read best in 黑体).
#: Debian and Ubuntu ship the first as ``fonts-noto-cjk``.
CJK_FONTS: tuple[str, ...] = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
    "Hiragino Sans GB",
    "Heiti SC",
    "STHeiti",
    "Noto Serif CJK SC",
    "Source Han Serif SC",
    "SimSun",
    "Arial Unicode MS",
)

#: What to install when no CJK font is found, for the warning.
_INSTALL = (
    "install one, e.g. `apt-get install fonts-noto-cjk` (Debian/Ubuntu), "
    "`dnf install google-noto-sans-cjk-fonts` (Fedora) or 思源黑体 / "
    "Noto Sans CJK SC on Windows and macOS"
)

_ASCII_ID = re.compile(r"[A-Za-z0-9_.\-]{1,12}")
#: matplotlib's RDF metadata block: not needed inline, and it names its tools.
_METADATA = re.compile(r"\s*<metadata>.*?</metadata>", re.DOTALL)
_BLUE, _GREEN, _RED, _GREY = "#1f5f99", "#2e7d32", "#b22222", "#9e9e9e"


#: The HTML report's note when no CJK font is installed.
_NO_FONT = (
    "（生成报告的计算机未安装中文字体，图中以代码标注；"
    "安装 fonts-noto-cjk 等中文字体后重新生成即显示中文。）"
)


class CjkFontWarning(UserWarning):
    """No CJK font is installed: charts use ASCII labels instead of Chinese ones.

    A warning, not an error: the chart is still drawn, with codes (``S1``,
    ``P1``) where Chinese would turn into empty boxes.  Silence it where that
    is expected:

    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore", CjkFontWarning)
    ...     warnings.warn("no CJK font: install fonts-noto-cjk", CjkFontWarning)
    >>> issubclass(CjkFontWarning, UserWarning)
    True
    """


@attrs.frozen
class Chart:
    """One chart of the HTML report: a stable name, its SVG and a caption (escaped later)."""

    name: str
    title: str
    svg: str
    caption: str


def _matplotlib() -> ModuleType:
    try:
        import matplotlib as mpl  # noqa: PLC0415 - optional extra
    except ImportError:
        raise MissingExtraError("plots", "charts") from None
    return mpl


def cjk_font(candidates: Sequence[str] = CJK_FONTS) -> str | None:
    """The first of *candidates* that matplotlib can draw with, or ``None``.

    Fonts installed after matplotlib built its font cache are found too:
    when the cache knows none of *candidates*, the system's font files are
    added to matplotlib's font list once (as a fresh cache would hold them).

    Raises:
        MissingExtraError: without the ``plots`` extra (matplotlib).

    >>> font = cjk_font()
    >>> font is None or font in CJK_FONTS
    True
    >>> cjk_font(["No Such Font"]) is None
    True
    """
    _matplotlib()
    from matplotlib import font_manager  # noqa: PLC0415 - optional extra

    found = _first(candidates, font_manager.fontManager.ttflist)
    if found is None and _refresh(font_manager):
        found = _first(candidates, font_manager.fontManager.ttflist)
    return found


def _first(candidates: Sequence[str], fonts: Sequence[Any]) -> str | None:
    names = {font.name for font in fonts}
    return next((name for name in candidates if name in names), None)


#: Whether the system's font files were added to matplotlib's list already.
_refreshed: list[bool] = []


def _refresh(font_manager: Any) -> bool:  # noqa: ANN401 - matplotlib's module
    """Add system font files matplotlib's cache does not know; ``True`` if any were."""
    if _refreshed:
        return False
    _refreshed.append(True)
    known = {font.fname for font in font_manager.fontManager.ttflist}
    added = False
    for path in font_manager.findSystemFonts():
        if path not in known:
            try:
                font_manager.fontManager.addfont(path)
            except (OSError, RuntimeError, ValueError):  # a file it cannot read
                continue
            added = True
    return added


@attrs.frozen
class _Labels:
    """The words of the charts: Chinese with a CJK font, ASCII codes without."""

    font: str | None

    @property
    def chinese(self) -> bool:
        return self.font is not None

    def series(self, report: CycleReport) -> list[str]:
        if self.chinese:
            return [table.series for table in report.series]
        return [f"S{index}" for index, _ in enumerate(report.series, 1)]

    def pick(self, chinese: str, ascii_: str) -> str:
        return chinese if self.chinese else ascii_


def _labels(*, warn: bool = True) -> _Labels:
    font = cjk_font()
    if font is None and warn:
        warnings.warn(
            f"no CJK font found ({', '.join(CJK_FONTS[:3])}, …): charts are "
            f"labelled with ASCII codes instead of Chinese; {_INSTALL}",
            CjkFontWarning,
            stacklevel=3,
        )
    return _Labels(font)


@contextmanager
def _style(labels: _Labels) -> Iterator[ModuleType]:
    mpl = _matplotlib()
    family = [labels.font, "DejaVu Sans"] if labels.font else ["DejaVu Sans"]
    with mpl.rc_context(
        {
            "font.family": family,
            "font.size": 9,
            "svg.fonttype": "none",
            "axes.unicode_minus": False,
        }
    ):
        yield mpl


def _figure(**kwargs: Any) -> Figure:  # noqa: ANN401 - Figure's own arguments
    from matplotlib.figure import Figure  # noqa: PLC0415 - optional extra

    return Figure(layout="constrained", **kwargs)


# -- public charts -------------------------------------------------------------


def distribution_chart(report: CycleReport) -> Figure:
    """Totals by series: a box per series and a dot per unit (× for 一票否决).

    Raises:
        MissingExtraError: without the ``plots`` extra (matplotlib).

    >>> from pbcheck.examples.small import small_report
    >>> figure = distribution_chart(small_report())
    >>> type(figure).__name__, len(figure.axes)
    ('Figure', 1)
    """
    labels = _labels()
    with _style(labels):
        return _distribution(report, labels)


def section_chart(report: CycleReport, *, rubric_id: str | None = None) -> Figure:
    """Each part's attainment (完成度, %) by series: one box plot per part.

    The parts are the rubric's sections one level below the top (its top
    sections when it has no deeper ones).  In a season of classified
    assessment (分类考核) *rubric_id* chooses the rubric whose units and
    parts are drawn (the first unit's by default): parts of different
    rubrics are never drawn together.

    Raises:
        InvalidValueError: *rubric_id* assessed no unit of the report.
        MissingExtraError: without the ``plots`` extra (matplotlib).

    >>> from pbcheck.examples.small import small_report
    >>> figure = section_chart(small_report())
    >>> len(figure.axes) >= 1
    True
    """
    if rubric_id is not None and not any(
        unit.line.rubric_id == rubric_id for unit in report.units
    ):
        raise InvalidValueError(
            ("rubric_id",),
            rubric_id,
            "must be the rubric of a unit of the report "
            f"({', '.join(sorted({u.line.rubric_id for u in report.units}))})",
        )
    labels = _labels()
    with _style(labels):
        return _attainment(report, _sections(report, rubric_id), labels, rubric_id)


def ranking_chart(report: CycleReport, *, series: str | None = None) -> Figure:
    """Each unit's total as a bar, in rank order, one panel per series.

    Bars are green for the commendation list (表彰), red for the bottom list
    (后位), grey for a vetoed unit (一票否决) and blue otherwise; unit names
    label them (unit ids without a CJK font).

    Args:
        report: the report.
        series: draw only this series (系列); every series by default.

    Raises:
        InvalidValueError: *series* is not a series of the report.
        MissingExtraError: without the ``plots`` extra (matplotlib).

    >>> from pbcheck.examples.small import small_report
    >>> figure = ranking_chart(small_report(), series="党群部门")
    >>> figure.axes[0].get_yticklabels()[0].get_text() in ("1 单位a", "1 a")
    True
    """
    tables = list(report.series)
    if series is not None:
        tables = [table for table in tables if table.series == series]
        if not tables:
            raise InvalidValueError(
                ("series",),
                series,
                "must be a series of the report "
                f"({'、'.join(t.series for t in report.series)})",
            )
    labels = _labels()
    with _style(labels):
        return _ranking(report, tables, labels)


def trend_chart(
    history: History,
    units: Sequence[str],
    *,
    names: Mapping[str, str] | None = None,
) -> Figure:
    """The totals of *units* cycle by cycle, a line each (points where a total is known).

    Args:
        history: the cycles, oldest first.
        units: the unit ids to draw.
        names: unit id → name for the legend (e.g. ``{u.id: u.name for u in
            tree}``); ids where missing, and always without a CJK font.

    Raises:
        InvalidValueError: *units* is empty, or names a unit no cycle holds.
        MissingExtraError: without the ``plots`` extra (matplotlib).

    >>> from fractions import Fraction
    >>> from pbcheck import AssessmentCycle
    >>> from pbcheck.outcomes.history import CycleResult, History, UnitResult
    >>> history = History(
    ...     [
    ...         CycleResult(AssessmentCycle.cross_year(y), [UnitResult("a", total=t)])
    ...         for y, t in ((2024, Fraction(80)), (2025, Fraction(90)))
    ...     ]
    ... )
    >>> figure = trend_chart(history, ["a"])
    >>> len(figure.axes[0].get_lines())
    1
    """
    known = {unit.unit_id for result in history.results for unit in result.units}
    if not units:
        raise InvalidValueError(("units",), list(units), "must name at least one unit")
    for index, unit_id in enumerate(units):
        if unit_id not in known:
            raise InvalidValueError(
                ("units", index), unit_id, "is in no cycle of the history"
            )
    labels = _labels()
    with _style(labels):
        figure = _figure(figsize=(6.4, 3.6))
        axes = figure.add_subplot()
        cycles = [result.cycle.label_zh for result in history.results]
        ticks = (
            cycles
            if labels.chinese
            else [str(r.cycle.start.year) for r in history.results]
        )
        for unit_id in units:
            points = [
                (x, float(found.total))
                for x, result in enumerate(history.results)
                if (found := result.get(unit_id)) is not None
                and found.total is not None
            ]
            name = (names or {}).get(unit_id, unit_id) if labels.chinese else unit_id
            axes.plot(
                [x for x, _ in points], [y for _, y in points], marker="o", label=name
            )
        axes.set_xticks(range(len(ticks)), ticks)
        axes.set_ylabel(labels.pick("总分", "total score"))
        axes.set_title(labels.pick("历年总分", "Total score by cycle"))
        axes.grid(axis="y", alpha=0.3)
        axes.legend(fontsize=8)
        return figure


# -- the HTML report's charts ---------------------------------------------------


def charts(report: CycleReport) -> tuple[Chart, ...]:
    """The HTML report's charts as SVG; :class:`MissingExtraError` without matplotlib.

    Without a CJK font nothing warns: the first caption says instead that
    the charts use codes, and what to install.
    """
    labels = _labels(warn=False)
    out: list[Chart] = []
    with _style(labels) as mpl:

        def render(name: str, figure: Figure) -> str:
            from matplotlib.backends.backend_svg import (  # noqa: PLC0415
                FigureCanvasSVG,
            )

            FigureCanvasSVG(figure)
            buffer = io.BytesIO()
            with mpl.rc_context({"svg.hashsalt": f"pbcheck-{name}"}):
                figure.savefig(
                    buffer, format="svg", metadata={"Date": None, "Creator": None}
                )
            text = buffer.getvalue().decode("utf-8")
            text = _METADATA.sub("", text[text.index("<svg") :])
            return text.strip()

        codes = _Labels(None).series(report)
        legend = (
            ""
            if labels.chinese
            else "；".join(
                f"{code} = {table.series}"
                for code, table in zip(codes, report.series, strict=True)
            )
            + "。"
        )
        if report.series and report.units:
            out.append(
                Chart(
                    "score-distribution",
                    "各系列总分分布",
                    render("score-distribution", _distribution(report, labels)),
                    ("" if labels.chinese else _NO_FONT)
                    + legend
                    + "每点一个单位，× 为一票否决。",
                )
            )
        # One attainment chart per rubric (分类考核): its units, its sections.
        several = report.several_rubrics
        for index, (rubric_id, rubric_title) in enumerate(
            report.rubric_titles.items() if several else [(None, "")], 1
        ):
            sections = _sections(report, rubric_id)
            if not (sections and report.series):
                continue
            name = f"section-attainment-{index}" if several else "section-attainment"
            parts = (
                ""
                if labels.chinese
                else "；".join(f"{code} = {title}" for code, _, title in sections)
                + "；"
            )
            out.append(
                Chart(
                    name,
                    f"各部分完成度（%）：{rubric_title}"
                    if several
                    else "各部分完成度（%）",
                    render(name, _attainment(report, sections, labels, rubric_id)),
                    parts + legend
                    if not labels.chinese
                    else "每个箱体为一个系列的单位。",
                )
            )
    return tuple(out)


# -- drawing ----------------------------------------------------------------------


def _sections(
    report: CycleReport, rubric_id: str | None = None
) -> list[tuple[str, str, str]]:
    """(code, section id, title) of the sections charted: depth 1, else depth 0.

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


def _distribution(report: CycleReport, labels: _Labels) -> Figure:
    names = labels.series(report)
    figure = _figure(figsize=(1.6 + 1.2 * max(len(names), 1), 3.6))
    axes = figure.add_subplot()
    for column, table in enumerate(report.series):
        values = [float(line.total) for line in table.lines if not line.vetoed]
        vetoed = [float(line.total) for line in table.lines if line.vetoed]
        if values:
            axes.boxplot([values], positions=[column], widths=0.5, showfliers=False)
        offsets = [column + (0.12 if i % 2 else -0.12) for i in range(len(values))]
        axes.scatter(offsets, values, s=10, color=_BLUE, alpha=0.7, zorder=3)
        if vetoed:
            axes.scatter(
                [column] * len(vetoed), vetoed, s=30, marker="x", color=_RED, zorder=4
            )
    axes.set_xticks(range(len(names)), names)
    axes.set_xlim(-0.6, len(names) - 0.4)
    axes.set_ylabel(labels.pick("总分", "total score"))
    axes.set_title(labels.pick("各系列总分分布", "Total score by series"))
    axes.grid(axis="y", alpha=0.3)
    return figure


def _attainment(
    report: CycleReport,
    sections: Sequence[tuple[str, str, str]],
    labels: _Labels,
    rubric_id: str | None = None,
) -> Figure:
    columns = max(1, min(3, len(sections)))
    rows = max(1, -(-len(sections) // columns))
    names = labels.series(report)
    figure = _figure(figsize=(7.0, 0.4 + 2.2 * rows))
    grid = figure.subplots(rows, columns, squeeze=False, sharey=True)
    by_unit = {unit.line.unit_id: unit for unit in report.units}
    for index, (code, section_id, title) in enumerate(sections):
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
            positions=list(range(len(names))),
            widths=0.5,
            flierprops={"markersize": 3},
        )
        axes.set_xticks(range(len(names)), names, fontsize=7 if labels.chinese else 9)
        axes.set_ylim(0, 105)
        axes.set_title(labels.pick(title, code))
        axes.grid(axis="y", alpha=0.3)
    for index in range(len(sections), rows * columns):
        grid[index // columns][index % columns].set_visible(False)
    figure.suptitle(
        labels.pick("各部分完成度（%，按系列）", "Section attainment (%) by series")
    )
    return figure


def _ranking(
    report: CycleReport, tables: Sequence[SeriesTable], labels: _Labels
) -> Figure:
    heights = [max(len(table.lines), 1) for table in tables]
    figure = _figure(figsize=(7.0, 0.8 * len(tables) + 0.22 * sum(heights)))
    grid = figure.subplots(
        len(tables), 1, squeeze=False, gridspec_kw={"height_ratios": heights}
    )
    top = max((float(u.max_total) for u in report.units), default=100.0)
    for (axes,), table in zip(grid, tables, strict=True):
        lines = table.lines
        colours = [
            _GREY
            if line.vetoed
            else _RED
            if line.at_bottom
            else _GREEN
            if line.commended
            else _BLUE
            for line in lines
        ]
        positions = list(range(len(lines)))
        axes.barh(positions, [float(line.total) for line in lines], color=colours)
        axes.set_yticks(
            positions,
            [
                f"{line.rank} {line.name if labels.chinese else line.unit_id}"
                for line in lines
            ],
            fontsize=7,
        )
        axes.invert_yaxis()
        axes.set_xlim(0, top)
        axes.set_title(
            labels.pick(
                f"{table.series}：总分与名次", f"S{report.series.index(table) + 1}"
            )
        )
        axes.grid(axis="x", alpha=0.3)
    grid[-1][0].set_xlabel(
        labels.pick("总分（绿：表彰；红：后位；灰：一票否决）", "total score")
    )
    return figure
