"""Entry points: how plugin packages publish rules and aggregators.

Both registries (:class:`~pbcheck.model.rules.RuleRegistry`,
:class:`~pbcheck.model.aggregation.AggregatorRegistry`) read their group
through :func:`entry_points`, on an explicit call only.
"""

from __future__ import annotations

from typing import Any, Protocol

__all__ = ["EntryPoint", "entry_points"]


class EntryPoint(Protocol):
    """One published name; :meth:`load` imports what it points to."""

    @property
    def name(self) -> str: ...

    # Whatever the plugin publishes: the registry that loads it checks it.
    def load(self) -> Any: ...  # noqa: ANN401


def entry_points(group: str) -> list[EntryPoint]:
    """The entry points of *group* in installed distributions, sorted by name.

    >>> entry_points("pbcheck.no_such_group")
    []
    """
    # Imported here: importlib.metadata (with email and zipfile) is a fifth of
    # importing pbcheck, and only this explicit call needs it.
    from importlib import metadata  # noqa: PLC0415

    return sorted(metadata.entry_points(group=group), key=lambda point: point.name)
