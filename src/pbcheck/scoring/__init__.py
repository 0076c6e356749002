"""Scoring: evaluations in, exact and explainable scorecards out (计分).

* :mod:`pbcheck.scoring.engine` — :func:`~pbcheck.score` and
  :func:`~pbcheck.score_all`, how a total is made, step by step;
* :mod:`pbcheck.scoring.scorecard` — :class:`~pbcheck.Scorecard` and its parts,
  and :class:`~pbcheck.Explanation`;
* :mod:`pbcheck.scoring.audit` — the audit trail of every input record (审计);
* :mod:`pbcheck.scoring.consistency` — how far raters agree (评分一致性);
* :mod:`pbcheck.scoring.self_assessment` — each unit's 自评 beside its
  assessed score (自评与考评对照);
* :mod:`pbcheck.scoring.feedback` — every point a unit lost, where and why
  (失分清单), for the 反馈单 sent back to it.
"""

from pbcheck.scoring.feedback import LostPoint, lost_points

__all__ = ["LostPoint", "lost_points"]
