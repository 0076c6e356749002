"""Tests for pbcheck.io.ics: iCalendar export of milestones, parsed back with icalendar."""

import sys
from datetime import UTC, date, datetime, timedelta, timezone

import icalendar
import pytest
from hypothesis import given

from pbcheck.errors import InvalidTypeError, InvalidValueError, MissingExtraError
from pbcheck.io.ics import milestone_uid, milestones_to_ics
from pbcheck.model.cycle import AssessmentCycle, CycleCalendar
from pbcheck.testing._cycles import cycles

CYCLE = AssessmentCycle.cross_year(2025)


def events(data: bytes) -> list[icalendar.Event]:
    return list(icalendar.Calendar.from_ical(data).walk("VEVENT"))


class TestMilestonesToIcs:
    def test_one_all_day_event_per_milestone(self):
        """Each milestone is one all-day event on its date, ending the next day."""
        found = events(milestones_to_ics(CYCLE))
        assert len(found) == len(CYCLE.milestones)
        for event, milestone in zip(found, CYCLE.milestones, strict=True):
            start = event.decoded("dtstart")
            assert type(start) is date
            assert start == milestone.date
            assert event.decoded("dtend") == milestone.date + timedelta(days=1)

    def test_summary_is_chinese_with_english_name(self):
        """The commendation's summary reads 七一表彰 with its English name."""
        found = events(milestones_to_ics(CYCLE))
        summary = str(found[-1]["summary"])
        assert summary.startswith("七一表彰（Commendation before July 1")
        assert "2025—2026年度" in summary

    def test_uids_are_deterministic_and_unique(self):
        """UIDs derive from cycle label and key: stable across runs and distinct."""
        uids = [str(e["uid"]) for e in events(milestones_to_ics(CYCLE))]
        assert uids[0] == "2025-2026-period_start@pbcheck"
        assert len(set(uids)) == len(uids)
        assert milestones_to_ics(CYCLE) == milestones_to_ics(CYCLE)

    def test_default_stamp_is_derived_not_read_from_the_clock(self):
        """Without a stamp, DTSTAMP is the cycle's first day at 00:00 UTC."""
        found = events(milestones_to_ics(CYCLE))
        assert {e.decoded("dtstamp") for e in found} == {
            datetime(2025, 5, 1, tzinfo=UTC)
        }

    def test_given_stamp_is_used_in_utc(self):
        """An aware stamp is written in UTC on every event."""
        stamp = datetime(2026, 1, 2, 8, 0, tzinfo=timezone(timedelta(hours=8)))
        found = events(milestones_to_ics(CYCLE, stamp=stamp))
        assert {e.decoded("dtstamp") for e in found} == {
            datetime(2026, 1, 2, 0, 0, tzinfo=UTC)
        }

    def test_naive_stamp_is_refused(self):
        """A naive stamp is refused rather than guessed."""
        with pytest.raises(InvalidValueError, match="stamp"):
            milestones_to_ics(CYCLE, stamp=datetime(2026, 1, 2))  # noqa: DTZ001

    def test_work_calendar_pairs_are_accepted_and_deduplicated(self):
        """Pairs from milestones_between work; a milestone given twice appears once."""
        pairs = CycleCalendar.cross_year().milestones_between(
            date(2026, 4, 1), date(2026, 6, 30)
        )
        found = events(milestones_to_ics([*pairs, CYCLE]))
        assert len(found) == len(CYCLE.milestones) + 1  # + 2026 period_start
        dates = [e.decoded("dtstart") for e in found]
        assert dates == sorted(dates)

    def test_bad_items_are_refused(self):
        """Anything but cycles and (cycle, milestone) pairs is refused by position."""
        with pytest.raises(InvalidTypeError, match=r"cycles_or_milestones\[1\]"):
            milestones_to_ics([CYCLE, "2025"])  # type: ignore[list-item]

    def test_missing_extra_names_it(self, monkeypatch):
        """Without icalendar the error says how to install the 'ics' extra."""
        monkeypatch.setitem(sys.modules, "icalendar", None)
        with pytest.raises(MissingExtraError, match=r"pbcheck\[ics\]"):
            milestones_to_ics(CYCLE)

    def test_uid_of_a_term_cycle_is_ascii(self):
        """Labels with spaces and dashes become a plain ASCII UID."""
        term = AssessmentCycle.term(date(2021, 6, 18), 5, "mid")
        uid = milestone_uid(term, term.milestone("commendation"))
        assert uid == "2021-2026-term-mid-term-commendation@pbcheck"

    @given(cycles())
    def test_round_trip_keeps_every_milestone(self, cycle):
        """Parsing the file back gives every milestone's date and UID, in order."""
        found = events(milestones_to_ics(cycle))
        assert [e.decoded("dtstart") for e in found] == [
            m.date for m in cycle.milestones
        ]
        assert [str(e["uid"]) for e in found] == [
            milestone_uid(cycle, m) for m in cycle.milestones
        ]
