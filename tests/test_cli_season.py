"""``pbcheck season``: every step in-process on temporary SQLite stores.

A small season (three units, the office ``kpb``, one department ``jw`` owning
section B and the veto) is built from files; each test runs the command
line's ``main`` as a user would.  Every refusal is checked to print one clear
line and to leave the store exactly as it was (same version, same chain).
"""

from __future__ import annotations

import csv
import io
import json
import runpy
import shutil
import sqlite3
from datetime import date
from fractions import Fraction
from pathlib import Path

import openpyxl
import pytest

from pbcheck import (
    DirectScore,
    Evaluation,
    Indicator,
    Observation,
    OrgTree,
    OrgUnit,
    PassFail,
    Rubric,
    Section,
    Veto,
)
from pbcheck.cli import main
from pbcheck.io.interchange import dump, dumps, load
from pbcheck.model.cycle import AssessmentCycle
from pbcheck.model.evaluation import Source
from pbcheck.model.org import ResponsiblePerson, UnitKind
from pbcheck.outcomes.season import Results, assess_outcomes
from pbcheck.season import LetterIssued
from pbcheck.store import Store

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "jiangcheng"

RUBRIC = Rubric(
    "t",
    "1",
    "测试细则",
    [
        Section(
            "A",
            "综合",
            60,
            indicators=[
                Indicator("a1", "综合评分", 50, DirectScore()),
                Indicator("a2", "制度健全", 10, PassFail()),
            ],
        ),
        Section(
            "B", "廉政", 40, indicators=[Indicator("b1", "廉政建设", 40, DirectScore())]
        ),
    ],
    vetoes=[Veto("V", "严重违纪")],
)

UNITS = ("u1", "u2", "u3")

TREE = OrgTree(
    [
        OrgUnit("root", "机关工委", UnitKind.WORKING_COMMITTEE),
        *(
            OrgUnit(
                unit_id,
                f"单位{unit_id}",
                UnitKind.PARTY_COMMITTEE,
                parent="root",
                series="党群部门",
                responsible=[
                    ResponsiblePerson(f"书记{unit_id}", "secretary"),
                    ResponsiblePerson(f"主任{unit_id}", "administrative_head"),
                ],
            )
            for unit_id in UNITS
        ),
    ]
)

PLAN = """\
season_id = "2025"
title = "2025年度测试考核"
rubric = "rubric.json"
tree = "tree.json"
cycle = "cycle.json"
units_act = true

[[actors]]
id = "kpb"
name = "考核办"
role = "office"

[[actors]]
id = "jw"
name = "纪工委"
role = "department"

[owners]
B = "jw"
V = "jw"
"""

#: The office's scores (a1, a2) and the department's (b1) for each unit.
OFFICE = {"u1": (45, True), "u2": (40, True), "u3": (30, False)}
DEPT = {"u1": 38, "u2": 35, "u3": 20}


def at(day: str, time: str = "09:00") -> list[str]:
    return ["--at", f"{day}T{time}+08:00"]


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("season-files")
    dump(RUBRIC, folder / "rubric.json")
    dump(TREE, folder / "tree.json")
    dump(AssessmentCycle.calendar_year(2025), folder / "cycle.json")
    (folder / "plan.toml").write_text(PLAN, encoding="utf-8")
    office = tuple(
        Evaluation(u, [Observation("a1", a1), Observation("a2", a2)])
        for u, (a1, a2) in OFFICE.items()
    )
    dump(office, folder / "office.json")
    dept = tuple(
        Evaluation(u, [Observation("b1", b1, source="department", rater="纪工委")])
        for u, b1 in DEPT.items()
    )
    dump(dept, folder / "jw.json")
    selfs = tuple(Evaluation(u, [Observation("a1", 50, source="self")]) for u in UNITS)
    dump(selfs, folder / "self.json")
    return folder


