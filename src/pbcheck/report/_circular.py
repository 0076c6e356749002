"""A draft circular (通报) of the season's results, in the usual official form."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from pbcheck._text import visible
from pbcheck.report._model import CycleReport, ListEntry

_NUMERALS = "一二三四五六七八九十"
DRAFT_MARK = "【草稿】本稿由 pbcheck 根据考评结果自动生成，须经审核修改后方可印发"


def _cn_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


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


def to_circular(
    report: CycleReport,
    *,
    addressee: str = "各直属机关党组织",
    issuer: str | None = None,
) -> str:
    """A draft circular (通报) on the season's results, clearly marked 草稿.

    Lists the commended units by series, the units at the bottom (处于后位)
    with the consequences the source documents give (no commendation for
    the unit and its leaders), and — when a history was given — the units at
    the bottom several years running with their escalation actions and due
    dates.  The 落款 (issuing organ) and 成文日期 are placeholders to fill
    in; *issuer* pre-fills the organ.

    Args:
        report: the season's report.
        addressee: 主送 — who the circular is sent to.
        issuer: 落款 — the issuing organ; a placeholder if ``None``.

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
    """
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
    out = [
        DRAFT_MARK,
        "",
        f"关于{cycle.label_zh}机关党建工作责任制考核结果的通报",
        "",
        f"{addressee}：",
        "",
        (
            f"　　{basis}"
            f"对{total}个直属机关党组织{cycle.label_zh}"
            f"（{_cn_date(cycle.start)}至{_cn_date(cycle.end)}）党建工作责任制落实情况"
            "进行了考核。考核采取听取汇报、查阅资料、部门评议和综合评价相结合的方式，"
            f"{ranked}。现将考核结果通报如下。"
        ),
        "",
        f"　　一、{report.commendation_title}",
        "",
    ]
    if report.commended:
        out.append(
            f"　　经综合评定，以下{len(report.commended)}个单位被评为"
            f"{report.commendation_title}，予以通报表彰："
        )
        out += [f"　　{line}" for line in _by_series(report.commended, order)]
    else:
        out.append(f"　　本年度无单位被评为{report.commendation_title}。")
    out += ["", "　　二、考评处于后位的单位", ""]
    if report.bottom:
        out.append(f"　　以下{len(report.bottom)}个单位考评处于后位：")
        out += [f"　　{line}" for line in _by_series(report.bottom, order)]
        vetoed = [e.name for e in report.bottom if report.unit(e.unit_id).line.vetoed]
        if vetoed:
            out.append(f"　　其中，{'、'.join(vetoed)}因一票否决事项直接列入。")
        out.append(
            "　　按照考核细则，取消上述党组织和单位领导本年度评先评优资格。"
            "请上述单位认真查找差距，深入分析原因，切实加以改进。"
        )
    else:
        out.append("　　本年度无单位考评处于后位。")
    section = 3
    if report.history_given:
        out += [
            "",
            (
                f"　　{_NUMERALS[section - 1]}、连续{_count(report.escalation_length)}年"
                "处于后位的单位"
            ),
            "",
        ]
        section += 1
        units = list(dict.fromkeys(e.unit_id for e in report.escalations))
        if units:
            for unit_id in units:
                actions = [e for e in report.escalations if e.unit_id == unit_id]
                first = actions[0]
                steps = "；".join(
                    f"由{a.by}{a.label}（{_cn_date(a.due)}前完成）" for a in actions
                )
                out.append(
                    f"　　{first.name}（{first.series}）连续{first.streak}个考核年度"
                    f"处于后位。按照考核细则，{steps}。"
                )
        else:
            out.append(
                f"　　本年度无连续{_count(report.escalation_length)}年处于后位的单位。"
            )
    out += [
        "",
        f"　　{_NUMERALS[section - 1]}、有关要求",
        "",
        (
            "　　各级党组织要以考核为契机，认真落实党建工作责任制，坚持“一岗双责”，"
            "对照考核细则查漏补缺，推动机关党建工作与业务工作深度融合。"
            "受到表彰的单位要再接再厉，发挥示范带动作用。"
        ),
        "",
        f"　　附件：{cycle.label_zh}机关党建工作责任制考核结果汇总表",
        "",
        f"{'':　>20}{issuer or '〔落款单位〕'}",
        f"{'':　>20}〔成文日期：××××年××月××日〕",
        "",
        "（此件公开发布 / 此件不公开：〔请选择〕）",
        "",
    ]
    # Each line whole: a line break or control character inside a name or
    # reason is written as \uXXXX, so no text can forge a line of the draft.
    return "\n".join(visible(line) for line in out)


def _count(number: int) -> str:
    if number == 2:
        return "两"
    return _NUMERALS[number - 1] if 1 <= number <= 10 else str(number)
