"""Makes docs/ a package, so that its conftest.py is imported as ``docs.conftest``.

Without it, pytest would import both ``docs/conftest.py`` and
``tests/conftest.py`` under the one module name ``conftest`` and refuse to
collect the second.  Sphinx ignores this file.
"""
