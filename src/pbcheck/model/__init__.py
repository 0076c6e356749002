"""Definitions: what is assessed, by which rules, when (考核的定义).

The first stage of the pipeline.  Nothing here scores; everything here is a
validated, immutable value that the later stages read.

* :mod:`pbcheck.model.org` — the organisation tree (组织体系);
* :mod:`pbcheck.model.cycle` — assessment cycles and calendars (考核周期);
* :mod:`pbcheck.model.rules` — scoring rules of one indicator (计分规则);
* :mod:`pbcheck.model.frequency` — frequency rules such as 三会一课 (频次);
* :mod:`pbcheck.model.aggregation` — how scores combine (合成方法);
* :mod:`pbcheck.model.rubric` — sections, indicators, bonus, deductions,
  vetoes, 合理缺项 policy (考核细则);
* :mod:`pbcheck.model.rubric_set` — several rubrics in one season, by series
  or unit, with each unit's own indicators (分类考核);
* :mod:`pbcheck.model.evaluation` — what was recorded about a unit (考核记录).
"""

__all__: list[str] = []
