"""A draft circular (通报) of the season's results, in the usual official form."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import attrs

from pbcheck._text import visible
from pbcheck.report._model import CycleReport, ListEntry
from pbcheck.views.text import official_date

_NUMERALS = "一二三四五六七八九十"
_INDENT = "　　"  # two full-width spaces: the first-line indent of official text
DRAFT_MARK = "【草稿】本稿由 pbcheck 根据考评结果自动生成，须经审核修改后方可印发"


#: Dates in the official form; one formatter for every document.
cn_date = official_date


def _by_series(entries: Sequence[ListEntry], order: Sequence[str]) -> list[str]:
    out = []
    index = 0
    for series in order:
        names = [e.name for e in entries if e.series == series]
        if names:
            out.append(
                f"（{_NUMERALS[index % 10]}）{series}（{len(names)} 个）："
                f"{'、'.join(names)}。"
            )
            index += 1
    return out


@attrs.frozen
class CircularDraft:
    """The wording of a draft 通报, in parts: one source for the text and Word drafts.

    ``sections`` are ``(heading, paragraphs)`` in order, headings numbered
    (``一、…``); every paragraph is one line of text without its indent.
    ``issued`` is the 成文日期 in official form (``2026年6月15日``), or a
    placeholder to fill in.
    """

    title: str
    addressee: str
    opening: str
    sections: tuple[tuple[str, tuple[str, ...]], ...]
    attachment: str
    issuer: str
    issued: str
    publicity: str = "（此件公开发布 / 此件不公开：〔请选择〕）"


def compose_circular(
    report: CycleReport,
    *,
    addressee: str = "各直属机关党组织",
    issuer: str | None = None,
    issued: date | None = None,
) -> CircularDraft:
    """The wording of the draft circular of *report*, in parts (see :func:`to_circular`)."""
    cycle = report.cycle
    order = [table.series for table in report.series]
    total = len(report.units)
    basis = f"根据《{report.title}》（{report.rubric_version}版），"
    ranked = "按政府工作部门、党群部门、垂直管理部门等系列分别排名"
    if report.rubric_set:
        rubrics = "、".join(f"《{title}》" for title in report.rubric_titles.values())
        basis = (
            f"根据《{report.title}》（{report.rubric_version}版）"
            f"及其分类考核细则（{rubrics}），"
        )
        ranked = "实行分类考核，各单位按所适用的考核细则计分，按系列分别排名"
    opening = (
        f"{basis}"
        f"对{total}个直属机关党组织{cycle.label_zh}"
        f"（{cn_date(cycle.start)}至{cn_date(cycle.end)}）党建工作责任制落实情况"
        "进行了考核。考核采取听取汇报、查阅资料、部门评议和综合评价相结合的方式，"
        f"{ranked}。现将考核结果通报如下。"
    )
    sections: list[tuple[str, tuple[str, ...]]] = []
    lines: list[str] = []
    if report.commended:
        lines.append(
            f"经综合评定，以下{len(report.commended)}个单位被评为"
            f"{report.commendation_title}，予以通报表彰："
        )
        lines += _by_series(report.commended, order)
    else:
        lines.append(f"本年度无单位被评为{report.commendation_title}。")
    sections.append((report.commendation_title, tuple(lines)))
    lines = []
    if report.bottom:
        lines.append(f"以下{len(report.bottom)}个单位考评处于后位：")
        lines += _by_series(report.bottom, order)
        vetoed = [e.name for e in report.bottom if report.unit(e.unit_id).line.vetoed]
        if vetoed:
            lines.append(f"其中，{'、'.join(vetoed)}因一票否决事项直接列入。")
        lines.append(
            "按照考核细则，取消上述党组织和单位领导本年度评先评优资格。"
            "请上述单位认真查找差距，深入分析原因，切实加以改进。"
        )
    else:
        lines.append("本年度无单位考评处于后位。")
    sections.append(("考评处于后位的单位", tuple(lines)))
    if report.history_given:
        lines = []
        units = list(dict.fromkeys(e.unit_id for e in report.escalations))
        for unit_id in units:
            actions = [e for e in report.escalations if e.unit_id == unit_id]
            first = actions[0]
            # The deadlines are the rubric's own (its escalation rules), so
            # the draft says so instead of a vague 有关规定.
            steps = "；".join(
                f"由{a.by}{a.label}（{cn_date(a.due)}前完成）" for a in actions
            )
            lines.append(
                f"{first.name}（{first.series}）连续{first.streak}个考核年度"
                f"处于后位。按照考核细则，{steps}。"
            )
        if not units:
            lines.append(
                f"本年度无连续{_count(report.escalation_length)}年处于后位的单位。"
            )
        sections.append(
            (f"连续{_count(report.escalation_length)}年处于后位的单位", tuple(lines))
        )
    requirements = (
        "各级党组织要以考核为契机，认真落实党建工作责任制，坚持“一岗双责”，"
        "对照考核细则查漏补缺，推动机关党建工作与业务工作深度融合。"
        "受到表彰的单位要再接再厉，发挥示范带动作用。"
    )
    sections.append(("有关要求", (requirements,)))
    return CircularDraft(
        title=f"关于{cycle.label_zh}机关党建工作责任制考核结果的通报",
        addressee=addressee,
        opening=opening,
        sections=tuple(
            (f"{_NUMERALS[n]}、{heading}", body)
            for n, (heading, body) in enumerate(sections)
        ),
        attachment=f"附件：{cycle.label_zh}机关党建工作责任制考核结果汇总表",
        issuer=issuer or "〔落款单位〕",
        issued=cn_date(issued)
        if issued is not None
        else "〔成文日期：××××年××月××日〕",
    )


def to_circular(
    report: CycleReport,
    *,
    addressee: str = "各直属机关党组织",
    issuer: str | None = None,
    issued: date | None = None,
) -> str:
    """A draft circular (通报) on the season's results, clearly marked 草稿.

    Lists the commended units by series, the units at the bottom (处于后位)
    with the consequences the source documents give (no commendation for
    the unit and its leaders), and — when a history was given — the units at
    the bottom several years running with their escalation actions and due
    dates, which it gives as the rubric's own rules (按照考核细则).  The 落款
    (issuing organ) and 成文日期 are placeholders to fill in; *issuer*
    pre-fills the organ and *issued* the date, in official form
    (2026年6月15日).  The Word draft (:func:`pbcheck.report.to_circular_docx`)
    has the same wording.

    Args:
        report: the season's report.
        addressee: 主送 — who the circular is sent to.
        issuer: 落款 — the issuing organ; a placeholder if ``None``.
        issued: 成文日期; a placeholder if ``None``.

    >>> from pbcheck.report import to_circular
    >>> from pbcheck.examples.small import small_report
    >>> report = small_report()
    >>> text = to_circular(report)
    >>> text.splitlines()[0].startswith("【草稿】")
    True
    >>> [
    ...     line.strip()
    ...     for line in text.splitlines()
    ...     if line.strip().startswith("（一）")
    ... ]
    ['（一）党群部门（1 个）：单位a。', '（一）党群部门（1 个）：单位e。']
    >>> from datetime import date
    >>> to_circular(report, issued=date(2026, 5, 20)).splitlines()[-3].strip()
    '2026年5月20日'
    """
    draft = compose_circular(report, addressee=addressee, issuer=issuer, issued=issued)
    out = [
        DRAFT_MARK,
        *(
            [
                f"【{report.partial}】本稿只含已评分的单位，名次、等次和名单不是全部单位的结果"
            ]
            if report.partial
            else []
        ),
        "",
        draft.title,
        "",
        f"{draft.addressee}：",
        "",
        f"{_INDENT}{draft.opening}",
    ]
    for heading, body in draft.sections:
        out += ["", f"{_INDENT}{heading}", ""]
        out += [f"{_INDENT}{line}" for line in body]
    out += [
        "",
        f"{_INDENT}{draft.attachment}",
        "",
        f"{'':　>20}{draft.issuer}",
        f"{'':　>20}{draft.issued}",
        "",
        draft.publicity,
        "",
    ]
    # Each line whole: a line break or control character inside a name or
    # reason is written as \uXXXX, so no text can forge a line of the draft.
    return "\n".join(visible(line) for line in out)


def _count(number: int) -> str:
    if number == 2:
        return "两"
    return _NUMERALS[number - 1] if 1 <= number <= 10 else str(number)
