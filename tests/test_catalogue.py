"""The catalogue of bad inputs, document half (issue 8).

Government systems feed pbcheck whatever their users typed.  Every case in
``tests/catalogue/cases.toml`` is one small file that differs from a valid
base in ``tests/catalogue/valid/`` by one mistake; each must be refused with
the named error type, at the exact document path, with the offending value in
the message — and, through the CLI, with exit code 1 and nothing written.

Cases for domain constructors (ballots, rules, aggregators, rounding) are the
table :data:`DOMAIN_CASES` below.
"""

from __future__ import annotations

import re
import shutil
import tomllib
from collections.abc import Callable
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pbcheck import (
    CountAtLeast,
    DirectScore,
    Indicator,
    OrgTree,
    OrgUnit,
    RatioToTarget,
    Rubric,
    Section,
    TrimmedMean,
)
from pbcheck import errors as pbcheck_errors
from pbcheck._numbers import RoundingPolicy, format_exact
from pbcheck.cli import main
from pbcheck.errors import DOCUMENT, Id, Problem, ValidationError, render_path
from pbcheck.io.interchange import Results, load
from pbcheck.model.cycle import AssessmentCycle
from pbcheck.outcomes.rating import (
    BallotCount,
    RatingPolicy,
    UnitBallots,
    rating_observation,
    tally,
)

CATALOGUE = Path(__file__).resolve().parent / "catalogue"
VALID = CATALOGUE / "valid"
CASES: list[dict[str, str]] = tomllib.loads(
    (CATALOGUE / "cases.toml").read_text(encoding="utf-8")
)["case"]
CASE_IDS = [case["name"] for case in CASES]
PREVIOUS = b"previous results, must survive a failed run\n"
_DOCUMENT_EVALUATION = re.compile(r"^\$\.evaluations\[[0-9]+\](?P<rest>.*)$")


def _below_evaluation(problem: Problem) -> str | None:
    """A season problem's place below its unit's evaluation, rooted at ``$``."""
    match problem.steps:
        case ("evaluations", Id(), *rest):
            return render_path((DOCUMENT, *rest))
    return None


