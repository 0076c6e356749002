"""Text that reaches outputs: refused at validation or escaped when written."""

from __future__ import annotations

import io
from datetime import date

import attrs
import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pbcheck._text import _UNSAFE, unsafe_character, visible
from pbcheck.errors import PbcheckError, render
from pbcheck.examples.small import simple_rubric, small_report
from pbcheck.model.cycle import AssessmentCycle, Milestone
from pbcheck.model.evaluation import Evaluation, NotApplicable
from pbcheck.model.frequency import Frequency
from pbcheck.model.org import OrgTree, OrgUnit, ResponsiblePerson
from pbcheck.model.rubric_set import RubricSet
from pbcheck.report import to_circular, to_csv, to_html, to_markdown, to_workbook
from pbcheck.report._csv import guard_formula
from pbcheck.report._excel import sheet_name
from pbcheck.report._markdown import escape_md

# One of each kind the rule refuses, with the name it is given.
HOSTILE = [
    ("\x01", "U+0001 (a control character)"),
    ("\x1b", "U+001B (a control character)"),
    ("\n", "U+000A (a control character)"),
    ("\x85", "U+0085 (a control character)"),
    ("\ud800", "U+D800 (a lone surrogate)"),
    ("\u202e", "U+202E (a bidirectional control)"),
    ("\u2067", "U+2067 (a bidirectional control)"),
    ("\u200b", "U+200B (a zero-width character)"),
    ("\ufeff", "U+FEFF (a zero-width character)"),
    ("\u2028", "U+2028 (a line separator)"),
    ("\uffff", "U+FFFF (a noncharacter)"),
    ("\u00ad", "U+00AD (an invisible format character)"),
]


def refusal(build, *args, **kwargs) -> str:
    """Every line of the library error that *build* raises."""
    with pytest.raises(PbcheckError) as caught:
        build(*args, **kwargs)
    return "\n".join(render(caught.value))


class TestRule:
    @pytest.mark.parametrize(("char", "named"), HOSTILE)
    def test_each_kind_is_named_by_its_code_point(self, char, named):
        """Every refused character is found in the middle of a name and named."""
        assert unsafe_character(f"市财政局{char}机关党委") == f"contains {named}"

    def test_every_refused_character_is_unprintable(self):
        """The isprintable() fast path can never let a refused character through."""
        refused_yet_printable = [
            f"U+{code:04X}"
            for code in range(0x110000)
            if _UNSAFE.match(chr(code)) and chr(code).isprintable()
        ]
        assert refused_yet_printable == []

    def test_ordinary_chinese_and_punctuation_pass(self):
        """Names as offices write them (full-width marks, spaces, dashes) pass."""
        for text in (
            "市财政局机关党委",
            "“三会一课”制度落实",
            "2025—2026 年度（试行）",
        ):
            assert unsafe_character(text) is None

    def test_free_text_keeps_line_breaks_and_tabs_only(self):
        """Notes may hold LF, CRLF and tabs, but a lone CR or ESC is refused."""
        assert unsafe_character("一\r\n二\n\t三", line_breaks=True) is None
        assert unsafe_character("一\r二", line_breaks=True) == (
            "contains U+000D (a control character)"
        )
        assert unsafe_character("一\x1b二", line_breaks=True) == (
            "contains U+001B (a control character)"
        )

    @pytest.mark.parametrize(("char", "named"), HOSTILE)
    def test_visible_leaves_nothing_refused(self, char, named):
        """Escaped text holds none of the refused characters and encodes as UTF-8."""
        shown = visible(f"甲{char}乙")
        assert unsafe_character(shown) is None
        shown.encode("utf-8")
        assert f"\\u{ord(char):04x}" in shown


