"""Compact HTML for notebooks (``_repr_html_``) of scorecards, rankings and outcomes.

Every text is escaped; tables are short (long rankings are cut with a note),
so a notebook cell stays readable.  Only the standard library is used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pbcheck.model.rubric import ROOT

if TYPE_CHECKING:
    from pbcheck.outcomes.grading import Grades
    from pbcheck.outcomes.ranking import Ranking
    from pbcheck.outcomes.season import Outcomes
    from pbcheck.outcomes.selection import BottomList, CommendationList
    from pbcheck.scoring.scorecard import Scorecard

from pbcheck.views.html import table, titled


def scorecard_html(card: Scorecard) -> str:
    """The total, its parts and the top two levels of sections."""
    flag = "（一票否决）" if card.disqualified else ""
    title = (
        f"{card.unit_id}：总分 {card.show(card.total)} / {card.show(card.max_total)}"
        f"{flag}（{card.rubric_id} {card.rubric_version}）"
    )
    rows: list[list[str]] = [
        ["基础分", card.show(card.base), card.show(card.total_points)],
        ["加分", card.show(card.bonus_counted), ""],
        ["扣分", card.show(card.deductions_counted), ""],
    ]
    root = card.sections.get(ROOT)
    for child in root.children if root is not None else ():
        section = card.sections.get(child)
        if section is None:
            continue
        rows.append(
            [
                f"{section.title} [{child}]",
                card.show(section.points),
                card.show(section.possible),
            ]
        )
        for grandchild in section.children:
            sub = card.sections.get(grandchild)
            if sub is not None:
                rows.append(
                    [
                        f"　{sub.title} [{grandchild}]",
                        card.show(sub.points),
                        card.show(sub.possible),
                    ]
                )
    rows.extend(
        [f"一票否决 {finding.title} [{finding.veto_id}]", "", ""]
        for finding in card.vetoes
    )
    return titled(title, table(["项目", "得分", "满分"], rows, limit=60))


def ranking_html(ranking: Ranking) -> str:
    """Rank, unit, total and flags, best first."""
    rows = [
        [
            entry.rank,
            entry.unit_id,
            str(entry.shown),
            "一票否决" if entry.disqualified else "",
            "、".join(entry.tied_with),
        ]
        for entry in ranking
    ]
    return titled(
        f"排名（{ranking.scope}，{len(ranking)} 个单位）",
        table(["名次", "单位", "总分", "否决", "并列"], rows),
    )


def grades_html(grades: Grades) -> str:
    """How many units got each grade."""
    return titled(
        f"等次（{len(grades)} 个单位）",
        table(["等次", "单位数"], grades.counts().items()),
    )


def commendation_html(chosen: CommendationList) -> str:
    """The selected units and why."""
    rows = [[d.group, d.unit_id, d.reason] for d in chosen if d.selected]
    return titled(
        f"{chosen.policy.title}（{len(rows)} 个单位）",
        table(["系列", "单位", "理由"], rows),
    )


def bottom_html(bottom: BottomList) -> str:
    """The units at the bottom and why."""
    rows = [[d.group, d.unit_id, d.reason] for d in bottom if d.at_bottom]
    return titled(
        f"处于后位（{len(rows)} 个单位）", table(["系列", "单位", "理由"], rows)
    )


def outcomes_html(outcomes: Outcomes) -> str:
    """One row per series, then both lists."""
    rows = []
    for series, ranking in outcomes.rankings.items():
        first = ranking.entries[0] if ranking.entries else None
        rows.append(
            [
                series,
                len(ranking),
                sum(1 for e in ranking if e.unit_id in outcomes.commendation),
                sum(1 for e in ranking if e.unit_id in outcomes.bottom),
                "" if first is None else f"{first.unit_id} {first.shown}",
            ]
        )
    summary = table(["系列", "单位数", "表彰", "处于后位", "第 1 名"], rows)
    return titled(
        f"考评结果（{len(outcomes.overall)} 个单位，{len(outcomes.rankings)} 个系列）",
        summary
        + commendation_html(outcomes.commendation)
        + bottom_html(outcomes.bottom),
    )