class Season:
    """A store in a temporary folder and the CLI run on it."""

    def __init__(self, folder: Path, files: Path, capsys) -> None:
        self.folder, self.files, self.capsys = folder, files, capsys
        self.db = folder / "season.db"
        self.url = f"sqlite:///{self.db}"

    def run(self, *argv: str | Path) -> tuple[int, str, str]:
        self.capsys.readouterr()
        args = [str(a) for a in argv]
        step = args[:2] if args[0] == "rectify" else args[:1]
        code = main(["season", *step, "--store", self.url, *args[len(step) :]])
        out, err = self.capsys.readouterr()
        return code, out, err

    def ok(self, *argv: str | Path) -> str:
        code, out, err = self.run(*argv)
        assert code == 0, err
        return out

    def refused(self, *argv: str | Path) -> str:
        """Run a step that must be refused: exit 1, nothing changed; its stderr."""
        before = self.snapshot()
        code, _out, err = self.run(*argv)
        assert code == 1
        assert "nothing changed" in err
        assert self.snapshot() == before
        return err

    def snapshot(self) -> list[tuple]:
        with sqlite3.connect(self.db) as db:
            return db.execute(
                "SELECT season_id, version, hash FROM events ORDER BY season_id, version"
            ).fetchall()

    def ledger(self):
        with Store(self.url) as store:
            return store.load("2025")


def build(season: Season, upto: str) -> None:
    """Run the small season's steps up to (and including) *upto*."""
    f = season.files
    steps = [
        ("init", ["init", f / "plan.toml", *at("2026-01-05")]),
        ("letters", ["letters", *at("2026-01-05", "10:00")]),
        ("office", ["submit", f / "office.json", "--as", "kpb", *at("2026-01-12")]),
        (
            "self",
            ["submit", f / "self.json", "--each-unit", *at("2026-01-12", "10:00")],
        ),
        ("jw", ["submit", f / "jw.json", "--as", "jw", *at("2026-01-13")]),
        ("publish", ["publish", *at("2026-01-19")]),  # Monday: 19–23 January
        ("approve", ["approve", "--reason", "考核领导小组审定", *at("2026-01-26")]),
    ]
    for name, argv in steps:
        season.ok(*argv)
        if name == upto:
            return
    raise AssertionError(upto)


_BUILT: dict[str, Path] = {}


@pytest.fixture
def season(tmp_path, files, capsys, tmp_path_factory) -> Season:
    return Season(tmp_path, files, capsys)


def built(season: Season, upto: str, tmp_path_factory) -> Season:
    """*season* with the steps up to *upto* done (built once, then copied)."""
    if upto not in _BUILT:
        folder = tmp_path_factory.mktemp(f"built-{upto}")
        first = Season(folder, season.files, season.capsys)
        build(first, upto)
        _BUILT[upto] = first.db
    shutil.copy(_BUILT[upto], season.db)
    return season


# -- init, letters, submissions ---------------------------------------------------


def test_init_creates_the_season_from_the_plan_file(season):
    """init creates the store and the season: 3 unit actors from units_act."""
    out = season.ok("init", season.files / "plan.toml", *at("2026-01-05"))
    assert "被考核单位 3 个，评分部门 1 个" in out
    ledger = season.ledger()
    assert ledger.version == 1
    assert {a.id for a in ledger.plan.authority.actors} == {"kpb", "jw", *UNITS}
    assert ledger.plan.authority.owners == {"B": "jw", "V": "jw"}


def test_a_second_init_is_refused_and_changes_nothing(season, tmp_path_factory):
    """Creating the same season again is a RefusedError line; the store is as it was."""
    built(season, "init", tmp_path_factory)
    err = season.refused("init", season.files / "plan.toml", *at("2026-01-06"))
    assert "already" in err or "holds a season" in err


def test_plan_file_problems_are_listed_each_naming_key_and_value(season, tmp_path):
    """An unknown key and a bad role are reported together, nothing created."""
    bad = season.files / "bad-plan.toml"
    bad.write_text(
        'colour = "red"\n' + PLAN.replace('role = "department"', 'role = "committee"'),
        encoding="utf-8",
    )
    code, _out, err = season.run("init", bad)
    assert code == 1
    assert "colour" in err
    assert "'red'" in err
    assert "committee" in err
    assert not season.db.exists() or season.snapshot() == []


