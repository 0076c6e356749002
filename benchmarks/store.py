"""The season store: append, replay (load) and verify a national-style season.

    python benchmarks/store.py                     # 1,000 units × 100 indicators (100k events)
    python benchmarks/store.py --units 10000       # the national size: 1M events
    python benchmarks/store.py --backends sqlite   # SQLite only

A season of *units* units × *indicators* indicators (``DirectScore``, ten
sections, each owned by its own department) gets one ``Submitted`` event per
unit and indicator — what a department's score sheet becomes, row by row —
appended in batches of ``--batch`` events, every event checked by the
ledger as any append is (there is no unchecked path).  Then, with a fresh
:class:`~pbcheck.store.Store` (nothing cached): ``load`` (read, check the
hash chain, decode, replay through the ledger) and ``verify`` (read, check
the chain, decode).  Per-event costs are the seconds divided by the events.

Also the bundled example season (86 units of the Jiangcheng example, its
2025 evaluations as one ``Submitted`` per unit): ``load`` on a fresh Store,
best of three.

SQLite is a file in a temporary directory; PostgreSQL 15 is a server started
for the run (``tests/store_postgres.py``), with fsync off — figures for the
store's own cost, not a tuned or durable server.  Prints JSON with the
machine described.  Not a test: nothing asserts a timing.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from fractions import Fraction
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests"))

from run import machine  # noqa: E402

from pbcheck import (  # noqa: E402
    AssessmentCycle,
    DirectScore,
    Indicator,
    Observation,
    Rubric,
    Section,
)
from pbcheck.examples import (  # noqa: E402
    example_cycle,
    example_evaluations,
    example_rubrics,
    example_tree,
)
from pbcheck.examples.small import org_tree  # noqa: E402
from pbcheck.season import Actor, Authority, Submitted  # noqa: E402
from pbcheck.season.plan import SeasonPlan  # noqa: E402
from pbcheck.store import Store  # noqa: E402
from store_postgres import PostgresUnavailable, running_postgres  # noqa: E402

BEIJING = timezone(timedelta(hours=8))
SECTIONS = 10


def national_plan(units: int, indicators: int) -> SeasonPlan:
    """*units* units in ten series, *indicators* indicators in ten sections."""
    per = indicators // SECTIONS
    sections = [
        Section(
            f"S{s}",
            f"第{s + 1}部分",
            100 // SECTIONS,
            indicators=[
                Indicator(f"S{s}I{i}", f"指标{s}-{i}", 1, DirectScore())
                for i in range(per)
            ],
        )
        for s in range(SECTIONS)
    ]
    rubric = Rubric("national", "1", "全国规模考核细则", sections)
    series: dict[str, list[str]] = {}
    for unit in range(units):
        series.setdefault(f"系列{unit % 10}", []).append(f"u{unit:05d}")
    departments = [Actor(f"d{s}", f"部门{s}", "department") for s in range(SECTIONS)]
    return SeasonPlan(
        "national",
        "全国规模考核",
        rubric,
        org_tree(series),
        AssessmentCycle.calendar_year(2025),
        Authority(
            [Actor("kpb", "考核办", "office"), *departments],
            owners={f"S{s}": f"d{s}" for s in range(SECTIONS)},
        ),
    )


def national_events(plan: SeasonPlan, indicators: int) -> Iterator[Submitted]:
    """One submission per unit and indicator, by the indicator's department."""
    start = datetime(2026, 1, 6, 9, tzinfo=BEIJING)
    per = indicators // SECTIONS
    step = 0
    for unit in plan.unit_ids:
        for s in range(SECTIONS):
            for i in range(per):
                step += 1
                yield Submitted(
                    at=start + timedelta(seconds=step),
                    actor=f"d{s}",
                    unit_id=unit,
                    observations=[Observation(f"S{s}I{i}", Fraction(step % 3, 2))],
                )


