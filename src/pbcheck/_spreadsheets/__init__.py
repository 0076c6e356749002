"""Internals of :mod:`pbcheck.spreadsheets`: reading raw grids, converting cells."""