def test_plan_file_names_units_assessed_but_not_publicly_ranked(season, tmp_path):
    """[unranked] keeps a unit out of public rankings, with its reason; a blank
    reason is named at its key."""
    plan = season.files / "unranked-plan.toml"
    plan.write_text(PLAN + '\n[unranked]\nu3 = "纪检监察机关不参加公开排名"\n', "utf-8")
    season.ok("init", plan, *at("2026-01-05"))
    policy = season.ledger().plan.policy
    assert dict(policy.ranking.unranked) == {"u3": "纪检监察机关不参加公开排名"}
    blank = season.files / "blank-plan.toml"
    blank.write_text(PLAN + '\n[unranked]\nu3 = " "\n', "utf-8")
    other = Season(tmp_path / "other", season.files, season.capsys)
    (tmp_path / "other").mkdir()
    code, _out, err = other.run("init", blank)
    assert code == 1
    assert "unranked" in err
    assert "u3" in err


def test_letters_issue_one_letter_per_unit_signed_by_its_responsible_persons(
    season, tmp_path_factory
):
    """letters records a LetterIssued per assessed unit, with the tree's 责任人."""
    built(season, "letters", tmp_path_factory)
    letters = [e for e in season.ledger().events if isinstance(e, LetterIssued)]
    assert [e.unit_id for e in letters] == list(UNITS)
    assert letters[0].signed_by == ("书记u1", "主任u1")


def test_submissions_by_the_office_department_and_units(season, tmp_path_factory):
    """Each submit appends one Submitted per unit by the right actor; each
    unit's 自评 is submitted by the unit itself."""
    built(season, "jw", tmp_path_factory)
    events = season.ledger().events
    submitted = [(e.actor, e.unit_id) for e in events if e.kind == "submitted"]
    assert submitted == [
        *(("kpb", u) for u in UNITS),
        *((u, u) for u in UNITS),
        *(("jw", u) for u in UNITS),
    ]
    assert season.ledger().collection().complete


def test_wrong_actor_is_refused_naming_who_may(season, tmp_path_factory):
    """A department submitting an indicator it does not own: one line naming
    the actor, the indicator and who may; nothing changed."""
    built(season, "letters", tmp_path_factory)
    err = season.refused(
        "submit", season.files / "office.json", "--as", "jw", *at("2026-01-12")
    )
    assert "jw（纪工委" in err
    assert "may not submit" in err
    assert "kpb" in err


def test_a_unit_cannot_submit_an_assessor_s_score(season, tmp_path_factory):
    """A unit submitting a 考评组 score for itself is refused (only 自评)."""
    built(season, "letters", tmp_path_factory)
    one = season.files / "u1-team.json"
    dump((Evaluation("u1", [Observation("a1", 50)]),), one)
    err = season.refused("submit", one, "--as", "u1", *at("2026-01-12"))
    assert "u1" in err
    assert "自评" in err


def test_submit_needs_an_actor_and_an_unknown_actor_is_named(season, tmp_path_factory):
    """Without --as, submit says who may act; an unknown actor is named."""
    built(season, "letters", tmp_path_factory)
    err = season.refused("submit", season.files / "jw.json", *at("2026-01-12"))
    assert "--as" in err
    err = season.refused("submit", season.files / "jw.json", "--as", "nobody")
    assert "'nobody'" in err


def test_invalid_records_list_their_problems(season, tmp_path_factory):
    """A score above the maximum is a ValidationError: its problems listed."""
    built(season, "letters", tmp_path_factory)
    bad = season.files / "bad.json"
    dump((Evaluation("u1", [Observation("b1", 41)]),), bad)
    err = season.refused("submit", bad, "--as", "jw", *at("2026-01-12"))
    assert "max_points (40) (got 41)" in err


# -- templates and score sheets ---------------------------------------------------


