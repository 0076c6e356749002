"""Organisations and the org tree (组织体系).

A working committee (机关工委) signs a responsibility letter (责任书) with each
directly subordinate party organisation; those in turn lead general branches
(党总支) and branches (党支部).  For comprehensive assessment units are grouped
in *series* (系列) and *liaison groups* (联系片), and in any further
*groupings* an office keeps (分组方式: e.g. 8 党建联系片 and 5 纪检联系片).

>>> tree = OrgTree(
...     [
...         OrgUnit(id="gw", name="江城市直机关工委", kind=UnitKind.WORKING_COMMITTEE),
...         OrgUnit(
...             id="czj",
...             name="市财政局机关党委",
...             kind=UnitKind.PARTY_COMMITTEE,
...             parent="gw",
...             series=SERIES_GOVERNMENT,
...             liaison_group="第一联系片",
...         ),
...         OrgUnit(
...             id="czj-1", name="预算科党支部", kind=UnitKind.BRANCH, parent="czj"
...         ),
...     ]
... )
>>> [unit.name for unit in tree.path("czj-1")]
['江城市直机关工委', '市财政局机关党委', '预算科党支部']
>>> [unit.id for unit in tree.descendants("gw")]
['czj', 'czj-1']
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from enum import StrEnum
from typing import Any

import attrs

from pbcheck._text import unsafe_character
from pbcheck.errors import (
    DuplicateIdError,
    Id,
    InvalidValueError,
    OrgTreeCycleError,
    Path,
    UnknownReferenceError,
    _Problems,
    item,
)
from pbcheck.views import html

__all__ = [
    "RESERVED_GROUPINGS",
    "SERIES_GOVERNMENT",
    "SERIES_PARTY_MASS",
    "SERIES_VERTICAL",
    "OrgTree",
    "OrgUnit",
    "ResponsiblePerson",
    "Role",
    "UnitKind",
]

#: 政府工作部门 — government departments.
SERIES_GOVERNMENT = "政府工作部门"
#: 党群部门 — party and mass organisations.
SERIES_PARTY_MASS = "党群部门"
#: 垂直管理部门 — vertically managed departments (led locally, guided by their ministry).
SERIES_VERTICAL = "垂直管理部门"


#: Names a grouping of :attr:`OrgUnit.groupings` may not take: they already name
#: the series, the liaison group and the one group of every unit wherever a
#: grouping is chosen by name (``rank_within(..., by=...)``).
RESERVED_GROUPINGS = frozenset({"series", "liaison_group", "all"})


#: Units a tree shows in a notebook before its table is cut.
TREE_HTML_ROWS = 40


class UnitKind(StrEnum):
    """The kind of party organisation.

    >>> UnitKind("general_branch"), UnitKind.GENERAL_BRANCH.label_zh
    (<UnitKind.GENERAL_BRANCH: 'general_branch'>, '党总支')
    """

    WORKING_COMMITTEE = "working_committee"
    """机关工委 — the working committee that assesses its subordinate units."""
    PARTY_COMMITTEE = "party_committee"
    """党委 — a party committee (e.g. 机关党委)."""
    PARTY_GROUP = "party_group"
    """党组 — a leading Party members' group in the leading body of a state organ
    or other non-Party organisation; not a 党小组 (a Party small group of a branch)."""
    GENERAL_BRANCH = "general_branch"
    """党总支 — a general party branch."""
    BRANCH = "branch"
    """党支部 — a party branch."""

    @property
    def label_zh(self) -> str:
        """The Chinese name, e.g. ``党总支``."""
        return _KIND_LABELS[self]


_KIND_LABELS = {
    UnitKind.WORKING_COMMITTEE: "机关工委",
    UnitKind.PARTY_COMMITTEE: "党委",
    UnitKind.PARTY_GROUP: "党组",
    UnitKind.GENERAL_BRANCH: "党总支",
    UnitKind.BRANCH: "党支部",
}


class Role(StrEnum):
    """The responsible persons (责任人) a 责任书 names for a unit.

    Nanping's letters name the party secretary and the administrative head
    (a party member).  This is not 一岗双责 ("one post, dual
    responsibilities"), which asks every leader to carry party-building
    duties in their own post beside their line duties.

    >>> [role.value for role in Role]
    ['secretary', 'administrative_head']
    """

    SECRETARY = "secretary"
    """党组织书记 — the organisation's party secretary (first responsible person)."""
    ADMINISTRATIVE_HEAD = "administrative_head"
    """行政主要领导 — the unit's administrative head, a party member."""


def _field(instance: object, attribute: attrs.Attribute[Any]) -> Path:
    """Where a field is: a unit names itself by its id (``unit[czj].name``)."""
    if isinstance(instance, OrgUnit):
        return (*item("unit", instance.id), attribute.name)
    return (attribute.name,)


def _plain(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Refuse characters that would reach an output unseen (see pbcheck._text)."""
    # isprintable() first: a C-level scan that clears nearly every name.
    if (
        isinstance(value, str)
        and not value.isprintable()
        and (why := unsafe_character(value)) is not None
    ):
        raise InvalidValueError(_field(instance, attribute), value, why)


def _non_empty(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise InvalidValueError(
            _field(instance, attribute), value, "must be a non-empty string"
        )
    if not value.isprintable():
        _plain(instance, attribute, value)


def _optional_non_empty(
    instance: object, attribute: attrs.Attribute[str | None], value: str | None
) -> None:
    if value is not None and (not isinstance(value, str) or not value.strip()):
        raise InvalidValueError(
            _field(instance, attribute), value, "must be None or a non-empty string"
        )
    if value is not None and not value.isprintable():
        _plain(instance, attribute, value)


@attrs.frozen
class ResponsiblePerson:
    """A person who answers for the responsibility letter (责任人).

    >>> ResponsiblePerson(name="周明华", role=Role.SECRETARY, title="机关党委书记")
    ResponsiblePerson(name='周明华', role=<Role.SECRETARY: 'secretary'>, title='机关党委书记')
    """

    name: str = attrs.field(validator=_non_empty)
    role: Role = attrs.field(converter=Role)
    title: str = attrs.field(default="", validator=_plain)


def _persons(value: Iterable[ResponsiblePerson]) -> tuple[ResponsiblePerson, ...]:
    return tuple(value)


def _mapping(value: object) -> object:
    # A copy, so that changing the caller's dict later cannot change the unit;
    # anything but a mapping is left for the validator to name.
    return dict(value) if isinstance(value, Mapping) else value


def _groupings(
    instance: object, attribute: attrs.Attribute[Mapping[str, str]], value: object
) -> None:
    """Every grouping name and group is non-empty text; no name is reserved."""
    where = _field(instance, attribute)
    if not isinstance(value, Mapping):
        raise InvalidValueError(
            where, value, "must be a mapping of grouping name to group name"
        )
    problems = _Problems("invalid groupings")
    for name, group in value.items():
        # A key of a mapping is a name step: groupings["纪检联系片"].
        if not isinstance(name, str) or not name.strip():
            problems.add(
                InvalidValueError(
                    (*where, str(name)), name, "a grouping name must be non-empty text"
                )
            )
            continue
        if (why := unsafe_character(name)) is not None:
            problems.add(InvalidValueError((*where, name), name, why))
            continue
        if name in RESERVED_GROUPINGS:
            problems.add(
                InvalidValueError(
                    (*where, name),
                    name,
                    "is reserved (series, liaison_group and all are chosen by "
                    "their own fields); choose another grouping name",
                )
            )
        if not isinstance(group, str) or not group.strip():
            problems.add(
                InvalidValueError((*where, name), group, "must be a non-empty string")
            )
        elif (why := unsafe_character(group)) is not None:
            problems.add(InvalidValueError((*where, name), group, why))
    problems.raise_if_any()


def _unit_kind(value: object) -> UnitKind:
    """*value* as a :class:`UnitKind`; anything else names the kinds allowed."""
    try:
        return UnitKind(value)  # type: ignore[arg-type]  # refused below if not a kind
    except ValueError:
        allowed = ", ".join(kind.value for kind in UnitKind)
        raise InvalidValueError(("kind",), value, f"must be one of {allowed}") from None


@attrs.frozen
class OrgUnit:
    """One party organisation in the tree.

    Args:
        id: stable identifier, unique within a tree.
        name: display name, e.g. ``市财政局机关党委``.
        kind: the kind of organisation (:class:`UnitKind`).
        parent: id of the leading organisation, ``None`` for a root.
        series: comparison series for comprehensive assessment (系列), e.g.
            :data:`SERIES_GOVERNMENT`, or any series of your own.
        liaison_group: the liaison group (联系片) the unit belongs to.
        responsible: the responsible persons (责任人) the 责任书 names.
        guided_by: for vertically managed units, who guides (指导) their work
            while ``parent`` leads (领导) it; free text or an id outside the tree.
        groupings: further groupings the unit belongs to, grouping name →
            group name, e.g. ``{"纪检联系片": "第二片"}``.  A unit may be in
            any number of groupings, one group in each; a grouping it is not
            in is simply absent.  ``liaison_group`` stays its own field (the
            联系片 most offices keep) and is chosen as ``"liaison_group"``
            wherever a grouping is named, so the names ``series``,
            ``liaison_group`` and ``all`` are reserved (:data:`RESERVED_GROUPINGS`).

    >>> OrgUnit(id="sj", name="市税务局党委", kind="party_committee").kind
    <UnitKind.PARTY_COMMITTEE: 'party_committee'>
    >>> unit = OrgUnit(
    ...     "sj",
    ...     "市税务局党委",
    ...     "party_committee",
    ...     liaison_group="第一联系片",
    ...     groupings={"纪检联系片": "第二片"},
    ... )
    >>> unit.group_of("纪检联系片"), unit.group_of("liaison_group")
    ('第二片', '第一联系片')

    A problem of a unit names the unit by its id:

    >>> OrgUnit(id="sj", name=" ", kind="party_committee")
    Traceback (most recent call last):
    ...
    pbcheck.errors.InvalidValueError: unit[sj].name: must be a non-empty string (got ' ')

    A grouping names its group with non-empty text:

    >>> OrgUnit("sj", "市税务局党委", "party_committee", groupings={"纪检联系片": ""})
    Traceback (most recent call last):
    ...
    pbcheck.errors.ValidationError: invalid groupings: 1 problem
      unit[sj].groupings["纪检联系片"]: must be a non-empty string (got '')
    """

    id: str = attrs.field(validator=_non_empty)
    name: str = attrs.field(validator=_non_empty)
    kind: UnitKind = attrs.field(converter=_unit_kind)
    parent: str | None = attrs.field(default=None, validator=_optional_non_empty)
    series: str | None = attrs.field(default=None, validator=_optional_non_empty)
    liaison_group: str | None = attrs.field(default=None, validator=_optional_non_empty)
    responsible: tuple[ResponsiblePerson, ...] = attrs.field(
        default=(), converter=_persons
    )
    guided_by: str | None = None
    # Left out of the hash (a dict has none); equality still compares it.
    groupings: Mapping[str, str] = attrs.field(
        factory=dict, converter=_mapping, validator=_groupings, hash=False
    )

    def group_of(self, grouping: str) -> str | None:
        """The unit's group in *grouping*, or ``None`` if it is in none.

        *grouping* is ``"series"``, ``"liaison_group"`` or a key of
        :attr:`groupings`; ``"all"`` puts every unit in ``全部``.

        >>> OrgUnit("a", "甲", "branch", series="党群部门").group_of("series")
        '党群部门'
        >>> OrgUnit("a", "甲", "branch").group_of("纪检联系片") is None
        True
        """
        if grouping == "series":
            return self.series
        if grouping == "liaison_group":
            return self.liaison_group
        if grouping == "all":
            return "全部"
        return self.groupings.get(grouping)


def _units(value: Iterable[OrgUnit]) -> tuple[OrgUnit, ...]:
    return tuple(value)


def _series(value: Iterable[str] | None) -> frozenset[str] | None:
    return None if value is None else frozenset(value)


@attrs.frozen(repr=False)
class OrgTree:
    """A validated tree (or forest) of :class:`OrgUnit`.

    Construction checks every unit at once: ids are unique, every parent is
    known, and no parent chain loops.  All problems are raised together in a
    :class:`~pbcheck.errors.ValidationError`.  Iteration keeps the given order.

    Args:
        units: the organisations, in any order.
        series: if given, the only series allowed; a unit naming another
            series is an error (catches typos such as ``政府部门``).

    >>> tree = OrgTree(
    ...     [
    ...         OrgUnit("gw", "江城市直机关工委", "working_committee"),
    ...         OrgUnit(
    ...             "czj",
    ...             "市财政局机关党委",
    ...             "party_committee",
    ...             parent="gw",
    ...             series=SERIES_GOVERNMENT,
    ...         ),
    ...         OrgUnit(
    ...             "tw",
    ...             "团市委机关党支部",
    ...             "branch",
    ...             parent="gw",
    ...             series=SERIES_PARTY_MASS,
    ...         ),
    ...     ],
    ...     series=[SERIES_GOVERNMENT, SERIES_PARTY_MASS, SERIES_VERTICAL],
    ... )
    >>> len(tree), "czj" in tree, tree["czj"].name
    (3, True, '市财政局机关党委')
    >>> [unit.id for unit in tree.children("gw")]
    ['czj', 'tw']
    >>> {series: [u.id for u in units] for series, units in tree.by_series().items()}
    {None: ['gw'], '政府工作部门': ['czj'], '党群部门': ['tw']}

    A typo in a series is caught, with every other problem of the tree:

    >>> OrgTree(
    ...     [OrgUnit("czj", "市财政局机关党委", "party_committee", series="政府部门")],
    ...     series=[SERIES_GOVERNMENT],
    ... )
    Traceback (most recent call last):
    ...
    pbcheck.errors.ValidationError: invalid org tree: 1 problem
      tree.units[czj].series: is not a known series (政府工作部门) (got '政府部门')
    """

    units: tuple[OrgUnit, ...] = attrs.field(converter=_units)
    series: frozenset[str] | None = attrs.field(default=None, converter=_series)
    _by_id: Mapping[str, OrgUnit] = attrs.field(
        init=False, repr=False, eq=False, alias="_by_id"
    )
    _children: Mapping[str | None, tuple[OrgUnit, ...]] = attrs.field(
        init=False, repr=False, eq=False, alias="_children"
    )

    def __attrs_post_init__(self) -> None:
        problems = _Problems("invalid org tree")
        by_id: dict[str, OrgUnit] = {}
        # Every unit with the path that finds it; a duplicate by its position.
        checked: list[tuple[Path, OrgUnit]] = []
        for index, unit in enumerate(self.units):
            if not isinstance(unit, OrgUnit):
                problems.add(
                    InvalidValueError(
                        ("tree", "units", index), unit, "must be an OrgUnit"
                    )
                )
            elif unit.id in by_id:
                problems.add(
                    DuplicateIdError(
                        ("tree", "units", index, "id"), unit.id, "is a duplicate"
                    )
                )
                checked.append((("tree", "units", index), unit))
            else:
                by_id[unit.id] = unit
                checked.append((("tree", "units", Id(unit.id)), unit))
        children: dict[str | None, list[OrgUnit]] = {}
        for path, unit in checked:
            if unit.parent is not None and unit.parent not in by_id:
                problems.add(
                    UnknownReferenceError(
                        (*path, "parent"), unit.parent, "names no unit in the tree"
                    )
                )
            if self.series is not None and unit.series not in self.series | {None}:
                problems.add(
                    UnknownReferenceError(
                        (*path, "series"),
                        unit.series,
                        f"is not a known series ({', '.join(sorted(self.series))})",
                    )
                )
            children.setdefault(unit.parent, []).append(unit)
        for name in sorted(self.series or (), key=str):
            if not isinstance(name, str) or not name.strip():
                problems.add(
                    InvalidValueError(
                        ("tree", "series"), name, "must be non-empty text"
                    )
                )
            elif (why := unsafe_character(name)) is not None:
                problems.add(InvalidValueError(("tree", "series"), name, why))
        problems.extend(list(_cycles(by_id)))
        problems.raise_if_any()
        object.__setattr__(self, "_by_id", by_id)
        object.__setattr__(
            self, "_children", {k: tuple(v) for k, v in children.items()}
        )

    def __len__(self) -> int:
        return len(self.units)

    def __iter__(self) -> Iterator[OrgUnit]:
        return iter(self.units)

    def __repr__(self) -> str:
        """One line of counts: a whole tree's repr runs to tens of kilobytes.

        >>> from pbcheck.examples.small import org_tree
        >>> org_tree({"党群部门": ["a", "b"]}, liaison_groups={"a": "第一片"})
        <OrgTree: 3 个单位，1 个系列，1 个联系片>
        """
        series = {u.series for u in self.units if u.series}
        groups = {u.liaison_group for u in self.units if u.liaison_group}
        return (
            f"<OrgTree: {len(self.units)} 个单位，{len(series)} 个系列，"
            f"{len(groups)} 个联系片>"
        )

    def _repr_html_(self) -> str:
        """Units per series, then the units in tree order, indented by depth.

        The unit table is cut after :data:`TREE_HTML_ROWS` rows with a count
        of the rest; every text is escaped.

        >>> from pbcheck.examples.small import org_tree
        >>> page = org_tree({"党群部门": ["<a>"]})._repr_html_()
        >>> "&lt;a&gt;" in page, "<a>" in page
        (True, False)
        """
        by_series = [
            [name, len(units)]
            for name, units in self.by_series().items()
            if name is not None
        ]
        shown = []
        for unit in self.units[:TREE_HTML_ROWS]:
            depth = len(self.path(unit.id)) - 1
            shown.append(
                [
                    unit.id,
                    "　" * depth + unit.name,
                    unit.kind.label_zh,
                    unit.series or "",
                    unit.liaison_group or "",
                ]
            )
        # Rows past the limit are counted by the table, not built.
        rest: list[list[str]] = [[]] * max(0, len(self.units) - TREE_HTML_ROWS)
        return html.titled(
            repr(self)[1:-1],
            html.table(["系列", "单位数"], by_series)
            + html.table(
                ["编号", "名称", "类型", "系列", "联系片"],
                shown + rest,
                limit=TREE_HTML_ROWS,
            ),
        )

    def __contains__(self, unit_id: object) -> bool:
        return unit_id in self._by_id

    def __getitem__(self, unit_id: str) -> OrgUnit:
        """The unit with *unit_id*; :class:`KeyError` if there is none."""
        return self._by_id[unit_id]

    @property
    def roots(self) -> tuple[OrgUnit, ...]:
        """Units without a parent."""
        return self._children.get(None, ())

    def parent(self, unit_id: str) -> OrgUnit | None:
        """The unit's parent, or ``None`` for a root."""
        parent = self[unit_id].parent
        return None if parent is None else self._by_id[parent]

    def children(self, unit_id: str) -> tuple[OrgUnit, ...]:
        """Direct subordinates of *unit_id*, in tree order."""
        self[unit_id]
        return self._children.get(unit_id, ())

    def descendants(self, unit_id: str) -> tuple[OrgUnit, ...]:
        """Every unit below *unit_id*, depth first, in tree order."""
        found: list[OrgUnit] = []
        stack = list(reversed(self.children(unit_id)))
        while stack:
            unit = stack.pop()
            found.append(unit)
            stack.extend(reversed(self._children.get(unit.id, ())))
        return tuple(found)

    def path(self, unit_id: str) -> tuple[OrgUnit, ...]:
        """From the root down to *unit_id* inclusive."""
        chain = [self[unit_id]]
        while (parent := chain[-1].parent) is not None:
            chain.append(self._by_id[parent])
        return tuple(reversed(chain))

    def by_series(self) -> dict[str | None, tuple[OrgUnit, ...]]:
        """Units grouped by series, groups and members in tree order."""
        return _group(self.units, lambda unit: unit.series)

    def by_liaison_group(self) -> dict[str | None, tuple[OrgUnit, ...]]:
        """Units grouped by liaison group (联系片), in tree order."""
        return _group(self.units, lambda unit: unit.liaison_group)

    @property
    def groupings(self) -> tuple[str, ...]:
        """The names of the groupings its units belong to, in order of first use.

        >>> tree = OrgTree(
        ...     [
        ...         OrgUnit("a", "甲", "branch", groupings={"党建联系片": "一片"}),
        ...         OrgUnit("b", "乙", "branch", groupings={"纪检联系片": "二片"}),
        ...     ]
        ... )
        >>> tree.groupings
        ('党建联系片', '纪检联系片')
        """
        return tuple(
            dict.fromkeys(name for unit in self.units for name in unit.groupings)
        )

    def by_grouping(self, grouping: str) -> dict[str | None, tuple[OrgUnit, ...]]:
        """Units grouped by *grouping* (as :meth:`OrgUnit.group_of`), in tree order.

        Units outside the grouping are under ``None``.

        >>> tree = OrgTree(
        ...     [
        ...         OrgUnit("a", "甲", "branch", groupings={"纪检联系片": "一片"}),
        ...         OrgUnit("b", "乙", "branch"),
        ...     ]
        ... )
        >>> {k: [u.id for u in v] for k, v in tree.by_grouping("纪检联系片").items()}
        {'一片': ['a'], None: ['b']}
        """
        return _group(self.units, lambda unit: unit.group_of(grouping))


def _group(
    units: Iterable[OrgUnit], key: Callable[[OrgUnit], str | None]
) -> dict[str | None, tuple[OrgUnit, ...]]:
    groups: dict[str | None, list[OrgUnit]] = {}
    for unit in units:
        groups.setdefault(key(unit), []).append(unit)
    return {k: tuple(v) for k, v in groups.items()}


def _cycles(by_id: Mapping[str, OrgUnit]) -> Iterator[OrgTreeCycleError]:
    """One error per parent loop, naming its members in order."""
    settled: set[str] = set()
    for start in by_id:
        trail: list[str] = []
        on_trail: set[str] = set()
        current: str | None = start
        while current is not None and current in by_id and current not in settled:
            if current in on_trail:
                loop = trail[trail.index(current) :]
                yield OrgTreeCycleError(
                    ("tree", "units", Id(current), "parent"),
                    by_id[current].parent,
                    f"closes a loop: {' → '.join([*loop, current])}",
                )
                break
            trail.append(current)
            on_trail.add(current)
            current = by_id[current].parent
        settled.update(trail)
