"""The loader's and writer's shortcuts give exactly what the long way gives.

Plain JSON skips the checking walk, common number texts skip the regex,
repeated fractions come from a cache, and a list is structured in one tight
loop until an item fails: each shortcut is compared here with the general
path it stands in for.
"""

import json
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pbcheck._numbers import to_exact
from pbcheck.errors import Problem, ValidationError
from pbcheck.io.interchange import loads
from pbcheck.io.interchange._convert import _exact, exact_text
from pbcheck.io.interchange._parse import Limits, _NonFinite, _Pairs, _Walk, decode

_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.text(max_size=4),
)
_TREES = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.text(max_size=3), inner, max_size=4),
    ),
    max_leaves=40,
)


def _walked(text: str, limits: Limits) -> object:
    """What the checking walk alone makes of *text*: the general path."""
    parsed = json.loads(
        text,
        parse_float=Decimal,
        parse_constant=_NonFinite,
        object_pairs_hook=_Pairs,
    )
    walker = _Walk(limits)
    result = walker.visit(parsed, (), 0)
    if walker.problems:
        raise ValidationError("unreadable document", walker.problems)
    return result


def _outcome(read: object, *args: object) -> tuple[str, object]:
    try:
        return ("value", read(*args))  # type: ignore[operator]
    except ValidationError as exc:
        return ("problems", [str(p) for p in exc.problems])


@given(
    tree=_TREES,
    max_depth=st.integers(1, 8),
    max_items=st.integers(1, 60),
    twist=st.sampled_from(["", "duplicate", "float", "nan"]),
)
def test_decode_matches_the_walk(
    tree: object, max_depth: int, max_items: int, twist: str
) -> None:
    """Depth and item bounds, duplicates, floats and NaN: the same value or problems."""
    text = json.dumps(tree, ensure_ascii=False)
    if twist == "duplicate":
        text = f'[{text}, {{"k": 1, "k": 2}}]'
    elif twist == "float":
        text = f"[{text}, 1.5]"
    elif twist == "nan":
        text = f"[NaN, {text}]"
    limits = Limits(max_depth=max_depth, max_items=max_items)
    assert _outcome(decode, text, "json", limits) == _outcome(_walked, text, limits)


@pytest.mark.parametrize(
    ("text", "limits"),
    [
        ("[[[1]]]", Limits(max_depth=3)),
        ("[[[1]]]", Limits(max_depth=2)),
        ('{"a": [1, 2]}', Limits(max_items=4)),
        ('{"a": [1, 2]}', Limits(max_items=3)),
        ("5", Limits(max_items=1)),
    ],
)
def test_decode_bounds_are_exact(text: str, limits: Limits) -> None:
    """A document exactly at a bound is read; one value or level more is not."""
    assert _outcome(decode, text, "json", limits) == _outcome(_walked, text, limits)


_NUMBER_TEXT = st.text(
    alphabet=st.sampled_from([*"0123456789", ".", "-", "+", "/", " ", "８", "²", "_"]),
    max_size=12,
)


def _problem_or_value(read: object, value: str) -> object:
    try:
        return read(value)  # type: ignore[operator]
    except Problem as exc:
        return (type(exc).__name__, exc.value, exc.message)


@given(_NUMBER_TEXT)
def test_exact_number_text_matches_to_exact(value: str) -> None:
    """Digits with one point are read directly; everything else as before."""
    assert _problem_or_value(lambda v: _exact(v, Fraction), value) == (
        _problem_or_value(lambda v: to_exact(v, ()), value)
    )


@given(
    st.integers(-(10**30), 10**30),
    st.sampled_from([1, 2, 3, 4, 5, 6, 8, 10, 16, 40, 125, 2**40 * 5**3, 7 * 2**5]),
)
def test_exact_text_reads_back(numerator: int, denominator: int) -> None:
    """Cached or not, the text reads back to the value, as a decimal when it can."""
    value = Fraction(numerator, denominator)
    text = exact_text(value)
    assert Fraction(text) == value
    rest = value.denominator
    for prime in (2, 5):
        while rest % prime == 0:
            rest //= prime
    assert ("/" in text) == (rest != 1)
    assert exact_text(value) == text  # the second time, from the cache


def test_every_item_problem_is_collected() -> None:
    """After the first bad item the rest is still read: each keeps its own path."""
    document = {
        "schema_version": 1,
        "kind": "evaluations",
        "evaluations": [
            {
                "unit_id": "czj",
                "observations": [
                    {"indicator_id": "A1", "value": "8.5"},
                    {"indicator_id": "A2", "value": 1.5},
                    {"indicator_id": "A3", "value": "8.5", "colour": "red"},
                ],
            }
        ],
    }
    with pytest.raises(ValidationError) as caught:
        loads(json.dumps(document), "evaluations")
    assert [p.path for p in caught.value.problems] == [
        "$.evaluations[0].observations[1].value",
        "$.evaluations[0].observations[2].colour",
    ]
