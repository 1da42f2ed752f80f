"""An offline gazetteer: place names to places, in microseconds, with reasons.

>>> from gazetteer import Gazetteer          # doctest: +SKIP
>>> Gazetteer().resolve("Syunik province").kind  # doctest: +SKIP
'admin1'
"""

from .errors import (
    GazetteerError,
    IndexUnavailable,
    InvalidQuery,
    OnlineLookupError,
    PlaceNotFound,
    UserPlacesError,
)
from .index import Context, Gazetteer, ReverseResult, default_index_path
from .place import Place

__all__ = [
    "Context",
    "Gazetteer",
    "GazetteerError",
    "IndexUnavailable",
    "InvalidQuery",
    "OnlineLookupError",
    "Place",
    "PlaceNotFound",
    "ReverseResult",
    "UserPlacesError",
    "default_index_path",
]
