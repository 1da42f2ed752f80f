"""Exceptions raised by :mod:`geomap`.

::

    GeomapError
    ├── InputError(GeomapError, ValueError)        unreadable, empty, binary or malformed input
    ├── ModelUnavailable(GeomapError, ImportError) the spaCy model is not installed
    └── RenderError(GeomapError, RuntimeError)     the map or image could not be written
"""

from __future__ import annotations


class GeomapError(Exception):
    """Root of every error geomap raises."""


class InputError(GeomapError, ValueError):
    """Input that cannot be read: what came, what was expected, how to fix it."""


class ModelUnavailable(GeomapError, ImportError):
    """The spaCy model is missing; the gazetteer-only recogniser is used instead."""


class RenderError(GeomapError, RuntimeError):
    """The map or the static image could not be produced."""
