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
from typing import Self

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
    "ValidationError",
    "render",
]


class PbcheckError(Exception):
    """Root of every error pbcheck raises on purpose."""


class Problem(PbcheckError):
    """One problem in an input: where it is, what came, what was expected.

    Args:
        path: where the problem is, e.g. ``rubric.sections[思想建设].weight``.
        value: the offending value, kept as it came (nothing is altered).
        message: what was expected, e.g. ``must be > 0``.
    """

    def __init__(self, path: str, value: object, message: str) -> None:
        self.path = path
        self.value = value
        self.message = message
        super().__init__(f"{path}: {message} (got {value!r})")


class InvalidValueError(Problem, ValueError):
    """A value outside what the field accepts (negative points, empty id, …)."""


class InvalidTypeError(Problem, TypeError):
    """A value of the wrong type (a float where exact numbers are required, …)."""


class InvalidWeightsError(InvalidValueError):
    """Weights that are negative, not finite, or do not sum to their basis."""


class DuplicateIdError(InvalidValueError):
    """An id used twice where ids must be unique."""


class UnknownReferenceError(InvalidValueError):
    """A reference to something that does not exist (a dangling id)."""


class OrgTreeCycleError(InvalidValueError):
    """Parent links that loop back on themselves."""


class NotEnoughRatersError(InvalidValueError):
    """Too few raters for an aggregation (e.g. a trimmed mean of two scores)."""


class OutOfCycleError(InvalidValueError):
    """A record dated outside the assessment cycle it was filed in."""


class UnknownAggregatorError(PbcheckError, LookupError):
    """An aggregation strategy name that no registry knows."""


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

    def raise_if_any(self) -> None:
        if self._found:
            raise ValidationError(self._title, self._found)
