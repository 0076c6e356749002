"""``python -m pbcheck.io.interchange.schemas``: regenerate the shipped schema files."""

import sys

from pbcheck.io.interchange.schemas import regenerate

for path in regenerate():
    sys.stdout.write(f"wrote {path}\n")
