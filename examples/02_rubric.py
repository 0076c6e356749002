"""Step 2 of the tutorial: the rubric (考核细则) — 70/30, six parts, bonus, veto.

Run: python examples/02_rubric.py
"""

from pbcheck import format_exact
from pbcheck.examples import example_rubric


def main() -> None:
    rubric = example_rubric()
    print(
        f"{rubric.title}（{rubric.version}版），满分 {format_exact(rubric.total_points)}"
    )
    for section in rubric.sections:
        print(f"{section.id} {section.title} {format_exact(section.weight)} 分")
        for part in section.sections:
            standards = sum(len(item.indicators) for item in part.sections)
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


if __name__ == "__main__":
    main()
