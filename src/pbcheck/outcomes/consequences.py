"""Consequences of results (考评结果运用): rules keyed on grade, veto, bottom place and streaks.

A :class:`ConsequenceRule` says *when* (a :data:`Trigger`) and *what*: the
actions (:class:`~pbcheck.outcomes.history.EscalationStep`), each with the
body that acts or must act (责任主体, ``by``) and a deadline counted from a
milestone of the cycle (``months`` and ``days``, calendar months first).
Triggers, all data:

* :class:`OnGrade` — the unit's grade is one of ``labels`` (e.g. 差);
* :class:`OnVeto` — the unit was vetoed (一票否决);
* :class:`OnBottom` — the unit is at the bottom (处于后位);
* :class:`Streak` — one of the above held in ``length`` consecutive cycles
  (连续两年一般及以下, 连续两年处于后位), through renames, mergers and
  splits as :class:`~pbcheck.outcomes.history.History` follows them.

:func:`consequences` reads the cycles of a
:class:`~pbcheck.outcomes.history.History` (its latest is the current
season; a one-cycle history serves for rules without streaks) and returns
every action due, each with its reason.  A rule's ``basis`` is its own text
and ``source`` says whose rule it is: the rubric's (``本细则``) for rules you
write.  :data:`DEFAULT_CONSEQUENCE_RULES` holds only what the seed documents
say (two years at the bottom), labelled as pbcheck's default taken from
them; a rule such as "差 → 约谈, 整改报告 within a month" is yours to write
(see the example below), never presented as a regulation.

:func:`~pbcheck.outcomes.history.escalations` is the special case of one
streak rule on the bottom place (:meth:`ConsequenceRule.from_escalation`
gives the same actions).

>>> from pbcheck import AssessmentCycle
>>> from pbcheck.outcomes.history import CycleResult, History, UnitResult
>>> poor = ConsequenceRule(
...     "poor_grade",
...     OnGrade(["差"]),
...     [
...         EscalationStep("talk", "约谈", "机关工委", days=30),
...         EscalationStep("report", "提交书面整改报告", "被约谈单位党组织", months=1),
...     ],
...     basis="考评等次为“差”的，由机关工委约谈，一个月内提交书面整改报告",
... )
>>> history = History(
...     [CycleResult(AssessmentCycle.cross_year(2025), [UnitResult("czj", grade="差")])]
... )
>>> for action in consequences(history, [poor]):
...     print(action.label, action.by, action.due)
约谈 机关工委 2026-07-15
提交书面整改报告 被约谈单位党组织 2026-07-15
>>> print(consequences(history, [poor])[1].reason)
czj 2025—2026年度等次为“差”，由被约谈单位党组织提交书面整改报告，考评结果公布（2026-06-15）后 1 个月内完成，即 2026-07-15 前；依据本细则：考评等次为“差”的，由机关工委约谈，一个月内提交书面整改报告
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TypeAlias

import attrs

from pbcheck._numbers import whole_at_least
from pbcheck.errors import (
    Id,
    InvalidTypeError,
    InvalidValueError,
    Problem,
    UnknownReferenceError,
    _Problems,
    item,
)
from pbcheck.outcomes.history import (
    DEFAULT_ESCALATION_STEPS,
    EscalationPolicy,
    EscalationStep,
    History,
    UnitResult,
)

__all__ = [
    "DEFAULT_CONSEQUENCE_RULES",
    "SEED_SOURCE",
    "Consequence",
    "ConsequenceRule",
    "OnBottom",
    "OnGrade",
    "OnVeto",
    "Streak",
    "Trigger",
    "consequences",
]


def _labels(value: Iterable[str]) -> frozenset[str]:
    return frozenset((value,) if isinstance(value, str) else value)


@attrs.frozen
class OnGrade:
    """The unit's grade (等次) is one of *labels*.

    >>> OnGrade(["一般", "差"]).describe()
    '等次为“一般”或“差”'
    """

    labels: frozenset[str] = attrs.field(converter=_labels)

    def __attrs_post_init__(self) -> None:
        if not self.labels or not all(
            isinstance(label, str) and label.strip() for label in self.labels
        ):
            raise InvalidValueError(
                ("trigger", "labels"),
                sorted(self.labels, key=str),
                "must name at least one grade",
            )

    def applies(self, unit: UnitResult) -> bool:
        """Whether *unit* was given one of the grades."""
        return unit.grade in self.labels

    def describe(self) -> str:
        """The condition in Chinese."""
        return "等次为" + "或".join(f"“{label}”" for label in sorted(self.labels))


@attrs.frozen
class OnVeto:
    """The unit was vetoed (一票否决).

    >>> OnVeto().describe()
    '被一票否决'
    """

    def applies(self, unit: UnitResult) -> bool:
        """Whether *unit* was vetoed."""
        return unit.vetoed

    def describe(self) -> str:
        """The condition in Chinese."""
        return "被一票否决"


@attrs.frozen
class OnBottom:
    """The unit is at the bottom (处于后位).

    >>> OnBottom().describe()
    '处于后位'
    """

    def applies(self, unit: UnitResult) -> bool:
        """Whether *unit* was at the bottom."""
        return unit.at_bottom

    def describe(self) -> str:
        """The condition in Chinese."""
        return "处于后位"


#: A condition on one cycle's result.
Condition: TypeAlias = OnGrade | OnVeto | OnBottom


@attrs.frozen
class Streak:
    """*of* held in *length* consecutive cycles (连续 N 年), and in every later one.

    >>> Streak(OnGrade(["一般", "差"]), 2).describe()
    '连续 2 个考核周期等次为“一般”或“差”'
    """

    of: Condition = attrs.field(
        validator=attrs.validators.instance_of((OnGrade, OnVeto, OnBottom))
    )
    length: int = attrs.field(default=2, validator=whole_at_least(1, "streak"))

    def describe(self) -> str:
        """The condition in Chinese."""
        return f"连续 {self.length} 个考核周期{self.of.describe()}"


#: When a consequence rule applies.
Trigger: TypeAlias = OnGrade | OnVeto | OnBottom | Streak

#: Whose rule a default is: pbcheck's, taken from the seed documents.
SEED_SOURCE = "pbcheck 默认规则（取自南平市《关于进一步完善机关党建工作责任制的思考》）"


def _actions(value: Iterable[EscalationStep]) -> tuple[EscalationStep, ...]:
    return tuple(value)


@attrs.frozen
class ConsequenceRule:
    """When a consequence applies and the actions it brings.

    Args:
        key: a stable id, e.g. ``poor_grade``.
        when: the :data:`Trigger`.
        actions: what is done, each with its 责任主体 and deadline.
        basis: the rule's own text, quoted in every reason.
        source: whose rule it is: ``本细则`` (the rubric's own, default) or,
            for pbcheck's defaults, :data:`SEED_SOURCE`.

    >>> rule = ConsequenceRule.from_escalation(EscalationPolicy())
    >>> rule.when.describe(), len(rule.actions)
    ('连续 2 个考核周期处于后位', 4)
    """

    key: str
    when: Trigger
    actions: tuple[EscalationStep, ...] = attrs.field(converter=_actions)
    basis: str = ""
    source: str = "本细则"

    def __attrs_post_init__(self) -> None:
        problems = _Problems("invalid consequence rule")
        here = item("rule", self.key) if isinstance(self.key, str) else ("rule",)
        for name in ("key", "source"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value.strip():
                problems.add(
                    InvalidValueError(
                        (*here, name), value, "must be a non-empty string"
                    )
                )
        if not isinstance(self.when, (OnGrade, OnVeto, OnBottom, Streak)):
            problems.add(
                InvalidTypeError(
                    (*here, "when"),
                    self.when,
                    "must be OnGrade, OnVeto, OnBottom or Streak",
                )
            )
        if not self.actions:
            problems.add(
                InvalidValueError(
                    (*here, "actions"), [], "must hold at least one action"
                )
            )
        for index, action in enumerate(self.actions):
            if not isinstance(action, EscalationStep):
                problems.add(
                    InvalidTypeError(
                        (*here, "actions", index), action, "must be an EscalationStep"
                    )
                )
        problems.raise_if_any()

    @classmethod
    def from_escalation(
        cls, policy: EscalationPolicy, *, key: str = "bottom_streak"
    ) -> ConsequenceRule:
        """The rule :func:`~pbcheck.outcomes.history.escalations` applies.

        Each step keeps its own ``basis``; the rule quotes none of its own.

        >>> ConsequenceRule.from_escalation(EscalationPolicy(length=3)).when.length
        3
        """
        return cls(
            key, Streak(OnBottom(), policy.length), policy.steps, source=SEED_SOURCE
        )


_NANPING = (
    "对考评处于后位的机关党组织取消该党组织和单位领导评先评优资格；连续两年处于后位的，"
    "由市直工委通报批评，并向其主管部门（单位）或上级分管领导进行反馈"
)

#: pbcheck's defaults, taken from the seed documents: two consecutive cycles
#: at the bottom bring the four actions of
#: :data:`~pbcheck.outcomes.history.DEFAULT_ESCALATION_STEPS`.
DEFAULT_CONSEQUENCE_RULES: tuple[ConsequenceRule, ...] = (
    ConsequenceRule(
        "bottom_streak",
        Streak(OnBottom(), 2),
        DEFAULT_ESCALATION_STEPS,
        basis=_NANPING,
        source=SEED_SOURCE,
    ),
)


@attrs.frozen
class Consequence:
    """One action due for one unit in one cycle, and why.

    Args:
        unit_id: the unit.
        cycle: the cycle's label, e.g. ``2025—2026年度``.
        rule: the key of the :class:`ConsequenceRule`.
        key: the action's key.
        label: the action, e.g. ``约谈``.
        by: who acts or must act (责任主体).
        streak: the run of cycles the trigger held (1 without a streak).
        due: the deadline.
        reason: why, in Chinese, quoting the rule.
        warning: set when a streak spans cycles scored on different rubrics.

    >>> from pbcheck import AssessmentCycle
    >>> from pbcheck.outcomes.history import CycleResult, History, UnitResult
    >>> history = History(
    ...     [
    ...         CycleResult(
    ...             AssessmentCycle.cross_year(2025), [UnitResult("a", vetoed=True)]
    ...         )
    ...     ]
    ... )
    >>> rule = ConsequenceRule(
    ...     "veto", OnVeto(), [EscalationStep("talk", "约谈", "机关工委", days=15)]
    ... )
    >>> (found,) = consequences(history, [rule])
    >>> found.rule, found.label, found.by, found.due.isoformat(), found.warning
    ('veto', '约谈', '机关工委', '2026-06-30', None)
    """

    unit_id: str
    cycle: str
    rule: str
    key: str
    label: str
    by: str
    streak: int
    due: date
    reason: str
    warning: str | None = None


def _rules(value: Iterable[ConsequenceRule]) -> tuple[ConsequenceRule, ...]:
    return tuple(value)


def consequences(
    history: History,
    rules: Iterable[ConsequenceRule] = DEFAULT_CONSEQUENCE_RULES,
    *,
    latest_only: bool = False,
) -> tuple[Consequence, ...]:
    """Every action *rules* bring in every cycle of *history* (or only the latest).

    A streak rule applies in each cycle where the run reaches its length, and
    again in every later cycle the run goes on.  A cycle whose results lack
    what a trigger tests (no grades recorded) does not meet it.

    Raises:
        ValidationError: a rule is not a :class:`ConsequenceRule`, two rules
            share a key, or an action names a milestone a cycle does not have.

    >>> from pbcheck import AssessmentCycle
    >>> from pbcheck.outcomes.history import CycleResult, History, UnitResult
    >>> history = History(
    ...     [
    ...         CycleResult(
    ...             AssessmentCycle.cross_year(y), [UnitResult("a", at_bottom=True)]
    ...         )
    ...         for y in (2024, 2025)
    ...     ]
    ... )
    >>> [(c.label, c.by, c.due.isoformat()) for c in consequences(history)][:2]
    [('通报批评', '市直机关工委', '2026-07-15'), ('反馈主管部门', '市直机关工委', '2026-07-15')]
    """
    problems = _Problems("invalid consequences")
    chosen = _rules(rules)
    seen: set[str] = set()
    for index, rule in enumerate(chosen):
        if not isinstance(rule, ConsequenceRule):
            problems.add(
                InvalidTypeError(("rules", index), rule, "must be a ConsequenceRule")
            )
        elif rule.key in seen:
            problems.add(
                InvalidValueError(("rules", index, "key"), rule.key, "is used twice")
            )
        else:
            seen.add(rule.key)
    problems.raise_if_any()
    runs = {
        rule.key: history.streaks(rule.when.of.applies)
        for rule in chosen
        if isinstance(rule.when, Streak)
    }
    out: list[Consequence] = []
    first = len(history) - 1 if latest_only else 0
    for index in range(first, len(history)):
        result = history.results[index]
        for unit in result.units:
            for rule in chosen:
                if isinstance(rule.when, Streak):
                    streak = runs[rule.key][index][unit.unit_id]
                    if streak < rule.when.length:
                        continue
                elif rule.when.applies(unit):
                    streak = 1
                else:
                    continue
                out.extend(_due(history, index, unit, rule, streak, problems))
    problems.raise_if_any()
    return tuple(out)


def _due(  # noqa: PLR0913, PLR0917 - the unit, its cycle and the rule that applied
    history: History,
    index: int,
    unit: UnitResult,
    rule: ConsequenceRule,
    streak: int,
    problems: _Problems,
) -> list[Consequence]:
    result = history.results[index]
    lineage = history.lineage(index, unit.unit_id)
    note = f"（{lineage}）" if lineage else ""
    if isinstance(rule.when, Streak):
        what = f"截至{result.cycle.label_zh}连续 {streak} 个考核周期{rule.when.of.describe()}"
        what += f"（达到 {rule.when.length} 个）"
    else:
        what = f"{result.cycle.label_zh}{rule.when.describe()}"
    warning = _rubric_warning(history, index, unit, streak)
    out = []
    for action in rule.actions:
        try:
            due = action.due(result.cycle)
        except Problem as problem:
            problems.add(
                UnknownReferenceError(
                    ("rules", Id(rule.key), "actions", Id(action.key), "milestone"),
                    action.milestone,
                    problem.message,
                )
            )
            continue
        milestone = result.cycle.milestone(action.milestone)
        basis = action.basis or rule.basis
        quoted = f"；依据{rule.source}：{basis}" if basis else f"；依据{rule.source}"
        reason = (
            f"{unit.unit_id}{note} {what}，由{action.by}{action.label}，"
            f"{milestone.name_zh}（{milestone.date.isoformat()}）后 {action.within()}内完成，"
            f"即 {due.isoformat()} 前{quoted}"
        )
        if warning:
            reason += f"；注意：{warning}"
        out.append(
            Consequence(
                unit.unit_id,
                result.cycle.label_zh,
                rule.key,
                action.key,
                action.label,
                action.by,
                streak,
                due,
                reason,
                warning,
            )
        )
    return out


def _rubric_warning(
    history: History, index: int, unit: UnitResult, streak: int
) -> str | None:
    """Which rubrics a streak of *streak* cycles ending at *unit* was scored on, if several."""
    seen: list[str] = []
    current = [(index, unit)]
    for _ in range(streak):
        step = []
        for at, member in current:
            if member.rubric and member.rubric not in seen:
                seen.append(member.rubric)
            for old in history.predecessors(at, member.unit_id):
                earlier = history.results[at - 1].get(old)
                if earlier is not None:
                    step.append((at - 1, earlier))
        current = step
    if len(seen) > 1:
        return f"连续期间考核细则不同（{' → '.join(reversed(seen))}）"
    return None