class TestOrg:
    @pytest.mark.parametrize(("char", "named"), HOSTILE)
    def test_unit_name_is_refused_with_the_code_point(self, char, named):
        """A unit name with a hostile character fails with the unit's path."""
        message = refusal(OrgUnit, "czj", f"市财政局{char}", "party_committee")
        assert "unit[czj].name" in message
        assert named in message

    def test_every_text_field_of_a_unit_is_checked(self):
        """Ids, parents, series, liaison groups, groupings and people's titles."""
        bad, named = "甲\u202e乙", "contains U+202E (a bidirectional control)"
        for field in ("parent", "series", "liaison_group"):
            assert named in refusal(OrgUnit, "a", "甲", "branch", **{field: bad})
        assert named in refusal(OrgUnit, bad, "甲", "branch")
        assert named in refusal(OrgUnit, "a", "甲", "branch", groupings={bad: "一片"})
        assert named in refusal(
            OrgUnit, "a", "甲", "branch", groupings={"纪检联系片": bad}
        )
        assert named in refusal(ResponsiblePerson, "周明华", "secretary", title=bad)

    def test_declared_series_are_checked(self):
        """A series the tree declares cannot smuggle a control character either."""
        message = refusal(OrgTree, [OrgUnit("a", "甲", "branch")], series=["党\x01"])
        assert "tree.series: contains U+0001 (a control character)" in message


class TestCycle:
    @pytest.mark.parametrize(
        "zone",
        [
            "localtime",  # this machine's zone: other dates elsewhere
            "Asia",  # a folder of the zone database
            "posixrules",
            "right/UTC",  # a copy that counts leap seconds
            "zone.tab",  # a file of the database that is no zone
            "../etc/localtime",
            "/etc/localtime",
            "Mars/Olympus_Mons",
            "asia/shanghai",
            "Asia/Shanghai\x00",
        ],
    )
    def test_zone_must_be_an_iana_name(self, zone):
        """Anything but an IANA zone name is a library error naming cycle.zone."""
        message = refusal(AssessmentCycle.cross_year, 2025, zone=zone)
        assert "cycle.zone:" in message
        assert "IANA time zone name" in message or "zone database" in message

    @pytest.mark.parametrize("zone", ["Asia/Shanghai", "UTC", "Etc/GMT-8"])
    def test_real_zones_still_pass(self, zone):
        """IANA names, including the Etc/ fixed offsets, are accepted."""
        assert AssessmentCycle.cross_year(2025, zone=zone).zone == zone

    def test_labels_and_milestone_names_are_checked(self):
        """A cycle label or milestone name with a bidi control is refused."""
        assert "cycle.label_zh: contains U+202E" in refusal(
            AssessmentCycle, date(2025, 1, 1), date(2025, 12, 31), label_zh="年\u202e"
        )
        assert "name_zh: contains U+0007" in refusal(
            Milestone, "self_check", "自查\x07", "Self-check", date(2025, 6, 30)
        )


class TestRubricsAndEvaluations:
    def test_indicator_title_is_refused(self):
        """A rubric title with an escape sequence names the code point and path."""
        rubric = simple_rubric()
        message = refusal(attrs.evolve, rubric, title="细则\x1b[2J")
        assert "rubric.title: contains U+001B (a control character)" in message

    def test_rubric_set_title_and_keys_are_refused(self):
        """A rubric set's title and its by_unit keys follow the same rule."""
        rubric = simple_rubric()
        assert "rubric_set.title: contains U+200B" in refusal(
            RubricSet, [rubric], title="分类\u200b考核"
        )
        assert "contains U+0001" in refusal(
            RubricSet, [rubric], by_unit={"a\x01": rubric.id}
        )

    def test_evaluation_ids_and_reasons_are_refused(self):
        """Unit ids, indicator ids and reasons of an evaluation follow the rule."""
        assert "unit_id: contains U+D800 (a lone surrogate)" in refusal(
            Evaluation, "a\ud800"
        )
        assert "reason: contains U+000A (a control character)" in refusal(
            NotApplicable, "i1", "不适用\n一、伪造的段落"
        )

    def test_frequency_activity_is_refused(self):
        """The activity phrase of a frequency rule (it reaches reasons) follows the rule."""
        assert "frequency.activity: contains U+202E" in refusal(
            Frequency, "month", activity="召开\u202e支委会"
        )


