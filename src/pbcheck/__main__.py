"""``python -m pbcheck``: the same as the ``pbcheck`` command."""

import sys

from pbcheck._cli import command

sys.exit(command())
