"""What-if analysis: how results move when weights move (权重敏感性分析).

* :mod:`pbcheck.whatif.reweight` — re-score a season exactly under other
  weights and list what changes (改权重重算);
* :mod:`pbcheck.whatif.simulation` — many random weightings at once, and the
  exact weight at which a result changes (权重模拟, ``bulk`` extra).
"""

__all__: list[str] = []