def test_template_and_a_filled_sheet_submitted(season, tmp_path_factory):
    """The department's template lists its units × indicators; filled in and
    submitted, it records the department's scores."""
    built(season, "self", tmp_path_factory)
    sheet = season.folder / "jw.xlsx"
    out = season.ok("template", "--as", "jw", "-o", sheet)
    assert "3 个单位 × 1 个指标" in out
    book = openpyxl.load_workbook(sheet)
    ws = book["评分表"]
    assert [ws.cell(r, 2).value for r in (2, 3, 4)] == list(UNITS)
    assert ws.cell(1, 7).value == "廉政建设"
    for row, value in ((2, 38), (3, "35.5"), (4, 20)):
        ws.cell(row, 7).value = value
    book.save(sheet)
    season.ok("submit", sheet, "--as", "jw", *at("2026-01-13"))
    evaluations = {e.unit_id: e for e in season.ledger().evaluations()}
    b1 = [o for o in evaluations["u2"].observations if o.indicator_id == "b1"]
    assert [(o.value, o.source, o.rater) for o in b1] == [
        (Fraction(71, 2), Source.DEPARTMENT, "纪工委")
    ]
    assert season.ledger().collection().complete


def test_csv_template_for_the_office(season, tmp_path_factory):
    """The office's CSV template has the indicators no department owns."""
    built(season, "letters", tmp_path_factory)
    target = season.folder / "kpb.csv"
    season.ok("template", "--as", "kpb", "-o", target)
    header = target.read_text(encoding="utf-8-sig").splitlines()[0].split(",")
    assert header[6:] == ["综合评分", "制度健全"]


# -- status -----------------------------------------------------------------------


def test_status_shows_what_is_missing_per_department(season, tmp_path_factory):
    """Before the department submits, status lists its indicator as missing,
    in text, CSV and JSON."""
    built(season, "self", tmp_path_factory)
    out = season.ok("status")
    assert "纪工委" in out
    assert "未报送：u1、u2、u3（3 项）" in out
    rows = list(csv.DictReader(io.StringIO(season.ok("status", "--format", "csv"))))
    missing = [
        (r["owner"], r["unit_id"], r["indicator_id"])
        for r in rows
        if r["status"] == "missing"
    ]
    assert missing == [("jw", u, "b1") for u in UNITS]
    data = json.loads(season.ok("status", "--format", "json", "--as", "jw"))
    assert {r["status"] for r in data} == {"missing"}


def test_return_shows_in_status_and_a_resubmission_clears_it(season, tmp_path_factory):
    """A returned item is 退回补正 with its reason until resubmitted; a return
    needs a reason and the owner."""
    built(season, "jw", tmp_path_factory)
    season.refused("return", "u2", "b1", "--reason", "材料不全", "--as", "u2")
    season.ok(
        "return",
        "u2",
        "b1",
        "--reason",
        "佐证材料不全",
        "--as",
        "jw",
        *at("2026-01-14"),
    )
    out = season.ok("status", "--as", "jw")
    assert "退回补正 u2 b1：佐证材料不全" in out
    fix = season.files / "fix.json"
    dump((Evaluation("u2", [Observation("b1", 36, source="department")]),), fix)
    season.ok(
        "submit", fix, "--as", "jw", "--reason", "按退回意见补正", *at("2026-01-15")
    )
    season.ok("accept", "u2", "b1", "--as", "jw", *at("2026-01-15", "10:00"))
    assert season.ledger().collection().complete


# -- publish, objections, approval ------------------------------------------------


def test_publish_counts_working_days_with_a_holidays_file(season, tmp_path_factory):
    """The 公示 window skips weekends and the holidays the file lists."""
    built(season, "jw", tmp_path_factory)
    holidays = season.files / "holidays.toml"
    holidays.write_text("holidays = [2026-01-20]\n", encoding="utf-8")
    out = season.ok("publish", "--holidays", holidays, *at("2026-01-19"))
    assert "公示 2026-01-19 至 2026-01-26（5 个工作日）" in out
    state = season.ledger().state
    assert (state.publicity_starts, state.publicity_ends) == (
        date(2026, 1, 19),
        date(2026, 1, 26),
    )


