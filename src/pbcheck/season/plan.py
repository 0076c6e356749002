"""What a season runs on (考核方案): rubric, units, cycle, authority, policy.

A :class:`SeasonPlan` is the fixed part of a season; the events
(:mod:`pbcheck.season.events`) are what happens under it.  Construction
checks that the parts belong together — the authority's owners name items of
the rubric, unit actors name assessed units, every assessed unit has a
rubric — and works out once what the ledger looks up on every event (each
unit's rubric, each item's section chain).

>>> from pbcheck.examples.small import org_tree, simple_rubric
>>> from pbcheck.model.cycle import AssessmentCycle
>>> from pbcheck.season.authority import Actor, Authority
>>> plan = SeasonPlan(
...     "2025",
...     "2025年度考核",
...     simple_rubric(),
...     org_tree({"党群部门": ["a", "b"]}),
...     AssessmentCycle.calendar_year(2025),
...     Authority([Actor("kpb", "考核办", "office")]),
... )
>>> plan.unit_ids, plan.publicity_days
(('a', 'b'), 5)
>>> from pbcheck.errors import ValidationError, render
>>> try:
...     SeasonPlan(
...         "2025",
...         "2025年度考核",
...         simple_rubric(),
...         org_tree({"党群部门": ["a"]}),
...         AssessmentCycle.calendar_year(2025),
...         Authority(
...             [Actor("kpb", "考核办", "office"), Actor("jw", "纪工委", "department")],
...             owners={"X9": "jw"},
...         ),
...     )
... except ValidationError as exc:
...     print(render(exc)[1])
  authority.owners.X9: names no indicator, section, deduction or veto item of \
the season's rubric (got 'X9')
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType

import attrs

from pbcheck.errors import (
    InvalidValueError,
    Problem,
    UnknownReferenceError,
    _Problems,
)
from pbcheck.model.cycle import AssessmentCycle
from pbcheck.model.org import OrgTree
from pbcheck.model.rubric import Indicator, Rubric, Section
from pbcheck.model.rubric_set import RubricSet
from pbcheck.model.rules import _is_activity_rule, _is_value_rule
from pbcheck.outcomes.season import OutcomePolicy, assessed_units
from pbcheck.season import _fields
from pbcheck.season.authority import Actor, ActorRole, Authority

__all__ = ["SeasonPlan"]


@attrs.frozen(eq=False)
class _Scope:
    """One rubric as the ledger looks it up: items, their kind and section chain."""

    rubric: Rubric
    # Regular indicators, in rubric order (what a unit must be scored on).
    regular: Mapping[str, Indicator]
    bonus: Mapping[str, Indicator]
    # Deduction and veto items: id → the categories a deduction grades by
    # (None when it grades by none; a veto never does).
    incident_items: Mapping[str, frozenset[str] | None]
    # Item id → (item id, its sections' ids innermost first).
    chains: Mapping[str, tuple[str, ...]]

    @classmethod
    def of(cls, rubric: Rubric) -> _Scope:
        chains: dict[str, tuple[str, ...]] = {}

        def walk(section: Section, outer: tuple[str, ...]) -> None:
            inner = (section.id, *outer)
            chains[section.id] = inner
            for indicator in section.indicators:
                chains[indicator.id] = (indicator.id, *inner)
            for child in section.sections:
                walk(child, inner)

        for section in rubric.sections:
            walk(section, ())
        for indicator in rubric.bonus.indicators:
            chains[indicator.id] = (indicator.id,)
        items: dict[str, frozenset[str] | None] = {}
        for deduction in rubric.deductions:
            by = deduction.by_category
            items[deduction.id] = None if by is None else frozenset(by)
            chains[deduction.id] = (deduction.id,)
        for veto in rubric.vetoes:
            items[veto.id] = None
            chains[veto.id] = (veto.id,)
        return cls(
            rubric,
            {i.id: i for i in rubric.indicators()},
            {i.id: i for i in rubric.bonus.indicators},
            items,
            chains,
        )

    def indicator(self, indicator_id: str) -> Indicator | None:
        """The regular or bonus indicator *indicator_id*, or ``None``."""
        return self.regular.get(indicator_id) or self.bonus.get(indicator_id)

    @staticmethod
    def takes_values(indicator: Indicator) -> bool:
        """Whether observations of *indicator* can be scored (a value rule)."""
        return _is_value_rule(indicator.rule)

    @staticmethod
    def takes_activities(indicator: Indicator) -> bool:
        """Whether activities count toward *indicator* (a frequency rule)."""
        return _is_activity_rule(indicator.rule)


def _unit_ids(value: Iterable[str] | None) -> tuple[str, ...] | None:
    return None if value is None else _fields.texts(value)


@attrs.frozen
class SeasonPlan:
    """The fixed part of a season: what is assessed, on which rules, by whom.

    Args:
        season_id: the season's id (the store's key), e.g. ``2025``.
        title: e.g. ``2025—2026年度市直机关党建工作责任制考核``.
        rubric: the rubric, or a :class:`~pbcheck.RubricSet` (分类考核).
        tree: the org tree; its series and liaison groups rank the units.
        cycle: the assessment cycle; records are dated within it.
        authority: the actors and who owns which part of the rubric.
        policy: the outcome rules; :class:`~pbcheck.OutcomePolicy` defaults
            if ``None``.
        publicity_days: the shortest 公示 window, in working days.  5 is
            pbcheck's default, not a figure any regulation sets; use your
            own rules' number.
        unit_ids: the units assessed, if not every unit of the tree except
            the working committee (机关工委, which assesses and is not
            assessed: :func:`~pbcheck.outcomes.season.assessed_units`).  A
            season of fewer units than that is a partial season: its results
            say so (:attr:`~pbcheck.Outcomes.partial`).

    Raises:
        ValidationError: every problem at once: an owner that names no item
            of the rubric(s), a unit actor that names no assessed unit, an
            assessed unit no rubric of the set reaches, an unknown unit id.

    A season of two of the tree's three units, whose 组织部 owns section A
    and 宣传部 indicator B1:

    >>> from pbcheck.examples.small import org_tree, waiver_rubric
    >>> from pbcheck.model.cycle import AssessmentCycle
    >>> from pbcheck.season.authority import Actor, Authority
    >>> plan = SeasonPlan(
    ...     "2025",
    ...     "2025年度机关党建工作责任制考核",
    ...     waiver_rubric(),
    ...     org_tree({"党群部门": ["a", "b", "c"]}),
    ...     AssessmentCycle.calendar_year(2025),
    ...     Authority(
    ...         [
    ...             Actor("kpb", "机关工委考核办", "office"),
    ...             Actor("zzb", "组织部", "department"),
    ...             Actor("xcb", "宣传部", "department"),
    ...         ],
    ...         owners={"A": "zzb", "B1": "xcb"},
    ...     ),
    ...     unit_ids=["a", "b"],
    ... )
    >>> plan.unit_ids, plan.owner("a", "A2").name, plan.owner("a", "B1").name
    (('a', 'b'), '组织部', '宣传部')
    >>> plan.rubric_of("c")
    Traceback (most recent call last):
        ...
    pbcheck.errors.UnknownReferenceError: unit_id: names no assessed unit of the season (got 'c')
    """

    season_id: str = attrs.field(validator=_fields.text)
    title: str = attrs.field(validator=_fields.free_text)
    rubric: Rubric | RubricSet = attrs.field(
        validator=_fields.instance(Rubric, RubricSet)
    )
    tree: OrgTree = attrs.field(validator=_fields.instance(OrgTree))
    cycle: AssessmentCycle = attrs.field(validator=_fields.instance(AssessmentCycle))
    authority: Authority = attrs.field(validator=_fields.instance(Authority))
    policy: OutcomePolicy | None = attrs.field(
        default=None,
        validator=_fields.optional_instance(OutcomePolicy),
    )
    publicity_days: int = attrs.field(default=5, validator=_fields.whole)
    unit_ids: tuple[str, ...] = attrs.field(
        default=None, converter=_unit_ids, kw_only=True
    )
    _scopes: Mapping[str, _Scope] = attrs.field(
        init=False, eq=False, repr=False, hash=False
    )
    # (rubric, item id) → its owner, worked out once: the ledger asks per row.
    _owned: dict[tuple[int, str], Actor | None] = attrs.field(
        init=False, eq=False, repr=False, hash=False, factory=dict
    )

    def __attrs_post_init__(self) -> None:  # noqa: C901, PLR0912 - every check, gathered
        problems = _Problems("invalid season plan")
        if self.unit_ids is None:
            object.__setattr__(self, "unit_ids", assessed_units(self.tree))
        else:
            for index, unit_id in enumerate(self.unit_ids):
                if unit_id not in self.tree:
                    problems.add(
                        UnknownReferenceError(
                            ("unit_ids", index), unit_id, "names no unit of the tree"
                        )
                    )
        by_rubric: dict[int, _Scope] = {}
        scopes: dict[str, _Scope] = {}
        for unit_id in self.unit_ids:
            if unit_id not in self.tree:
                continue
            rubric = self.rubric
            if isinstance(rubric, RubricSet):
                try:
                    rubric = rubric.rubric_for(
                        unit_id, series=self.tree[unit_id].series
                    )
                except Problem as problem:
                    problems.add(problem.moved(("unit_ids", unit_id)))
                    continue
            if id(rubric) not in by_rubric:
                by_rubric[id(rubric)] = _Scope.of(rubric)
            scopes[unit_id] = by_rubric[id(rubric)]
        object.__setattr__(self, "_scopes", MappingProxyType(scopes))
        known: set[str] = set()
        for scope in by_rubric.values():
            known.update(scope.chains)
        if isinstance(self.rubric, RubricSet):
            for rubric in self.rubric:
                known.update(_Scope.of(rubric).chains)
        for owned in self.authority.owners:
            if owned not in known:
                problems.add(
                    UnknownReferenceError(
                        ("authority", "owners", owned),
                        owned,
                        "names no indicator, section, deduction or veto item "
                        "of the season's rubric",
                    )
                )
        assessed = set(self.unit_ids)
        for index, actor in enumerate(self.authority.actors):
            if actor.role is ActorRole.UNIT and actor.unit_id not in assessed:
                problems.add(
                    UnknownReferenceError(
                        ("authority", "actors", index, "unit_id"),
                        actor.unit_id,
                        "names no assessed unit of the season",
                    )
                )
        if not self.unit_ids:
            problems.add(
                InvalidValueError(("unit_ids",), [], "the season assesses no unit")
            )
        problems.raise_if_any()

    def scope(self, unit_id: str) -> _Scope:
        """The unit's rubric as the ledger looks it up (a ``KeyError`` if unknown)."""
        return self._scopes[unit_id]

    def rubric_of(self, unit_id: str) -> Rubric:
        """The rubric that assesses *unit_id* (its own of a set).

        Raises:
            UnknownReferenceError: *unit_id* is no assessed unit of the season.
        """
        if unit_id not in self._scopes:
            raise UnknownReferenceError(
                ("unit_id",), unit_id, "names no assessed unit of the season"
            )
        return self._scopes[unit_id].rubric

    def owner(self, unit_id: str, item_id: str) -> Actor | None:
        """The department that owns *item_id* of *unit_id*'s rubric, or ``None`` (the office)."""
        scope = self._scopes[unit_id]
        key = (id(scope), item_id)
        if key not in self._owned:
            chain = scope.chains.get(item_id, (item_id,))
            self._owned[key] = self.authority.owner_of(chain)
        return self._owned[key]
