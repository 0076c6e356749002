"""Democratic rating (民主测评): ballot accounting, quorum, rates, flags."""

from fractions import Fraction

import pytest

from pbcheck import (
    DirectScore,
    Evaluation,
    Indicator,
    RatioToTarget,
    Rubric,
    Section,
    score,
)
from pbcheck.errors import (
    Id,
    InvalidTypeError,
    InvalidValueError,
    UnknownReferenceError,
    ValidationError,
)
from pbcheck.outcomes.rating import (
    BallotCount,
    RatingPolicy,
    RatingScale,
    UnitBallots,
    rating_observation,
    tally,
    tally_all,
)


def one(ballot, policy=None, unit="czj"):
    return tally(UnitBallots(unit, [ballot]), policy)


class TestAccounting:
    def test_abstain_unknown_and_invalid_are_counted_apart(self):
        """Valid = returned − invalid; rates over valid ballots by default."""
        result = one(
            BallotCount(
                40,
                38,
                37,
                {"好": 20, "较好": 10, "一般": 3, "差": 1},
                invalid=1,
                abstained=1,
                unknown=1,
            )
        )
        (group,) = result.groups
        assert (group.valid, group.denominator) == (36, 36)
        assert result.good_rate == Fraction(30, 36)
        assert (
            result.weighted == (20 + Fraction(8) + Fraction(9, 5) + Fraction(2, 5)) / 36
        )

    def test_expressed_denominator_leaves_out_abstentions(self):
        """With denominator="expressed", only ballots naming a category count."""
        ballot = BallotCount(10, 10, 10, {"好": 6, "一般": 2}, abstained=1, unknown=1)
        assert one(ballot).good_rate == Fraction(6, 10)
        assert one(ballot, RatingPolicy(denominator="expressed")).good_rate == Fraction(
            6, 8
        )

    def test_more_returned_than_issued_voids_the_vote(self):
        """The error names the unit and both numbers."""
        with pytest.raises(ValidationError) as info:
            one(BallotCount(50, 40, 41, {"好": 41}), unit="gsj")
        (problem,) = info.value.problems
        assert problem.message == "测评无效：单位 gsj 收回 41 张，多于发出的 40 张"
        assert problem.path == "ballots[gsj].groups[全体].returned"

    def test_accounts_must_balance(self):
        """Returned must equal invalid + abstained + unknown + votes."""
        with pytest.raises(ValidationError, match="invalid ballots"):
            one(BallotCount(10, 10, 10, {"好": 5}))

    def test_every_problem_of_every_unit_is_reported(self):
        """Unknown labels, void votes and duplicate units come out together."""
        with pytest.raises(ValidationError) as info:
            tally_all(
                [
                    UnitBallots("a", [BallotCount(5, 5, 5, {"很好": 5})]),
                    UnitBallots("b", [BallotCount(5, 6, 5, {"好": 5})]),
                    UnitBallots("b", [BallotCount(5, 5, 5, {"好": 5})]),
                ]
            )
        kinds = [type(p) for p in info.value.problems]
        assert UnknownReferenceError in kinds
        assert len(kinds) == 3
        # A vote label is a key of a mapping; the repeated unit is named by
        # its position, as its id names the first.
        assert [p.steps for p in info.value.problems] == [
            ("ballots", Id("a"), "groups", Id("全体"), "votes", "很好"),
            ("ballots", Id("b"), "groups", Id("全体"), "issued"),
            ("ballots", 2, "unit_id"),
        ]


class TestLabels:
    def test_variants_map_explicitly(self):
        """较差 counts as 差 because the scale says so; nothing else is guessed."""
        result = one(BallotCount(3, 3, 3, {"较差": 1, "差": 1, "好": 1}))
        assert result.groups[0].counts["差"] == 2
        with pytest.raises(ValidationError):
            one(
                BallotCount(3, 3, 3, {"较差": 3}), RatingPolicy(RatingScale(aliases={}))
            )

    def test_scales_are_data(self):
        """A scale of 优秀 / 称职 / 不称职 with its own coefficients."""
        scale = RatingScale(
            ("优秀", "称职", "不称职"),
            {"优秀": 1, "称职": "0.8", "不称职": 0},
            good={"优秀", "称职"},
            aliases={},
        )
        result = one(
            BallotCount(4, 4, 4, {"优秀": 2, "称职": 1, "不称职": 1}),
            RatingPolicy(scale),
        )
        assert result.good_rate == Fraction(3, 4)
        assert result.weighted == Fraction(28, 40)

    def test_bad_scale(self):
        """Coefficients outside [0, 1], unknown good categories, bad aliases."""
        with pytest.raises(ValidationError) as info:
            RatingScale(
                ("好", "差"), {"好": 2, "差": 0}, good={"优"}, aliases={"较差": "中"}
            )
        assert len(info.value.problems) == 3
        assert [p.path for p in info.value.problems] == [
            "scale.good[优]",
            'scale.coefficients["好"]',
            'scale.aliases["较差"]',
        ]

    def test_canonical_names_a_label_where_it_was_found(self):
        """The caller gives the label's place as steps."""
        with pytest.raises(UnknownReferenceError) as info:
            RatingScale().canonical("很好", ("sheet", 3, "votes"))
        assert info.value.path == "sheet[3].votes"


