"""Text that reaches outputs: refused at validation or escaped when written."""

from __future__ import annotations

import pytest

from pbcheck._text import unsafe_character, visible
from pbcheck.errors import PbcheckError, render
from pbcheck.model.org import OrgTree, OrgUnit, ResponsiblePerson

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
