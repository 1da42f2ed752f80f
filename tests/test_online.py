"""The optional online fallback, against a real HTTP server on loopback (no mocking of geopy)."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from gazetteer.errors import GazetteerError, InvalidQuery, OnlineLookupError
from gazetteer.online import OnlineConfig, OnlineGeocoder, place_from_result

try:
    from tests.nominatim_stub import NominatimStub, Reply
except ImportError:  # tests/ is not a package: pytest put tests/ itself on sys.path
    from nominatim_stub import NominatimStub, Reply  # type: ignore[no-redef]

AGENT = "geomap-tests/0.1 (tests@example.org)"


@pytest.fixture
def stub() -> Iterator[NominatimStub]:
    with NominatimStub() as server:
        yield server


def config(stub: NominatimStub, tmp_path: Path, **overrides: Any) -> OnlineConfig:
    values: dict[str, Any] = {
        "user_agent": AGENT,
        "min_delay_seconds": 0.02,
        "timeout": 5.0,
        "max_retries": 2,
        "cache_path": tmp_path / "online.sqlite",
        "domain": stub.domain,
        "scheme": "http",
    }
    values.update(overrides)
    return OnlineConfig(**values)


@pytest.fixture
def geocoder(stub: NominatimStub, tmp_path: Path) -> Iterator[OnlineGeocoder]:
    with OnlineGeocoder(config(stub, tmp_path)) as geo:
        yield geo


# -- conversion and request ------------------------------------------------------------------------


@pytest.mark.online
def test_hit_is_converted_to_place(geocoder: OnlineGeocoder) -> None:
    [place] = geocoder.lookup("Yerevan")
    assert place.id == "online:nominatim:R7198216"
    assert place.name == "Yerevan"
    assert place.kind == "city"
    assert place.country == "AM"
    assert place.lat == pytest.approx(40.1777112)
    assert place.lon == pytest.approx(44.5126233)
    assert place.population == 0
    assert place.source == "online:nominatim"
    assert place.score == pytest.approx(0.6768946597066437)
    assert 0.0 <= place.score <= 1.0
    assert place.reason == "online geocoder nominatim (rank 1)"


@pytest.mark.online
def test_several_hits_keep_rank_and_kinds(geocoder: OnlineGeocoder) -> None:
    province, village = geocoder.lookup("Syunik", country="am")
    assert (province.kind, province.name, province.admin1) == ("admin1", "Syunik Province", None)
    assert province.reason.endswith("(rank 1)")
    assert village.id == "online:nominatim:N2551112123"
    assert (village.kind, village.admin1, village.admin2) == ("city", "Syunik Province", "Kapan")
    assert village.reason.endswith("(rank 2)")


@pytest.mark.online
def test_request_carries_user_agent_and_params(
    stub: NominatimStub, geocoder: OnlineGeocoder
) -> None:
    geocoder.lookup("  Syunik ", country="AM", limit=3)
    [req] = stub.requests
    assert req.path == "/search"
    assert req.headers["User-Agent"] == AGENT
    assert req.param("q") == "Syunik"
    assert req.param("limit") == "3"
    assert req.param("countrycodes") == "am"
    assert req.param("addressdetails") == "1"
    assert req.param("format") == "json"


@pytest.mark.online
def test_no_country_sends_no_countrycodes(stub: NominatimStub, geocoder: OnlineGeocoder) -> None:
    geocoder.lookup("Yerevan")
    [req] = stub.requests
    assert "countrycodes" not in req.params
    assert req.param("limit") == "5"


# -- cache -----------------------------------------------------------------------------------------


@pytest.mark.online
def test_second_lookup_is_served_from_cache(stub: NominatimStub, geocoder: OnlineGeocoder) -> None:
    first = geocoder.lookup("Yerevan")
    assert stub.count == 1
    again = geocoder.lookup("yerevan  ")  # same normalised name
    assert stub.count == 1
    assert [replace(p, matched="") for p in again] == [replace(p, matched="") for p in first]
    assert again[0].matched == "yerevan"


@pytest.mark.online
def test_cache_is_shared_across_instances(stub: NominatimStub, tmp_path: Path) -> None:
    with OnlineGeocoder(config(stub, tmp_path)) as geo:
        first = geo.lookup("Syunik", country="AM")
        assert geo.lookup("Nowhere at all") == []  # empty answers are cached too
    assert stub.count == 2
    with OnlineGeocoder(config(stub, tmp_path)) as geo2:
        assert geo2.lookup("Syunik", country="AM") == first
        assert geo2.lookup("Nowhere at all") == []
        assert geo2.requests_made == 0
    assert stub.count == 2


@pytest.mark.online
def test_cache_key_includes_country_and_limit(
    stub: NominatimStub, geocoder: OnlineGeocoder
) -> None:
    geocoder.lookup("Syunik")
    geocoder.lookup("Syunik", country="AM")
    geocoder.lookup("Syunik", limit=1)
    assert stub.count == 3


@pytest.mark.online
def test_cache_hit_does_not_wait_for_rate_limiter(stub: NominatimStub, tmp_path: Path) -> None:
    with OnlineGeocoder(config(stub, tmp_path, min_delay_seconds=2.0)) as geo:
        geo.lookup("Yerevan")
        start = time.monotonic()
        geo.lookup("Yerevan")
        assert time.monotonic() - start < 0.5
    assert stub.count == 1


# -- politeness and failures -----------------------------------------------------------------------


@pytest.mark.online
def test_rate_limit_spaces_requests(stub: NominatimStub, tmp_path: Path) -> None:
    with OnlineGeocoder(config(stub, tmp_path, min_delay_seconds=0.3)) as geo:
        for name in ("Yerevan", "Syunik", "Goris"):
            geo.lookup(name)
    times = [r.time for r in stub.requests]
    # Server-side times of accepted connections. The limiter spaces the client's sends by 0.3 s;
    # the first send pays one-off costs (imports, connection pool) after taking its slot, so the
    # first gap gets more slack than the warm second one.
    assert times[1] - times[0] >= 0.3 - 0.05
    assert times[2] - times[1] >= 0.3 - 0.005


@pytest.mark.online
def test_429_then_200_is_retried(stub: NominatimStub, geocoder: OnlineGeocoder) -> None:
    stub.script.append(Reply(429, {"error": "Too Many Requests"}, {"Retry-After": "0"}))
    [place] = geocoder.lookup("Yerevan")
    assert place.name == "Yerevan"
    assert stub.count == 2


@pytest.mark.online
def test_429_retry_after_is_honoured(stub: NominatimStub, geocoder: OnlineGeocoder) -> None:
    stub.script.append(Reply(429, {"error": "Too Many Requests"}, {"Retry-After": "1"}))
    assert geocoder.lookup("Yerevan")
    first, second = stub.requests
    assert second.time - first.time >= 1.0 - 0.005


@pytest.mark.online
def test_persistent_503_fails_after_retries(stub: NominatimStub, geocoder: OnlineGeocoder) -> None:
    stub.script.extend(Reply(503, {"error": "overloaded"}) for _ in range(5))
    with pytest.raises(OnlineLookupError) as info:
        geocoder.lookup("Yerevan")
    message = str(info.value)
    assert stub.count == 3  # 1 + max_retries
    assert "nominatim" in message and "503" in message and "try again later" in message
    assert "\n" not in message and "Traceback" not in message
    assert isinstance(info.value, GazetteerError)


@pytest.mark.online
def test_failure_is_not_cached(stub: NominatimStub, tmp_path: Path) -> None:
    stub.script.append(Reply(500, {"error": "boom"}))
    with OnlineGeocoder(config(stub, tmp_path, max_retries=0)) as geo:
        with pytest.raises(OnlineLookupError, match="HTTP 500"):
            geo.lookup("Yerevan")
        assert [p.name for p in geo.lookup("Yerevan")] == ["Yerevan"]
    assert stub.count == 2


@pytest.mark.online
def test_403_is_not_retried(stub: NominatimStub, geocoder: OnlineGeocoder) -> None:
    stub.script.extend(Reply(403, {"error": "blocked"}) for _ in range(3))
    with pytest.raises(OnlineLookupError) as info:
        geocoder.lookup("Yerevan")
    assert stub.count == 1
    message = str(info.value)
    assert "403" in message and "user agent" in message and AGENT in message
    assert "\n" not in message


@pytest.mark.online
def test_timeout(stub: NominatimStub, tmp_path: Path) -> None:
    stub.script.extend(Reply(200, delay=1.5) for _ in range(2))
    with OnlineGeocoder(config(stub, tmp_path, timeout=0.5, max_retries=1)) as geo:
        start = time.monotonic()
        with pytest.raises(OnlineLookupError) as info:
            geo.lookup("Yerevan")
        elapsed = time.monotonic() - start
    assert stub.count == 2  # timeouts are retried
    assert elapsed < 1.5
    assert "timed out" in str(info.value) and "0.5 s" in str(info.value)


@pytest.mark.online
def test_unreachable_server(tmp_path: Path) -> None:
    with NominatimStub() as gone:
        domain = gone.domain
    cfg = OnlineConfig(
        user_agent=AGENT, min_delay_seconds=0.0, timeout=1.0, max_retries=0,
        cache_path=tmp_path / "c.sqlite", domain=domain, scheme="http",
    )
    refused = r"could not be reached \(connection refused\)"
    with OnlineGeocoder(cfg) as geo, pytest.raises(OnlineLookupError, match=refused):
        geo.lookup("Yerevan")


# -- configuration ---------------------------------------------------------------------------------


@pytest.mark.online
@pytest.mark.parametrize("agent", ["", "   ", "geopy/2.5.0", "GeoPy/1.0", "my-application"])
def test_user_agent_is_required(stub: NominatimStub, tmp_path: Path, agent: str) -> None:
    with pytest.raises(OnlineLookupError) as info:
        OnlineGeocoder(config(stub, tmp_path, user_agent=agent))
    message = str(info.value)
    assert "user agent naming your application is required" in message
    assert "--user-agent" in message
    assert stub.count == 0


@pytest.mark.online
def test_unknown_geocoder(stub: NominatimStub, tmp_path: Path) -> None:
    with pytest.raises(OnlineLookupError) as info:
        OnlineGeocoder(config(stub, tmp_path, geocoder="nominatum"))
    message = str(info.value)
    assert "'nominatum'" in message and "nominatim" in message and "photon" in message


@pytest.mark.online
def test_other_geocoder_by_name(stub: NominatimStub, tmp_path: Path) -> None:
    with OnlineGeocoder(config(stub, tmp_path, geocoder="photon")) as geo:
        assert type(geo._geocoder).__name__ == "Photon"


@pytest.mark.online
def test_bad_arguments(geocoder: OnlineGeocoder) -> None:
    with pytest.raises(InvalidQuery):
        geocoder.lookup("   ")
    with pytest.raises(InvalidQuery):
        geocoder.lookup("Yerevan", country="ARM")
    with pytest.raises(InvalidQuery):
        geocoder.lookup("Yerevan", limit=0)


# -- offline pieces --------------------------------------------------------------------------------


def test_config_is_frozen_and_extra_read_only() -> None:
    cfg = OnlineConfig(
        user_agent="x/1", extra={"language": "en"}, cache_path="c.sqlite"  # type: ignore[arg-type]
    )
    assert cfg.cache_path == Path("c.sqlite")
    with pytest.raises(AttributeError):
        cfg.timeout = 3  # type: ignore[misc]
    with pytest.raises(TypeError):
        cfg.extra["language"] = "fr"  # type: ignore[index]
    assert hash(cfg) == hash(OnlineConfig(user_agent="x/1", cache_path=Path("c.sqlite")))


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        ({"addresstype": "country", "type": "administrative"}, "country"),
        ({"addresstype": "state"}, "admin1"),
        ({"addresstype": "county"}, "admin2"),
        ({"addresstype": "town"}, "city"),
        ({"addresstype": "road", "type": "residential"}, "feature"),
        ({"type": "administrative", "place_rank": 4}, "country"),
        ({"type": "administrative", "place_rank": 8}, "admin1"),
        ({"type": "village"}, "city"),
        ({}, "feature"),
    ],
)
def test_kind_mapping(raw: dict[str, Any], kind: str) -> None:
    place = place_from_result({"raw": {"lat": "1", "lon": "2", **raw}}, query="x")
    assert place.kind == kind


def test_result_without_osm_id_gets_hashed_id() -> None:
    item = {"address": "Somewhere, Land", "lat": 1.5, "lon": 2.5, "raw": {}}
    place = place_from_result(item, service="photon", rank=2, query="somewhere")
    assert place.id.startswith("online:photon:h")
    assert place.id == place_from_result(item, service="photon", rank=2).id
    assert (place.name, place.lat, place.lon, place.country) == ("Somewhere", 1.5, 2.5, None)
    assert place.score == 0.5 and place.source == "online:photon"


def test_geopy_is_imported_lazily() -> None:
    code = "import sys, gazetteer.online; assert 'geopy' not in sys.modules, 'geopy imported'"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).parents[1])


@pytest.mark.online
def test_cache_is_shared_across_processes(stub: NominatimStub, tmp_path: Path) -> None:
    with OnlineGeocoder(config(stub, tmp_path)) as geo:
        [place] = geo.lookup("Yerevan")
    code = (
        "import sys; from pathlib import Path\n"
        "from gazetteer.online import OnlineConfig, OnlineGeocoder\n"
        f"cfg = OnlineConfig(user_agent={AGENT!r}, cache_path=Path(sys.argv[1]),"
        f" domain={stub.domain!r}, scheme='http')\n"
        "with OnlineGeocoder(cfg) as geo:\n"
        "    print(geo.lookup('YEREVAN')[0].id, geo.requests_made)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "online.sqlite")],
        check=True, capture_output=True, text=True, cwd=Path(__file__).parents[1],
    ).stdout.split()
    assert out == [place.id, "0"]
    assert stub.count == 1
