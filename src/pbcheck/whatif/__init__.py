"""What-if analysis: how results move when weights move (权重敏感性分析).

* :mod:`pbcheck.whatif.reweight` — 改权重重算（单一方案）: re-score a season
  exactly under one other weighting and list what changes;
* :mod:`pbcheck.whatif.sweep` — 权重扫描（精确临界点）: the exact weights at
  which two units swap or a list changes, as one top-level weight moves;
* :mod:`pbcheck.whatif.simulation` — 权重模拟（随机抽样）: thousands of random
  weightings at once, and how often each unit is commended or at the bottom
  (``bulk`` extra).
"""

__all__: list[str] = []
