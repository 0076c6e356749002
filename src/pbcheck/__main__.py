"""``python -m pbcheck``: the same as the ``pbcheck`` command."""

import sys

from pbcheck.cli import command

sys.exit(command())
