"""Step 2 of the tutorial: the rubrics (分类考核细则) — 70/30, ten parts, bonus, veto.

Run: python examples/02_rubric.py
"""

from pbcheck import format_exact
from pbcheck.examples import example_rubric, example_rubrics


def main() -> None:
    rubric = example_rubric()  # the 政府工作部门 series' rubric of the set
    print(
        f"{rubric.title}（{rubric.version}版），满分 {format_exact(rubric.total_points)}"
    )
    for section in rubric.sections:
        print(f"{section.id} {section.title} {format_exact(section.weight)} 分")
        for part in section.sections:
            standards = len(part.indicators) + sum(
                len(item.indicators) for item in part.sections
            )
            print(
                f"  {part.id} {part.title} {format_exact(part.weight)} 分："
                f"{len(part.sections)} 项内容，{standards} 项量化标准"
            )
    print(f"量化标准合计 {len(rubric.indicators())} 项")
    print(f"奖励分上限 {format_exact(rubric.bonus.cap)} 分")
    for deduction in rubric.deductions:
        print(f"直接扣分 {deduction.id} {deduction.title}")
    for veto in rubric.vetoes:
        print(f"一票否决 {veto.id} {veto.title}")
    rubrics = example_rubrics()
    for unit_id in ("ZF01", "DQ01", "CZ01"):
        own = rubrics.rubric_for(unit_id)
        titles = [i.title for i in own.indicators() if i.id.startswith("B3")]
        print(f"{unit_id} 的个性指标（B3）：{'、'.join(titles)}")


if __name__ == "__main__":
    main()
