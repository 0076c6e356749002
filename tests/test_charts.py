"""The public chart API (pbcheck.report.charts): Figures, Chinese labels, the CJK font and its fallback."""

from __future__ import annotations

import re
import warnings
from fractions import Fraction

import pytest

pytest.importorskip("matplotlib")

from matplotlib import font_manager

from pbcheck import AssessmentCycle
from pbcheck.errors import InvalidValueError
from pbcheck.examples.small import small_report
from pbcheck.outcomes.history import CycleResult, History, UnitResult
from pbcheck.report import _charts
from pbcheck.report.charts import (
    CJK_FONTS,
    CjkFontWarning,
    cjk_font,
    distribution_chart,
    ranking_chart,
    section_chart,
    trend_chart,
)

#: Any character of the CJK Unified Ideographs block.
HAN = re.compile(r"[\u4e00-\u9fff]")
SERIES = {"政府工作部门": ["a", "b", "c"], "党群部门": ["d", "e"]}


@pytest.fixture
def report():
    """Two series, one vetoed unit, names 单位a … 单位e."""
    return small_report(
        {"a": 95, "b": 80, "c": 60, "d": 90, "e": 70}, series=SERIES, vetoed=["b"]
    )


@pytest.fixture
def with_font(monkeypatch):
    """Charts believe a CJK font is installed (DejaVu Sans stands in: figures are
    only built, never drawn, so no glyph is looked up)."""
    monkeypatch.setattr(_charts, "cjk_font", lambda candidates=CJK_FONTS: "DejaVu Sans")


@pytest.fixture
def without_font(monkeypatch):
    """Charts believe no CJK font is installed."""
    monkeypatch.setattr(_charts, "cjk_font", lambda candidates=CJK_FONTS: None)


def texts(figure) -> list[str]:
    """Every title, axis label and tick label of *figure*, suptitle included."""
    out = [figure.get_suptitle()] if figure.get_suptitle() else []
    for axes in figure.axes:
        if not axes.get_visible():
            continue
        out += [axes.get_title(), axes.get_xlabel(), axes.get_ylabel()]
        out += [t.get_text() for t in axes.get_xticklabels()]
        out += [t.get_text() for t in axes.get_yticklabels()]
    return [text for text in out if text]


class TestCjkFont:
    @staticmethod
    def fonts(monkeypatch, names):
        """matplotlib's font list holds exactly *names* (and is not refreshed)."""
        entries = [
            font_manager.FontEntry(fname=f"/fonts/{n}.ttc", name=n) for n in names
        ]
        monkeypatch.setattr(font_manager.fontManager, "ttflist", entries)
        monkeypatch.setattr(_charts, "_refreshed", [True])

    def test_the_first_installed_candidate_is_chosen(self, monkeypatch):
        """Of the installed fonts, the earliest in CJK_FONTS wins, whatever the list's order."""
        self.fonts(monkeypatch, ["DejaVu Sans", "SimHei", "Noto Serif CJK SC"])
        assert cjk_font() == "SimHei"
        assert CJK_FONTS.index("SimHei") < CJK_FONTS.index("Noto Serif CJK SC")

    def test_none_when_no_cjk_font(self, monkeypatch):
        """Only Latin fonts installed: None."""
        self.fonts(monkeypatch, ["DejaVu Sans", "DejaVu Serif"])
        assert cjk_font() is None

    def test_candidates_are_the_callers(self, monkeypatch):
        """The caller's candidates replace the defaults, in the caller's order."""
        self.fonts(monkeypatch, ["Noto Sans CJK SC", "WenQuanYi Zen Hei"])
        assert cjk_font(["WenQuanYi Zen Hei", "Noto Sans CJK SC"]) == (
            "WenQuanYi Zen Hei"
        )
        assert cjk_font(["Microsoft YaHei"]) is None

    def test_fonts_installed_after_the_cache_are_found(self, monkeypatch):
        """A cache that predates the font: the system's files are added once, then found."""
        self.fonts(monkeypatch, ["DejaVu Sans"])
        monkeypatch.setattr(_charts, "_refreshed", [])
        added = []

        def addfont(path):
            added.append(path)
            font_manager.fontManager.ttflist.append(
                font_manager.FontEntry(fname=path, name="WenQuanYi Zen Hei")
            )

        monkeypatch.setattr(
            font_manager, "findSystemFonts", lambda: ["/fonts/wqy-zenhei.ttc"]
        )
        monkeypatch.setattr(font_manager.fontManager, "addfont", addfont)
        assert cjk_font() == "WenQuanYi Zen Hei"
        assert cjk_font(["SimHei"]) is None  # the refresh happens once
        assert added == ["/fonts/wqy-zenhei.ttc"]


