"""What the ``pbcheck season`` steps share: the store, the season, the actor, the time.

Used by :mod:`pbcheck.cli._season` (the steps that record) and
:mod:`pbcheck.cli._season_views` (the steps that read).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from pbcheck.errors import RefusedError
from pbcheck.model.rubric import Rubric
from pbcheck.season import events as ev
from pbcheck.season.authority import Actor, ActorRole
from pbcheck.season.ledger import Ledger

if TYPE_CHECKING:
    from pbcheck.store import Store

__all__ = [
    "DEFAULT_STORE",
    "acting",
    "done",
    "load_season",
    "moment",
    "open_store",
    "record",
    "season_of",
    "unit_actor",
]

#: Where a season is kept unless ``--store`` or ``$PBCHECK_STORE`` says otherwise.
DEFAULT_STORE = "sqlite:///season.db"

#: A loaded season: the store, the season's id and its ledger as stored.
Loaded = tuple["Store", str, Ledger]


def open_store(args: argparse.Namespace) -> Store:
    """The store ``--store`` (or ``$PBCHECK_STORE``, or the default) names.

    One :class:`~pbcheck.store.Store` per URL for the life of the process,
    so that steps run in one process (a notebook, the demo) share its
    connections and its cache of ledgers, which the store checks against
    the stored chain's end before using.
    """
    from pbcheck.store import Store  # noqa: PLC0415 - the optional store extra

    url = args.store or os.environ.get("PBCHECK_STORE") or DEFAULT_STORE
    if url not in _STORES:
        _STORES[url] = Store(url)
    return _STORES[url]


#: The stores opened in this process, by URL.
_STORES: dict[str, Store] = {}


def season_of(store: Store, args: argparse.Namespace) -> str:
    """``--season``, or the store's only season."""
    if args.season is not None:
        return str(args.season)
    found = store.seasons()
    if len(found) == 1:
        return found[0]
    if not found:
        raise RefusedError(
            "find the season",
            f"{store.url} holds no season: create one with "
            "`pbcheck season init PLAN.toml`",
        )
    raise RefusedError(
        "find the season",
        f"{store.url} holds {len(found)} seasons ({', '.join(found)}): "
        "name one with --season",
    )


def moment(args: argparse.Namespace, ledger: Ledger) -> datetime:
    """``--at``, or now in the cycle's zone."""
    if args.at is not None:
        return args.at  # type: ignore[no-any-return]
    return datetime.now(ZoneInfo(ledger.plan.cycle.zone)).replace(microsecond=0)


def acting(args: argparse.Namespace, ledger: Ledger, *, office: bool = False) -> Actor:
    """The actor ``--as`` names; the only office by default where *office*."""
    authority = ledger.plan.authority
    if args.actor is not None:
        return authority.actor(args.actor)
    offices = authority.offices()
    if office and len(offices) == 1:
        return offices[0]
    listed = ", ".join(a.id for a in authority.actors if a.role is not ActorRole.UNIT)
    raise RefusedError(
        f"season {args.step}",
        f"say who acts with --as ACTOR (the office, a department or a unit; "
        f"e.g. {listed})",
    )


def record(events: Sequence[ev.Event], loaded: Loaded) -> Ledger:
    """Append *events* to the loaded season, expecting the version it was loaded at."""
    store, season_id, ledger = loaded
    return store.append(season_id, events, expected_version=ledger.version)


def load_season(args: argparse.Namespace) -> Loaded:
    """The store, the season's id and its ledger as stored."""
    store = open_store(args)
    season_id = season_of(store, args)
    return store, season_id, store.load(season_id)


def done(ledger: Ledger, text: str) -> int:
    """Print what was recorded, with the season's version and phase; exit 0."""
    sys.stdout.write(
        f"{text}（版本 {ledger.version}，{ledger.state.phase.label_zh}）\n"
    )
    return 0


def unit_actor(ledger: Ledger, unit_id: str) -> Actor:
    """The actor that acts for *unit_id* (its own, with ``units_act``)."""
    for actor in ledger.plan.authority.actors:
        if actor.role is ActorRole.UNIT and actor.unit_id == unit_id:
            return actor
    raise RefusedError(
        "submit for each unit",
        f"no actor of the plan acts for unit {unit_id} (set units_act = true in the "
        "plan, or list the unit's actor)",
    )


def sheet_rubric(
    ledger: Ledger,
    pairs: Sequence[tuple[str, str]],
    action: str,
    series: str | None = None,
) -> Rubric:
    """The one rubric a score sheet of *pairs* (unit, indicator) is written and read by.

    A season of one rubric has it.  In a season of several (分类考核) a
    department's sheet still has one when every indicator on it is the same
    indicator in every unit's rubric (a common section); with *series*, only
    that series' units count.  Otherwise the sheet is refused, naming the
    indicator that differs and the way out (a sheet per series).
    """
    plan = ledger.plan
    if isinstance(plan.rubric, Rubric):
        return plan.rubric
    if series is not None:
        if series not in {plan.tree[u].series for u in plan.unit_ids}:
            raise RefusedError(action, f"no assessed unit is in series {series}")
        pairs = [p for p in pairs if plan.tree[p[0]].series == series]
    if not pairs:
        raise RefusedError(action, "this actor scores nothing here")
    first = plan.rubric_of(pairs[0][0])
    known = {indicator.id for indicator in first.indicators()}
    for unit_id, indicator_id in pairs:
        own = plan.rubric_of(unit_id)
        if own is first:
            continue
        if indicator_id not in known or (
            own.indicator(indicator_id) != first.indicator(indicator_id)
        ):
            raise RefusedError(
                action,
                f"indicator {indicator_id} differs between the rubrics of units "
                f"{pairs[0][0]} and {unit_id} (分类考核): use one sheet per series "
                "(--series), or an evaluations document (.json or .toml)",
            )
    return first
