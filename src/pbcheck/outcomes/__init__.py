"""Outcomes: what a season's scorecards decide (结果运用).

* :mod:`pbcheck.outcomes.ranking` — rankings within series (排名);
* :mod:`pbcheck.outcomes.grading` — grade tiers (等次), gates and overrides;
* :mod:`pbcheck.outcomes.rating` — democratic rating ballots (民主测评);
* :mod:`pbcheck.outcomes.selection` — commendation and bottom lists
  (评先评优、处于后位);
* :mod:`pbcheck.outcomes.history` — several cycles, streaks and escalation
  (连续后位、问责), trends across rubric versions;
* :mod:`pbcheck.outcomes.consequences` — consequence rules keyed on grade,
  veto, bottom place and streaks, each action with its 责任主体 and deadline
  (考评结果运用);
* :mod:`pbcheck.outcomes.season` — all of the above in one call
  (:func:`~pbcheck.assess_outcomes`), and :class:`~pbcheck.Results`, a scored
  season in one value.
"""

__all__: list[str] = []
