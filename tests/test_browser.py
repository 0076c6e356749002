"""The example season's HTML report in a real browser: headless Chromium prints it to A4.

``python3 tasks.py test`` installs Chromium and fonts-noto-cjk from Debian
when it runs as root; where no Chromium can be found these tests are skipped
and say so (set ``PBCHECK_CHROMIUM`` to a browser binary to use another).

Glyphs are checked two ways, because neither alone is proof:

* the printed PDF embeds a CJK font — Chromium embeds (a subset of) every
  font it draws text with, so the report's 汉字 were drawn with a CJK font,
  not with a Latin font's missing-glyph box;
* a screenshot of a few characters of the report's own title, each alone in
  a box, in the report's own stylesheet: a missing glyph (tofu, 豆腐块) is the
  same box for every character, so their pictures would be identical and
  blank inside; real glyphs of different characters never are.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from pbcheck.examples import (
    example_cycle,
    example_evaluations,
    example_rubrics,
    example_tree,
)
from pbcheck.io.interchange import Results
from pbcheck.outcomes.history import History
from pbcheck.report import CycleReport, to_html

pytest.importorskip("matplotlib")
Image = pytest.importorskip("PIL.Image")

#: Browsers tried in order; PBCHECK_CHROMIUM first when set.
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def browser() -> str | None:
    """The headless browser binary, or ``None``."""
    chosen = os.environ.get("PBCHECK_CHROMIUM")
    if chosen:
        return shutil.which(chosen) or (chosen if Path(chosen).exists() else None)
    return next((found for b in BROWSERS if (found := shutil.which(b))), None)


CHROMIUM = browser()
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason=(
        "NO BROWSER: the print test of the HTML report needs Chromium "
        "(apt-get install chromium fonts-noto-cjk, or PBCHECK_CHROMIUM=/path)"
    ),
)

#: A4 in PostScript points, as Chromium writes it (210 × 297 mm).
A4 = (595.0, 842.0)
#: Font names of CJK fonts, as they appear (subset-prefixed) in a PDF.
CJK_FONT_NAME = re.compile(
    rb"CJK|SourceHan|WenQuanYi|wqy|SimHei|SimSun|YaHei|PingFang|Hiragino|Heiti|"
    rb"DroidSansFallback|ArialUnicode",
    re.IGNORECASE,
)


def run(*args: str, folder: Path) -> float:
    """Run the browser headless on *args*; the seconds it took."""
    assert CHROMIUM is not None
    started = time.perf_counter()
    done = subprocess.run(
        [
            CHROMIUM,
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-extensions",
            f"--user-data-dir={folder / 'profile'}",
            *args,
        ],
        capture_output=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")[-2000:]
    return time.perf_counter() - started


@pytest.fixture(scope="module")
def report() -> CycleReport:
    """The example season 2025, escalations judged over 2024."""
    seasons = [
        Results.compute(
            example_rubrics(), example_tree(), example_cycle(y), example_evaluations(y)
        )
        for y in (2024, 2025)
    ]
    latest = seasons[-1]
    return CycleReport.build(
        latest.scorecards,
        latest.outcomes,
        tree=latest.tree,
        rubric=latest.rubric,
        cycle=latest.cycle,
        history=History([s.outcomes.cycle_result(s.cycle) for s in seasons]),
    )


@pytest.fixture(scope="module")
def printed(report, tmp_path_factory) -> bytes:
    """The report with its charts, printed to PDF by headless Chromium."""
    folder = tmp_path_factory.mktemp("browser")
    page = folder / "report.html"
    page.write_text(to_html(report), encoding="utf-8")
    pdf = folder / "report.pdf"
    seconds = run(
        "--no-pdf-header-footer",
        f"--print-to-pdf={pdf}",
        page.as_uri(),
        folder=folder,
    )
    print(f"printed in {seconds:.1f} s")  # noqa: T201 - a figure for the issue note
    return pdf.read_bytes()


def pages(pdf: bytes) -> list[tuple[float, float]]:
    """Each page's size (width, height) in points, in file order.

    Chromium (Skia) writes each page as an uncompressed object whose
    dictionary says ``/Type /Page`` and holds its ``/MediaBox``; only the
    part of an object before its stream is read.
    """
    found = []
    for match in re.finditer(rb"\d+\s+\d+\s+obj\b(.*?)\bendobj", pdf, re.DOTALL):
        head = match.group(1).split(b"stream", 1)[0]
        if not re.search(rb"/Type\s*/Page(?![A-Za-z])", head):
            continue
        box = re.search(rb"/MediaBox\s*\[\s*([\d.\s-]+)\]", head)
        assert box is not None, head[:200]
        x0, y0, x1, y1 = (float(v) for v in box.group(1).split())
        found.append((x1 - x0, y1 - y0))
    return found


class TestPrintedReport:
    def test_printed_on_a4(self, printed):
        """Every page is A4 portrait, and the page tree counts them all."""
        sizes = pages(printed)
        assert sizes
        for width, height in sizes:
            assert abs(width - A4[0]) < 2
            assert abs(height - A4[1]) < 2
        counts = [int(n) for n in re.findall(rb"/Count\s+(\d+)", printed)]
        assert max(counts) == len(sizes)

    def test_a_page_per_series_and_part(self, printed, report):
        """Each series starts a page, and so do the lists, the charts and the
        profiles: at least one page each, and the tables fit on few more.

        Derived from the report, not pinned: a series of more than a page of
        units may take two, so the upper bound allows a page per 30 units
        and two per unit breakdown part.
        """
        count = len(pages(printed))
        print(f"{count} pages for {len(report.units)} units")  # noqa: T201
        assert count >= len(report.series) + 3
        assert count <= 2 * len(report.series) + 3 + 2 * len(report.units) // 30 + 4

    def test_a_cjk_font_is_embedded(self, printed):
        """The report's Chinese was drawn with a CJK font, embedded in the PDF."""
        names = set(
            re.findall(rb"/(?:FontName|BaseFont)\s*/([^\s/<>\[\]()]+)", printed)
        )
        assert any(CJK_FONT_NAME.search(name) for name in names), sorted(names)


