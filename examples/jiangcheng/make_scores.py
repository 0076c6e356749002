"""Write the example score sheets of 江城市直机关 for the 2025 cycle.

Run from the repository root: python examples/jiangcheng/make_scores.py

Both files hold the observations of ``pbcheck.examples.example_evaluations(2025)``
for the 政府工作部门 series (assessment-team scores, 民主测评 ballots, 明察暗访
findings, department-appraisal and self-assessment scores, bonus claims),
read with that series' rubric ``pbcheck.examples.example_rubric()``: a score
sheet is read against one rubric, and each series has its own B3 indicators.
Dated activities (三会一课), incidents and 合理缺项 are not part of a score
sheet and are left out.

* ``scores-2025-long.csv`` — the long layout, UTF-8 with a byte-order mark
  (so that Excel opens it correctly): one row per unit × indicator × rater,
  with the date and the evidence reference (依据).
* ``scores-2025-wide.xlsx`` — the wide layout: one row per unit × source ×
  rater × date, with the unit's name (单位名称, skipped on import), one column
  per indicator headed by its title.  A wide sheet has no room for evidence,
  so references are left out.

The output is deterministic: running the script again gives identical bytes.
"""

from __future__ import annotations

from pathlib import Path

from pbcheck._files import write_atomic
from pbcheck.examples import example_evaluations, example_rubric, example_tree
from pbcheck.model.evaluation import Evaluation
from pbcheck.model.org import SERIES_GOVERNMENT
from pbcheck.testing._spreadsheets import rows_to_csv, rows_to_xlsx, spreadsheet_rows

HERE = Path(__file__).resolve().parent
LONG = HERE / "scores-2025-long.csv"
WIDE = HERE / "scores-2025-wide.xlsx"


def government() -> tuple[Evaluation, ...]:
    """The 2025 evaluations of the 政府工作部门 series."""
    tree = example_tree()
    return tuple(
        e
        for e in example_evaluations(2025)
        if tree[e.unit_id].series == SERIES_GOVERNMENT
    )


def long_csv() -> bytes:
    """The long layout of the 2025 scores, as CSV bytes."""
    rows = spreadsheet_rows(government(), example_rubric())
    return rows_to_csv(rows, bom=True)


def wide_xlsx() -> bytes:
    """The wide layout of the 2025 scores, as workbook bytes."""
    names = {unit.id: unit.name for unit in example_tree()}
    rows = spreadsheet_rows(
        government(),
        example_rubric(),
        layout="wide",
        headers="title",
        unit_names=names,
        lossy=True,  # evidence has no place in a wide sheet
    )
    return rows_to_xlsx(rows, sheet="评分表")


def main() -> None:
    for path, data in ((LONG, long_csv()), (WIDE, wide_xlsx())):
        write_atomic(path, data)
        print(f"wrote {path.name} ({len(data)} bytes)")


if __name__ == "__main__":
    main()
