"""Exceptions raised by :mod:`gazetteer`.

One root, each leaf mixed with the builtin it resembles::

    GazetteerError
    ├── PlaceNotFound(GazetteerError, LookupError)
    ├── InvalidQuery(GazetteerError, ValueError)
    ├── IndexUnavailable(GazetteerError, FileNotFoundError)   missing or corrupt index file
    ├── UserPlacesError(GazetteerError, ValueError)           malformed user places file
    └── OnlineLookupError(GazetteerError, RuntimeError)       online geocoder failed
"""

from __future__ import annotations


class GazetteerError(Exception):
    """Root of every error the gazetteer raises."""


class PlaceNotFound(GazetteerError, LookupError):
    """No place matches a name."""


class InvalidQuery(GazetteerError, ValueError):
    """A name or coordinate given to the gazetteer is not usable."""


class IndexUnavailable(GazetteerError, FileNotFoundError):
    """The index file is missing, unreadable or corrupt."""


class UserPlacesError(GazetteerError, ValueError):
    """A user places file (CSV, YAML, GeoJSON) is malformed."""


class OnlineLookupError(GazetteerError, RuntimeError):
    """The optional online geocoder failed (timeout, refusal, server error)."""