class TestOutputs:
    """Text that never went through a constructor is escaped in every output."""

    @pytest.fixture
    def hostile(self):
        report = small_report({"a": 95, "b": 60})
        return attrs.evolve(
            report, title="细则\x01\n一、伪造的段落", issuer="工委\x1b[2J\u202e"
        )

    def test_every_format_is_written_and_holds_no_refused_character(self, hostile):
        """Workbook, HTML, Markdown, CSV and circular all survive; none carries ESC."""
        workbook = openpyxl.load_workbook(io.BytesIO(to_workbook(hostile)))
        assert workbook.properties.title.startswith("细则\\u0001")
        texts = {
            "html": to_html(hostile, charts=False),
            "markdown": to_markdown(hostile),
            "csv": to_csv(hostile),
            "circular": to_circular(hostile, addressee="各党组织\n一、伪造的主送"),
        }
        for kind, text in texts.items():
            for char in "\x01\x1b\u202e":
                assert char not in text, (kind, char)

    def test_no_line_of_the_circular_can_be_forged(self, hostile):
        """A line break inside a title or addressee stays inside its line."""
        text = to_circular(hostile, addressee="各党组织\n一、伪造的主送")
        lines = text.splitlines()
        assert not any(line.startswith("一、伪造") for line in lines)
        assert any("\\u000a一、伪造的主送" in line for line in lines)

    @pytest.mark.parametrize(
        "text",
        [
            "=1+1",
            "\n=1+1",
            " =1",
            "\u3000=1",
            "＝1+1",
            "＋1",
            "－1",
            "＠SUM(A1)",
            "\t1",
        ],
    )
    def test_formula_guard(self, text):
        """Leading LF, white space before =, and full-width ＝＋－＠ are all defused."""
        assert guard_formula(text) == "'" + text

    @pytest.mark.parametrize("text", ["甲", "1-2", "a=b", "（=）"])
    def test_formula_guard_leaves_plain_text(self, text):
        """Text that no spreadsheet would run is written as it is."""
        assert guard_formula(text) == text

    def test_sheet_names_count_utf16_and_avoid_reserved_names(self):
        """Excel's limit is 31 UTF-16 units; History is Excel's own sheet."""
        taken: set[str] = set()
        long = sheet_name("𠀀" * 20 + "甲", taken)  # each 𠀀 is two UTF-16 units
        assert len(long.encode("utf-16-le")) // 2 <= 31
        assert sheet_name("History", taken).casefold() != "history"
        assert "\x01" not in sheet_name("甲\x01乙", taken)

    def test_markdown_escapes_entities_strikes_and_bare_links(self):
        """& (entities), ~ (strike-through) and bare links do not render."""
        assert escape_md("&#x202e;") == "\\&\\#x202e;"
        assert escape_md("~~删~~") == "\\~\\~删\\~\\~"
        assert escape_md("见 https://e.cn 或 www.e.cn") == (
            "见 https\\://e.cn 或 www\\.e.cn"
        )


class TestAnyText:
    """Whatever text comes, it is refused by a library error or written safely."""

    @given(st.text())
    def test_visible_output_is_always_safe(self, text):
        """visible() leaves no refused character and always encodes as UTF-8."""
        shown = visible(text)
        assert unsafe_character(shown) is None
        shown.encode("utf-8")

    @settings(max_examples=25, deadline=None)
    @given(st.text(min_size=1, max_size=12))
    def test_a_series_name_is_refused_or_reaches_every_format(self, name):
        """Any series name: a PbcheckError, or every format written and clean."""
        try:
            report = small_report(
                {"a": 95, "b": 60}, series={name: ["a"], "党群部门": ["b"]}
            )
        except PbcheckError:
            return
        outputs = [
            to_html(report, charts=False),
            to_markdown(report),
            to_csv(report).removeprefix("\ufeff"),  # the byte-order mark Excel needs
            to_circular(report),
        ]
        for text in outputs:
            text.encode("utf-8")
            assert unsafe_character(text, line_breaks=True) is None
        openpyxl.load_workbook(io.BytesIO(to_workbook(report)))
