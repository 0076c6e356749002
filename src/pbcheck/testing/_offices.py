"""Hypothesis strategies for outcomes as offices apply them (issue 14 §2-§4, §9).

Seasons whose totals sit on either side of a rounding boundary (79.996 and
80.004 both show as 80.00), with vetoes, several groupings per unit and
scorecards of several rubrics, some of equal full points and one not.  Every
card is really scored, by a one-indicator rubric of :func:`office_rubric`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from fractions import Fraction

from hypothesis import strategies as st

from pbcheck._numbers import Exact, to_exact
from pbcheck.model.evaluation import Evaluation, Incident, Observation
from pbcheck.model.org import OrgTree, OrgUnit, UnitKind
from pbcheck.model.rubric import Indicator, Rubric, Section, Veto
from pbcheck.model.rules import DirectScore
from pbcheck.scoring.engine import score
from pbcheck.scoring.scorecard import Scorecard

__all__ = ["OFFICE_RUBRICS", "office_rubric", "office_seasons"]

_VETO_DAY = date(2025, 9, 1)

#: Rubric id → full points: two of 100 points (comparable if declared so)
#: and one of 90 (never comparable with them).
OFFICE_RUBRICS: dict[str, int] = {"zf": 100, "cz": 100, "qz": 90}

# Totals (as a share of 100 points) close to the boundaries a published table
# rounds to, so that published and exact ties differ often.
_TOTALS: tuple[Exact, ...] = (
    "59.994",
    "59.995",
    60,
    70,
    "79.996",
    80,
    "80.004",
    "80.005",
    90,
    100,
)


def office_rubric(rubric_id: str, points: int) -> Rubric:
    """A rubric of *points* full points: one direct score ``i``, a veto ``V``.

    >>> office_rubric("qz", 90).max_total
    Fraction(90, 1)
    """
    return Rubric(
        rubric_id,
        "1",
        f"细则 {rubric_id}",
        [
            Section(
                "s",
                "综合",
                points,
                indicators=[Indicator("i", "综合评分", points, DirectScore())],
            )
        ],
        vetoes=[Veto("V", "发生严重违纪违法问题")],
        total_points=points,
    )


@st.composite
def office_seasons(
    draw: st.DrawFn,
    *,
    max_units: int = 10,
    series: Sequence[str] = ("政府工作部门", "党群部门"),
    rubrics: Sequence[str] = ("zf",),
) -> tuple[OrgTree, tuple[Scorecard, ...]]:
    """A tree of units in series and two groupings, and one scorecard each.

    Args:
        draw: hypothesis' draw function (given by ``st.composite``).
        max_units: at most this many units (at least one).
        series: the series units are drawn into.
        rubrics: ids of ``OFFICE_RUBRICS`` the units' rubrics are drawn
            from (one per unit); with one id every card is comparable.

    Every unit is in a 党建联系片; some are in a 纪检联系片.  About one unit
    in five is vetoed (一票否决).

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=3)
    ... @given(office_seasons(rubrics=("zf", "qz")))
    ... def test_one_card_per_unit(season):
    ...     tree, cards = season
    ...     assert len(cards) == len(tree) - 1
    >>> test_one_card_per_unit()
    """
    count = draw(st.integers(1, max_units))
    units = [OrgUnit("root", "机关工委", UnitKind.WORKING_COMMITTEE)]
    cards: list[Scorecard] = []
    for n in range(count):
        unit_id = f"u{n}"
        groupings = {"党建联系片": draw(st.sampled_from(["一片", "二片", "三片"]))}
        if draw(st.booleans()):
            groupings["纪检联系片"] = draw(st.sampled_from(["第一片", "第二片"]))
        units.append(
            OrgUnit(
                unit_id,
                f"单位{unit_id}",
                UnitKind.PARTY_COMMITTEE,
                parent="root",
                series=draw(st.sampled_from(series)),
                groupings=groupings,
            )
        )
        rubric_id = draw(st.sampled_from(rubrics))
        points = OFFICE_RUBRICS[rubric_id]
        share = to_exact(draw(st.sampled_from(_TOTALS)), "total")
        value = share * Fraction(points, 100)
        vetoed = draw(st.integers(0, 4)) == 0
        incidents = [Incident("V", _VETO_DAY)] if vetoed else []
        cards.append(
            score(
                office_rubric(rubric_id, points),
                Evaluation(unit_id, [Observation("i", value)], incidents=incidents),
            )
        )
    return OrgTree(units), tuple(cards)
