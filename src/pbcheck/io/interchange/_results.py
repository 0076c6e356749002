"""A results document is checked, not trusted: its figures must agree with their parts.

A results document carries scorecards and outcomes already computed, and
``rank`` and ``report`` print them as they are.  A hand-edited or corrupted
file (a total that is not the sum of its parts, rank 0, a unit ranked twice)
would be printed as truth, or crash a later step.  :func:`check_results`
recomputes what can be recomputed from the document itself and refuses every
figure that disagrees, naming its place in the file:

* each scorecard against its embedded rubric: the indicators are the
  rubric's, each within ``[0, max_points]``; each section's children, shares
  and attainment are what the rubric's weights and aggregator give (when no
  indicator of the unit is 合理缺项, whose pro-rata roll-up is the engine's
  business); the base, the bonus and deductions counted, and the total follow
  from them by the rubric's caps, floor and vetoes;
* every ranking (series, liaison groups, groupings, overall) against the
  ranking the document's own policy gives on its scorecards: the same units,
  in the same order, with the same ranks, totals and ties.

The grade, bottom and commendation lists may rest on inputs a results
document does not carry (ratings, accountability records, honours), so they
are checked by the constructor of :class:`~pbcheck.outcomes.season.Results`
only (every unit named is a scored one).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from fractions import Fraction

from pbcheck.errors import (
    MAX_PROBLEMS,
    InvalidValueError,
    PbcheckError,
    Problem,
    Step,
)
from pbcheck.model.aggregation import Aggregator, WeightedSum
from pbcheck.model.rubric import ROOT, Indicator, Rubric, Section
from pbcheck.outcomes.ranking import RankedUnit, Ranking, rank_within
from pbcheck.outcomes.season import Results
from pbcheck.scoring.scorecard import Scorecard

__all__ = ["check_results"]

DocPath = tuple[Step, ...]
#: Each section's aggregator, children and shares, by section id.
Structure = dict[str, tuple[Aggregator, list[str], list[Fraction]]]
# The fields of a ranked unit that must agree with the recomputed ranking.
_ENTRY_FIELDS = (
    "unit_id",
    "rank",
    "position",
    "total",
    "shown",
    "compared",
    "disqualified",
    "tied_with",
)


def _f(value: Fraction) -> str:
    from pbcheck._numbers import format_exact  # noqa: PLC0415 - one formatter

    return format_exact(value)


class _Checker:
    """Collects the disagreements of one results document, up to the limit."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.omitted = 0
        # Each rubric's structure, worked out once per document (by identity:
        # the scorecards of one rubric share the one object).
        self._structures: dict[int, tuple[Rubric, Structure]] = {}

    def structure_of(self, rubric: Rubric) -> Structure:
        """:func:`_structure` of *rubric*, once per rubric of the document."""
        known = self._structures.get(id(rubric))
        if known is None:
            known = (rubric, _structure(rubric))
            self._structures[id(rubric)] = known
        return known[1]

    def add(self, path: DocPath, value: object, message: str) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(InvalidValueError(("$", *path), value, message))
        else:
            self.omitted += 1

    def expect(
        self, path: DocPath, found: Fraction, expected: Fraction, what: str
    ) -> None:
        """A figure that must equal *expected*, as *what* says it is computed."""
        if found != expected:
            self.add(path, _f(found), f"must be {_f(expected)} ({what})")


def _structure(rubric: Rubric) -> Structure:
    """Each section's aggregator, children (sections, then indicators) and shares."""
    out: dict[str, tuple[Aggregator, list[str], list[Fraction]]] = {}

    def weight(child: Section | Indicator) -> Fraction:
        if isinstance(child, Indicator) and child.weight is None:
            return child.max_points
        assert child.weight is not None  # noqa: S101 - a built rubric has it
        return child.weight

    def level(
        node_id: str,
        aggregator: Aggregator,
        sections: tuple[Section, ...],
        indicators: tuple[Indicator, ...],
    ) -> None:
        children: list[Section | Indicator] = [*sections, *indicators]
        weights = [weight(child) for child in children]
        basis = sum(weights, Fraction(0))
        shares = (
            [w / basis for w in weights]
            if basis
            else [Fraction(1, len(children))] * len(children)
        )
        out[node_id] = (aggregator, [child.id for child in children], shares)
        for section in sections:
            level(section.id, section.aggregator, section.sections, section.indicators)

    level(ROOT, rubric.aggregator, rubric.sections, ())
    return out


