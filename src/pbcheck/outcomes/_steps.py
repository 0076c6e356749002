"""The step that names one item of a list in a problem's path.

A problem about one scorecard, ballot group or grade range names the item by
its id (``scorecards[czj]``), as the model does (:mod:`pbcheck.errors`): the
document loader turns the id into the item's place in the file.  An id that
is not a usable string (``None``, ``""``, a number) names nothing, so the
item's position stands instead.  A *repeated* id names the first item that
has it, so a duplicate is named by its position by the caller, not here.
"""

from __future__ import annotations

from pbcheck.errors import Id

__all__ = ["member"]


def member(index: int, item_id: object) -> int | Id:
    """The item at *index* whose id is *item_id*: by its id where usable, else *index*.

    >>> from pbcheck.errors import render_path
    >>> render_path(("scorecards", member(1, "czj"), "unit_id"))
    'scorecards[czj].unit_id'
    >>> render_path(("scorecards", member(1, None), "unit_id"))
    'scorecards[1].unit_id'
    >>> member(2, " "), member(2, 7)
    (2, 2)
    """
    if isinstance(item_id, str) and item_id.strip():
        return Id(item_id)
    return index
