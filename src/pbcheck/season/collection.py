"""What has come in and what is missing (材料报送情况): department × indicator × unit.

:meth:`Ledger.collection <pbcheck.season.ledger.Ledger.collection>` gives a
:class:`CollectionStatus`: one :class:`CollectionRow` per assessed unit and
regular indicator of its rubric, with the department that owns it (the
office for an indicator nobody owns) and its status, so the office can chase
what is missing.

>>> row = CollectionRow("jw", "czj", "C3", ItemStatus.RETURNED, "佐证材料不全")
>>> row.status.label_zh
'退回补正'
>>> status = CollectionStatus((row,))
>>> status.complete, status.missing_for("jw")
(False, (('czj', 'C3'),))
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from enum import StrEnum

import attrs

__all__ = ["CollectionRow", "CollectionStatus", "ItemStatus"]


class ItemStatus(StrEnum):
    """The status of one unit's indicator in the collection.

    >>> [status.label_zh for status in ItemStatus]
    ['未报送', '已报送', '退回补正', '审核通过', '合理缺项']
    """

    MISSING = "missing"
    """Nothing counted recorded yet (自评 alone does not count by default)."""
    RECEIVED = "received"
    """Submitted, not yet reviewed."""
    RETURNED = "returned"
    """Sent back for correction (退回补正) and not resubmitted: still missing."""
    ACCEPTED = "accepted"
    """Reviewed and accepted (审核通过) since it was last submitted."""
    NOT_APPLICABLE = "not_applicable"
    """Marked not applicable to the unit (合理缺项)."""

    @property
    def label_zh(self) -> str:
        """The Chinese name, e.g. ``退回补正``."""
        return _STATUS_LABELS[self]

    @property
    def outstanding(self) -> bool:
        """Whether the office still waits for it (missing or returned)."""
        return self in {ItemStatus.MISSING, ItemStatus.RETURNED}


_STATUS_LABELS = {
    ItemStatus.MISSING: "未报送",
    ItemStatus.RECEIVED: "已报送",
    ItemStatus.RETURNED: "退回补正",
    ItemStatus.ACCEPTED: "审核通过",
    ItemStatus.NOT_APPLICABLE: "合理缺项",
}


@attrs.frozen
class CollectionRow:
    """One unit's indicator in the collection.

    Args:
        owner: the id of the actor that scores it: its department, or the
            office's first actor when no department owns it.
        unit_id: the unit.
        indicator_id: the indicator.
        status: see :class:`ItemStatus`.
        note: the return's reason, or the 合理缺项 reason; else ``""``.

    A department's submission sent back for correction, as the collection
    shows it:

    >>> from datetime import datetime
    >>> from pbcheck import Observation
    >>> from pbcheck.season import Ledger, Returned, Submitted
    >>> from pbcheck.testing import season_plan
    >>> def at(text):
    ...     return datetime.fromisoformat(text + "+08:00")
    >>> ledger = Ledger.open(season_plan(), at=at("2026-01-05T09:00"), actor="kpb")
    >>> ledger = ledger.record_all(
    ...     [
    ...         Submitted(
    ...             at=at("2026-01-12T10:00"),
    ...             actor="zzb",
    ...             unit_id="a",
    ...             observations=[Observation("A1", 36), Observation("A2", 27)],
    ...         ),
    ...         Returned(
    ...             at=at("2026-01-13T10:00"),
    ...             actor="zzb",
    ...             unit_id="a",
    ...             indicator_id="A2",
    ...             reason="佐证材料不全",
    ...         ),
    ...     ]
    ... )
    >>> row = ledger.collection().rows[1]
    >>> row.owner, row.unit_id, row.indicator_id, row.status.label_zh, row.note
    ('zzb', 'a', 'A2', '退回补正', '佐证材料不全')
    """

    owner: str
    unit_id: str
    indicator_id: str
    status: ItemStatus
    note: str = ""


def _rows(value: Iterable[CollectionRow]) -> tuple[CollectionRow, ...]:
    return tuple(value)


@attrs.frozen
class CollectionStatus:
    """The whole collection: one row per assessed unit and regular indicator.

    Rows follow the units in tree order, and each unit's indicators in
    rubric order.

    Args:
        rows: the rows (any iterable; kept as a tuple).

    Three units, three indicators each: 组织部 has sent one unit's two
    scores, 宣传部 nothing yet.

    >>> from datetime import datetime
    >>> from pbcheck import Observation
    >>> from pbcheck.season import Ledger, Submitted
    >>> from pbcheck.testing import season_plan
    >>> def at(text):
    ...     return datetime.fromisoformat(text + "+08:00")
    >>> ledger = Ledger.open(season_plan(), at=at("2026-01-05T09:00"), actor="kpb")
    >>> ledger = ledger.record(
    ...     Submitted(
    ...         at=at("2026-01-12T10:00"),
    ...         actor="zzb",
    ...         unit_id="a",
    ...         observations=[Observation("A1", 36), Observation("A2", 27)],
    ...     )
    ... )
    >>> status = ledger.collection()
    >>> status.complete, len(status.rows), len(status.missing)
    (False, 9, 7)
    >>> {
    ...     owner: counts[ItemStatus.MISSING]
    ...     for owner, counts in status.by_owner().items()
    ... }
    {'zzb': 4, 'xcb': 3}
    >>> status.missing_for("xcb")
    (('a', 'B1'), ('b', 'B1'), ('c', 'B1'))
    """

    rows: tuple[CollectionRow, ...] = attrs.field(converter=_rows)

    @property
    def complete(self) -> bool:
        """Whether nothing is missing or returned: the season can be ranked."""
        return not any(row.status.outstanding for row in self.rows)

    @property
    def missing(self) -> tuple[CollectionRow, ...]:
        """The rows still outstanding (missing or returned)."""
        return tuple(row for row in self.rows if row.status.outstanding)

    def missing_for(self, actor_id: str) -> tuple[tuple[str, str], ...]:
        """(unit, indicator) pairs *actor_id* owns and has not delivered."""
        return tuple(
            (row.unit_id, row.indicator_id)
            for row in self.rows
            if row.owner == actor_id and row.status.outstanding
        )

    def counts(self) -> dict[ItemStatus, int]:
        """How many rows have each status (every status present, 0 if none).

        >>> CollectionStatus(()).counts()[ItemStatus.MISSING]
        0
        """
        found = Counter(row.status for row in self.rows)
        return {status: found[status] for status in ItemStatus}

    def by_owner(self) -> dict[str, dict[ItemStatus, int]]:
        """Per owner (department, or the office), how many rows have each status."""
        table: dict[str, dict[ItemStatus, int]] = {}
        for row in self.rows:
            counts = table.setdefault(row.owner, dict.fromkeys(ItemStatus, 0))
            counts[row.status] += 1
        return table

    def describe_missing(self, limit: int = 5) -> str:
        """The outstanding rows in words, the first *limit* named.

        >>> CollectionStatus(
        ...     [CollectionRow("jw", "a", "C3", ItemStatus.MISSING)]
        ... ).describe_missing()
        '1 score missing: a C3 (jw)'
        """
        missing = self.missing
        named = ", ".join(
            f"{row.unit_id} {row.indicator_id} ({row.owner}"
            + (", returned" if row.status is ItemStatus.RETURNED else "")
            + ")"
            for row in missing[:limit]
        )
        more = f" and {len(missing) - limit} more" if len(missing) > limit else ""
        noun = "score" if len(missing) == 1 else "scores"
        return f"{len(missing)} {noun} missing: {named}{more}"
