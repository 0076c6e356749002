"""Who may do what in a season (考核职责分工): authority as data.

An :class:`Authority` lists the season's actors and who owns (牵头 /
评分部门) which part of the rubric.  Three roles:

* **office** (考核办 / 机关工委): opens the season, issues letters, may
  submit or review any indicator, computes provisional results, opens
  公示, decides objections, approves, and keeps the rectification ledger;
* **department** (评分部门): submits, accepts and returns the indicators it
  owns, for every unit (e.g. 市纪委监委机关 scores 党风廉政建设, 市委宣传部
  意识形态工作);
* **unit** (被考核单位): submits only its own self-assessment (自评, records
  whose source is ``self``), files objections to its own result, and
  reports progress on its own rectification items.

Ownership is given by indicator id, or by section id for every indicator
under that section (the nearest owner wins); a deduction or veto item is
owned by its id.  The ledger (:mod:`pbcheck.season.ledger`) asks
:meth:`Authority.owner_of` and refuses every action the roles do not allow,
naming the actor, the action, the target and who may.

>>> authority = Authority(
...     actors=[
...         Actor("kpb", "市直机关工委考核办", "office"),
...         Actor("jw", "市纪委监委机关", "department"),
...         Actor("czj", "市财政局机关党委", "unit", unit_id="czj"),
...     ],
...     owners={"C": "jw"},
... )
>>> authority.actor("jw").role.label_zh
'评分部门'
>>> authority.owners["C"]
'jw'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum
from types import MappingProxyType

import attrs

from pbcheck.errors import (
    DuplicateIdError,
    InvalidTypeError,
    InvalidValueError,
    UnknownItemError,
    UnknownReferenceError,
    _Problems,
)
from pbcheck.season import _fields

__all__ = ["Actor", "ActorRole", "Authority"]


class ActorRole(StrEnum):
    """An actor's role in the season.

    >>> [role.label_zh for role in ActorRole]
    ['考核办', '评分部门', '被考核单位']
    """

    OFFICE = "office"
    """考核办 / 机关工委 — the office that runs the assessment."""
    DEPARTMENT = "department"
    """评分部门 / 牵头部门 — a department that scores the indicators it owns."""
    UNIT = "unit"
    """被考核单位 — an assessed unit, acting for itself only."""

    @property
    def label_zh(self) -> str:
        """The Chinese name, e.g. ``评分部门``."""
        return _ROLE_LABELS[self]


_ROLE_LABELS = {
    ActorRole.OFFICE: "考核办",
    ActorRole.DEPARTMENT: "评分部门",
    ActorRole.UNIT: "被考核单位",
}


def _role(value: object) -> ActorRole:
    try:
        return ActorRole(value)  # type: ignore[arg-type]  # refused below if not a role
    except ValueError:
        allowed = ", ".join(role.value for role in ActorRole)
        raise InvalidValueError(("role",), value, f"must be one of {allowed}") from None


@attrs.frozen
class Actor:
    """One actor of the season: the office, a department or a unit.

    Args:
        id: the actor's id, as events name it.
        name: e.g. ``市纪委监委机关``.
        role: ``office``, ``department`` or ``unit``.
        unit_id: for a unit actor, the org unit it acts for (required);
            ``None`` for the others.

    >>> Actor("czj", "市财政局机关党委", "unit")
    Traceback (most recent call last):
        ...
    pbcheck.errors.InvalidValueError: unit_id: a unit actor must name its org unit (got None)
    """

    id: str = attrs.field(validator=_fields.text)
    name: str = attrs.field(validator=_fields.text)
    role: ActorRole = attrs.field(converter=_role)
    unit_id: str | None = attrs.field(default=None, validator=_fields.optional_text)

    def __attrs_post_init__(self) -> None:
        if self.role is ActorRole.UNIT and self.unit_id is None:
            raise InvalidValueError(
                ("unit_id",), None, "a unit actor must name its org unit"
            )
        if self.role is not ActorRole.UNIT and self.unit_id is not None:
            raise InvalidValueError(
                ("unit_id",),
                self.unit_id,
                f"only a unit actor names an org unit (this one is {self.role.value})",
            )

    @property
    def label(self) -> str:
        """``name（role）`` for messages, e.g. ``市纪委监委机关（评分部门）``."""
        return f"{self.name}（{self.role.label_zh}）"


def _actors(value: Iterable[Actor]) -> tuple[Actor, ...]:
    return tuple(value)


def _owners(value: object) -> object:
    # A read-only copy: changing the caller's dict later cannot change the season.
    return MappingProxyType(dict(value)) if isinstance(value, Mapping) else value


@attrs.frozen
class Authority:
    r"""The season's actors and who owns which indicators.

    Args:
        actors: every actor; ids unique; at least one office.
        owners: rubric id (indicator, section, deduction or veto item) →
            the id of the department actor that owns it.

    Construction checks the authority on its own (unique ids, owners that
    are departments); the ledger checks it against the rubric and the tree.

    Raises:
        ValidationError: every problem at once: a duplicate id, no office,
            an owner that names no actor or an actor that is no department.

    >>> authority = Authority(
    ...     [
    ...         Actor("kpb", "机关工委考核办", "office"),
    ...         Actor("zzb", "组织部", "department"),
    ...         Actor("a", "单位a", "unit", unit_id="a"),
    ...     ],
    ...     owners={"A": "zzb"},
    ... )
    >>> "zzb" in authority, [actor.id for actor in authority.offices()]
    (True, ['kpb'])

    Only a department owns indicators, and every problem is named at once:

    >>> from pbcheck.errors import ValidationError, render
    >>> try:
    ...     Authority(
    ...         [
    ...             Actor("zzb", "组织部", "department"),
    ...             Actor("a", "单位a", "unit", unit_id="a"),
    ...         ],
    ...         owners={"A": "a"},
    ...     )
    ... except ValidationError as exc:
    ...     print("\n".join(render(exc)))
    invalid authority: 2 problems
      authority.actors: must include an office (role office) to run the season (got ['zzb', 'a'])
      authority.owners.A: must be a department (this actor is unit) (got 'a')
    """

    actors: tuple[Actor, ...] = attrs.field(converter=_actors)
    owners: Mapping[str, str] = attrs.field(factory=dict, converter=_owners)

    def __attrs_post_init__(self) -> None:
        problems = _Problems("invalid authority")
        seen: dict[str, Actor] = {}
        for index, actor in enumerate(self.actors):
            if not isinstance(actor, Actor):
                problems.add(
                    InvalidTypeError(
                        ("authority", "actors", index), actor, "must be an Actor"
                    )
                )
                continue
            if actor.id in seen:
                problems.add(
                    DuplicateIdError(
                        ("authority", "actors", index, "id"), actor.id, "is a duplicate"
                    )
                )
            seen[actor.id] = actor
        if not any(a.role is ActorRole.OFFICE for a in seen.values()):
            problems.add(
                InvalidValueError(
                    ("authority", "actors"),
                    [a.id for a in seen.values()],
                    "must include an office (role office) to run the season",
                )
            )
        if not isinstance(self.owners, Mapping):
            problems.add(
                InvalidTypeError(
                    ("authority", "owners"),
                    self.owners,
                    "must be a mapping of rubric id to department actor id",
                )
            )
        else:
            for owned, owner in self.owners.items():
                where = ("authority", "owners", str(owned))
                owning = seen.get(owner) if isinstance(owner, str) else None
                if owning is None:
                    problems.add(UnknownReferenceError(where, owner, "names no actor"))
                elif owning.role is not ActorRole.DEPARTMENT:
                    problems.add(
                        InvalidValueError(
                            where,
                            owner,
                            f"must be a department (this actor is {owning.role.value})",
                        )
                    )
        problems.raise_if_any()

    def actor(self, actor_id: str) -> Actor:
        """The actor with id *actor_id*.

        Raises:
            UnknownItemError: no actor has that id (close ids are named).
        """
        for actor in self.actors:
            if actor.id == actor_id:
                return actor
        raise UnknownItemError(actor_id, [a.id for a in self.actors], "the authority")

    def __contains__(self, actor_id: object) -> bool:
        return any(actor.id == actor_id for actor in self.actors)

    def offices(self) -> tuple[Actor, ...]:
        """The office actors."""
        return tuple(a for a in self.actors if a.role is ActorRole.OFFICE)

    def owner_of(self, chain: Iterable[str]) -> Actor | None:
        """The department owning the first of *chain* that has an owner, or ``None``.

        *chain* is an item's id and then its sections' ids, innermost first
        (the ledger builds it from the rubric), so the nearest owner wins.

        >>> authority = Authority(
        ...     [
        ...         Actor("kpb", "考核办", "office"),
        ...         Actor("jw", "市纪委监委机关", "department"),
        ...     ],
        ...     owners={"C": "jw"},
        ... )
        >>> authority.owner_of(["C3", "C"]).name
        '市纪委监委机关'
        >>> authority.owner_of(["A1", "A"]) is None
        True
        """
        for rubric_id in chain:
            owner = self.owners.get(rubric_id)
            if owner is not None:
                return self.actor(owner)
        return None