def test_publish_with_china_holidays(season, tmp_path_factory):
    """--china-holidays counts the State Council's holidays (Spring Festival 2026)."""
    built(season, "jw", tmp_path_factory)
    out = season.ok("publish", "--china-holidays", *at("2026-02-13"))
    # 13 Feb (Fri) then the Spring Festival holiday 15–23 Feb; 14 Feb is a 调休 workday.
    ends = season.ledger().state.publicity_ends
    assert ends is not None
    assert ends > date(2026, 2, 23)
    assert "5 个工作日" in out


def test_objection_upheld_changes_the_final_results(season, tmp_path_factory):
    """An upheld objection's correction is in the final results, and approve
    lists the change from the published ones."""
    built(season, "publish", tmp_path_factory)
    season.ok(
        "object",
        "YY-1",
        "u3",
        "--indicator",
        "a2",
        "--text",
        "制度已健全",
        *at("2026-01-21"),
    )
    season.ok(
        "decide",
        "YY-1",
        "--upheld",
        "--reason",
        "复核属实",
        "--correct",
        "a2=达标",
        *at("2026-01-22"),
    )
    out = season.ok("approve", "--reason", "审定", *at("2026-01-26"))
    assert "公示后变动" in out
    assert "u3" in out
    ledger = season.ledger()
    final = {c.unit_id: c.total for c in ledger.final().scorecards}
    published = {c.unit_id: c.total for c in ledger.published().scorecards}
    assert final["u3"] - published["u3"] == 10


def test_late_objection_is_refused_naming_the_deadline(season, tmp_path_factory):
    """An objection after the window closes names the last day; nothing changed."""
    built(season, "publish", tmp_path_factory)
    err = season.refused("object", "YY-2", "u1", "--text", "有异议", *at("2026-01-26"))
    assert "closed on 2026-01-23" in err


def test_an_objection_for_another_unit_is_refused(season, tmp_path_factory):
    """Only the unit concerned objects to its result."""
    built(season, "publish", tmp_path_factory)
    err = season.refused(
        "object", "YY-3", "u1", "--text", "替别人提", "--as", "u2", *at("2026-01-20")
    )
    assert "u2" in err


def test_a_bad_correction_value_is_named(season, tmp_path_factory):
    """--correct with an unknown indicator or a value the rule cannot read is refused."""
    built(season, "publish", tmp_path_factory)
    season.ok("object", "YY-1", "u3", "--text", "复核", *at("2026-01-21"))
    err = season.refused(
        "decide", "YY-1", "--upheld", "--reason", "r", "--correct", "a2=5"
    )
    assert "达标" in err
    err = season.refused(
        "decide", "YY-1", "--upheld", "--reason", "r", "--correct", "zz=5"
    )
    assert "zz" in err


def test_double_approval_is_refused(season, tmp_path_factory):
    """A second approval names the first one's date; nothing changed."""
    built(season, "approve", tmp_path_factory)
    err = season.refused("approve", "--reason", "再次审定", *at("2026-01-27"))
    assert "already approved on 2026-01-26" in err


def test_approval_inside_the_window_is_refused(season, tmp_path_factory):
    """Approving while 公示 runs is refused naming its end."""
    built(season, "publish", tmp_path_factory)
    err = season.refused("approve", "--reason", "审定", *at("2026-01-22"))
    assert "2026-01-23" in err


# -- store-level refusals ---------------------------------------------------------


def test_conflicting_append_is_refused_and_loses_nothing(
    season, tmp_path_factory, monkeypatch
):
    """Another writer appending between our load and our append: a
    ConflictError line, the other writer's event kept, ours not written."""
    built(season, "letters", tmp_path_factory)
    real_load = Store.load

    def load_then_someone_writes(self, season_id, **kw):
        ledger = real_load(self, season_id, **kw)
        with Store(season.url) as other:
            other.append(
                season_id,
                [
                    LetterIssued(
                        at=ledger.events[-1].at,
                        actor="kpb",
                        unit_id="u1",
                        reason="补签",
                    )
                ],
                expected_version=ledger.version,
            )
        return ledger

    monkeypatch.setattr(Store, "load", load_then_someone_writes)
    code, _out, err = season.run("submit", season.files / "jw.json", "--as", "jw")
    monkeypatch.undo()
    assert code == 1
    assert "another writer appended first" in err
    ledger = season.ledger()
    assert ledger.version == 5
    assert ledger.events[-1].kind == "letter_issued"


