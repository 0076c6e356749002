"""Step 3 of the tutorial: the cross-year cycle (跨年度考评) and its milestones.

Run: python examples/03_cycle.py
"""

from datetime import date

from pbcheck import CycleCalendar
from pbcheck.examples import example_cycle


def main() -> None:
    cycle = example_cycle(2025)
    print(f"考核周期 {cycle.label_zh}：{cycle.start} — {cycle.end}")
    for milestone in cycle.milestones:
        print(f"  {milestone.date}  {milestone.name_zh}")
    today = date(2026, 5, 20)
    upcoming = cycle.next_milestone(today)
    if upcoming is not None:
        milestone, days = upcoming
        print(
            f"{today}：下一个节点是{milestone.name_zh}（{milestone.date}，还有 {days} 天）"
        )
    calendar = CycleCalendar.cross_year()
    for day in (date(2026, 4, 30), date(2026, 5, 1)):
        print(f"{day} 属于 {calendar.cycle_for(day).label_zh}")


if __name__ == "__main__":
    main()
