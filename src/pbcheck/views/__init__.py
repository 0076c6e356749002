"""Presentation helpers that know no domain type (展示).

A leaf of the package: it imports only the standard library, the errors and
the exact-number helpers.  Domain types that show themselves in a notebook
(``_repr_html_``) or as a DataFrame (``to_frame()``) build their own rows and
hand them to these helpers, so presentation never reaches back into the core.

* :mod:`pbcheck.views.html` — escaped HTML tables for notebooks;
* :mod:`pbcheck.views.frames` — DataFrames from plain rows (``frames`` extra);
* :mod:`pbcheck.views.text` — words for people (dates in official form).
"""

__all__: list[str] = []
