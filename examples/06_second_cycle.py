"""Step 10 of the tutorial: a second cycle, and what two years at the bottom lead to.

Run: python examples/06_second_cycle.py
"""

from pbcheck import History, assess_outcomes, escalations, score_all
from pbcheck.examples import (
    EXAMPLE_YEARS,
    example_cycle,
    example_evaluations,
    example_rubrics,
    example_tree,
)


def main() -> None:
    rubric, tree = example_rubrics(), example_tree()
    results = []
    for year in EXAMPLE_YEARS:
        cycle = example_cycle(year)
        cards = score_all(rubric, example_evaluations(year), tree=tree, cycle=cycle)
        outcomes = assess_outcomes(cards, tree, cycle=cycle)
        bottom = "、".join(tree[u].name for u in outcomes.bottom.unit_ids)
        print(f"{cycle.label_zh} 处于后位：{bottom}")
        results.append(outcomes.cycle_result(cycle))
    print("连续两年处于后位：问责与整改")
    for action in escalations(History(results), latest_only=True):
        print(
            f"  {action.due}前  {tree[action.unit_id].name}  {action.label}（{action.by}）"
        )


if __name__ == "__main__":
    main()
