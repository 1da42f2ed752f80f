"""The geoparser's optional online fallback, against a Nominatim look-alike on loopback."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from gazetteer import Gazetteer
from gazetteer.online import OnlineConfig
from geomap.pipeline import Geoparser, GeoparserConfig

try:
    from tests.nominatim_stub import YEREVAN, NominatimStub
except ImportError:  # tests/ is not a package
    from nominatim_stub import YEREVAN, NominatimStub  # type: ignore[no-redef]

LAKE: dict[str, Any] = {**YEREVAN, "osm_type": "way", "osm_id": 4242, "lat": "39.6331", "lon": "46.0456",
                        "name": "Sev Lich", "display_name": "Sev Lich, Syunik, Armenia",
                        "class": "natural", "type": "water", "addresstype": "water",
                        "address": {"country": "Armenia", "country_code": "am"}}
TEXT = "Clashes erupted near Sev Lich in Armenia on Tuesday, officials said."


@pytest.mark.online
def test_names_the_index_lacks_are_asked_online_once(gaz: Gazetteer, tmp_path: Path) -> None:
    with NominatimStub({"sev lich": [LAKE]}) as stub:
        cfg = OnlineConfig(user_agent="geomap-tests/0.1 (tests@example.org)", min_delay_seconds=0.01,
                           cache_path=tmp_path / "online.sqlite", domain=stub.domain, scheme="http")
        gp = Geoparser(GeoparserConfig(online=cfg), gazetteer=gaz)  # spaCy finds names the index lacks
        doc = gp.geoparse(TEXT, published=dt.date(2021, 5, 14))
        lake = [m for m in doc.toponyms if m.text == "Sev Lich"]
        assert lake and lake[0].place is not None
        assert lake[0].place.source == "online:nominatim" and lake[0].place.country == "AM"
        assert [e.place.name for e in doc.events] == ["Sev Lich"]
        gp.geoparse(TEXT, published=dt.date(2021, 5, 14))
        asked = [r for r in stub.requests if r.path.startswith("/search")]
        assert len(asked) == 1  # the second document was answered from the cache
        assert asked[0].params["countrycodes"] == ["am"]  # the document's country narrows the search


def test_without_online_the_name_is_reported_unresolved(gaz: Gazetteer) -> None:
    gp = Geoparser(GeoparserConfig(use_spacy=False), gazetteer=gaz)
    doc = gp.geoparse(TEXT, published=dt.date(2021, 5, 14))
    assert all(m.place is not None or m.why_unresolved for m in doc.toponyms)