def test_unknown_store_schema_version(season, tmp_path_factory):
    """A store of a newer schema version is refused by every step, naming it."""
    built(season, "letters", tmp_path_factory)
    with sqlite3.connect(season.db) as db:
        db.execute("UPDATE pbcheck_store SET version = 99")
    code, _out, err = season.run("status")
    assert code == 1
    assert "store schema version 99" in err
    code, _out, err = season.run("verify")
    assert code == 1
    assert "99" in err


def test_no_store_at_all(season):
    """A step on a database that holds no store says how to create one."""
    code, _out, err = season.run("status")
    assert code == 1
    assert "pbcheck season init" in err


def test_a_tampered_row_is_named_by_verify_and_refused_by_every_step(
    season, tmp_path_factory
):
    """Changing one stored event: verify exits 1 naming it; other steps refuse."""
    built(season, "jw", tmp_path_factory)
    code, out, _err = season.run("verify")
    assert code == 0
    assert "共 13 个事件" in out
    with sqlite3.connect(season.db) as db:
        for (name,) in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger'"
        ).fetchall():
            db.execute(f"DROP TRIGGER {name}")
        db.execute(
            "UPDATE events SET body = replace(body, '38', '39') WHERE version = 11"
        )
    code, _out, err = season.run("verify")
    assert code == 1
    assert "event 11" in err
    code, _out, err = season.run("status")
    assert code == 1
    assert "event 11" in err


def test_the_season_must_be_named_when_the_store_holds_two(season, tmp_path_factory):
    """With two seasons, a step without --season names them."""
    built(season, "init", tmp_path_factory)
    second = season.files / "plan-2026.toml"
    second.write_text(PLAN.replace('season_id = "2025"', 'season_id = "2026"'), "utf-8")
    season.ok("init", second, *at("2026-01-06"))
    code, _out, err = season.run("status")
    assert code == 1
    assert "2025, 2026" in err
    assert "--season" in err
    assert "2026" in season.ok("status", "--season", "2026")


# -- replay, rectification, export ------------------------------------------------


def test_replay_as_of_the_publicity_day(season, tmp_path_factory):
    """replay --as-of the 公示 day shows the phase and the provisional list;
    a day before, the collection only."""
    built(season, "approve", tmp_path_factory)
    out = season.ok("replay", "--as-of", "2026-01-19")
    assert "阶段：公示" in out
    assert "公示的初步结果" in out
    out = season.ok("replay", "--as-of", "2026-01-12")
    assert "阶段：材料报送" in out
    assert "公示的初步结果" not in out
    assert "单位u1" in season.ok("replay", "--as-of", "2026-01-19", "--table")


def test_rectification_items_with_one_overdue(season, tmp_path_factory):
    """propose raises items from the approved results; an item given an
    earlier deadline is the only one overdue; a closed one never is."""
    built(season, "approve", tmp_path_factory)
    season.refused("rectify", "close", "ZG-2026-001", "--reason", "x")  # none yet
    out = season.ok("rectify", "propose", *at("2026-01-27"))
    items = season.ledger().rectification()
    assert f"已列入整改台账 {len(items)} 项" in out
    assert len(items) >= 2
    first, second = items[0].item_id, items[1].item_id
    season.ok(
        "rectify",
        "update",
        first,
        "--progress",
        "提前完成",
        "--deadline",
        "2026-03-31",
        *at("2026-02-01"),
    )
    season.ok(
        "rectify",
        "close",
        second,
        "--reason",
        "已整改",
        "--evidence",
        "台账/1",
        *at("2026-02-02"),
    )
    out = season.ok("rectify", "list", "--overdue-as-of", "2026-04-01")
    assert f"逾期未销号 1 项（共 {len(items)} 项）" in out
    assert first in out
    data = json.loads(season.ok("rectify", "list", "--format", "json"))
    assert [d["item_id"] for d in data] == [i.item_id for i in items]
    season.ok(
        "rectify",
        "recheck",
        second,
        "--reopen",
        "--reason",
        "回头看发现反弹",
        *at("2026-03-01"),
    )
    assert season.ledger().rectification()[1].status.value == "reopened"