def ink(image) -> int:
    """Dark pixels of a greyscale picture."""
    return sum(1 for value in image.tobytes() if value < 128)


def test_chinese_text_has_glyphs(report, tmp_path):
    """Characters of the report's title, drawn in the report's stylesheet, are
    real glyphs: each has ink, and no two look alike (tofu boxes all would)."""
    chars = list(dict.fromkeys(c for c in report.heading if "\u4e00" <= c <= "\u9fff"))[
        :4
    ]
    assert len(chars) == 4
    style = re.search(r"<style>(.*?)</style>", to_html(report, charts=False), re.DOTALL)
    assert style is not None
    boxes = "".join(
        f'<div style="position:absolute;left:{10 + 110 * i}px;top:10px;'
        f'width:100px;height:100px;font-size:80px;line-height:100px">{c}</div>'
        for i, c in enumerate(chars)
    )
    page = tmp_path / "glyphs.html"
    page.write_text(
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        f"<style>{style.group(1)}body{{margin:0;max-width:none}}</style>"
        f"</head><body>{boxes}</body></html>",
        encoding="utf-8",
    )
    shot = tmp_path / "glyphs.png"
    run(
        f"--screenshot={shot}",
        "--window-size=480,130",
        "--hide-scrollbars",
        "--force-device-scale-factor=1",
        page.as_uri(),
        folder=tmp_path,
    )
    picture = Image.open(shot).convert("L")
    crops = [picture.crop((10 + 110 * i, 10, 110 + 110 * i, 110)) for i in range(4)]
    inks = [ink(crop) for crop in crops]
    assert all(dark > 150 for dark in inks), inks  # each character drew something
    pictures = [crop.tobytes() for crop in crops]
    assert len(set(pictures)) == len(pictures), "two characters drew the same box"
