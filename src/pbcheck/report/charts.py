"""Charts of a season for notebooks: matplotlib Figures with Chinese labels (extra ``plots``).

Each function takes a :class:`~pbcheck.report.CycleReport` (or, for
:func:`trend_chart`, a :class:`~pbcheck.outcomes.history.History`) and
returns a :class:`matplotlib.figure.Figure` made without pyplot: Jupyter
shows it, ``figure.savefig("x.png")`` saves it, and nothing global changes.

* :func:`distribution_chart` — totals by series (a box per series, a dot per unit).
* :func:`section_chart` — each part's attainment (完成度) by series.
* :func:`ranking_chart` — each unit's total as a bar, in rank order, lists coloured.
* :func:`trend_chart` — chosen units' totals cycle by cycle.
* :func:`cjk_font` — the installed CJK font the charts draw with (``None`` if none).

Labels (series, parts, unit names, titles, axes) are Chinese when a CJK font
is installed (``CJK_FONTS``, tried in order).  Without one the charts
warn (:class:`CjkFontWarning`, naming what to install) and use ASCII codes
and English titles, never empty boxes.

>>> from pbcheck.examples.small import small_report
>>> from pbcheck.report.charts import ranking_chart
>>> figure = ranking_chart(small_report({"a": 95, "b": 60}))
>>> figure.axes[0].get_title() in ("党群部门：总分与名次", "S1")
True
"""

from __future__ import annotations

from pbcheck.report._charts import (
    CJK_FONTS,
    CjkFontWarning,
    cjk_font,
    distribution_chart,
    ranking_chart,
    section_chart,
    trend_chart,
)

__all__ = [
    "CJK_FONTS",
    "CjkFontWarning",
    "cjk_font",
    "distribution_chart",
    "ranking_chart",
    "section_chart",
    "trend_chart",
]
