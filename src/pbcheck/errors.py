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
...     Indicator(id="A1", title="", max_points=-1, rule=PassFail())
... except ValidationError as exc:
...     print("\n".join(render(exc)))
invalid indicator: 2 problems
  indicator[A1].title: must be a non-empty string (got '')
  indicator[A1].max_points: must be > 0 (got '-1')

Where a problem is: paths
-------------------------

A problem's place is data, not text: a :class:`Problem`'s ``steps`` is a
:data:`Path`, a tuple of steps from a root, and its ``path`` is that tuple
rendered once by :func:`render_path`.  Code that needs the place (the
document loader, the audit trail, the command line) reads the steps; nothing
parses the text.  A step is

* a **name** (:class:`str`): an attribute, or a key of a mapping;
* an **index** (:class:`int`): a position in a list, from 0;
* an **id** (:class:`Id`): the item of a list whose id it is.

The first step is the root: ``$`` (:data:`DOCUMENT`) for a place in a file,
or the kind of object for a place in an object built in Python (``rubric``,
``section``, ``evaluations``).  One style renders both:

* the root as it is: ``$``, ``rubric``;
* a name as ``.name`` when it is an ASCII identifier (``.max_points``), else
  as ``["name"]`` (``["县处级及以上"]``);
* an index as ``[3]``;
* an id as ``[B]`` or ``[思想建设]`` as it is, unless it could be misread —
  empty, a whole number such as ``1``, or holding a space, a control
  character or one of ``. [ ] ' " \`` — then quoted as ``['1']``.

