"""Step 11 of the tutorial: the season's results as HTML, Excel and a draft circular.

Run: python examples/07_reports.py [DIRECTORY]   (default: a new temporary directory)

Needs the ``excel`` extra for the workbook and ``plots`` for the charts in the
HTML page: pip install "pbcheck[excel,plots]".
"""

import sys
import tempfile

from pbcheck import History, assess_outcomes, score_all
from pbcheck.examples import (
    EXAMPLE_YEARS,
    example_cycle,
    example_evaluations,
    example_rubrics,
    example_tree,
)
from pbcheck.report import CycleReport, write_report


def main(directory: str | None = None) -> None:
    rubric, tree = example_rubrics(), example_tree()
    seasons = []
    for year in EXAMPLE_YEARS:
        cycle = example_cycle(year)
        cards = score_all(rubric, example_evaluations(year), tree=tree, cycle=cycle)
        seasons.append((cycle, cards, assess_outcomes(cards, tree, cycle=cycle)))
    cycle, cards, outcomes = seasons[-1]
    history = History([o.cycle_result(c) for c, _, o in seasons])
    report = CycleReport.build(
        cards, outcomes, tree=tree, rubric=rubric, cycle=cycle, history=history
    )
    out = directory or tempfile.mkdtemp(prefix="pbcheck-report-")
    for path in write_report(report, out, formats=("html", "xlsx", "circular")):
        print(f"已写出 {path}")


if __name__ == "__main__":
    main(*sys.argv[1:2])