def _batches(events: Iterator[Submitted], size: int) -> Iterator[list[Submitted]]:
    batch: list[Submitted] = []
    for event in events:
        batch.append(event)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def national(url: str, units: int, indicators: int, batch: int) -> dict[str, object]:
    """Append, load and verify the national-style season at *url*."""
    plan = national_plan(units, indicators)
    opened = datetime(2026, 1, 5, 9, tzinfo=BEIJING)
    with Store(url) as store:
        store.init()
        started = time.perf_counter()
        ledger = store.create(plan, at=opened, actor="kpb")
        created = time.perf_counter() - started
        started = time.perf_counter()
        for events in _batches(national_events(plan, indicators), batch):
            ledger = store.append("national", events, expected_version=ledger.version)
        appended = time.perf_counter() - started
    count = ledger.version - 1
    del ledger
    with Store(url) as fresh:
        started = time.perf_counter()
        loaded = fresh.load("national")
        load = time.perf_counter() - started
        assert loaded.version == count + 1  # noqa: S101 - a sanity check, not a timing
        del loaded
        started = time.perf_counter()
        summary = fresh.verify("national")
        verify = time.perf_counter() - started
    return {
        "units": units,
        "indicators": indicators,
        "events": count,
        "batch": batch,
        "create_s": round(created, 3),
        "append_s": round(appended, 2),
        "append_us_per_event": round(appended / count * 1e6, 1),
        "load_s": round(load, 2),
        "load_us_per_event": round(load / count * 1e6, 1),
        "verify_s": round(verify, 2),
        "verify_us_per_event": round(verify / count * 1e6, 1),
        "last_hash": summary.last_hash[:16],
    }


def example_season(url: str, repeat: int = 3) -> dict[str, object]:
    """The bundled example season (86 units) stored, then loaded on fresh Stores."""
    tree = example_tree()
    plan = SeasonPlan(
        "jiangcheng-2025",
        "江城市2025年度机关党建工作责任制考核",
        example_rubrics(),
        tree,
        example_cycle(2025),
        Authority([Actor("kpb", "考核办", "office")]),
    )
    at = datetime(2026, 5, 6, 9, tzinfo=BEIJING)
    events = [
        Submitted(
            at=at + timedelta(minutes=n),
            actor="kpb",
            unit_id=evaluation.unit_id,
            observations=evaluation.observations,
            activities=evaluation.activities,
            incidents=evaluation.incidents,
        )
        for n, evaluation in enumerate(example_evaluations(2025))
    ]
    with Store(url) as store:
        store.init()
        ledger = store.create(plan, at=at - timedelta(days=1), actor="kpb")
        ledger = store.append("jiangcheng-2025", events, expected_version=1)
    times = []
    for _ in range(repeat):
        with Store(url) as fresh:
            started = time.perf_counter()
            fresh.load("jiangcheng-2025")
            times.append(time.perf_counter() - started)
    return {
        "units": len(tree),
        "events": ledger.version,
        "records": sum(
            len(e.observations) + len(e.activities) + len(e.incidents) for e in events
        ),
        "load_s_best": round(min(times), 3),
    }


@contextmanager
def _urls(backends: list[str]) -> Iterator[dict[str, Iterator[str]]]:
    with tempfile.TemporaryDirectory(prefix="pbcheck-store-bench-") as tmp:
        names = iter(range(1000))

        def sqlite() -> Iterator[str]:
            while True:
                yield f"sqlite:///{tmp}/season-{next(names)}.db"

        urls: dict[str, Iterator[str]] = {}
        if "sqlite" in backends:
            urls["sqlite"] = sqlite()
        if "postgresql" in backends:
            try:
                with running_postgres() as server:

                    def postgres() -> Iterator[str]:
                        while True:
                            yield server.database()

                    urls["postgresql"] = postgres()
                    yield urls
                    return
            except PostgresUnavailable as exc:
                print(f"PostgreSQL skipped: {exc}", file=sys.stderr)
        yield urls


def main(
    units: int, indicators: int, batch: int, backends: list[str]
) -> dict[str, object]:
    """Every figure, per backend."""
    figures: dict[str, object] = {"machine": machine()}
    with _urls(backends) as urls:
        for name, make in urls.items():
            figures[name] = {
                "example_season": example_season(next(make)),
                "national": national(next(make), units, indicators, batch),
            }
            print(
                json.dumps({name: figures[name]}, ensure_ascii=False), file=sys.stderr
            )
    return figures


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--indicators", type=int, default=100)
    parser.add_argument("--batch", type=int, default=10_000, help="events per append")
    parser.add_argument(
        "--backends",
        nargs="+",
        default=["sqlite", "postgresql"],
        choices=["sqlite", "postgresql"],
    )
    arguments = parser.parse_args()
    print(
        json.dumps(
            main(
                arguments.units,
                arguments.indicators,
                arguments.batch,
                arguments.backends,
            ),
            ensure_ascii=False,
            indent=2,
        )
    )