Inside quotes a backslash escapes the quote and itself, and a character that
does not print is written as its code (``\u3000``).  So no two paths render
alike: after ``[``, a ``"`` starts a name and a ``'`` a quoted id; a whole
number is an index; anything else is a bare id.

>>> render_path(("$", "sections", 1, "weight"))
'$.sections[1].weight'
>>> render_path(("rubric", "sections", Id("思想建设"), "weight"))
'rubric.sections[思想建设].weight'
>>> render_path(("deduction", Id("D2"), "by_category", "县处级及以上"))
'deduction[D2].by_category["县处级及以上"]'
>>> render_path(("rubric", "sections", Id("1"), "indicators", Id("a.b")))
"rubric.sections['1'].indicators['a.b']"

An object built in Python names itself by its id where it has a usable one
(:func:`item`): ``section[B].weight``; the document loader turns such a path
into the place in the file (``$.sections[1].weight``).
"""

from __future__ import annotations

import difflib
import itertools
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any, Final, Self, TypeAlias

import attrs

from pbcheck._exact_text import format_exact

__all__ = [
    "DOCUMENT",
    "MAX_PROBLEMS",
    "ConflictError",
    "DuplicateIdError",
    "Id",
    "InvalidTypeError",
    "InvalidValueError",
    "InvalidWeightsError",
    "MissingExtraError",
    "NotAuthorisedError",
    "NotEnoughRatersError",
    "OrgTreeCycleError",
    "OutOfCycleError",
    "Path",
    "PbcheckError",
    "Problem",
    "RefusedError",
    "Step",
    "StoreVersionError",
    "TamperedError",
    "UnknownAggregatorError",
    "UnknownItemError",
    "UnknownReferenceError",
    "UnknownRuleError",
    "ValidationError",
    "item",
    "member",
    "render",
    "render_path",
]


# -- paths ------------------------------------------------------------------


@attrs.frozen(repr=False)
class Id:
    """A step naming the item of a list by its id: ``sections[B]``, ``units[czj]``.

    Args:
        value: the item's id, as it is.

    >>> render_path(("tree", "units", Id("czj"), "parent"))
    'tree.units[czj].parent'
    >>> Id("czj") == Id("czj"), Id("1") == 1
    (True, False)
    """

    value: str

    def __repr__(self) -> str:
        return f"Id({self.value!r})"


#: One step of a :data:`Path`: a name (:class:`str`), an index (:class:`int`)
#: or an id (:class:`Id`).
Step: TypeAlias = str | int | Id

#: Where a problem is: a tuple of steps, the first of them the root.
Path: TypeAlias = tuple[Step, ...]

#: The root of every place in a file, rendered ``$``.
DOCUMENT: Final = "$"

#: How many problems one :class:`ValidationError` keeps and lists.  An input
#: with more problems than this is still refused whole; the first
#: ``MAX_PROBLEMS`` are kept, in the order they were found, and the rest are
#: only counted (:attr:`ValidationError.omitted`), so that a hostile file of
#: millions of mistakes costs bounded memory and prints a bounded report.
MAX_PROBLEMS: Final = 1000


class _Rendered(str):
    """A path given as text by a call site that does not pass steps yet.

    TRANSITION (phase 1 of issue 13): :class:`Problem` still accepts a plain
    ``str`` path and keeps it as one step of this type, rendered as it is.
    Phase 2 converts the remaining call sites and removes it.
    """

    __slots__ = ()


def item(kind: str, item_id: object) -> Path:
    """The path of one item of *kind*, named by its id where it has a usable one.

    Constructors name the item they check, so that a problem found in a
    rubric built in Python says which section it is; an id that is not a
    non-empty string names nothing, and the bare kind stands instead.

    >>> render_path((*item("section", "B"), "weight"))
    'section[B].weight'
    >>> render_path((*item("section", ""), "weight"))
    'section.weight'
    """
    if isinstance(item_id, str) and item_id.strip():
        return (kind, Id(item_id))
    return (kind,)


def member(index: int, item_id: object) -> int | Id:
    """One item of a list: by its id where it has a usable one, else by *index*.

    A problem about one scorecard, ballot group or grade range names the item
    by its id, as constructors do with :func:`item`; the document loader turns
    the id into the item's place in the file.  An id that is not a non-empty
    string names nothing, so the position stands instead.  A *repeated* id
    would name the first item that has it: callers name a duplicate by its
    position.

    >>> render_path(("scorecards", member(1, "czj"), "unit_id"))
    'scorecards[czj].unit_id'
    >>> render_path(("scorecards", member(1, None), "unit_id"))
    'scorecards[1].unit_id'
    >>> member(2, " "), member(2, 7)
    (2, 2)
    """
    if isinstance(item_id, str) and item_id.strip():
        return Id(item_id)
    return index


def render_path(path: Iterable[Step]) -> str:
    """*path* as text, in the one style of every problem (see :mod:`pbcheck.errors`).

    >>> render_path((DOCUMENT, "deductions", 1, "by_category", "乡科级"))
    '$.deductions[1].by_category["乡科级"]'
    >>> render_path(("evaluations", Id("ZF 01"), "observations", 2, "value"))
    "evaluations['ZF 01'].observations[2].value"
    >>> render_path(())
    ''
    """
    parts: list[str] = []
    for step in path:
        if isinstance(step, _Rendered):  # TRANSITION (phase 1): text as given
            parts.append(step)
        elif isinstance(step, Id):
            parts.append(f"[{_id_text(step.value)}]")
        elif isinstance(step, bool) or not isinstance(step, int | str):
            msg = f"a path step must be a str, an int or an Id (got {step!r})"
            raise TypeError(msg)
        elif isinstance(step, int):
            parts.append(f"[{step}]")
        elif not parts and (step == DOCUMENT or _is_identifier(step)):
            parts.append(step)
        elif _is_identifier(step):
            parts.append(f".{step}")
        else:
            parts.append("[" + _quoted(step, '"') + "]")
    return "".join(parts)


def _is_identifier(text: str) -> bool:
    """An ASCII identifier, ``[A-Za-z_][A-Za-z0-9_]*``: safe after a dot."""
    return text.isascii() and text.isidentifier()


# Characters that would make an id in brackets read as something else.
_RESERVED = frozenset(".[]'\"\\")


def _id_text(value: str) -> str:
    """An id as it is when it cannot be misread, else quoted (``'1'``)."""
    number = value[1:] if value[:1] in "+-" else value
    if (
        not value
        or (number.isascii() and number.isdigit())
        or any(ch in _RESERVED or ch.isspace() or not ch.isprintable() for ch in value)
    ):
        return _quoted(value, "'")
    return value


def _quoted(text: str, quote: str) -> str:
    """*text* between *quote* marks; backslash escapes, unprintables by their code."""
    out = [quote]
    for ch in text:
        if ch in (quote, "\\"):
            out.append("\\" + ch)
        elif ch.isprintable():
            out.append(ch)
        else:
            code = ord(ch)
            out.append(
                f"\\x{code:02x}"
                if code < 0x100
                else f"\\u{code:04x}"
                if code < 0x10000
                else f"\\U{code:08x}"
            )
    out.append(quote)
    return "".join(out)


class PbcheckError(Exception):
    """Root of every error pbcheck raises on purpose.

    Catch it to handle anything pbcheck rejected, whatever the kind:

    >>> from pbcheck import OrgUnit
    >>> try:
    ...     OrgUnit(id="czj", name="市财政局机关党委", kind="科室")
    ... except PbcheckError as exc:
    ...     print(type(exc).__name__)
    InvalidValueError
    >>> issubclass(ValidationError, PbcheckError)
    True
    """


class Problem(PbcheckError):
    """One problem in an input: where it is, what came, what was expected.

    Args:
        path: where the problem is, as steps from a root (see
            :mod:`pbcheck.errors`), e.g.
            ``("rubric", "sections", Id("思想建设"), "weight")``.
        value: the offending value, kept as it came (nothing is altered).
        message: what was expected, e.g. ``must be > 0``.

    Attributes:
        steps: the path as given, a tuple of steps (read this to find where).
        path: the path as text, e.g. ``rubric.sections[B].weight``.
        value: the offending value.
        message: what was expected.

    ``steps`` keeps the path as given; ``path`` is its text:

    >>> problem = Problem(
    ...     ("rubric", "sections", Id("B"), "weight"), "-5", "must be >= 0"
    ... )
    >>> print(problem)
    rubric.sections[B].weight: must be >= 0 (got '-5')
    >>> problem.path, problem.value
    ('rubric.sections[B].weight', '-5')
    >>> problem.steps
    ('rubric', 'sections', Id('B'), 'weight')

    Exact numbers and dates are quoted as they are written, not as Python
    reprs:

    >>> from datetime import date
    >>> from fractions import Fraction
    >>> print(
    ...     Problem(("observations", 0, "value"), Fraction(3, 2), "must not exceed 1")
    ... )
    observations[0].value: must not exceed 1 (got '1.5')
    >>> print(
    ...     Problem(
    ...         ("milestones", 6, "date"), date(2026, 7, 2), "must be before July 1"
    ...     )
    ... )
    milestones[6].date: must be before July 1 (got '2026-07-02')

    A value too long to quote is shortened in the message (``value`` keeps
    it whole):

    >>> print(Problem(("observations", 0, "value"), "1" * 5000, "is too long"))
    ... # doctest: +ELLIPSIS
    observations[0].value: is too long (got '1111...… <5002 characters> …111...111')
    """

    def __init__(self, path: Path | str, value: object, message: str) -> None:
        if isinstance(path, str):
            # TRANSITION (phase 1 of issue 13): a call site not yet converted
            # passes its path as text, kept as one step rendered as it is.
            # Phase 2 converts the rest and accepts steps only.
            steps: Path = (_Rendered(path),) if path else ()
        else:
            steps = tuple(path)
        self.steps = steps
        self.path = render_path(steps)
        self.value = value
        self.message = message
        super().__init__(f"{self.path}: {message} (got {_shown(value)})")

    def __reduce__(self) -> tuple[type[Self], tuple[Path, object, str], dict[str, Any]]:
        """Pickle by the constructor's arguments: steps, value and message.

        An exception pickles its ``args`` (here the rendered text) and calls
        its class with them; a problem is rebuilt from what it was made of
        instead, and its other attributes (notes) are restored after, so it
        can cross to another process and back:

        >>> import pickle
        >>> problem = InvalidValueError(("section", Id("B"), "weight"), -5, "bad")
        >>> copy = pickle.loads(pickle.dumps(problem))
        >>> type(copy).__name__, copy.steps, copy.value
        ('InvalidValueError', ('section', Id('B'), 'weight'), -5)
        """
        return (type(self), (self.steps, self.value, self.message), vars(self))

    def moved(self, path: Path) -> Self:
        """The same problem at another place (same kind, value and message).

        >>> problem = InvalidValueError(
        ...     ("section", Id("B"), "weight"), "-5", "must be ≥ 0"
        ... )
        >>> moved = problem.moved(("$", "sections", 1, "weight"))
        >>> type(moved).__name__, moved.path
        ('InvalidValueError', '$.sections[1].weight')
        """
        return type(self)(path, self.value, self.message)


def _shown(value: object) -> str:
    """*value* as a message shows it: exact numbers and dates as they are written.

    A :class:`~fractions.Fraction` or :class:`~decimal.Decimal` shows as its
    exact text (``'1.5'``, ``'1/3'``), a date in ISO form, so the message
    quotes the value the way the user typed it.  A datetime keeps its repr,
    which shows whether it has a time zone.
    """
    if isinstance(value, Fraction | int) and not isinstance(value, bool):
        bits = max(abs(value.numerator).bit_length(), value.denominator.bit_length())
        if bits > _SHOWN_BITS:  # Python will not write an int this long as text
            return f"<a number of about {int(bits * _DIGITS_PER_BIT) + 1} digits>"
    if isinstance(value, Fraction):
        text = repr(format_exact(value))
    elif isinstance(value, Decimal):
        text = repr(str(value))
    elif isinstance(value, date) and not isinstance(value, datetime):
        text = repr(value.isoformat())
    else:
        text = repr(value)
    if len(text) > _SHOWN_CHARS:
        return f"{text[:60]}… <{len(text)} characters> …{text[-20:]}"
    return text


# A value is quoted in full up to this length; a hostile value of a million
# characters would make every message (and every log line) that long.
_SHOWN_CHARS = 1000
# Ints above this size are described, not written: 3,300 bits is about 1,000
# digits, far below Python's limit of 4,300 digits for int-to-text.
_SHOWN_BITS = 3300
_DIGITS_PER_BIT = 0.30103  # log10(2)


class InvalidValueError(Problem, ValueError):
    """A value outside what the field accepts (negative points, empty id, …).

    >>> from pbcheck import to_exact
    >>> try:
    ...     to_exact("８５", ("observations", 0, "value"))
    ... except InvalidValueError as exc:
    ...     print(exc.path, "|", exc.message)
    observations[0].value | must be a decimal number in ASCII digits, e.g. '8.5'
    """


class InvalidTypeError(Problem, TypeError):
    """A value of the wrong type (a float where exact numbers are required, …).

    It is also a :class:`TypeError`:

    >>> from pbcheck import to_exact
    >>> try:
    ...     to_exact(0.7, ("sections", Id("A"), "weight"))
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
    ...     cycle.require_within(date(2025, 4, 30), ("activities", 0, "occurred_at"))
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


class UnknownItemError(PbcheckError, KeyError):
    """An id that names nothing where it was looked up (``Scorecard.explain("nope")``).

    It is also a :class:`KeyError` whose ``args[0]`` is the id, so code that
    caught ``KeyError`` keeps working; its text names the id and the close
    ids that do exist.

    Args:
        item: the id asked for.
        known: the ids that exist there; the closest few are named.
        where: where it was looked up, for the message.

    Attributes:
        item: the id asked for.
        close: the existing ids closest to it (at most five).
        where: where it was looked up.

    >>> error = UnknownItemError("A3", ["A1", "A2", "B1", "total"], "the scorecard")
    >>> print(error)
    'A3' names nothing in the scorecard; close ids: 'A1', 'A2'
    >>> isinstance(error, KeyError), error.args[0], error.close
    (True, 'A3', ('A1', 'A2'))
    """

    def __init__(
        self, item: object, known: Iterable[str] = (), where: str = "here"
    ) -> None:
        super().__init__(item)
        known = list(known)
        close = sorted(difflib.get_close_matches(str(item), known, n=5, cutoff=0.5))
        self.item = item
        self.close = tuple(close)
        self.where = where
        if close:
            hint = "; close ids: " + ", ".join(repr(c) for c in close)
        elif known:
            shown = ", ".join(repr(k) for k in known[:10])
            hint = f"; it has {shown}" + (", …" if len(known) > 10 else "")
        else:
            hint = ""
        self._text = f"{_shown(item)} names nothing in {where}{hint}"

    def __str__(self) -> str:
        """The message, not the quoted id that :class:`KeyError` would show."""
        return self._text

    def __reduce__(
        self,
    ) -> tuple[type[Self], tuple[object, tuple[str, ...], str], dict[str, Any]]:
        """Pickle by the id, the close ids and the place; restore the rest after."""
        return (type(self), (self.item, self.close, self.where), vars(self))


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

    def __reduce__(self) -> tuple[type[Self], tuple[str, str], dict[str, Any]]:
        """Pickle by the constructor's arguments, as :meth:`Problem.__reduce__` does."""
        return (type(self), (self.extra, self.feature), vars(self))


class NotAuthorisedError(PbcheckError, PermissionError):
    """An actor tried something the season's authority does not allow them.

    Who may do what is data (:class:`pbcheck.season.Authority`); a refusal
    names the actor, the action, what it was aimed at and who may do it.

    Args:
        actor: the actor's id.
        action: what they tried, e.g. ``submit``.
        target: what it was aimed at, e.g. ``indicator C3 for unit czj``.
        allowed: who may, e.g. ``市纪委监委机关 (jw) or the office``.

    >>> error = NotAuthorisedError("xcb", "submit", "indicator C3 for unit czj", "jw")
    >>> print(error)
    xcb may not submit indicator C3 for unit czj; only jw may
    >>> isinstance(error, PermissionError), error.actor, error.allowed
    (True, 'xcb', 'jw')
    """

    def __init__(self, actor: str, action: str, target: str, allowed: str) -> None:
        super().__init__(f"{actor} may not {action} {target}; only {allowed} may")
        self.actor = actor
        self.action = action
        self.target = target
        self.allowed = allowed

    def __reduce__(
        self,
    ) -> tuple[type[Self], tuple[str, str, str, str], dict[str, Any]]:
        """Pickle by the constructor's arguments, as :meth:`Problem.__reduce__` does."""
        return (
            type(self),
            (self.actor, self.action, self.target, self.allowed),
            vars(self),
        )


class RefusedError(PbcheckError, ValueError):
    """A season command that the season's state does not allow, with the reason.

    A refused command changes nothing: the state it was tried on stays as it
    was.

    Args:
        action: what was tried, e.g. ``approve``.
        reason: why not, e.g. ``the results were already approved on 2026-06-18``.

    >>> print(
    ...     RefusedError("approve", "the results were already approved on 2026-06-18")
    ... )
    cannot approve: the results were already approved on 2026-06-18
    """

    def __init__(self, action: str, reason: str) -> None:
        super().__init__(f"cannot {action}: {reason}")
        self.action = action
        self.reason = reason

    def __reduce__(self) -> tuple[type[Self], tuple[str, str], dict[str, Any]]:
        """Pickle by the constructor's arguments, as :meth:`Problem.__reduce__` does."""
        return (type(self), (self.action, self.reason), vars(self))


class ConflictError(PbcheckError):
    """Another writer appended to a season first (optimistic concurrency).

    The append named the version it expected; the store holds a later one.
    Nothing of the refused append was written: reload, check, and retry.

    >>> print(ConflictError("jc-2025", expected=41, actual=42))
    season jc-2025 is at version 42, not 41: another writer appended first; \
reload and retry
    """

    def __init__(self, season: str, expected: int, actual: int) -> None:
        super().__init__(
            f"season {season} is at version {actual}, not {expected}: "
            "another writer appended first; reload and retry"
        )
        self.season = season
        self.expected = expected
        self.actual = actual

    def __reduce__(self) -> tuple[type[Self], tuple[str, int, int], dict[str, Any]]:
        """Pickle by the constructor's arguments, as :meth:`Problem.__reduce__` does."""
        return (type(self), (self.season, self.expected, self.actual), vars(self))


class TamperedError(PbcheckError):
    """A stored event chain that does not verify: the first event that breaks it.

    Args:
        season: the season's id.
        position: the version (1-based sequence number) of the first bad event.
        what: what is wrong, e.g. ``its hash does not match its content``.

    >>> print(TamperedError("jc-2025", 17, "its hash does not match its content"))
    season jc-2025, event 17: its hash does not match its content
    """

    def __init__(self, season: str, position: int, what: str) -> None:
        super().__init__(f"season {season}, event {position}: {what}")
        self.season = season
        self.position = position
        self.what = what

    def __reduce__(self) -> tuple[type[Self], tuple[str, int, str], dict[str, Any]]:
        """Pickle by the constructor's arguments, as :meth:`Problem.__reduce__` does."""
        return (type(self), (self.season, self.position, self.what), vars(self))


class StoreVersionError(PbcheckError):
    """A store whose schema version this pbcheck does not know (or is not created).

    >>> print(StoreVersionError("sqlite:///season.db", found=7, known=2))
    sqlite:///season.db has store schema version 7; this pbcheck knows up to 2: \
upgrade pbcheck
    """

    def __init__(self, where: str, found: int | None, known: int) -> None:
        if found is None:
            text = (
                f"{where} holds no pbcheck store; create it with `pbcheck season init`"
            )
        elif found > known:
            text = (
                f"{where} has store schema version {found}; this pbcheck knows up to "
                f"{known}: upgrade pbcheck"
            )
        else:
            text = (
                f"{where} has store schema version {found}, older than {known}: "
                "upgrade the store (Store.upgrade())"
            )
        super().__init__(text)
        self.where = where
        self.found = found
        self.known = known

    def __reduce__(
        self,
    ) -> tuple[type[Self], tuple[str, int | None, int], dict[str, Any]]:
        """Pickle by the constructor's arguments, as :meth:`Problem.__reduce__` does."""
        return (type(self), (self.where, self.found, self.known), vars(self))


class ValidationError(ExceptionGroup[Problem], PbcheckError):
    """Every problem found in one input, raised together.

    ``exceptions`` holds the individual :class:`Problem` leaves; use
    :func:`render` to print them one per line, or ``except*`` to pick a kind.

    Args:
        message: the heading, e.g. ``invalid evaluation``.
        problems: the problems found, in order; any iterable.  Only the
            first :data:`MAX_PROBLEMS` are kept, the rest are counted.
        omitted: problems found but already dropped by the caller (a
            collector that stopped keeping them), added to the count.

    >>> error = ValidationError(
    ...     "invalid evaluation",
    ...     [
    ...         InvalidValueError(
    ...             ("observations", 0, "value"), "120", "must not exceed 100"
    ...         ),
    ...         UnknownReferenceError(
    ...             ("observations", 1, "indicator"), "Z9", "is unknown"
    ...         ),
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

    Past :data:`MAX_PROBLEMS` the problems are counted, not kept, and the
    text says how many were left out:

    >>> many = (InvalidValueError(("rows", i), i, "is bad") for i in range(1003))
    >>> error = ValidationError("invalid table", many)
    >>> len(error.problems), error.omitted
    (1000, 3)
    >>> lines = render(error)
    >>> lines[0], lines[-1]
    ('invalid table: 1003 problems', '  … and 3 more problems')

    When ``except*`` splits a group, each part keeps the problems it matched;
    the count of those left out stays with the whole group.
    """

    _omitted: int

    def __new__(
        cls, message: str, problems: Iterable[Problem], omitted: int = 0
    ) -> Self:
        """Keep the first :data:`MAX_PROBLEMS` of *problems*; count the rest."""
        if isinstance(problems, Sequence):
            kept = list(problems[:MAX_PROBLEMS])
            rest = len(problems) - len(kept)
        else:  # an iterator: the rest is counted without being kept
            found = iter(problems)
            kept = list(itertools.islice(found, MAX_PROBLEMS))
            rest = sum(1 for _ in found)
        self = super().__new__(cls, message, kept)
        self._omitted = _count(omitted, "omitted") + rest
        return self

    def __init__(
        self, message: str, problems: Iterable[Problem], omitted: int = 0
    ) -> None:
        del problems, omitted  # kept, bounded, by __new__
        super().__init__(message, self.exceptions)  # type: ignore[arg-type]

    def derive(self, excs: Sequence[Problem]) -> Self:  # type: ignore[override]
        """Keep the class when ``except*`` splits the group."""
        return type(self)(self.message, excs)

    def __str__(self) -> str:
        """The heading and every problem, one per line (see :func:`render`)."""
        return "\n".join(render(self))

    @property
    def problems(self) -> tuple[Problem, ...]:
        """The leaves, flattened, in the order they were found: at most :data:`MAX_PROBLEMS`."""
        return tuple(itertools.islice(_leaves(self), MAX_PROBLEMS))

    @property
    def omitted(self) -> int:
        """How many problems were found but not kept (0 when every one is listed).

        >>> ValidationError(
        ...     "invalid tree", [InvalidValueError(("id",), "", "x")]
        ... ).omitted
        0
        """
        dropped = sum(
            getattr(group, "_omitted", 0) for group in _groups(self)
        )  # nested groups keep their own counts
        shown = sum(1 for _ in _leaves(self))
        return dropped + max(0, shown - MAX_PROBLEMS)


def _count(value: object, name: str) -> int:
    """*value* as a count of problems: an ``int`` ≥ 0."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        msg = f"{name} must be an int >= 0 (got {value!r})"
        raise TypeError(msg)
    return value


def _groups(
    group: BaseExceptionGroup[BaseException],
) -> Iterator[BaseExceptionGroup[BaseException]]:
    """*group* and every group nested in it."""
    yield group
    for exc in group.exceptions:
        if isinstance(exc, BaseExceptionGroup):
            yield from _groups(exc)


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
    ...     ValidationError(
    ...         "invalid tree", [InvalidValueError(("id",), "", "is empty")]
    ...     )
    ... )
    ['invalid tree: 1 problem', "  id: is empty (got '')"]
    """
    if isinstance(exc, ValidationError):
        problems = exc.problems
        omitted = exc.omitted
        total = len(problems) + omitted
        noun = "problem" if total == 1 else "problems"
        lines = [f"{exc.message}: {total} {noun}"] + [f"  {p}" for p in problems]
        if omitted:
            more = "problem" if omitted == 1 else "problems"
            lines.append(f"  … and {omitted} more {more}")
        return lines
    return [str(exc)]


class _Problems:
    """Collects problems during validation, then raises them all at once.

    It keeps the first :data:`MAX_PROBLEMS` and only counts the rest, so
    memory stays bounded however bad the input; ``len`` is the number found,
    kept or not, so a check can still tell whether it found anything.

    >>> problems = _Problems("invalid table")
    >>> for row in range(MAX_PROBLEMS + 5):
    ...     problems.add(InvalidValueError(("rows", row), row, "is bad"))
    >>> len(problems), len(list(problems)), problems.full
    (1005, 1000, True)
    """

    __slots__ = ("_found", "_omitted", "_title")

    def __init__(self, title: str) -> None:
        self._title = title
        self._found: list[Problem] = []
        self._omitted = 0

    @property
    def full(self) -> bool:
        """Whether further problems are only counted: a caller may stop looking."""
        return len(self._found) >= MAX_PROBLEMS

    def add(self, problem: Problem) -> None:
        if len(self._found) < MAX_PROBLEMS:
            self._found.append(problem)
        else:
            self._omitted += 1

    def extend(self, problems: Iterable[Problem]) -> None:
        for problem in problems:
            self.add(problem)

    def __bool__(self) -> bool:
        return bool(self._found)

    def __len__(self) -> int:
        return len(self._found) + self._omitted

    def __iter__(self) -> Iterator[Problem]:
        return iter(self._found)

    def raise_if_any(self) -> None:
        if self._found:
            raise ValidationError(self._title, self._found, self._omitted)
