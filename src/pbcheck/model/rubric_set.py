"""Several rubrics in one season (分类考核): common and series-specific indicators.

Units of different series are often assessed on a common part (共性指标) plus
indicators of their own (个性指标): a 党群 series without the 行政审批 items, a
垂直管理 series with its own vertical-management section, and a
service-development block (服务发展) that is each unit's own by nature.  A
:class:`RubricSet` holds the season's rubrics and says which one assesses each
unit:

* ``by_unit`` — a rubric for named units (checked first);
* ``by_series`` — a rubric for each series (系列) of the org tree;
* ``default`` — the rubric of every other unit (optional: without it, a unit
  no rule reaches is an error naming it).

Common sections are shared by reference: build them once and put the same
:class:`~pbcheck.model.rubric.Section` in each rubric.  Every rubric is
checked to sum exactly on its own.  A template rubric may leave a slot
(``Section(..., individual=True)``) that ``individual`` fills per unit with that
unit's indicators, summing exactly to the slot's weight; the filled rubric keeps
the template's id and version, so those units are still ranked together.
Units assessed by different rubrics are never ranked against each other unless
an outcome policy declares the rubrics comparable.

>>> from pbcheck.model.rubric import Indicator, Rubric, Section
>>> from pbcheck.model.rules import DirectScore, PassFail
>>> common = Section(
...     "A",
...     "机关党建常规工作",
...     70,
...     indicators=[Indicator("A1", "“三会一课”制度落实", 70, DirectScore())],
... )
>>> government = Rubric(
...     "jgdj-zf",
...     "2025",
...     "政府工作部门考核细则",
...     [
...         common,
...         Section(
...             "B",
...             "服务发展",
...             30,
...             indicators=[Indicator("B1", "优化营商环境", 30, DirectScore())],
...         ),
...     ],
... )
>>> party = Rubric(
...     "jgdj-qt",
...     "2025",
...     "党群部门考核细则",
...     [common, Section("B", "服务发展", 30, individual=True)],
... )
>>> season = RubricSet(
...     [government, party],
...     by_series={"政府工作部门": "jgdj-zf", "党群部门": "jgdj-qt"},
...     individual={
...         "swzzb": {"B": [Indicator("B-zzb", "基层党建示范点建设", 30, PassFail())]}
...     },
... )
>>> season.rubric_for("fgw", series="政府工作部门").id
'jgdj-zf'
>>> [i.id for i in season.rubric_for("swzzb", series="党群部门").indicators()]
['A1', 'B-zzb']
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence

import attrs

from pbcheck._numbers import RoundingPolicy
from pbcheck._text import unsafe_character
from pbcheck.errors import (
    DuplicateIdError,
    Id,
    InvalidTypeError,
    InvalidValueError,
    Problem,
    UnknownReferenceError,
    ValidationError,
    _Problems,
)
from pbcheck.model.rubric import Indicator, Rubric

__all__ = ["RubricSet"]


def _rubrics(value: Iterable[Rubric]) -> tuple[Rubric, ...]:
    return tuple(value)


def _names(value: Mapping[str, str]) -> dict[str, str]:
    return dict(value)


def _individual(
    value: Mapping[str, Mapping[str, Sequence[Indicator]]],
) -> dict[str, dict[str, tuple[Indicator, ...]]]:
    return {
        unit: {slot: tuple(indicators) for slot, indicators in slots.items()}
        for unit, slots in dict(value).items()
    }


@attrs.frozen
class RubricSet:
    """The season's rubrics and which one assesses each unit (分类考核).

    Args:
        rubrics: the rubrics, each with a distinct id.
        by_series: series name → rubric id.
        by_unit: unit id → rubric id; wins over ``by_series``.
        default: the rubric id of every unit no other rule reaches.
        individual: unit id → slot id → that unit's own indicators (个性指标),
            filling the slot of the unit's rubric.
        title: the season's rubrics as one document names them; by default
            the rubrics' titles joined.
        version: by default the rubrics' common version (or theirs joined).

    Every rubric of a set must show totals by the same
    :class:`~pbcheck.RoundingPolicy` (:attr:`rounding`): published totals of
    different series are read side by side.

    Raises:
        ValidationError: repeated rubric ids; a rule naming no rubric of the
            set; a unit's individual indicators for a rubric without that
            slot, or not summing to the slot's weight.  Each problem names the
            series or unit and the rubric.

    A rule naming no rubric is caught with every other problem:

    >>> from pbcheck.examples.small import simple_rubric
    >>> RubricSet([simple_rubric()], by_series={"党群部门": "jgdj-qt"})
    Traceback (most recent call last):
    ...
    pbcheck.errors.ValidationError: invalid rubric set: 1 problem
      rubric_set.by_series["党群部门"]: names no rubric of the set (rubrics: simple) (got 'jgdj-qt')
    """

    rubrics: tuple[Rubric, ...] = attrs.field(converter=_rubrics)
    by_series: Mapping[str, str] = attrs.field(factory=dict, converter=_names)
    by_unit: Mapping[str, str] = attrs.field(factory=dict, converter=_names)
    default: str | None = None
    individual: Mapping[str, Mapping[str, tuple[Indicator, ...]]] = attrs.field(
        factory=dict, converter=_individual
    )
    title: str = ""
    version: str = ""
    _by_id: Mapping[str, Rubric] = attrs.field(
        init=False, repr=False, eq=False, alias="_by_id"
    )
    _filled: Mapping[str, Rubric] = attrs.field(
        init=False, repr=False, eq=False, alias="_filled"
    )

    def __attrs_post_init__(self) -> None:
        problems = _Problems("invalid rubric set")
        by_id = self._check_rubrics(problems)
        self._check_rules(problems, by_id)
        filled = self._fill(problems, by_id)
        problems.raise_if_any()
        if not self.title:
            object.__setattr__(self, "title", "、".join(r.title for r in self.rubrics))
        if not self.version:
            versions = dict.fromkeys(r.version for r in self.rubrics)
            object.__setattr__(self, "version", "、".join(versions))
        object.__setattr__(self, "_by_id", by_id)
        object.__setattr__(self, "_filled", filled)

    def _check_rubrics(self, problems: _Problems) -> dict[str, Rubric]:
        """The rubrics by id; repeated ids, foreign objects and roundings reported."""
        by_id: dict[str, Rubric] = {}
        for index, rubric in enumerate(self.rubrics):
            if not isinstance(rubric, Rubric):
                problems.add(
                    InvalidTypeError(
                        ("rubric_set", "rubrics", index), rubric, "must be a Rubric"
                    )
                )
            elif rubric.id in by_id:
                problems.add(
                    DuplicateIdError(
                        ("rubric_set", "rubrics", index, "id"),
                        rubric.id,
                        "is used by two rubrics of the set",
                    )
                )
            else:
                by_id[rubric.id] = rubric
        if not self.rubrics:
            problems.add(
                InvalidValueError(("rubric_set", "rubrics"), [], "must not be empty")
            )
        if len({rubric.rounding for rubric in by_id.values()}) > 1:
            problems.add(
                InvalidValueError(
                    ("rubric_set", "rubrics"),
                    {r.id: str(r.rounding) for r in by_id.values()},
                    "must all show totals by the same rounding policy",
                )
            )
        for name in ("title", "version"):
            value = getattr(self, name)
            if not isinstance(value, str):
                problems.add(
                    InvalidTypeError(("rubric_set", name), value, "must be a string")
                )
            elif (why := unsafe_character(value)) is not None:
                problems.add(InvalidValueError(("rubric_set", name), value, why))
        return by_id

    def _check_rules(self, problems: _Problems, by_id: Mapping[str, Rubric]) -> None:
        """Every rule of assignment names a rubric of the set."""
        known = ", ".join(by_id) or "none"
        # Series names and unit ids are keys here: they reach reports too.
        for name, keys in (
            ("by_series", self.by_series),
            ("by_unit", self.by_unit),
            ("individual", self.individual),
        ):
            for key in keys:
                if isinstance(key, str) and (why := unsafe_character(key)):
                    problems.add(InvalidValueError(("rubric_set", name, key), key, why))
        rules: list[tuple[tuple[str, ...], str]] = [
            (("rubric_set", "by_series", name), rubric_id)
            for name, rubric_id in self.by_series.items()
        ]
        rules += [
            (("rubric_set", "by_unit", unit), rubric_id)
            for unit, rubric_id in self.by_unit.items()
        ]
        if self.default is not None:
            rules.append((("rubric_set", "default"), self.default))
        for path, rubric_id in rules:
            if rubric_id not in by_id:
                problems.add(
                    UnknownReferenceError(
                        path,
                        rubric_id,
                        f"names no rubric of the set (rubrics: {known})",
                    )
                )

    def _fill(
        self, problems: _Problems, by_id: Mapping[str, Rubric]
    ) -> dict[str, Rubric]:
        """Each unit's rubric with its own indicators in the slots (个性指标)."""
        filled: dict[str, Rubric] = {}
        for unit, slots in self.individual.items():
            here = ("rubric_set", "individual", Id(unit))
            named = self.by_unit.get(unit)
            candidates = (
                [by_id[named]]
                if named is not None and named in by_id
                else [r for r in by_id.values() if r.slots]
            )
            fits = [r for r in candidates if {s.id for s in r.slots} == set(slots)]
            if len(fits) != 1:
                problems.add(
                    InvalidValueError(
                        here,
                        sorted(slots),
                        "must fill the slots of exactly one rubric of the set "
                        f"(rubrics with slots: "
                        f"{', '.join(r.id for r in candidates) or 'none'}); "
                        "name the unit's rubric in by_unit",
                    )
                )
                continue
            try:
                filled[unit] = fits[0].filled(slots)
            except ValidationError as error:
                problems.extend([p.moved((*here, *p.steps)) for p in error.problems])
            except Problem as problem:
                problems.add(problem.moved((*here, *problem.steps)))
        return filled

    @property
    def rounding(self) -> RoundingPolicy:
        """How every rubric of the set shows totals (they agree)."""
        return self.rubrics[0].rounding

    def rubric(self, rubric_id: str) -> Rubric:
        """The rubric of the set with *rubric_id*; :class:`KeyError` if none."""
        return self._by_id[rubric_id]

    def rubric_for(self, unit_id: str, *, series: str | None = None) -> Rubric:
        """The rubric that assesses *unit_id* (of *series*), slots filled.

        Raises:
            UnknownReferenceError: no rule of the set reaches the unit, or its
                rubric is a template and the unit has no individual indicators.
        """
        if unit_id in self._filled:
            return self._filled[unit_id]
        rubric_id = self.by_unit.get(unit_id)
        if rubric_id is None and series is not None:
            rubric_id = self.by_series.get(series)
        if rubric_id is None:
            rubric_id = self.default
        if rubric_id is None:
            raise UnknownReferenceError(
                ("unit_id",),
                unit_id,
                f"is assessed by no rubric of the set: its series "
                f"({series or 'none'}) has no rubric and there is no default",
            )
        rubric = self._by_id[rubric_id]
        if rubric.slots:
            raise UnknownReferenceError(
                ("unit_id",),
                unit_id,
                f"is assessed by rubric {rubric.id} {rubric.version}, whose slot "
                f"{', '.join(s.id for s in rubric.slots)} is filled per unit "
                "(个性指标): give the unit's indicators in RubricSet.individual",
            )
        return rubric

    def __iter__(self) -> Iterator[Rubric]:
        return iter(self.rubrics)

    def __len__(self) -> int:
        return len(self.rubrics)