def _check_card(
    checker: _Checker, path: DocPath, card: Scorecard, rubric: Rubric
) -> None:
    for name, expected in (
        ("total_points", rubric.total_points),
        ("max_total", rubric.max_total),
        ("floor", rubric.floor),
    ):
        checker.expect((*path, name), getattr(card, name), expected, "the rubric's")
    known = {indicator.id: indicator for indicator in rubric.indicators()}
    for indicator_id, score in card.indicators.items():
        here = (*path, "indicators", indicator_id)
        indicator = known.get(indicator_id)
        if indicator is None:
            checker.add(here, indicator_id, "is no indicator of the unit's rubric")
            continue
        checker.expect(
            (*here, "max_points"),
            score.max_points,
            indicator.max_points,
            "the rubric's",
        )
        if not Fraction(0) <= score.points <= score.max_points:
            checker.add(
                (*here, "points"),
                _f(score.points),
                f"must be between 0 and max_points ({_f(score.max_points)})",
            )
    for indicator_id in known:
        if indicator_id not in card.indicators:
            checker.add(
                (*path, "indicators"), indicator_id, "is missing from the scorecard"
            )
    sound = len(checker.problems) + checker.omitted
    bonus_ids = {indicator.id: indicator for indicator in rubric.bonus.indicators}
    for index, score in enumerate(card.bonus):
        indicator = bonus_ids.get(score.indicator_id)
        here = (*path, "bonus", index)
        if indicator is None:
            checker.add(
                (*here, "indicator_id"),
                score.indicator_id,
                "is no bonus indicator of the unit's rubric",
            )
        elif not Fraction(0) <= score.points <= indicator.max_points:
            checker.add(
                (*here, "points"),
                _f(score.points),
                f"must be between 0 and max_points ({_f(indicator.max_points)})",
            )
    if len(checker.problems) + checker.omitted == sound and not any(
        score.not_applicable is not None for score in card.indicators.values()
    ):
        _check_sections(checker, path, card, rubric)
    if ROOT in card.sections:
        checker.expect(
            (*path, "base"),
            card.base,
            card.sections[ROOT].attainment * rubric.total_points,
            "the attainment of the whole × total_points",
        )
    claimed = sum((score.points for score in card.bonus), Fraction(0))
    checker.expect(
        (*path, "bonus_claimed"), card.bonus_claimed, claimed, "the bonus points"
    )
    checker.expect(
        (*path, "bonus_counted"),
        card.bonus_counted,
        min(card.bonus_claimed, rubric.bonus.cap),
        "bonus_claimed, at most the bonus cap",
    )
    deducted = sum((d.counted for d in card.deductions), Fraction(0))
    checker.expect(
        (*path, "deductions_claimed"),
        card.deductions_claimed,
        deducted,
        "the deductions counted",
    )
    cap = rubric.deduction_cap
    checker.expect(
        (*path, "deductions_counted"),
        card.deductions_counted,
        card.deductions_claimed if cap is None else min(card.deductions_claimed, cap),
        "deductions_claimed, at most the deduction cap",
    )
    total = card.base + card.bonus_counted - card.deductions_counted
    total = max(min(total, rubric.max_total), rubric.floor)
    for finding in card.vetoes:
        if finding.cap is not None:
            total = min(total, finding.cap)
    checker.expect(
        (*path, "total"),
        card.total,
        total,
        "base + bonus_counted − deductions_counted, within the floor, the "
        "maximum and any veto cap",
    )


