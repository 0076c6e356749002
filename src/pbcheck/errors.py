r"""The errors pbcheck raises, and a renderer for them.

Every error derives from :class:`PbcheckError`, and each concrete error also
derives from the matching built-in (:class:`ValueError`, :class:`TypeError`,
:class:`LookupError`), so ``except ValueError`` keeps working in code that does
not know pbcheck.

Validation never stops at the first problem.  Constructors and loaders gather
*every* problem of an input into one :class:`ValidationError` (an
:class:`ExceptionGroup`), each leaf naming where it happened (its ``path``) and
the offending ``value``:

>>> from pbcheck import Indicator, PassFail
>>> from pbcheck.errors import ValidationError, render
>>> try:
...     Indicator(id="", title="", max_points=-1, rule=PassFail())
... except ValidationError as exc:
...     print("\n".join(render(exc)))
invalid indicator: 3 problems
  indicator.id: must be a non-empty string (got '')
  indicator.title: must be a non-empty string (got '')
  indicator.max_points: must be > 0 (got '-1')
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from typing import Self

from pbcheck._exact_text import format_exact

__all__ = [
    "DuplicateIdError",
    "InvalidTypeError",
    "InvalidValueError",
    "InvalidWeightsError",
    "MissingExtraError",
    "NotEnoughRatersError",
    "OrgTreeCycleError",
    "OutOfCycleError",
    "PbcheckError",
    "Problem",
    "UnknownAggregatorError",
    "UnknownReferenceError",
    "UnknownRuleError",
    "ValidationError",
    "render",
]


class PbcheckError(Exception):
    """Root of every error pbcheck raises on purpose.

    Catch it to handle anything pbcheck rejected, whatever the kind:

    >>> from pbcheck import OrgUnit
    >>> try:
    ...     OrgUnit(id="czj", name="市财政局机关党委", kind="科室")
    ... except PbcheckError as exc:
    ...     print(type(exc).__name__)
    ... except ValueError as exc:
    ...     print("ValueError:", exc)
    ValueError: '科室' is not a valid UnitKind
    >>> issubclass(ValidationError, PbcheckError)
    True
    """


class Problem(PbcheckError):
    """One problem in an input: where it is, what came, what was expected.

    Args:
        path: where the problem is, e.g. ``rubric.sections[思想建设].weight``.
        value: the offending value, kept as it came (nothing is altered).
        message: what was expected, e.g. ``must be > 0``.

    >>> problem = Problem("rubric.sections[B].weight", "-5", "must be >= 0")
    >>> print(problem)
    rubric.sections[B].weight: must be >= 0 (got '-5')
    >>> problem.path, problem.value
    ('rubric.sections[B].weight', '-5')

    Exact numbers and dates are quoted as they are written, not as Python
    reprs:

    >>> from datetime import date
    >>> from fractions import Fraction
    >>> print(Problem("observations[0].value", Fraction(3, 2), "must not exceed 1"))
    observations[0].value: must not exceed 1 (got '1.5')
    >>> print(Problem("milestones[6].date", date(2026, 7, 2), "must be before July 1"))
    milestones[6].date: must be before July 1 (got '2026-07-02')
    """

    def __init__(self, path: str, value: object, message: str) -> None:
        self.path = path
        self.value = value
        self.message = message
        super().__init__(f"{path}: {message} (got {_shown(value)})")


def _shown(value: object) -> str:
    """*value* as a message shows it: exact numbers and dates as they are written.

    A :class:`~fractions.Fraction` or :class:`~decimal.Decimal` shows as its
    exact text (``'1.5'``, ``'1/3'``), a date in ISO form, so the message
    quotes the value the way the user typed it.  A datetime keeps its repr,
    which shows whether it has a time zone.
    """
    if isinstance(value, Fraction):
        return repr(format_exact(value))
    if isinstance(value, Decimal):
        return repr(str(value))
    if isinstance(value, date) and not isinstance(value, datetime):
        return repr(value.isoformat())
    return repr(value)


class InvalidValueError(Problem, ValueError):
    """A value outside what the field accepts (negative points, empty id, …).

    >>> from pbcheck import to_exact
    >>> try:
    ...     to_exact("８５", "observations[0].value")
    ... except InvalidValueError as exc:
    ...     print(exc.path, "|", exc.message)
    observations[0].value | must be a decimal number in ASCII digits, e.g. '8.5'
    """


class InvalidTypeError(Problem, TypeError):
    """A value of the wrong type (a float where exact numbers are required, …).

    It is also a :class:`TypeError`:

    >>> from pbcheck import to_exact
    >>> try:
    ...     to_exact(0.7, "sections[A].weight")
    ... except TypeError as exc:
    ...     print(type(exc).__name__, exc.path)
    InvalidTypeError sections[A].weight
    """


class InvalidWeightsError(InvalidValueError):
    """Weights that are negative, not finite, or do not sum to their basis.

    >>> from pbcheck import DirectScore, Indicator, Rubric, Section
    >>> try:
    ...     Rubric(
    ...         "r",
    ...         "1",
    ...         "细则",
    ...         sections=[
    ...             Section(
    ...                 "A",
    ...                 "常规工作",
    ...                 70,
    ...                 indicators=[Indicator("A1", "台账", 70, DirectScore())],
    ...             ),
    ...             Section(
    ...                 "B",
    ...                 "服务发展",
    ...                 20,
    ...                 indicators=[Indicator("B1", "竞赛", 20, DirectScore())],
    ...             ),
    ...         ],
    ...     )
    ... except ValidationError as exc:
    ...     print([type(p).__name__ for p in exc.problems])
    ['InvalidWeightsError']
    """


class DuplicateIdError(InvalidValueError):
    """An id used twice where ids must be unique.

    >>> from pbcheck import OrgTree, OrgUnit
    >>> try:
    ...     OrgTree([OrgUnit("a", "甲", "branch"), OrgUnit("a", "乙", "branch")])
    ... except ValidationError as exc:
    ...     print(exc.problems[0])
    tree.units[1].id: is a duplicate (got 'a')
    """


class UnknownReferenceError(InvalidValueError):
    """A reference to something that does not exist (a dangling id).

    >>> from pbcheck import OrgTree, OrgUnit
    >>> try:
    ...     OrgTree([OrgUnit("zb", "预算科党支部", "branch", parent="czj")])
    ... except ValidationError as exc:
    ...     print(exc.problems[0])
    tree.units[zb].parent: names no unit in the tree (got 'czj')
    """


class OrgTreeCycleError(InvalidValueError):
    """Parent links that loop back on themselves.

    >>> from pbcheck import OrgTree, OrgUnit
    >>> try:
    ...     OrgTree(
    ...         [
    ...             OrgUnit("a", "甲总支", "general_branch", parent="b"),
    ...             OrgUnit("b", "乙支部", "branch", parent="a"),
    ...         ]
    ...     )
    ... except ValidationError as exc:
    ...     print(type(exc.problems[0]).__name__, exc.problems[0].message)
    OrgTreeCycleError closes a loop: a → b → a
    """


class NotEnoughRatersError(InvalidValueError):
    """Too few raters for an aggregation (e.g. a trimmed mean of two scores).

    >>> from fractions import Fraction
    >>> from pbcheck import TrimmedMean
    >>> try:
    ...     TrimmedMean(1)([Fraction(80), Fraction(90)], [Fraction(1)] * 2)
    ... except NotEnoughRatersError as exc:
    ...     print(exc.message)
    needs at least 3 values to drop the 1 highest and 1 lowest (got 2)
    """


class OutOfCycleError(InvalidValueError):
    """A record dated outside the assessment cycle it was filed in.

    >>> from datetime import date
    >>> from pbcheck import AssessmentCycle
    >>> cycle = AssessmentCycle.cross_year(2025)
    >>> try:
    ...     cycle.require_within(date(2025, 4, 30), "activities[0].occurred_at")
    ... except OutOfCycleError as exc:
    ...     print(exc.path)
    activities[0].occurred_at
    """


class UnknownAggregatorError(PbcheckError, LookupError):
    """An aggregation strategy name that no registry knows.

    It is also a :class:`LookupError`:

    >>> from pbcheck import AggregatorRegistry
    >>> try:
    ...     AggregatorRegistry.with_builtins().create("mode")
    ... except LookupError as exc:
    ...     print(type(exc).__name__)
    UnknownAggregatorError
    """


class UnknownRuleError(PbcheckError, LookupError):
    """A rule tag, or a rule class, that a rule registry does not know.

    It is also a :class:`LookupError`:

    >>> from pbcheck.model.rules import RuleRegistry
    >>> try:
    ...     RuleRegistry.with_builtins().class_of("per_mille")
    ... except LookupError as exc:
    ...     print(type(exc).__name__)
    UnknownRuleError
    """


class MissingExtraError(PbcheckError, ImportError):
    """An optional feature was used without the extra that provides it.

    Args:
        extra: the name of the extra, as in ``pip install "pbcheck[extra]"``.
        feature: what the user tried to do, for the message.

    >>> error = MissingExtraError("excel", "reading .xlsx workbooks")
    >>> print(error)
    reading .xlsx workbooks needs the optional 'excel' extra: pip install "pbcheck[excel]"
    >>> isinstance(error, ImportError)
    True
    """

    def __init__(self, extra: str, feature: str) -> None:
        super().__init__(
            f"{feature} needs the optional {extra!r} extra: "
            f'pip install "pbcheck[{extra}]"'
        )
        self.extra = extra
        self.feature = feature


class ValidationError(ExceptionGroup[Problem], PbcheckError):
    """Every problem found in one input, raised together.

    ``exceptions`` holds the individual :class:`Problem` leaves; use
    :func:`render` to print them one per line, or ``except*`` to pick a kind.

    >>> error = ValidationError(
    ...     "invalid evaluation",
    ...     [
    ...         InvalidValueError(
    ...             "observations[0].value", "120", "must not exceed 100"
    ...         ),
    ...         UnknownReferenceError("observations[1].indicator", "Z9", "is unknown"),
    ...     ],
    ... )
    >>> print(error)
    invalid evaluation: 2 problems
      observations[0].value: must not exceed 100 (got '120')
      observations[1].indicator: is unknown (got 'Z9')
    >>> try:
    ...     raise error
    ... except* UnknownReferenceError as unknown:
    ...     print([p.path for p in unknown.problems])
    ... except* InvalidValueError:
    ...     pass
    ['observations[1].indicator']
    """

    def derive(self, excs: Sequence[Problem]) -> Self:  # type: ignore[override]
        """Keep the class when ``except*`` splits the group."""
        return type(self)(self.message, excs)

    def __str__(self) -> str:
        """The heading and every problem, one per line (see :func:`render`)."""
        return "\n".join(render(self))

    @property
    def problems(self) -> tuple[Problem, ...]:
        """All leaves, flattened, in the order they were found."""
        return tuple(_leaves(self))


def _leaves(group: BaseExceptionGroup[BaseException]) -> Iterator[Problem]:
    for exc in group.exceptions:
        if isinstance(exc, BaseExceptionGroup):
            yield from _leaves(exc)
        elif isinstance(exc, Problem):
            yield exc


def render(exc: BaseException) -> list[str]:
    """Render an error as lines: a heading, then one indented line per problem.

    Works on any exception; a :class:`ValidationError` lists every problem with
    its path.

    >>> render(ValueError("bad input"))
    ['bad input']
    >>> render(
    ...     ValidationError("invalid tree", [InvalidValueError("id", "", "is empty")])
    ... )
    ['invalid tree: 1 problem', "  id: is empty (got '')"]
    """
    if isinstance(exc, ValidationError):
        problems = exc.problems
        noun = "problem" if len(problems) == 1 else "problems"
        return [f"{exc.message}: {len(problems)} {noun}"] + [f"  {p}" for p in problems]
    return [str(exc)]


class _Problems:
    """Collects problems during validation, then raises them all at once."""

    __slots__ = ("_found", "_title")

    def __init__(self, title: str) -> None:
        self._title = title
        self._found: list[Problem] = []

    def add(self, problem: Problem) -> None:
        self._found.append(problem)

    def extend(self, problems: Sequence[Problem]) -> None:
        self._found.extend(problems)

    def __bool__(self) -> bool:
        return bool(self._found)

    def __len__(self) -> int:
        return len(self._found)

    def __iter__(self) -> Iterator[Problem]:
        return iter(self._found)

    def raise_if_any(self) -> None:
        if self._found:
            raise ValidationError(self._title, self._found)