def _snapshot(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


def _problem_at(problems: tuple[Problem, ...], path: str) -> Problem:
    found = [p for p in problems if p.path == path]
    assert found, f"no problem at {path}; got {[str(p) for p in problems]}"
    return found[0]


def _stderr_line(stderr: str, file: Path, path: str) -> str:
    lines = [
        line for line in stderr.splitlines() if line.startswith(f"{file}: {path}: ")
    ]
    assert lines, f"no line for {file}: {path} in:\n{stderr}"
    return lines[0]


def _copy(case: dict[str, str], directory: Path) -> Path:
    source = CATALOGUE / case["file"]
    target = directory / source.name
    shutil.copyfile(source, target)
    return target


def _season_problems(evaluations: Path) -> tuple[Problem, ...]:
    """The problems ``Results.compute`` finds, as the score CLI would see them."""
    loaded = load(evaluations, "evaluations")
    assert isinstance(loaded, tuple)
    with pytest.raises(ValidationError) as caught:
        Results.compute(
            _load(VALID / "rubric.toml", Rubric),
            _load(VALID / "org-tree.toml", OrgTree),
            AssessmentCycle.cross_year(2025),
            loaded,
        )
    return caught.value.problems


def _load(path: Path, kind: type) -> Any:
    return load(path, kind)


class TestTheCatalogue:
    def test_has_at_least_forty_cases_with_unique_names(self):
        """The catalogue is big enough and each case is named once."""
        assert len(CASES) >= 40
        assert len(set(CASE_IDS)) == len(CASE_IDS)

    def test_every_file_is_a_case_and_every_case_a_file(self):
        """No stray input file, no case without its file."""
        listed = {case["file"] for case in CASES}
        on_disk = {
            p.relative_to(CATALOGUE).as_posix()
            for p in CATALOGUE.rglob("*")
            if p.is_file() and p.parent not in (CATALOGUE, VALID)
        }
        assert listed == on_disk

    @pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
    def test_every_case_is_well_formed(self, case):
        """Each case says how it is loaded and names a real pbcheck error type."""
        assert case["how"] in ("validate", "load", "score")
        assert case["path"].startswith("$")
        assert case["value"]
        assert issubclass(getattr(pbcheck_errors, case["error"]), Problem)
        assert case["how"] != "load" or "kind" in case

    def test_the_valid_bases_are_valid(self, tmp_path, capsys):
        """Each case fails for its own mistake: the bases it was made from pass."""
        bases = [
            VALID / name
            for name in (
                "rubric.toml",
                "rubric-set.toml",
                "org-tree.toml",
                "cycle.toml",
            )
        ]
        assert main(["validate", *map(str, bases)]) == 0
        output = tmp_path / "results.json"
        argv = [
            "score",
            "--rubric",
            str(VALID / "rubric.toml"),
            "--tree",
            str(VALID / "org-tree.toml"),
            "--cycle",
            "2025",
            "--evaluations",
            str(VALID / "evaluations.json"),
            "-o",
            str(output),
        ]
        assert main(argv) == 0
        assert output.exists()
        capsys.readouterr()


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_bad_input_is_refused(case, tmp_path, capsys):
    """The error type, the exact path, the value in the message; CLI: exit 1, nothing written."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    file = _copy(case, inputs)
    error_type = getattr(pbcheck_errors, case["error"])
    if case["how"] in ("validate", "load"):
        with pytest.raises(ValidationError) as caught:
            load(file, case.get("kind"))  # type: ignore[arg-type]
        problem = _problem_at(caught.value.problems, case["path"])
        assert type(problem) is error_type
        assert case["value"] in str(problem)
        assert f"{case['path']}: " in "\n".join(pbcheck_errors.render(caught.value))
    if case["how"] == "validate":
        before = _snapshot(inputs)
        assert main(["validate", str(file)]) == 1
        line = _stderr_line(capsys.readouterr().err, file, case["path"])
        assert case["value"] in line
        assert _snapshot(inputs) == before
    if case["how"] == "score":
        expected = _DOCUMENT_EVALUATION.match(case["path"])
        assert expected is not None
        matching = [
            p
            for p in _season_problems(file)
            if _below_evaluation(p) == DOCUMENT + expected["rest"]
        ]
        assert any(type(p) is error_type for p in matching), matching
        for name in ("rubric.toml", "org-tree.toml"):
            shutil.copyfile(VALID / name, inputs / name)
        output = inputs / "results.json"
        output.write_bytes(PREVIOUS)
        before = _snapshot(inputs)
        argv = [
            "score",
            "--rubric",
            str(inputs / "rubric.toml"),
            "--tree",
            str(inputs / "org-tree.toml"),
            "--cycle",
            "2025",
            "--evaluations",
            str(file),
            "-o",
            str(output),
        ]
        assert main(argv) == 1
        stderr = capsys.readouterr().err
        assert case["value"] in _stderr_line(stderr, file, case["path"])
        assert "nothing written" in stderr
        assert _snapshot(inputs) == before


# -- cases written in Python: the domain constructors ------------------------------

_INDICATOR = Indicator("M1", "民主测评好及较好率≥90%", 2, RatioToTarget(90))


def _ballots(*groups: BallotCount) -> UnitBallots:
    return UnitBallots("czj", groups)


def _dangling_duplicate() -> object:
    return OrgTree(
        [
            OrgUnit("gw", "江城市直机关工委", "working_committee"),
            OrgUnit("czj", "市财政局机关党委", "party_committee", parent="gw"),
            OrgUnit("czj", "市委组织部机关党委", "party_committee", parent="jw"),
        ]
    )


def _sibling_duplicate() -> object:
    return Rubric(
        "r",
        "1",
        "细则",
        sections=[
            Section(
                "A",
                "常规工作",
                70,
                indicators=[
                    Indicator("A1", "台账", 30, DirectScore()),
                    Indicator("A1", "会议", 40, DirectScore()),
                ],
            ),
            Section(
                "B",
                "服务发展",
                30,
                indicators=[Indicator("B1", "竞赛", 30, DirectScore())],
            ),
        ],
    )


#: name → (what raises, error type, exact path, text the message must contain)
DOMAIN_CASES: dict[str, tuple[Callable[[], object], type[Problem], str, str]] = {
    "rating-returned-more-than-issued": (
        lambda: tally(_ballots(BallotCount(30, 20, 21, {"好": 21}))),
        pbcheck_errors.InvalidValueError,
        "ballots[czj].groups[全体].returned",
        "收回 21 张，多于发出的 20 张",
    ),
    "rating-issued-more-than-due": (
        lambda: tally(_ballots(BallotCount(20, 21, 21, {"好": 21}))),
        pbcheck_errors.InvalidValueError,
        "ballots[czj].groups[全体].issued",
        "发出 21 张",
    ),
    "rating-unknown-label": (
        lambda: tally(_ballots(BallotCount(10, 10, 10, {"好": 8, "优秀": 2}))),
        pbcheck_errors.UnknownReferenceError,
        'ballots[czj].groups[全体].votes["优秀"]',
        "优秀",
    ),
    "rating-accounts-do-not-balance": (
        lambda: tally(_ballots(BallotCount(10, 10, 10, {"好": 8}))),
        pbcheck_errors.InvalidValueError,
        "ballots[czj].groups[全体].returned",
        "账目不平",
    ),
    "rating-votes-not-whole": (
        lambda: tally(_ballots(BallotCount(10, 10, 10, {"好": 9.5, "一般": 1}))),  # type: ignore[dict-item]
        pbcheck_errors.InvalidValueError,
        'ballots[czj].groups[全体].votes["好"]',
        "9.5",
    ),
    "rating-group-counted-twice": (
        lambda: tally(
            _ballots(
                BallotCount(5, 5, 5, {"好": 5}, group="党员"),
                BallotCount(5, 5, 5, {"好": 5}, group="党员"),
            )
        ),
        pbcheck_errors.DuplicateIdError,
        "ballots[czj].groups[1].group",
        "党员",
    ),
    "rating-quorum-not-met": (
        lambda: rating_observation(
            tally(_ballots(BallotCount(10, 5, 5, {"好": 5}))), _INDICATOR
        ),
        pbcheck_errors.InvalidValueError,
        "ratings[czj]",
        "未过半数",
    ),
    "rating-quorum-of-one": (
        lambda: RatingPolicy(quorum="1"),
        pbcheck_errors.InvalidValueError,
        "policy.quorum",
        "'1'",
    ),
    "rating-negative-group-weight": (
        lambda: RatingPolicy(group_weights={"领导班子": "3", "党员": "-1"}),
        pbcheck_errors.InvalidWeightsError,
        'policy.group_weights["党员"]',
        "-1",
    ),
    "rating-negative-count": (
        lambda: BallotCount(-1, 0, 0),
        pbcheck_errors.InvalidValueError,
        "ballot.due",
        "-1",
    ),
    "aggregator-trimmed-mean-k-zero": (
        lambda: TrimmedMean(0),
        pbcheck_errors.InvalidValueError,
        "aggregator.k",
        "(got 0)",
    ),
    "aggregator-trimmed-mean-k-boolean": (
        lambda: TrimmedMean(True),
        pbcheck_errors.InvalidValueError,
        "aggregator.k",
        "True",
    ),
    "rule-count-at-least-required-zero": (
        lambda: CountAtLeast(required=0),
        pbcheck_errors.InvalidValueError,
        "rule.required",
        "(got 0)",
    ),
    "rounding-places-negative": (
        lambda: RoundingPolicy(places=-1),
        pbcheck_errors.InvalidValueError,
        "rounding.places",
        "-1",
    ),
    "rounding-unknown-mode": (
        lambda: RoundingPolicy(mode="up"),  # type: ignore[arg-type]
        pbcheck_errors.InvalidValueError,
        "rounding.mode",
        "up",
    ),
    "indicator-float-max-points": (
        lambda: Indicator("A1", "台账", 2.5, DirectScore()),  # type: ignore[arg-type]
        pbcheck_errors.InvalidTypeError,
        "indicator[A1].max_points",
        "2.5",
    ),
    "org-duplicate-with-dangling-parent": (
        _dangling_duplicate,
        pbcheck_errors.UnknownReferenceError,
        "tree.units[2].parent",
        "jw",
    ),
    "rubric-duplicate-sibling-indicator": (
        _sibling_duplicate,
        pbcheck_errors.DuplicateIdError,
        "rubric.sections[A].indicators[1].id",
        "A1",
    ),
}


@pytest.mark.parametrize("name", sorted(DOMAIN_CASES))
def test_domain_constructors_refuse(name):
    """Each constructor raises a pbcheck error naming the path and the value."""
    build, error_type, path, shown = DOMAIN_CASES[name]
    with pytest.raises((ValidationError, Problem)) as caught:
        build()
    error = caught.value
    problems = error.problems if isinstance(error, ValidationError) else (error,)
    problem = _problem_at(problems, path)
    assert type(problem) is error_type
    assert shown in str(problem)
    assert isinstance(problem, ValueError | TypeError)


class TestExactNumbersKeepEveryDigit:
    """Regression: ``Decimal.scaleb`` in the default 28-digit context rounded."""

    def test_a_long_exact_decimal_is_shown_whole(self):
        """Thirty-two digits come out as thirty-two digits."""
        value = Fraction("1234567890123456789012345678901.5")
        assert format_exact(value) == "1234567890123456789012345678901.5"
        assert RoundingPolicy(places=1).apply(value) == Decimal(
            "1234567890123456789012345678901.5"
        )

    @given(
        st.integers(min_value=-(10**60), max_value=10**60),
        st.integers(min_value=0, max_value=40),
    )
    def test_format_exact_round_trips(self, numerator, places):
        """Any finite decimal shows as text that reads back as the same value."""
        value = Fraction(numerator, 10**places)
        assert Fraction(format_exact(value)) == value

    @given(
        st.fractions(max_denominator=10**12).map(lambda f: f * 10**30),
        st.integers(min_value=0, max_value=12),
        st.sampled_from(["half_up", "half_even"]),
    )
    def test_rounding_matches_decimal_with_enough_precision(self, value, places, mode):
        """``apply`` agrees with Decimal rounding done in a wide enough context."""
        with localcontext() as context:
            context.prec = 200
            expected = (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
                Decimal(1).scaleb(-places),
                rounding=ROUND_HALF_UP if mode == "half_up" else ROUND_HALF_EVEN,
            )
        assert RoundingPolicy(places=places, mode=mode).apply(value) == expected
