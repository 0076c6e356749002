"""The season plan file (考核方案) that ``pbcheck season init`` reads.

A small TOML document naming the season's definitions and who does what::

    season_id = "2025"
    title = "2025—2026年度江城市直机关党建工作责任制考核"
    rubric = "../rubric.toml"        # relative to this file
    tree = "../org-tree.toml"
    cycle = "../cycle-2025.toml"
    publicity_days = 5               # optional; pbcheck's default, not a regulation
    units_act = true                 # every assessed unit acts for itself

    [[actors]]
    id = "kpb"
    name = "市直机关工委考核办"
    role = "office"                  # office, department or unit (+ unit_id)

    [owners]
    "P3" = "jw"                      # rubric id → department actor id

    [unranked]                       # optional: assessed, not publicly ranked
    "DQ01" = "纪检监察机关参加考核，不参加公开排名"

With ``units_act = true`` every assessed unit of the tree (every unit but
the working committee, or those of ``unit_ids``) is an actor of role
``unit`` whose id is its unit id and whose name is its name.  Every problem
of the file is reported at once, each naming its key and value.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from pbcheck.errors import (
    DOCUMENT,
    InvalidTypeError,
    InvalidValueError,
    Problem,
    ValidationError,
    _Problems,
)
from pbcheck.io.interchange import load
from pbcheck.model.cycle import AssessmentCycle
from pbcheck.model.org import OrgTree, UnitKind
from pbcheck.model.rubric import Rubric
from pbcheck.model.rubric_set import RubricSet
from pbcheck.outcomes.ranking import RankingPolicy
from pbcheck.outcomes.season import OutcomePolicy
from pbcheck.season import Actor, Authority
from pbcheck.season.plan import SeasonPlan

__all__ = ["read_plan"]

_KEYS = {
    "season_id",
    "title",
    "rubric",
    "tree",
    "cycle",
    "publicity_days",
    "units_act",
    "unit_ids",
    "actors",
    "owners",
    "unranked",
}
_ACTOR_KEYS = {"id", "name", "role", "unit_id"}


def read_plan(path: Path) -> SeasonPlan:
    """The season plan that the plan file at *path* describes.

    Raises:
        ValidationError: every problem of the plan file and of the files it
            names (each file's problems are reported under its own name by
            :func:`pbcheck.io.interchange.load`, so they are raised as they
            come), or of the plan as a whole.
    """
    problems = _Problems(f"invalid season plan {path}")
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ValidationError(
            "cannot read the plan file",
            [InvalidValueError((DOCUMENT,), str(path), f"cannot be read: {exc}")],
        ) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ValidationError(
            "invalid plan file",
            [InvalidValueError((DOCUMENT,), str(path), f"is not TOML: {exc}")],
        ) from None
    for key in sorted(set(raw) - _KEYS):
        problems.add(
            InvalidValueError(
                (DOCUMENT, key),
                raw[key],
                f"is not a plan key ({', '.join(sorted(_KEYS))})",
            )
        )
    required = [
        InvalidTypeError((DOCUMENT, key), raw.get(key), "must be text")
        for key in ("season_id", "title", "rubric", "tree", "cycle")
        if not isinstance(raw.get(key), str)
    ]
    if required:
        for problem in required:
            problems.add(problem)
        problems.raise_if_any()
    rubric = load(path.parent / raw["rubric"])
    if not isinstance(rubric, Rubric | RubricSet):
        problems.add(
            InvalidValueError(
                (DOCUMENT, "rubric"),
                raw["rubric"],
                "must name a rubric or rubric_set file",
            )
        )
    tree = load(path.parent / raw["tree"], OrgTree)
    cycle = load(path.parent / raw["cycle"], AssessmentCycle)
    actors = _actors(raw, tree, problems)
    owners = raw.get("owners", {})
    if not isinstance(owners, dict):
        problems.add(
            InvalidTypeError(
                (DOCUMENT, "owners"), owners, "must be a table of rubric id = actor id"
            )
        )
        owners = {}
    options: dict[str, Any] = {}
    if "publicity_days" in raw:
        options["publicity_days"] = raw["publicity_days"]
    if "unit_ids" in raw:
        options["unit_ids"] = raw["unit_ids"]
    if "unranked" in raw:
        try:
            options["policy"] = OutcomePolicy(
                ranking=RankingPolicy(unranked=raw["unranked"])
            )
        except (Problem, ValidationError) as exc:
            found: tuple[Problem, ...] = (
                exc.problems if isinstance(exc, ValidationError) else (exc,)
            )
            for refused in found:
                problems.add(refused.moved((DOCUMENT, "unranked", *refused.steps[2:])))
    problems.raise_if_any()
    assert isinstance(rubric, Rubric | RubricSet)  # noqa: S101 - checked above
    return SeasonPlan(
        raw["season_id"],
        raw["title"],
        rubric,
        tree,
        cycle,
        Authority(actors, owners=owners),
        **options,
    )


def _actors(raw: dict[str, Any], tree: OrgTree, problems: _Problems) -> list[Actor]:
    listed = raw.get("actors", [])
    if not isinstance(listed, list):
        problems.add(
            InvalidTypeError((DOCUMENT, "actors"), listed, "must be an array of tables")
        )
        listed = []
    actors: list[Actor] = []
    for index, entry in enumerate(listed):
        where = (DOCUMENT, "actors", index)
        if not isinstance(entry, dict):
            problems.add(InvalidTypeError(where, entry, "must be a table"))
            continue
        for key in sorted(set(entry) - _ACTOR_KEYS):
            problems.add(
                InvalidValueError(
                    (*where, key),
                    entry[key],
                    "is not an actor key (id, name, role, unit_id)",
                )
            )
        try:
            actors.append(
                Actor(
                    entry.get("id"),  # type: ignore[arg-type]  # checked by Actor
                    entry.get("name"),  # type: ignore[arg-type]
                    entry.get("role"),
                    unit_id=entry.get("unit_id"),
                )
            )
        except Problem as problem:
            problems.add(problem.moved((*where, *problem.steps)))
    units_act = raw.get("units_act", False)
    if not isinstance(units_act, bool):
        problems.add(
            InvalidTypeError(
                (DOCUMENT, "units_act"), units_act, "must be true or false"
            )
        )
    elif units_act:
        chosen = raw.get("unit_ids")
        for unit in tree:
            assessed = (
                unit.id in chosen
                if isinstance(chosen, list)
                else unit.kind is not UnitKind.WORKING_COMMITTEE
            )
            if assessed:
                actors.append(Actor(unit.id, unit.name, "unit", unit_id=unit.id))
    return actors