def test_propose_before_approval_is_refused(season, tmp_path_factory):
    """Rectification items come from approved results."""
    built(season, "publish", tmp_path_factory)
    err = season.refused("rectify", "propose", *at("2026-01-20"))
    assert "not approved" in err


def test_export_writes_results_reports_and_tables(season, tmp_path_factory):
    """export writes the results document (equal to the final results), the
    report set, the 结果运用 tables and the 整改台账."""
    built(season, "approve", tmp_path_factory)
    policy = season.files / "use.toml"
    policy.write_text(
        '[performance]\nbasis = "示例"\n[performance.points]\n'
        '"好" = "5"\n"较好" = "4"\n"一般" = "2"\n"差" = "0"\n',
        encoding="utf-8",
    )
    folder = season.folder / "export"
    season.ok(
        "export",
        "-o",
        folder,
        "--policy",
        policy,
        "--no-charts",
        "--report-format",
        "csv",
    )
    results = load(folder / "results.json", Results)
    assert results == season.ledger().final()
    assert (folder / "report" / "report-units.csv").exists()
    rows = list(
        csv.reader(
            io.StringIO((folder / "结果运用-年度绩效.csv").read_text("utf-8-sig"))
        )
    )
    assert rows[0][:3] == ["单位编码", "单位名称", "等次"]
    assert [r[0] for r in rows[1:]] == list(UNITS)
    assert (folder / "结果运用-评先评优.csv").exists()
    assert (folder / "整改台账.csv").exists()
    assert set(
        openpyxl.load_workbook(folder / "结果运用与整改台账.xlsx").sheetnames
    ) == {
        "结果运用-年度绩效",
        "结果运用-评先评优",
        "整改台账",
    }


def test_export_before_approval_needs_provisional(season, tmp_path_factory):
    """Before approval export is refused unless --provisional."""
    built(season, "publish", tmp_path_factory)
    err = season.refused("export", "-o", season.folder / "x")
    assert "--provisional" in err
    season.ok(
        "export",
        "-o",
        season.folder / "x",
        "--provisional",
        "--no-charts",
        "--report-format",
        "md",
    )


def test_accept_none_held_confirms_frequency_indicators(tmp_path, capsys):
    """--none-held accepts only frequency indicators with no activity: in the
    bundled example, the 组织生活会 some units never held."""
    season = Season(tmp_path, EXAMPLE / "season", capsys)
    f = EXAMPLE / "season"
    season.ok("init", f / "plan.toml", *at("2026-05-06"))
    season.ok("submit", f / "zzb.json", "--as", "zzb", *at("2026-05-07"))
    before = season.ledger().collection().missing_for("zzb")
    assert before
    assert all(i.startswith(("A3.1.", "A3.2.")) for _, i in before)
    out = season.ok("accept", "--none-held", "--as", "zzb", *at("2026-05-08"))
    assert f"已确认未开展 {len(before)} 项" in out
    assert season.ledger().collection().missing_for("zzb") == ()


# -- the bundled example ----------------------------------------------------------


