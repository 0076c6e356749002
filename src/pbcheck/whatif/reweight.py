"""Re-score under other weights (改权重重算（单一方案）): one alternative, exactly.

"What if the split were 60/40 instead of 70/30?"  One alternative weighting
is scored through the whole exact pipeline and compared with today's:

* :func:`reweight` builds a new :class:`~pbcheck.Rubric` with other top-level
  section weights (e.g. 60/40 instead of 70/30).  With ``"points"``
  weighting every section below is rescaled in proportion, so the rubric
  stays valid; the new top-level weights themselves must sum exactly to
  their basis unless ``normalise=True`` is asked for.
* :func:`what_if` re-scores a season under the new weights and
  :func:`compare_outcomes` reports what changed (:class:`WhatIf`): ranks,
  grades, the commendation and bottom lists.

To find the weight at which a result changes, see
:mod:`pbcheck.whatif.sweep`; for many random weightings at once,
:mod:`pbcheck.whatif.simulation`.

>>> from pbcheck.examples.small import org_tree, two_section_example
>>> rubric, evaluations = two_section_example()
>>> tree = org_tree({"政府工作部门": ["a", "b"]})
>>> report = what_if(rubric, evaluations, {"常规": 60, "服务": 40}, tree=tree)
>>> [(c.unit_id, c.before, c.after) for c in report.rank_changes]
[('a', 1, 2), ('b', 2, 1)]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import attrs

from pbcheck._numbers import Exact, to_exact
from pbcheck._numbers import format_exact as _f
from pbcheck.errors import (
    InvalidWeightsError,
    Problem,
    UnknownReferenceError,
    _Problems,
)
from pbcheck.model.cycle import AssessmentCycle
from pbcheck.model.evaluation import Evaluation
from pbcheck.model.org import OrgTree
from pbcheck.model.rubric import Rubric
from pbcheck.outcomes.rating import RatingResult
from pbcheck.outcomes.season import OutcomePolicy, Outcomes, assess_outcomes
from pbcheck.outcomes.selection import AccountabilityRecord
from pbcheck.scoring.engine import score_all
from pbcheck.views import html
from pbcheck.views.frames import (
    DEFAULT_NUMERIC,
    Cells,
    NumericMode,
    check_numeric,
    frame_from_rows,
)
from pbcheck.whatif._common import basis

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "Change",
    "WhatIf",
    "compare_outcomes",
    "reweight",
    "what_if",
]


def reweight(
    rubric: Rubric, weights: Mapping[str, Exact], *, normalise: bool = False
) -> Rubric:
    """A copy of *rubric* with new top-level section weights.

    Args:
        rubric: the rubric to vary.
        weights: top-level section id → new weight, for every top-level
            section.
        normalise: rescale *weights* to their basis first (``6 / 4`` →
            ``60 / 40``); otherwise they must sum to it exactly.

    Raises:
        ValidationError: an unknown or missing section, a weight that is not
            an exact non-negative number, or weights not summing to the basis.

    >>> from pbcheck.examples.small import two_section_example
    >>> rubric, _ = two_section_example()
    >>> [
    ...     s.weight
    ...     for s in reweight(rubric, {"常规": 6, "服务": 4}, normalise=True).sections
    ... ]
    [Fraction(60, 1), Fraction(40, 1)]
    """
    problems = _Problems("invalid weights for what-if")
    known = {section.id for section in rubric.sections}
    new: dict[str, Fraction] = {}
    for section_id, value in weights.items():
        # A key of a mapping: a name step (``weights["常规"]``, ``weights.A``).
        path = ("weights", str(section_id))
        if section_id not in known:
            problems.add(
                UnknownReferenceError(path, section_id, "is not a top-level section")
            )
            continue
        try:
            weight = to_exact(value, path)
        except Problem as problem:
            problems.add(problem)
            continue
        if weight < 0:
            problems.add(InvalidWeightsError(path, value, "must be ≥ 0"))
        new[section_id] = weight
    for section_id in sorted(known - set(weights)):
        problems.add(
            InvalidWeightsError(
                ("weights", section_id),
                None,
                "is missing: give every top-level section",
            )
        )
    problems.raise_if_any()
    total = sum(new.values(), Fraction(0))
    if not normalise and total != basis(rubric):
        problems.add(
            InvalidWeightsError(
                ("weights",),
                {k: _f(v) for k, v in new.items()},
                f"must sum to exactly {_f(basis(rubric))} (they sum to {_f(total)}); "
                "pass normalise=True to rescale them",
            )
        )
    problems.raise_if_any()
    fields: dict[str, Any] = {
        field.name: getattr(rubric, field.name)
        for field in attrs.fields(Rubric)
        if field.init
    }
    fields["sections"] = tuple(
        attrs.evolve(section, weight=new[section.id]) for section in rubric.sections
    )
    return Rubric.normalising(**fields)


@attrs.frozen
class Change:
    """One unit's value before and after (a rank, a grade, a list membership).

    >>> from pbcheck.examples.small import org_tree, two_section_example
    >>> rubric, evaluations = two_section_example()
    >>> tree = org_tree({"政府工作部门": ["a", "b"]})
    >>> report = what_if(rubric, evaluations, {"常规": 60, "服务": 40}, tree=tree)
    >>> report.rank_changes[0]
    Change(unit_id='a', group='政府工作部门', before=1, after=2)
    """

    unit_id: str
    group: str
    before: Any
    after: Any


@attrs.frozen(repr=False)
class WhatIf:
    """Two seasons' outcomes side by side, and what changed between them.

    Args:
        baseline: outcomes under the current rubric.
        alternative: outcomes under the varied rubric.
        rank_changes: units whose rank within their series changed.
        grade_changes: units whose grade changed.
        commended_added: units commended only under the alternative.
        commended_removed: units commended only under the baseline.
        bottom_added: units at the bottom only under the alternative.
        bottom_removed: units at the bottom only under the baseline.

    >>> from pbcheck.examples.small import org_tree, two_section_example
    >>> rubric, evaluations = two_section_example()
    >>> tree = org_tree({"政府工作部门": ["a", "b"]})
    >>> report = what_if(rubric, evaluations, {"常规": 60, "服务": 40}, tree=tree)
    >>> for line in report.lines():
    ...     print(line)
    改权重重算：与基准相比的变化
      排名 政府工作部门 a：第 1 名 → 第 2 名
      排名 政府工作部门 b：第 2 名 → 第 1 名
    ...
    """

    baseline: Outcomes
    alternative: Outcomes
    rank_changes: tuple[Change, ...]
    grade_changes: tuple[Change, ...]
    commended_added: tuple[str, ...]
    commended_removed: tuple[str, ...]
    bottom_added: tuple[str, ...]
    bottom_removed: tuple[str, ...]

    def lines(self) -> list[str]:
        """Plain text: every change, one per line."""
        out = ["改权重重算：与基准相比的变化"]
        out.extend(
            f"  排名 {c.group} {c.unit_id}：第 {c.before} 名 → 第 {c.after} 名"
            for c in self.rank_changes
        )
        out.extend(
            f"  等次 {c.group} {c.unit_id}：{c.before} → {c.after}"
            for c in self.grade_changes
        )
        for label, ids in (
            ("新增表彰", self.commended_added),
            ("不再表彰", self.commended_removed),
            ("新增后位", self.bottom_added),
            ("不再后位", self.bottom_removed),
        ):
            if ids:
                out.append(f"  {label}：{'、'.join(ids)}")
        if len(out) == 1:
            out.append("  无变化")
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines())

    def __repr__(self) -> str:
        """One line of counts (it used to print both seasons' outcomes whole).

        >>> from pbcheck.examples.small import org_tree, two_section_example
        >>> rubric, evaluations = two_section_example()
        >>> tree = org_tree({"政府工作部门": ["a", "b"]})
        >>> what_if(rubric, evaluations, {"常规": 60, "服务": 40}, tree=tree)
        <WhatIf: 名次变化 2 个，等次变化 0 个，表彰 +0/−0，后位 +1/−1>
        """
        return (
            f"<WhatIf: 名次变化 {len(self.rank_changes)} 个，"
            f"等次变化 {len(self.grade_changes)} 个，"
            f"表彰 +{len(self.commended_added)}/−{len(self.commended_removed)}，"
            f"后位 +{len(self.bottom_added)}/−{len(self.bottom_removed)}>"
        )

    def _repr_html_(self) -> str:
        """Every change as a table row (cut when long), escaped."""
        rows: list[list[object]] = [
            ["排名", c.group, c.unit_id, f"第 {c.before} 名", f"第 {c.after} 名"]
            for c in self.rank_changes
        ]
        rows += [
            ["等次", c.group, c.unit_id, c.before, c.after] for c in self.grade_changes
        ]
        for label, ids, before, after in (
            ("表彰", self.commended_added, "", "表彰"),
            ("表彰", self.commended_removed, "表彰", ""),
            ("后位", self.bottom_added, "", "处于后位"),
            ("后位", self.bottom_removed, "处于后位", ""),
        ):
            rows += [[label, "", uid, before, after] for uid in ids]
        return html.titled(
            repr(self)[1:-1],
            html.table(["变化", "系列", "单位", "基准", "改权重后"], rows),
        )

    def to_frame(self, *, numeric: NumericMode = DEFAULT_NUMERIC) -> pd.DataFrame:
        """One row per unit of the baseline: rank, total, grade, lists, then and now.

        Columns as in :func:`~pbcheck.outcomes.season.comparison_frame`
        (``rank_before`` … ``bottom_after``), *before* being the baseline
        and *after* the new weights; ``rank_change`` is positive for a unit
        that moved up.  Needs the ``frames`` extra (pandas).

        >>> from pbcheck.examples.small import org_tree, two_section_example
        >>> rubric, evaluations = two_section_example()
        >>> tree = org_tree({"政府工作部门": ["a", "b"]})
        >>> change = what_if(rubric, evaluations, {"常规": 60, "服务": 40}, tree=tree)
        >>> change.to_frame()[["rank_before", "rank_after", "rank_change"]]
                 rank_before  rank_after  rank_change
        unit_id
        a                  1           2           -1
        b                  2           1            1
        """
        check_numeric(numeric)
        cells = Cells(numeric)
        later = {
            e.unit_id: e for table in self.alternative.rankings.values() for e in table
        }
        rows = []
        for series, table in self.baseline.rankings.items():
            for entry in table:
                uid = entry.unit_id
                other = later.get(uid)
                rows.append(
                    {
                        "unit_id": uid,
                        "series": series,
                        "rank_before": entry.rank,
                        "rank_after": None if other is None else other.rank,
                        "rank_change": None
                        if other is None
                        else entry.rank - other.rank,
                        "total_before": cells.score(entry.total),
                        "total_after": None
                        if other is None
                        else cells.score(other.total),
                        "total_change": None
                        if other is None
                        else cells.score(other.total - entry.total),
                        "grade_before": _grade(self.baseline, uid),
                        "grade_after": _grade(self.alternative, uid),
                        "commended_before": uid in self.baseline.commendation,
                        "commended_after": uid in self.alternative.commendation,
                        "bottom_before": uid in self.baseline.bottom,
                        "bottom_after": uid in self.alternative.bottom,
                    }
                )
        grades = [t.label for t in self.baseline.policy.grading.tiers]
        return frame_from_rows(
            rows,
            list(_FRAME_COLUMNS),
            index="unit_id",
            numeric_columns=("total_before", "total_after", "total_change"),
            numeric=numeric,
            count_columns=("rank_before", "rank_after", "rank_change"),
            label_columns={
                "series": list(self.baseline.rankings),
                "grade_before": grades,
                "grade_after": grades,
            },
        )


_FRAME_COLUMNS = (
    "unit_id",
    "series",
    "rank_before",
    "rank_after",
    "rank_change",
    "total_before",
    "total_after",
    "total_change",
    "grade_before",
    "grade_after",
    "commended_before",
    "commended_after",
    "bottom_before",
    "bottom_after",
)


def _grade(outcomes: Outcomes, unit_id: str) -> str | None:
    try:
        return outcomes.grades.of(unit_id).label
    except KeyError:
        return None


def compare_outcomes(baseline: Outcomes, alternative: Outcomes) -> WhatIf:
    """What changed from *baseline* to *alternative* (same units and tree).

    >>> from pbcheck.outcomes.season import assess_outcomes
    >>> from pbcheck.examples.small import org_tree, scorecards
    >>> tree = org_tree({"党群部门": ["a", "b"]})
    >>> one = assess_outcomes(scorecards({"a": 90, "b": 80}), tree)
    >>> two = assess_outcomes(scorecards({"a": 79, "b": 80}), tree)
    >>> compare_outcomes(one, two).lines()[1:]
    ['  排名 党群部门 a：第 1 名 → 第 2 名', '  排名 党群部门 b：第 2 名 → 第 1 名', '  等次 党群部门 a：好 → 一般', '  新增后位：a', '  不再后位：b']
    """
    before = {e.unit_id: (g, e.rank) for g, t in baseline.rankings.items() for e in t}
    after = {e.unit_id: (g, e.rank) for g, t in alternative.rankings.items() for e in t}
    rank_changes = tuple(
        Change(uid, group, rank, after[uid][1])
        for uid, (group, rank) in before.items()
        if uid in after and after[uid][1] != rank
    )
    grade_changes = []
    for result in baseline.grades:
        try:
            other = alternative.grades.of(result.unit_id)
        except KeyError:
            continue
        if other.label != result.label:
            grade_changes.append(
                Change(result.unit_id, result.group, result.label, other.label)
            )

    def diff(first: tuple[str, ...], second: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(uid for uid in first if uid not in second)

    return WhatIf(
        baseline,
        alternative,
        rank_changes,
        tuple(grade_changes),
        diff(alternative.commendation.unit_ids, baseline.commendation.unit_ids),
        diff(baseline.commendation.unit_ids, alternative.commendation.unit_ids),
        diff(alternative.bottom.unit_ids, baseline.bottom.unit_ids),
        diff(baseline.bottom.unit_ids, alternative.bottom.unit_ids),
    )


def what_if(  # noqa: PLR0913 - every input of the decision is named
    rubric: Rubric,
    evaluations: Iterable[Evaluation],
    weights: Mapping[str, Exact],
    *,
    tree: OrgTree,
    policy: OutcomePolicy | None = None,
    cycle: AssessmentCycle | None = None,
    normalise: bool = False,
    ratings: Mapping[str, RatingResult] | None = None,
    accountability: Iterable[AccountabilityRecord] = (),
) -> WhatIf:
    """Score a season under *rubric* and under new top-level *weights*; compare.

    See :func:`reweight` for *weights* and *normalise*, and
    :func:`~pbcheck.outcomes.season.assess_outcomes` for the other arguments.

    >>> from pbcheck.examples.small import org_tree, two_section_example
    >>> rubric, evaluations = two_section_example()
    >>> tree = org_tree({"政府工作部门": ["a", "b"]})
    >>> what_if(rubric, evaluations, {"常规": 70, "服务": 30}, tree=tree).lines()
    ['改权重重算：与基准相比的变化', '  无变化']
    """
    items = tuple(evaluations)
    records = tuple(accountability)
    varied = reweight(rubric, weights, normalise=normalise)
    outcomes = []
    for current in (rubric, varied):
        cards = score_all(current, items, tree=tree, cycle=cycle)
        outcomes.append(
            assess_outcomes(
                cards,
                tree,
                policy,
                ratings=ratings,
                accountability=records,
                cycle=cycle,
            )
        )
    return compare_outcomes(outcomes[0], outcomes[1])
