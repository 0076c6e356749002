"""``python -m pbcheck.interchange.schemas``: regenerate the shipped schema files."""

import sys

from pbcheck.interchange.schemas import regenerate

for path in regenerate():
    sys.stdout.write(f"wrote {path}\n")
