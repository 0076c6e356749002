"""Files in and out: the adapters between pbcheck's values and documents.

* :mod:`pbcheck.io.interchange` — versioned JSON / TOML documents with JSON
  Schemas (交换格式);
* :mod:`pbcheck.io.spreadsheets` — score sheets from CSV and Excel (评分表导入);
* :mod:`pbcheck.io.ics` — cycle milestones as an iCalendar file (日程).

Nothing below this package imports it: the core never reads or writes files.
"""

__all__: list[str] = []