def _combined(
    aggregator: Aggregator, values: Sequence[Fraction], shares: Sequence[Fraction]
) -> Fraction:
    """*aggregator* on *values*; a weighted sum on integers, as the engine does.

    Shares of a built rubric sum to 1, so Σ share × value over one common
    denominator is exactly what :class:`~pbcheck.model.aggregation.WeightedSum`
    gives, without a Fraction per addition.
    """
    if type(aggregator) is not WeightedSum:
        return Fraction(aggregator(values, shares))
    pairs = list(zip(shares, values, strict=True))
    bottom = math.lcm(*(s.denominator * v.denominator for s, v in pairs))
    top = sum(
        s.numerator * v.numerator * (bottom // (s.denominator * v.denominator))
        for s, v in pairs
    )
    return Fraction(top, bottom)


def _check_sections(
    checker: _Checker, path: DocPath, card: Scorecard, rubric: Rubric
) -> None:
    """Each section's children, shares and attainment, from the rubric.

    Each attainment is compared with its aggregator on its children's
    attainments as written; a section whose own children disagree is not
    reported again, so a wrong figure is named where it is, once.
    """
    expected = checker.structure_of(rubric)

    def consistent(section_id: str) -> bool:  # noqa: PLR0911 - one answer per check
        aggregator, children, shares = expected[section_id]
        here = (*path, "sections", section_id)
        score = card.sections.get(section_id)
        if score is None:
            checker.add(
                (*path, "sections"), section_id, "is missing from the scorecard"
            )
            return False
        if list(score.children) != children:
            checker.add(
                (*here, "children"), list(score.children), f"must be {children}"
            )
            return False
        if list(score.shares) != shares:
            checker.add(
                (*here, "shares"),
                [_f(s) for s in score.shares],
                f"must be {[_f(s) for s in shares]} (the rubric's weights)",
            )
            return False
        below = [consistent(child) for child in children if child in expected]
        values: list[Fraction] = []
        for child in children:
            if child in card.sections:
                values.append(card.sections[child].attainment)
            elif child in card.indicators:
                values.append(card.indicators[child].attainment)
            else:  # a missing indicator, reported already
                return False
        try:
            value = _combined(aggregator, values, shares)
        except PbcheckError:  # the engine refused it too; nothing to compare
            return False
        if value == score.attainment:
            return True
        if all(below):
            checker.expect(
                (*here, "attainment"),
                score.attainment,
                value,
                f"{aggregator.name} of its children's attainments",
            )
        return False

    consistent(ROOT)
    for section_id in card.sections:
        if section_id not in expected:
            checker.add(
                (*path, "sections", section_id),
                section_id,
                "is no section of the unit's rubric",
            )


def _rankings(results: Results) -> Iterator[tuple[DocPath, Ranking, str, str | None]]:
    """Every ranking of the outcomes: its path, the table, and how it was grouped."""
    outcomes = results.outcomes
    for name, table in outcomes.rankings.items():
        yield ("outcomes", "rankings", name), table, "series", name
    for name, table in outcomes.liaison_groups.items():
        yield ("outcomes", "liaison_groups", name), table, "liaison_group", name
    for grouping, tables in outcomes.groupings.items():
        for name, table in tables.items():
            yield ("outcomes", "groupings", grouping, name), table, grouping, name
    if outcomes.overall_by_rubric:
        for name, table in outcomes.overall_by_rubric.items():
            yield ("outcomes", "overall_by_rubric", name), table, "all", name
    else:
        yield ("outcomes", "overall"), outcomes.overall, "all", "全部"


def _check_rankings(checker: _Checker, results: Results) -> None:
    policy = results.outcomes.policy.ranking
    computed: dict[str, Mapping[str, Ranking]] = {}
    for path, table, by, name in _rankings(results):
        if by not in computed:
            try:
                computed[by] = rank_within(
                    results.scorecards, results.tree, policy, by=by
                )
            except PbcheckError as error:
                checker.add(path, name, f"cannot be ranked under its policy: {error}")
                computed[by] = {}
                continue
        expected = computed[by].get(name or "")
        if expected is None:
            checker.add(path, name, "is no group the policy ranks the scored units in")
            continue
        _compare(checker, path, table, expected)
    for by, tables in computed.items():
        written = {name for _, _, grouped, name in _rankings(results) if grouped == by}
        for name in tables:
            if name not in written:
                checker.add(
                    ("outcomes",),
                    name,
                    f"misses a ranking: the policy ranks the group {name!r} ({by})",
                )


def _compare(
    checker: _Checker, path: DocPath, table: Ranking, expected: Ranking
) -> None:
    """The entries of *table* against those the policy gives, field by field."""
    given: tuple[RankedUnit, ...] = table.entries
    if len(given) != len(expected.entries):
        checker.add(
            (*path, "entries"),
            len(given),
            f"must rank the {len(expected.entries)} scored units of the group, "
            "each once",
        )
        return
    for index, (entry, right) in enumerate(zip(given, expected.entries, strict=True)):
        for field in _ENTRY_FIELDS:
            found, wanted = getattr(entry, field), getattr(right, field)
            if found != wanted:
                shown = _f(found) if isinstance(found, Fraction) else found
                want = _f(wanted) if isinstance(wanted, Fraction) else wanted
                checker.add(
                    (*path, "entries", index, field),
                    shown,
                    f"must be {want!r} as the scorecards and the ranking policy give",
                )
                break


def check_results(results: Results) -> tuple[list[Problem], int]:
    """Every figure of *results* that disagrees with what it is computed from.

    Returns:
        The problems (document paths, at most
        :data:`~pbcheck.errors.MAX_PROBLEMS`) and how many more were found.
    """
    checker = _Checker()
    for index, card in enumerate(results.scorecards):
        try:
            rubric = results.rubric_of(card.unit_id)
        except Problem:  # pragma: no cover - Results refuses it first
            continue
        _check_card(checker, ("scorecards", index), card, rubric)
    if not checker.problems and not checker.omitted:
        # Ranks are compared on totals the scorecards are now known to support.
        _check_rankings(checker, results)
    return checker.problems, checker.omitted