class TestChineseLabels:
    def test_distribution_names_the_series(self, report, with_font):
        """Series names on the axis, Chinese title and axis label, drawn in the CJK font."""
        figure = distribution_chart(report)
        (axes,) = figure.axes
        assert [t.get_text() for t in axes.get_xticklabels()] == list(SERIES)
        assert axes.get_title() == "各系列总分分布"
        assert axes.get_ylabel() == "总分"
        assert axes.title.get_fontfamily()[0] == "DejaVu Sans"

    def test_sections_are_titled_by_their_names(self, report, with_font):
        """Each panel is a part of the rubric, titled with its Chinese title."""
        figure = section_chart(report)
        titles = {u.title for u in report.units[0].sections if u.depth <= 1}
        shown = {a.get_title() for a in figure.axes if a.get_visible()}
        assert shown <= titles
        assert shown
        assert all(HAN.search(t) for t in shown)
        assert HAN.search(figure.get_suptitle())

    def test_ranking_names_units_in_rank_order(self, report, with_font):
        """One panel per series; bars labelled with rank and unit name, best first."""
        figure = ranking_chart(report)
        assert len(figure.axes) == len(report.series)
        for axes, table in zip(figure.axes, report.series, strict=True):
            assert [t.get_text() for t in axes.get_yticklabels()] == [
                f"{line.rank} {line.name}" for line in table.lines
            ]
            assert table.series in axes.get_title()

    def test_ranking_colours_the_lists(self, report, with_font):
        """A vetoed unit's bar is grey, a commended one green, a bottom one red."""
        figure = ranking_chart(report, series="政府工作部门")
        (axes,) = figure.axes
        table = report.series[0]
        colours = [patch.get_facecolor() for patch in axes.patches]
        by_line = dict(
            zip((line.unit_id for line in table.lines), colours, strict=True)
        )
        from matplotlib.colors import to_rgba

        for line in table.lines:
            expected = (
                _charts._GREY
                if line.vetoed
                else _charts._RED
                if line.at_bottom
                else _charts._GREEN
                if line.commended
                else _charts._BLUE
            )
            assert by_line[line.unit_id] == to_rgba(expected)
        assert any(line.vetoed for line in table.lines)

    def test_trend_names_units_and_cycles(self, with_font):
        """One line per unit, named by *names*; cycles labelled in Chinese."""
        history = History(
            [
                CycleResult(
                    AssessmentCycle.cross_year(year),
                    [
                        UnitResult("a", total=Fraction(a)),
                        UnitResult("b", total=Fraction(b)),
                    ],
                )
                for year, a, b in ((2024, 80, 70), (2025, 90, 60))
            ]
        )
        figure = trend_chart(history, ["a", "b"], names={"a": "单位甲"})
        (axes,) = figure.axes
        assert [line.get_label() for line in axes.get_lines()] == ["单位甲", "b"]
        assert [t.get_text() for t in axes.get_xticklabels()] == [
            "2024—2025年度",
            "2025—2026年度",
        ]
        assert [list(line.get_ydata()) for line in axes.get_lines()] == [
            [80.0, 90.0],
            [70.0, 60.0],
        ]

    def test_no_warning_with_a_font(self, report, with_font):
        """A CJK font installed: nothing warns."""
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            distribution_chart(report)


class TestFallbackWithoutFont:
    def test_warns_naming_what_to_install(self, report, without_font):
        """No CJK font: a CjkFontWarning that names the package to install."""
        with pytest.warns(CjkFontWarning, match="fonts-noto-cjk"):
            distribution_chart(report)

    @pytest.mark.filterwarnings("ignore::pbcheck.report.charts.CjkFontWarning")
    @pytest.mark.parametrize(
        "chart", [distribution_chart, section_chart, ranking_chart]
    )
    def test_labels_stay_ascii(self, report, without_font, chart):
        """Without the font every label is ASCII (codes, ids, English), never 汉字
        that would print as empty boxes."""
        shown = texts(chart(report))
        assert shown
        assert not [text for text in shown if HAN.search(text)]

    @pytest.mark.filterwarnings("ignore::pbcheck.report.charts.CjkFontWarning")
    def test_series_become_codes(self, report, without_font):
        """Series are S1, S2… in the report's order."""
        (axes,) = distribution_chart(report).axes
        assert [t.get_text() for t in axes.get_xticklabels()] == ["S1", "S2"]

    def test_html_charts_say_so_in_the_caption(self, report, without_font):
        """The HTML report's charts do not warn: their caption says the labels are
        codes, maps each code to its name and says what to install."""
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            found = _charts.charts(report)
        first = found[0].caption
        assert "fonts-noto-cjk" in first
        assert "S1 = 政府工作部门" in first
        assert "S2 = 党群部门" in first
        assert not HAN.search(
            "".join(re.findall(r"<text[^>]*>([^<]*)</text>", found[0].svg))
        )


class TestHtmlChartsInChinese:
    @pytest.mark.filterwarnings("ignore:Glyph .* missing from font")
    def test_svg_text_is_chinese_in_the_cjk_font(self, report, with_font):
        """With a font, the SVG's texts hold the series names and name the font."""
        found = _charts.charts(report)
        svg = found[0].svg
        assert all(name in svg for name in SERIES)
        assert "'DejaVu Sans'" in svg  # the stand-in font, first in the family
        assert "fonts-noto-cjk" not in found[0].caption

    @pytest.mark.skipif(cjk_font() is None, reason="no CJK font installed")
    def test_the_installed_font_is_used(self, report):
        """On a machine with a CJK font, the real SVG names that font."""
        svg = _charts.charts(report)[0].svg
        assert f"'{cjk_font()}'" in svg
        assert "政府工作部门" in svg


class TestBadArguments:
    def test_unknown_series(self, report):
        """A series the report lacks is refused, naming it and the series there are."""
        with pytest.raises(
            InvalidValueError, match="series: must be a series"
        ) as error:
            ranking_chart(report, series="垂直管理部门")
        assert "'垂直管理部门'" in str(error.value)
        assert "政府工作部门、党群部门" in str(error.value)

    def test_unknown_rubric(self, report):
        """section_chart of a rubric that assessed no unit is refused, naming it."""
        with pytest.raises(InvalidValueError, match="rubric_id") as error:
            section_chart(report, rubric_id="nope")
        assert "'nope'" in str(error.value)

    def test_trend_units(self):
        """trend_chart needs units, each in some cycle of the history."""
        history = History(
            [CycleResult(AssessmentCycle.cross_year(2025), [UnitResult("a")])]
        )
        with pytest.raises(InvalidValueError, match="units: must name at least one"):
            trend_chart(history, [])
        with pytest.raises(InvalidValueError, match=r"units\[1\]") as error:
            trend_chart(history, ["a", "zz"])
        assert "'zz'" in str(error.value)
