"""Colours and labels shared by the HTML map and the static image.

The palette is Okabe & Ito's colour-blind-safe set (2008), with grey for ``other``.
"""

from __future__ import annotations

#: One colour per event type, in :data:`geomap.model.EVENT_TYPES` order.
TYPE_COLOURS: dict[str, str] = {
    "armed_clash": "#D55E00",  # vermillion
    "shelling": "#E69F00",  # orange
    "attack_on_civilians": "#CC79A7",  # reddish purple
    "ceasefire": "#009E73",  # bluish green
    "diplomatic_statement": "#56B4E9",  # sky blue
    "troop_deployment": "#0072B2",  # blue
    "territorial_change": "#F0E442",  # yellow
    "protest": "#000000",  # black
    "other": "#999999",  # grey
}

#: Human labels of the event types.
TYPE_LABELS: dict[str, str] = {
    "armed_clash": "Armed clash",
    "shelling": "Shelling",
    "attack_on_civilians": "Attack on civilians",
    "ceasefire": "Ceasefire",
    "diplomatic_statement": "Diplomatic statement",
    "troop_deployment": "Troop deployment",
    "territorial_change": "Territorial change",
    "protest": "Protest",
    "other": "Other",
}

#: Attribution of the embedded data, shown on every map and image.
ATTRIBUTION = "Places: GeoNames (CC-BY 4.0) · Boundaries: Natural Earth"


def marker_radius(fatalities: int | None, n_sources: int) -> float:
    """Radius in pixels of a point event: by fatalities, else by number of sources.

    >>> marker_radius(None, 1), marker_radius(0, 1), marker_radius(16, 1)
    (5.0, 5.0, 13.0)
    """
    if fatalities is not None and fatalities > 0:
        return float(min(5.0 + 2.0 * fatalities**0.5, 16.0))
    return float(min(5.0 + 1.5 * max(n_sources - 1, 0), 11.0))