class TestQuorumAndFlags:
    def test_quorum_needs_more_than_half(self):
        """Exactly half of those due is not a quorum; one more is."""
        assert not one(BallotCount(10, 10, 5, {"好": 5})).quorate
        assert one(BallotCount(10, 10, 6, {"好": 6})).quorate
        assert "未过半数" in one(BallotCount(10, 10, 5, {"好": 5})).reason

    def test_poor_share_of_one_third_flags(self):
        """差 ≥ 1/3 of the valid ballots flags the unit."""
        assert one(BallotCount(9, 9, 9, {"好": 6, "差": 3})).flagged
        assert not one(BallotCount(10, 10, 10, {"好": 7, "差": 3})).flagged


class TestGroups:
    def test_weighted_rater_groups(self):
        """Leaders 30%, members 70%: rates combine by weight, not by ballots."""
        ballots = UnitBallots(
            "a",
            [
                BallotCount(5, 5, 5, {"好": 5}, group="领导班子"),
                BallotCount(50, 50, 50, {"好": 25, "一般": 25}, group="党员"),
            ],
        )
        pooled = tally(ballots)
        assert pooled.good_rate == Fraction(30, 55)
        weighted = tally(
            ballots, RatingPolicy(group_weights={"领导班子": 3, "党员": 7})
        )
        assert weighted.good_rate == Fraction(3, 10) + Fraction(7, 10) * Fraction(1, 2)

    def test_a_group_without_a_weight_is_an_error(self):
        """Every group must have a weight when weights are given."""
        with pytest.raises(ValidationError) as info:
            tally(
                UnitBallots("a", [BallotCount(5, 5, 5, {"好": 5}, group="群众")]),
                RatingPolicy(group_weights={"党员": 1}),
            )
        assert info.value.problems[0].path == "ballots[a].groups[群众].group"

    def test_a_repeated_group_is_named_by_its_position(self):
        """The second 党员 is ``groups[1]``; a group with no usable name is too."""
        with pytest.raises(ValidationError) as info:
            tally(
                UnitBallots(
                    "a",
                    [
                        BallotCount(5, 5, 5, {"好": 5}, group="党员"),
                        BallotCount(5, 5, 5, {"好": 5}, group="党员"),
                        BallotCount(5, 6, 5, {"好": 5}, group=""),
                    ],
                )
            )
        assert [p.steps for p in info.value.problems] == [
            ("ballots", Id("a"), "groups", 1, "group"),
            ("ballots", Id("a"), "groups", 2, "issued"),
        ]

    def test_weights_are_named_by_their_group(self):
        """A group weight is a key of a mapping, in the converter and the check alike."""
        with pytest.raises(ValidationError) as info:
            RatingPolicy(group_weights={"党员": "-1"})
        assert info.value.problems[0].path == 'policy.group_weights["党员"]'
        with pytest.raises(InvalidTypeError) as caught:
            RatingPolicy(group_weights={"党员": 0.5})  # type: ignore[dict-item]
        assert caught.value.path == 'policy.group_weights["党员"]'
        with pytest.raises(InvalidValueError) as caught:
            RatingPolicy(quorum="x")
        assert caught.value.path == "policy.quorum"


class TestIndicator:
    def test_feeds_a_direct_score_and_a_ratio_indicator(self):
        """A rating becomes an observation the scoring engine accepts."""
        result = one(BallotCount(10, 10, 10, {"好": 8, "一般": 2}))
        direct = Indicator("M", "民主测评", 10, DirectScore())
        ratio = Indicator("R", "好及较好率≥90%", 10, RatioToTarget(90))
        rubric = Rubric(
            "r",
            "1",
            "测评",
            [Section("s", "测评", 20, indicators=[direct, ratio])],
            total_points=20,
        )
        observations = [
            rating_observation(result, direct),
            rating_observation(result, ratio, measure="good_rate"),
        ]
        assert observations[0].value == Fraction(92, 10)
        card = score(rubric, Evaluation("czj", observations))
        assert card.indicators["M"].points == Fraction(46, 5)
        assert card.indicators["R"].points == Fraction(80, 9)
        assert observations[0].note == result.reason

    def test_a_vote_without_quorum_cannot_be_scored(self):
        """No quorum, no points."""
        result = one(BallotCount(10, 10, 3, {"好": 3}))
        with pytest.raises(ValueError, match="未过半数"):
            rating_observation(result, Indicator("M", "民主测评", 10, DirectScore()))
