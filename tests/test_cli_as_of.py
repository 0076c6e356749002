"""``pbcheck score --as-of``: a season scored as it stood on a date (半年自查)."""

from __future__ import annotations

from datetime import date

import attrs
import pytest

from pbcheck.cli import main
from pbcheck.examples import (
    example_cycle,
    example_evaluations,
    example_rubric,
    example_tree,
)
from pbcheck.io.interchange import dump, load


@pytest.fixture
def season(tmp_path):
    """Three units (of 90: a partial season) whose scores were recorded in October."""
    evaluations = [
        attrs.evolve(
            evaluation,
            observations=[
                attrs.evolve(o, recorded_at=date(2025, 10, 20))
                for o in evaluation.observations
            ],
        )
        for evaluation in example_evaluations(2025)[:3]
    ]
    return [
        "--rubric",
        str(dump(example_rubric(), tmp_path / "rubric.toml")),
        "--tree",
        str(dump(example_tree(), tmp_path / "org-tree.toml")),
        "--cycle",
        str(dump(example_cycle(2025), tmp_path / "cycle.json")),
        "--evaluations",
        str(dump(evaluations, tmp_path / "e.json")),
        "--partial",
    ]


def test_every_scorecard_is_provisional_as_of_the_date(season, tmp_path):
    """Activities after 31 October are left out; each card carries the date."""
    out = tmp_path / "results.json"
    assert main(["score", *season, "--as-of", "2025-10-31", "-o", str(out)]) == 0
    results = load(out)
    assert {card.as_of for card in results.scorecards} == {date(2025, 10, 31)}
    assert all(card.provisional for card in results.scorecards)
    final = tmp_path / "final.json"
    assert main(["score", *season, "-o", str(final)]) == 0
    assert not any(card.provisional for card in load(final).scorecards)


def test_a_date_that_is_not_one_is_refused(season, tmp_path, capsys):
    """argparse names the option and what to write."""
    with pytest.raises(SystemExit) as info:
        main(
            ["score", *season, "--as-of", "2025-13-01", "-o", str(tmp_path / "r.json")]
        )
    assert info.value.code == 2
    assert "YYYY-MM-DD" in capsys.readouterr().err


def test_a_date_outside_the_cycle_writes_nothing(season, tmp_path, capsys):
    """The date must lie in the cycle; nothing is written otherwise."""
    out = tmp_path / "r.json"
    assert main(["score", *season, "--as-of", "2026-06-01", "-o", str(out)]) == 1
    assert "as_of" in capsys.readouterr().err
    assert not out.exists()
