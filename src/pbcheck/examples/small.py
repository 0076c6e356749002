"""Small, really scored examples for docs, notebooks and tests.

Where :mod:`pbcheck.examples` holds a whole city's season, these build the
smallest inputs that still go through the real pipeline: a one-indicator
100-point rubric (:func:`simple_rubric`), scorecards with chosen totals
(:func:`scorecards`), a tree by series (:func:`org_tree`), a scored report
(:func:`small_report`) and a 70/30 rubric whose two units swap places when the
weights move (:func:`two_section_example`; as the arrays a weight simulation
reads, :func:`two_section_attainments`), and a 70/30 rubric with an
indicator some units lack (:func:`waiver_rubric`, for 合理缺项).

>>> cards = scorecards({"a": 90, "b": "85.5"}, vetoed={"b"})
>>> [(c.unit_id, c.total, c.disqualified) for c in cards]
[('a', Fraction(90, 1), False), ('b', Fraction(171, 2), True)]
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import date

from pbcheck._numbers import Exact, to_exact
from pbcheck.model.cycle import AssessmentCycle
from pbcheck.model.evaluation import Evaluation, Incident, Observation
from pbcheck.model.org import OrgTree, OrgUnit, UnitKind
from pbcheck.model.rubric import (
    BonusPool,
    Indicator,
    NotApplicablePolicy,
    Rubric,
    Section,
    Veto,
)
from pbcheck.model.rules import DirectScore
from pbcheck.outcomes.season import assess_outcomes
from pbcheck.report import CycleReport
from pbcheck.scoring.engine import score_all
from pbcheck.scoring.scorecard import Scorecard
from pbcheck.whatif.simulation import Attainments

__all__ = [
    "org_tree",
    "scorecards",
    "simple_rubric",
    "small_report",
    "two_section_attainments",
    "two_section_example",
    "waiver_rubric",
]

_VETO_DAY = date(2025, 9, 1)


def simple_rubric() -> Rubric:
    """A 100-point rubric: one direct score ``i``, bonus ``b`` (cap 10), veto ``V``.

    >>> simple_rubric().max_total
    Fraction(100, 1)
    """
    return Rubric(
        "simple",
        "1",
        "示例细则",
        [
            Section(
                "s",
                "综合",
                100,
                indicators=[Indicator("i", "综合评分", 100, DirectScore())],
            )
        ],
        bonus=BonusPool(10, [Indicator("b", "加分", 10, DirectScore())]),
        vetoes=[Veto("V", "发生严重违纪违法问题")],
    )


def scorecards(
    totals: Mapping[str, Exact],
    *,
    vetoed: Collection[str] = (),
    bonus: Mapping[str, Exact] | None = None,
) -> tuple[Scorecard, ...]:
    """Scorecards with the given totals, scored by :func:`simple_rubric`.

    Args:
        totals: unit id → total (0–100); the base is the total less its bonus.
        vetoed: units with a disqualifying veto incident (一票否决).
        bonus: unit id → bonus points (0–10) included in its total.

    >>> [c.base for c in scorecards({"a": 90}, bonus={"a": 5})]
    [Fraction(85, 1)]
    """
    bonus = bonus or {}
    evaluations = []
    for unit_id, total in totals.items():
        extra = to_exact(bonus.get(unit_id, 0), f"bonus[{unit_id}]")
        observations = [Observation("i", to_exact(total, f"totals[{unit_id}]") - extra)]
        if extra:
            observations.append(Observation("b", extra))
        incidents = [Incident("V", _VETO_DAY)] if unit_id in vetoed else []
        evaluations.append(Evaluation(unit_id, observations, incidents=incidents))
    return score_all(simple_rubric(), evaluations)


def org_tree(
    series: Mapping[str, Sequence[str]],
    *,
    liaison_groups: Mapping[str, str] | None = None,
) -> OrgTree:
    """A working committee with one party committee per unit id, by series.

    Args:
        series: series name → unit ids in it.
        liaison_groups: unit id → liaison group (联系片), optional.

    >>> [u.series for u in org_tree({"党群部门": ["a"]}).units]
    [None, '党群部门']
    """
    groups = liaison_groups or {}
    units = [OrgUnit("root", "机关工委", UnitKind.WORKING_COMMITTEE)]
    units += [
        OrgUnit(
            unit_id,
            f"单位{unit_id}",
            UnitKind.PARTY_COMMITTEE,
            parent="root",
            series=name,
            liaison_group=groups.get(unit_id),
        )
        for name, ids in series.items()
        for unit_id in ids
    ]
    return OrgTree(units)


_REPORT_TOTALS: Mapping[str, Exact] = {"a": 95, "b": 88, "c": 80, "d": 75, "e": 60}


def small_report(
    totals: Mapping[str, Exact] | None = None,
    *,
    series: Mapping[str, Sequence[str]] | None = None,
    vetoed: Collection[str] = (),
    year: int = 2025,
) -> CycleReport:
    """A really scored season report: :func:`scorecards` in one tree, default outcomes.

    Args:
        totals: unit id → total; five units ``a``–``e`` by default.
        series: series name → unit ids; all units in ``党群部门`` by default.
        vetoed: units with a disqualifying veto (一票否决).
        year: the first year of the cross-year cycle.

    >>> [line.unit_id for line in small_report({"x": 70, "y": 90}).lines]
    ['y', 'x']
    """
    totals = dict(_REPORT_TOTALS if totals is None else totals)
    tree = org_tree(series or {"党群部门": list(totals)})
    cards = scorecards(totals, vetoed=vetoed)
    cycle = AssessmentCycle.cross_year(year)
    return CycleReport.build(
        cards,
        assess_outcomes(cards, tree, cycle=cycle),
        tree=tree,
        rubric=simple_rubric(),
        cycle=cycle,
    )


def two_section_example() -> tuple[Rubric, tuple[Evaluation, Evaluation]]:
    """A 70/30 rubric (常规工作 / 服务发展) and two units that swap at 65/35.

    Unit ``a`` is stronger in regular work (90% vs 83% attainment), ``b`` in
    serving development (63% vs 50%): ``a`` leads 78 to 77 at 70/30, ``b``
    leads 75 to 74 at 60/40, and they tie at 76 with 65/35.

    >>> rubric, (a, b) = two_section_example()
    >>> [s.weight for s in rubric.sections], a.unit_id, b.unit_id
    ([Fraction(70, 1), Fraction(30, 1)], 'a', 'b')
    """
    rubric = Rubric(
        "whatif-example",
        "1",
        "示例细则（70/30）",
        [
            Section(
                "常规",
                "常规工作",
                70,
                indicators=[Indicator("R", "常规工作评分", 70, DirectScore())],
            ),
            Section(
                "服务",
                "服务发展",
                30,
                indicators=[Indicator("F", "服务发展评分", 30, DirectScore())],
            ),
        ],
    )
    evaluations = (
        Evaluation("a", [Observation("R", 63), Observation("F", 15)]),
        Evaluation("b", [Observation("R", "58.1"), Observation("F", "18.9")]),
    )
    return rubric, evaluations


def two_section_attainments() -> tuple[Rubric, Attainments]:
    """:func:`two_section_example` scored, as the arrays a weight simulation reads.

    Both units are in the series ``政府工作部门``; the columns are the two
    top-level sections' attainments.  Needs the ``bulk`` extra (NumPy).

    >>> rubric, season = two_section_attainments()
    >>> season.unit_ids, season.series
    (('a', 'b'), ('政府工作部门', '政府工作部门'))
    >>> season.columns, season.matrix.tolist()
    (('常规', '服务'), [[0.9, 0.5], [0.83, 0.63]])
    """
    rubric, evaluations = two_section_example()
    tree = org_tree({"政府工作部门": ["a", "b"]})
    return rubric, Attainments.from_scorecards(
        rubric, score_all(rubric, evaluations), tree
    )


def waiver_rubric(
    policy: NotApplicablePolicy | None = None, **waivable: bool
) -> Rubric:
    """常规 70 (A1 基础台账 40, A2 行政审批服务 30) + 服务发展 30 (B1 创业竞赛 30).

    A2 is the indicator a unit without a licensing function lacks (合理缺项);
    *policy* says how that counts, and ``A1=False`` (any id) makes an
    indicator non-waivable.

    >>> from pbcheck import Evaluation, NotApplicable, score
    >>> card = score(
    ...     waiver_rubric(),
    ...     Evaluation(
    ...         "SFJ",
    ...         [Observation("A1", 36), Observation("B1", 27)],
    ...         not_applicable=[NotApplicable("A2", "本单位无行政审批职能")],
    ...     ),
    ... )
    >>> card.total  # (36 + 27) / 70 × 100
    Fraction(90, 1)
    """

    def indicator(id_: str, title: str, points: int) -> Indicator:
        return Indicator(
            id_, title, points, DirectScore(), waivable=waivable.get(id_, True)
        )

    return Rubric(
        "jgdj",
        "2025",
        "市直机关党建工作责任制考核细则",
        [
            Section(
                "A",
                "机关党建常规工作",
                70,
                indicators=[
                    indicator("A1", "基础台账", 40),
                    indicator("A2", "行政审批服务", 30),
                ],
            ),
            Section("B", "服务发展", 30, indicators=[indicator("B1", "创业竞赛", 30)]),
        ],
        not_applicable=policy or NotApplicablePolicy(),
    )
