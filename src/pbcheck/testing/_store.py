"""Strategies for the season store: events of every kind, with hostile ids.

The events need not make a valid season (the ledger's checks are not run):
they exercise the stored form — every field, record, date, zone and text
the store must give back unchanged.
"""

from __future__ import annotations

from datetime import date, datetime

from hypothesis import strategies as st

from pbcheck.model.evaluation import Evaluation, Evidence, NotApplicable
from pbcheck.season import events as ev
from pbcheck.testing._cycles import aware_datetimes
from pbcheck.testing._interchange import evaluation_lists

__all__ = ["HOSTILE_IDS", "stored_events"]

#: Ids a store must keep exactly: quotes, semicolons, SQL, Chinese punctuation.
HOSTILE_IDS: tuple[str, ...] = (
    "czj",
    "O'Brien",
    'say "hi"',
    "a;b",
    "x'); DROP TABLE events;--",
    "单位，甲；“乙”",
    "（一）党建—考核·2025",
    "100%_\\",
)

_ids = st.sampled_from(HOSTILE_IDS)
_texts = st.one_of(st.just(""), _ids, st.just("第一行\n第二行"))
_reasons = st.one_of(_ids, st.just("按退回意见补正\n补充材料两份"))
_moments = aware_datetimes(datetime(2000, 1, 1), datetime(2099, 12, 31))  # noqa: DTZ001
_days = st.dates(date(2000, 1, 1), date(2099, 12, 31))
_id_lists = st.lists(_ids, max_size=3).map(tuple)


def _records() -> st.SearchStrategy[Evaluation]:
    # One unit's records of every kind, as the interchange tests draw them.
    return evaluation_lists(max_units=1).map(
        lambda found: found[0] if found else Evaluation("u0")
    )


def _not_applicable() -> st.SearchStrategy[NotApplicable]:
    return st.builds(
        NotApplicable,
        _ids,
        _ids,
        recorded_at=st.one_of(st.none(), _days, _moments),
        evidence=st.lists(st.builds(Evidence, _ids, _ids, _texts), max_size=2),
    )


def _common() -> dict[str, st.SearchStrategy[object]]:
    return {"at": _moments, "actor": _ids}


@st.composite
def _submitted(draw: st.DrawFn) -> ev.Submitted:
    records = draw(_records())
    return ev.Submitted(
        at=draw(_moments),
        actor=draw(_ids),
        unit_id=draw(_ids),
        observations=records.observations,
        activities=records.activities,
        incidents=records.incidents,
        reason=draw(_texts),
    )


@st.composite
def _publicity(draw: st.DrawFn) -> ev.PublicityOpened:
    starts = draw(_days)
    ends = draw(st.dates(starts, date(2099, 12, 31)))
    return ev.PublicityOpened(
        at=draw(_moments),
        actor=draw(_ids),
        starts=starts,
        ends=ends,
        working_days=draw(st.integers(1, 30)),
        reason=draw(_texts),
    )


@st.composite
def _decided(draw: st.DrawFn) -> ev.ObjectionDecided:
    records = draw(_records())
    return ev.ObjectionDecided(
        at=draw(_moments),
        actor=draw(_ids),
        objection_id=draw(_ids),
        upheld=draw(st.booleans()),
        reason=draw(_reasons),
        corrections=records.observations,
        not_applicable=draw(st.lists(_not_applicable(), max_size=2).map(tuple)),
    )


_BUILDERS: dict[str, st.SearchStrategy[ev.Event]] = {
    "season_opened": st.builds(
        ev.SeasonOpened,
        season_id=_ids,
        title=_texts,
        definitions=st.one_of(
            st.just(""), st.text("0123456789abcdef", min_size=64, max_size=64)
        ),
        **_common(),
    ),
    "letter_issued": st.builds(
        ev.LetterIssued,
        unit_id=_ids,
        indicator_ids=_id_lists,
        own_tasks=_id_lists,
        signed_by=_id_lists,
        reason=_texts,
        **_common(),
    ),
    "submitted": _submitted(),
    "not_applicable_marked": st.builds(
        ev.NotApplicableMarked, unit_id=_ids, marker=_not_applicable(), **_common()
    ),
    "accepted": st.builds(
        ev.Accepted, unit_id=_ids, indicator_id=_ids, reason=_texts, **_common()
    ),
    "returned": st.builds(
        ev.Returned, unit_id=_ids, indicator_id=_ids, reason=_reasons, **_common()
    ),
    "provisional_computed": st.builds(
        ev.ProvisionalComputed, reason=_texts, **_common()
    ),
    "publicity_opened": _publicity(),
    "objection_filed": st.builds(
        ev.ObjectionFiled,
        objection_id=_ids,
        unit_id=_ids,
        text=_reasons,
        indicator_ids=_id_lists,
        **_common(),
    ),
    "objection_decided": _decided(),
    "results_approved": st.builds(ev.ResultsApproved, reason=_texts, **_common()),
    "rectification_raised": st.builds(
        ev.RectificationRaised,
        item_id=_ids,
        unit_id=_ids,
        problem=_reasons,
        basis=st.sampled_from(
            ["bottom", "grade", "veto", "lost_points", "spot_check", "other"]
        ),
        responsible=_ids,
        deadline=_days,
        measures=_id_lists,
        indicator_id=st.one_of(st.none(), _ids),
        **_common(),
    ),
    "rectification_updated": st.builds(
        ev.RectificationUpdated,
        item_id=_ids,
        progress=_reasons,
        measures=_id_lists,
        deadline=st.one_of(st.none(), _days),
        **_common(),
    ),
    "rectification_closed": st.builds(
        ev.RectificationClosed,
        item_id=_ids,
        reason=_reasons,
        evidence=st.lists(st.builds(Evidence, _ids, _ids, _texts), max_size=3),
        **_common(),
    ),
    "rectification_rechecked": st.builds(
        ev.RectificationRechecked,
        item_id=_ids,
        holds=st.booleans(),
        reason=_reasons,
        **_common(),
    ),
}


def stored_events(*kinds: str) -> st.SearchStrategy[ev.Event]:
    """Season events of the given kinds (every kind if none), every field drawn.

    Ids and texts include quotes, semicolons, SQL and Chinese punctuation
    (``HOSTILE_IDS``); instants are in IANA zones and fixed offsets;
    records are those the interchange format round-trips.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=15, database=None, derandomize=True)
    ... @given(stored_events("returned", "submitted"))
    ... def check(event):
    ...     assert event.kind in ("returned", "submitted")
    >>> check()
    """
    chosen = kinds or tuple(ev.EVENT_KINDS)
    unknown = [kind for kind in chosen if kind not in _BUILDERS]
    if unknown:
        raise ValueError(f"not event kinds: {unknown}")
    return st.one_of([_BUILDERS[kind] for kind in chosen])
