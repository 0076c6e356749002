"""Split the 2025 evaluations of the example by who submits them in the season.

``plan.toml`` says which department (评分部门) owns which part of the rubric;
this script splits ``../evaluations-2025.json`` accordingly, so that the
season can be run through ``pbcheck season submit`` as it would happen:

- ``<department>.json`` — the records of the items each department owns
  (observations of its indicators, the activity records of its frequency
  indicators, its indicators marked not applicable (合理缺项) with the
  reason, the incidents of its deduction and veto items);
- ``kpb.json`` — everything else, scored by the office's assessment team
  (考评组);
- ``self.json`` — the units' self-assessments (自评, observations whose
  source is ``self``), each unit submitting its own.

Every record goes to exactly one file, unchanged, so the season scores the
same as ``pbcheck score`` on the whole file (``tests/test_cli_season.py``
checks it).  Run from the repository root after the example changes::

    python examples/jiangcheng/season/split.py
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from pbcheck.io.interchange import dump, load
from pbcheck.model.cycle import AssessmentCycle
from pbcheck.model.evaluation import Evaluation, Source
from pbcheck.model.org import OrgTree
from pbcheck.model.rubric import Rubric
from pbcheck.model.rubric_set import RubricSet
from pbcheck.season import Actor, Authority
from pbcheck.season.plan import SeasonPlan

HERE = Path(__file__).resolve().parent
OFFICE_FILE = "kpb"
SELF_FILE = "self"


def plan_of(path: Path) -> SeasonPlan:
    """The plan's owners on its rubric (unit actors are not needed to split)."""
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    rubric = load(path.parent / raw["rubric"])
    assert isinstance(rubric, Rubric | RubricSet)  # noqa: S101 - the example's
    tree = load(path.parent / raw["tree"], OrgTree)
    cycle = load(path.parent / raw["cycle"], AssessmentCycle)
    actors = [Actor(a["id"], a["name"], a["role"]) for a in raw["actors"]]
    authority = Authority(actors, owners=raw["owners"])
    return SeasonPlan(raw["season_id"], raw["title"], rubric, tree, cycle, authority)


def split(plan: SeasonPlan, evaluations: tuple[Evaluation, ...]) -> dict[str, list]:
    """Each file's evaluations, by file stem, units in the source's order."""

    def owner(unit_id: str, item_id: str) -> str:
        found = plan.owner(unit_id, item_id)
        return OFFICE_FILE if found is None else found.id

    files: dict[str, dict[str, dict[str, list]]] = {}

    def put(stem: str, unit_id: str, field: str, record: object) -> None:
        unit = files.setdefault(stem, {}).setdefault(
            unit_id,
            {
                "observations": [],
                "activities": [],
                "incidents": [],
                "not_applicable": [],
            },
        )
        unit[field].append(record)

    for evaluation in evaluations:
        unit_id = evaluation.unit_id
        for observation in evaluation.observations:
            stem = (
                SELF_FILE
                if observation.source is Source.SELF
                else owner(unit_id, observation.indicator_id)
            )
            put(stem, unit_id, "observations", observation)
        for activity in evaluation.activities:
            put(owner(unit_id, activity.indicator_id), unit_id, "activities", activity)
        for incident in evaluation.incidents:
            put(owner(unit_id, incident.item_id), unit_id, "incidents", incident)
        for waived in evaluation.not_applicable:
            put(owner(unit_id, waived.indicator_id), unit_id, "not_applicable", waived)
        if evaluation.branches:
            raise SystemExit(f"{unit_id}: branches are not split yet")
    return {
        stem: [Evaluation(unit_id, **records) for unit_id, records in units.items()]
        for stem, units in files.items()
    }


def main() -> None:
    plan = plan_of(HERE / "plan.toml")
    evaluations = load(HERE.parent / "evaluations-2025.json", Evaluation)
    for stem, part in sorted(split(plan, evaluations).items()):
        written = dump(tuple(part), HERE / f"{stem}.json")
        count = sum(
            len(e.observations)
            + len(e.activities)
            + len(e.incidents)
            + len(e.not_applicable)
            for e in part
        )
        print(
            f"{written.relative_to(HERE.parents[2])}: {len(part)} 个单位, {count} 条记录"
        )


if __name__ == "__main__":
    main()