def test_the_bundled_example_scores_the_same_through_the_ledger(tmp_path, capsys):
    """The 2025 records submitted department by department (and each unit's
    自评) score exactly as `pbcheck score` scores the whole file."""
    season = Season(tmp_path, EXAMPLE / "season", capsys)
    f = EXAMPLE / "season"
    season.ok("init", f / "plan.toml", *at("2026-05-06"))
    for stem in ("kpb", "jw", "xcb", "zzb", "wmb", "xnb"):
        season.ok("submit", f / f"{stem}.json", "--as", stem, *at("2026-05-12"))
    season.ok("submit", f / "self.json", "--each-unit", *at("2026-05-12"))
    season.ok("accept", "--none-held", "--as", "zzb", *at("2026-05-13"))
    through_ledger = season.ledger().results()
    score = tmp_path / "results.json"
    assert (
        main(
            [
                "score",
                "--rubric",
                str(EXAMPLE / "rubric.toml"),
                "--tree",
                str(EXAMPLE / "org-tree.toml"),
                "--cycle",
                str(EXAMPLE / "cycle-2025.toml"),
                "--evaluations",
                str(EXAMPLE / "evaluations-2025.json"),
                "-o",
                str(score),
            ]
        )
        == 0
    )
    direct = load(score, Results)
    assert [(c.unit_id, c.total) for c in through_ledger.scorecards] == [
        (c.unit_id, c.total) for c in direct.scorecards
    ]
    # The plan keeps DQ01 out of public rankings; `pbcheck score` has no such
    # policy, so the same scorecards are assessed again under the plan's policy.
    # (`pbcheck score` ranks a rubric set with mixed_rubrics="split" and the
    # ledger with the default; the example's units share one template rubric,
    # so every table and list is the same.)
    plan_policy = season.ledger().plan.policy
    assert dict(plan_policy.ranking.unranked).keys() == {"DQ01"}
    assert "DQ01" not in {e.unit_id for e in through_ledger.outcomes.overall.entries}
    scored = assess_outcomes(
        direct.scorecards, direct.tree, plan_policy, cycle=direct.cycle
    )
    ledger = through_ledger.outcomes
    for name in ("rankings", "liaison_groups"):
        assert {k: t.entries for k, t in getattr(ledger, name).items()} == {
            k: t.entries for k, t in getattr(scored, name).items()
        }
    assert ledger.overall.entries == scored.overall.entries
    assert ledger.grades == scored.grades
    assert ledger.commendation == scored.commendation
    assert ledger.bottom == scored.bottom


def test_the_split_files_are_what_split_py_writes():
    """The committed per-submitter files are split.py's current output, and
    together they hold every record of evaluations-2025.json exactly once."""
    split = runpy.run_path(str(EXAMPLE / "season" / "split.py"))
    parts = split["split"](
        split["plan_of"](EXAMPLE / "season" / "plan.toml"),
        load(EXAMPLE / "evaluations-2025.json", Evaluation),
    )
    assert sorted(parts) == ["jw", "kpb", "self", "wmb", "xcb", "xnb", "zzb"]
    for stem, part in parts.items():
        committed = (EXAMPLE / "season" / f"{stem}.json").read_text(encoding="utf-8")
        assert dumps(tuple(part)) == committed, stem
    whole = load(EXAMPLE / "evaluations-2025.json", Evaluation)
    count = sum(
        len(e.observations) + len(e.activities) + len(e.incidents) for e in whole
    )
    assert count == sum(
        len(e.observations) + len(e.activities) + len(e.incidents)
        for part in parts.values()
        for e in part
    )


def test_score_sheets_in_a_season_of_several_rubrics(tmp_path, capsys):
    """分类考核: a sheet of common indicators covers every unit; indicators that
    differ by series are refused on one sheet and written one series at a time."""
    plan = Path(__file__).resolve().parents[1] / "examples/jiangcheng/season/plan.toml"
    season = Season(tmp_path, tmp_path, capsys)
    season.ok("init", plan, *at("2026-05-06"))
    out = season.ok("template", "--as", "jw", "-o", tmp_path / "jw.csv")
    assert f"{len(season.ledger().plan.unit_ids)} 个单位" in out
    err = season.refused("template", "--as", "xnb", "-o", tmp_path / "xnb.csv")
    assert "differs between the rubrics" in err
    assert "--series" in err
    out = season.ok(
        "template", "--as", "xnb", "--series", "垂直管理部门", "-o", tmp_path / "x.csv"
    )
    tree = season.ledger().plan.tree
    vertical = [
        u for u in season.ledger().plan.unit_ids if tree[u].series == "垂直管理部门"
    ]
    assert f"{len(vertical)} 个单位" in out
    rows = (tmp_path / "x.csv").read_text(encoding="utf-8-sig").splitlines()[1:]
    assert [row.split(",")[1] for row in rows] == vertical
    err = season.refused("template", "--as", "xnb", "--series", "无此系列")
    assert "no assessed unit is in series 无此系列" in err
