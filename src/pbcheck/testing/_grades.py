"""Hypothesis strategies for grades: policies with gates and overrides, and their inputs.

The seasons come from :func:`pbcheck.testing.seasons` (really scored cards,
ties common, some vetoed); the accountability records and honours name its
units, so that gates and overrides apply to some of them.
"""

from __future__ import annotations

from datetime import date

import attrs
from hypothesis import strategies as st

from pbcheck.model.org import OrgTree
from pbcheck.outcomes.grading import (
    GOOD_LABELS,
    GradeGate,
    GradeOverride,
    GradeTier,
    GradingPolicy,
    Honour,
    HonourLevel,
)
from pbcheck.outcomes.ranking import Quota
from pbcheck.outcomes.selection import AccountabilityKind, AccountabilityRecord
from pbcheck.scoring.scorecard import Scorecard
from pbcheck.testing._outcomes import seasons

__all__ = ["GradeCase", "grade_cases", "grading_policies"]

_DAY = date(2026, 3, 9)


@st.composite
def grading_policies(
    draw: st.DrawFn, *, rules: bool = True, quotas: bool = True
) -> GradingPolicy:
    """好 ≥ 90 / 较好 ≥ 80 / 一般 ≥ 60 / 差, with drawn quotas, basis and rules.

    With *rules*, up to two gates (on 通报批评 or 诫勉, or on a fact
    ``重大事故``) and up to one override (a central or provincial honour, or
    the fact ``特殊贡献``) are drawn, as is ``override_beats_gate``.

    >>> from hypothesis import find
    >>> find(grading_policies(), lambda p: bool(p.gates)).gates[0].key
    'gate0'
    """
    shares = st.sampled_from([None, "0.2", "0.5"]) if quotas else st.none()
    tiers = [
        GradeTier(label, floor, None if share is None else Quota(share=share))
        for label, floor, share in zip(
            GOOD_LABELS[:3],
            (90, 80, 60),
            (draw(shares), draw(shares), None),
            strict=True,
        )
    ]
    tiers.append(GradeTier(GOOD_LABELS[3]))
    gates: list[GradeGate] = []
    overrides: list[GradeOverride] = []
    if rules:
        for index in range(draw(st.integers(0, 2))):
            kinds = draw(
                st.sampled_from(
                    [
                        (AccountabilityKind.CIRCULATED_CRITICISM,),
                        (AccountabilityKind.ADMONISHMENT,),
                        (),
                    ]
                )
            )
            gates.append(
                GradeGate(
                    f"gate{index}",
                    draw(st.sampled_from(GOOD_LABELS[1:])),
                    kinds=kinds,
                    facts=() if kinds else ("重大事故",),
                    basis="受到通报批评的单位不得评为“好”",
                )
            )
        if draw(st.booleans()):
            levels = draw(
                st.sampled_from([(HonourLevel.CENTRAL,), (HonourLevel.PROVINCIAL,), ()])
            )
            overrides.append(
                GradeOverride(
                    "override0",
                    draw(st.sampled_from(GOOD_LABELS)),
                    levels=levels,
                    facts=() if levels else ("特殊贡献",),
                    takes_quota=draw(st.booleans()),
                    basis="获中央表彰的直接评为“好”",
                )
            )
    return GradingPolicy(
        tiers,
        basis=draw(st.sampled_from(["rounded", "exact"])),
        gates=gates,
        overrides=overrides,
        override_beats_gate=draw(st.booleans()),
    )


@attrs.frozen
class GradeCase:
    """A season to grade and every input of :func:`~pbcheck.outcomes.grading.grade`.

    >>> from hypothesis import find
    >>> case = find(grade_cases(), lambda c: bool(c.accountability))
    >>> case.accountability[0].unit_id in {card.unit_id for card in case.cards}
    True
    """

    tree: OrgTree
    cards: tuple[Scorecard, ...]
    policy: GradingPolicy
    accountability: tuple[AccountabilityRecord, ...]
    honours: tuple[Honour, ...]
    facts: dict[str, tuple[str, ...]]


@st.composite
def grade_cases(
    draw: st.DrawFn, *, max_units: int = 8, quotas: bool = True
) -> GradeCase:
    """A season, a policy with gates and overrides, and records that trigger them.

    >>> from hypothesis import given, settings
    >>> from pbcheck.outcomes.grading import grade
    >>> @settings(max_examples=5)
    ... @given(grade_cases())
    ... def test_one_grade_each(case):
    ...     grades = grade(
    ...         case.cards,
    ...         case.policy,
    ...         tree=case.tree,
    ...         accountability=case.accountability,
    ...         honours=case.honours,
    ...         facts=case.facts,
    ...     )
    ...     assert len(grades) == len(case.cards)
    >>> test_one_grade_each()
    """
    tree, cards = draw(seasons(max_units=max_units))
    policy = draw(grading_policies(quotas=quotas))
    ids = [card.unit_id for card in cards]
    some = st.lists(st.sampled_from(ids), unique=True, max_size=len(ids))
    records = tuple(
        AccountabilityRecord(
            unit_id,
            draw(
                st.sampled_from(
                    [
                        AccountabilityKind.CIRCULATED_CRITICISM,
                        AccountabilityKind.ADMONISHMENT,
                        AccountabilityKind.REMINDER,
                    ]
                )
            ),
            _DAY,
        )
        for unit_id in draw(some)
    )
    honours = tuple(
        Honour(
            unit_id,
            draw(st.sampled_from(list(HonourLevel))),
            "先进基层党组织",
            _DAY,
        )
        for unit_id in draw(some)
    )
    facts = {
        unit_id: tuple(draw(st.sets(st.sampled_from(["重大事故", "特殊贡献"]))))
        for unit_id in draw(some)
    }
    return GradeCase(tree, cards, policy, records, honours, facts)
