"""Optional online fallback through geopy (off by default).

The offline index answers almost everything; when a caller opts in, :class:`OnlineGeocoder` asks a
web geocoder (Nominatim unless told otherwise) and turns its answers into :class:`Place` records.
It is written to be a good citizen of Nominatim's usage policy
(https://operations.osmfoundation.org/policies/nominatim/):

* a user agent naming the application is required; geopy's default ``geopy/x.y`` is refused;
* at most one request per ``min_delay_seconds`` (1 s by default), process-wide per service and
  server, through :class:`geopy.extra.rate_limiter.RateLimiter`;
* every answer, empty answers included, is kept in a small SQLite file, so no name is asked twice,
  even across processes; a cache hit makes no request and does not wait for the rate limiter;
* timeouts, HTTP 429 (honouring ``Retry-After``) and 5xx are retried ``max_retries`` times with
  backoff; other refusals (403 blocked, 401 bad key, 400 bad query) fail at once.

Every failure is an :class:`~gazetteer.errors.OnlineLookupError` with a one-line message naming the
service, the cause and the fix. geopy is imported lazily, so importing this module costs nothing.
"""

from __future__ import annotations

import difflib
import hashlib
import inspect
import json
import logging
import math
import os
import re
import sqlite3
import threading
import time
import unicodedata
from collections.abc import Callable, Mapping
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from gazetteer.errors import InvalidQuery, OnlineLookupError
from gazetteer.place import Place

__all__ = [
    "DEFAULT_CACHE_PATH",
    "OnlineConfig",
    "OnlineGeocoder",
    "place_from_result",
]

logger = logging.getLogger(__name__)

#: Where answers are cached when :attr:`OnlineConfig.cache_path` is None.
DEFAULT_CACHE_PATH = (
    Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "gazetteer" / "online.sqlite"
)

#: A ``Retry-After`` longer than this (seconds) is not waited for: the lookup fails at once.
MAX_RETRY_AFTER = 60.0

_USER_AGENT_HINT = (
    "a user agent naming your application is required by Nominatim's usage policy: "
    "pass --user-agent 'myapp/1.0 (me@example.org)'"
)
# geopy's default agent, the sample agents of geopy's docs (Nominatim refuses them) and
# HTTP libraries' defaults: none of them names an application.
_REJECTED_AGENT_PREFIXES = ("geopy/", "python-requests/", "python-urllib/", "urllib3/")
_REJECTED_AGENTS = frozenset(
    {"my-application", "my_app/1", "my_user_agent/1.0", "specify_your_app_name_here", "geopy"}
)
_COUNTRY_RE = re.compile(r"^[A-Za-z]{2}$")

_HTTP_REASONS = {
    400: "Bad Request",
    401: "Unauthorized",
    402: "Payment Required",
    403: "Forbidden",
    404: "Not Found",
    408: "Request Timeout",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}

# Nominatim ``addresstype`` (or ``type``) -> Place.kind.
_KIND_BY_TYPE: dict[str, str] = {
    "country": "country",
    "state": "admin1",
    "province": "admin1",
    "region": "admin1",
    "state_district": "admin2",
    "county": "admin2",
    "district": "admin2",
    "municipality": "admin2",
    "city": "city",
    "town": "city",
    "village": "city",
    "hamlet": "city",
    "isolated_dwelling": "city",
    "croft": "city",
    "city_district": "city",
    "borough": "city",
    "suburb": "city",
    "quarter": "city",
    "neighbourhood": "city",
}
_ADMIN1_KEYS = ("state", "province", "region")
_ADMIN2_KEYS = ("county", "state_district", "district", "municipality")


def _freeze(mapping: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(mapping))


@dataclass(frozen=True)
class OnlineConfig:
    """How to reach the online geocoder.

    ``geocoder`` is any geopy service name (``nominatim``, ``photon``, ``opencage``, …).
    ``domain``/``scheme`` point it at another server (a self-hosted Nominatim, a test stub).
    ``cache_path`` is the SQLite answer cache (:data:`DEFAULT_CACHE_PATH` when None).
    ``extra`` holds further keyword arguments: those the geocoder class accepts (``api_key``…)
    go to its constructor, those its ``geocode`` accepts (``language``…) go to each request.
    """

    geocoder: str = "nominatim"
    user_agent: str = ""
    min_delay_seconds: float = 1.0
    timeout: float = 10.0
    max_retries: int = 2
    cache_path: Path | None = None
    domain: str | None = None
    scheme: str = "https"
    extra: Mapping[str, Any] = field(default_factory=lambda: _freeze({}), hash=False)

    def __post_init__(self) -> None:
        if self.cache_path is not None and not isinstance(self.cache_path, Path):
            object.__setattr__(self, "cache_path", Path(self.cache_path))
        if not isinstance(self.extra, MappingProxyType):
            object.__setattr__(self, "extra", _freeze(self.extra))


# One rate limiter per (service, scheme, server, delay), shared by every OnlineGeocoder of the
# process: two instances talking to the same server still make at most one request per delay.
_LIMITERS: dict[tuple[str, str, str, float], Callable[..., Any]] = {}
_LIMITERS_LOCK = threading.Lock()


def _invoke(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    return func(*args, **kwargs)


def _shared_limiter(key: tuple[str, str, str, float]) -> Callable[..., Any]:
    from geopy.extra.rate_limiter import RateLimiter

    with _LIMITERS_LOCK:
        limiter = _LIMITERS.get(key)
        if limiter is None:
            # Retries are done by OnlineGeocoder._request, not here: RateLimiter retries every
            # GeocoderServiceError (403 included) and waits a fixed error_wait_seconds, ignoring
            # Retry-After. Each attempt still goes through the limiter, so retries keep the pace.
            limiter = RateLimiter(
                _invoke,
                min_delay_seconds=key[3],
                max_retries=0,
                error_wait_seconds=key[3],
                swallow_exceptions=False,
            )
            _LIMITERS[key] = limiter
        return limiter


def _adapter_factory_without_retries() -> Callable[..., Any]:
    """geopy's default adapter, minus the transport's own retries.

    geopy's RequestsAdapter mounts ``requests.adapters.HTTPAdapter(max_retries=2)``, which makes
    urllib3 resend a GET silently after a read timeout or a dropped connection: three requests
    for one geocode call, none of them seen by the rate limiter. Retries belong to
    :meth:`OnlineGeocoder._request`, which paces them.
    """
    from geopy.adapters import RequestsAdapter
    from geopy.geocoders import options

    factory: Callable[..., Any] = options.default_adapter_factory
    if factory is RequestsAdapter:
        def factory(*, proxies: Any, ssl_context: Any) -> Any:
            return RequestsAdapter(proxies=proxies, ssl_context=ssl_context, max_retries=0)

    return factory


def _normalise_query(name: str) -> str:
    text = unicodedata.normalize("NFKC", name)
    return " ".join(text.split())


def _cache_name(name: str) -> str:
    return _normalise_query(name).casefold()


def _valid_services() -> list[str]:
    from geopy.geocoders import SERVICE_TO_GEOCODER

    return sorted(SERVICE_TO_GEOCODER)


def _accepted(func: Callable[..., Any]) -> tuple[set[str], bool]:
    """Keyword names ``func`` accepts, and whether it takes ``**kwargs``."""
    params = inspect.signature(func).parameters.values()
    names = {p.name for p in params if p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD)}
    return names, any(p.kind is p.VAR_KEYWORD for p in params)


def _check_user_agent(user_agent: str) -> str:
    agent = (user_agent or "").strip()
    low = agent.lower()
    if not agent or low in _REJECTED_AGENTS or low.startswith(_REJECTED_AGENT_PREFIXES):
        given = f"got {agent!r}" if agent else "none given"
        raise OnlineLookupError(f"online geocoder: {given}; {_USER_AGENT_HINT}")
    return agent


class OnlineGeocoder:
    """Looks names up through a geopy geocoder, politely, with an on-disk answer cache.

    Use as a context manager, or call :meth:`close`, to release the HTTP connections.
    """

    def __init__(self, config: OnlineConfig) -> None:
        self.config = config
        self.service = (config.geocoder or "").strip().lower()
        self.user_agent = _check_user_agent(config.user_agent)
        if not (config.min_delay_seconds >= 0 and math.isfinite(config.min_delay_seconds)):
            raise OnlineLookupError(
                f"online geocoder: min_delay_seconds must be >= 0, got {config.min_delay_seconds!r}"
            )
        if not (config.timeout > 0 and math.isfinite(config.timeout)):
            raise OnlineLookupError(f"online geocoder: timeout must be > 0, got {config.timeout!r}")
        if config.max_retries < 0:
            raise OnlineLookupError(
                f"online geocoder: max_retries must be >= 0, got {config.max_retries!r}"
            )
        self.cache_path = config.cache_path if config.cache_path is not None else DEFAULT_CACHE_PATH

        from geopy.exc import GeocoderNotFound, GeopyError
        from geopy.geocoders import get_geocoder_for_service

        try:
            cls = get_geocoder_for_service(self.service)
        except GeocoderNotFound:
            valid = _valid_services()
            close = difflib.get_close_matches(self.service, valid, n=3, cutoff=0.6)
            few = list(dict.fromkeys(close + ["nominatim", "photon", "arcgis", "opencage"]))
            raise OnlineLookupError(
                f"online geocoder: unknown geocoder {config.geocoder!r}; "
                f"use one of geopy's services such as {', '.join(few)} "
                f"({len(valid)} in all)"
            ) from None

        init_names, init_any = _accepted(cls.__init__)
        geocode_names, geocode_any = _accepted(cls.geocode)
        kwargs: dict[str, Any] = {}
        for key, value in (
            ("user_agent", self.user_agent),
            ("timeout", config.timeout),
            ("scheme", config.scheme),
            ("domain", config.domain),
        ):
            if key in init_names or init_any:
                if value is not None:
                    kwargs[key] = value
            elif value is not None and not (key == "scheme" and value == "https"):
                raise OnlineLookupError(
                    f"online geocoder {self.service}: it does not take a {key} "
                    f"({value!r}); leave it unset for this geocoder"
                )
        self._geocode_extra: dict[str, Any] = {}
        for key, value in config.extra.items():
            if key in init_names or init_any:
                kwargs[key] = value
            elif key in geocode_names or geocode_any:
                self._geocode_extra[key] = value
            else:
                raise OnlineLookupError(
                    f"online geocoder {self.service}: unknown option {key!r} in extra; "
                    f"see geopy's documentation of {cls.__name__}"
                )
        if "adapter_factory" not in kwargs and ("adapter_factory" in init_names or init_any):
            kwargs["adapter_factory"] = _adapter_factory_without_retries()
        try:
            self._geocoder = cls(**kwargs)
        except (GeopyError, TypeError, ValueError) as exc:
            raise OnlineLookupError(
                f"online geocoder {self.service}: cannot be set up: {_one_line(exc)}; "
                "give the options it needs (api_key, …) through OnlineConfig.extra"
            ) from None
        self._geocode_names = geocode_names | (
            {"addressdetails", "limit", "country_codes"} if geocode_any else set()
        )
        self.server = str(
            getattr(self._geocoder, "domain", None) or config.domain or "its default server"
        )
        self._limiter = _shared_limiter(
            (self.service, config.scheme, self.server, float(config.min_delay_seconds))
        )
        self._lock = threading.Lock()
        self._db_ready = False
        #: HTTP requests this instance made (cache hits excluded); handy for tests and logs.
        self.requests_made = 0

    # -- context manager -----------------------------------------------------------------------

    def close(self) -> None:
        """Close the HTTP connections of the underlying geopy adapter."""
        geocoder = getattr(self, "_geocoder", None)
        adapter = getattr(geocoder, "adapter", None)
        if adapter is not None and hasattr(adapter, "__exit__"):
            adapter.__exit__(None, None, None)

    def __enter__(self) -> OnlineGeocoder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- lookup --------------------------------------------------------------------------------

    def lookup(self, name: str, *, country: str | None = None, limit: int = 5) -> list[Place]:
        """Places the online geocoder finds for ``name``, best first (may be empty).

        ``country`` is an ISO 3166-1 alpha-2 code restricting the search.
        Raises :class:`InvalidQuery` for an unusable name, country or limit and
        :class:`OnlineLookupError` when the service fails.
        """
        query = _normalise_query(name) if isinstance(name, str) else ""
        if not query:
            raise InvalidQuery(f"online lookup needs a place name, got {name!r}")
        if country is not None:
            if not _COUNTRY_RE.match(country.strip()):
                raise InvalidQuery(
                    f"online lookup: country must be an ISO 3166-1 alpha-2 code such as 'AM', "
                    f"got {country!r}"
                )
            country = country.strip().upper()
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
            raise InvalidQuery(f"online lookup: limit must be a positive integer, got {limit!r}")

        key = json.dumps(
            [self.service, self.config.domain, _cache_name(query), country, limit],
            ensure_ascii=False,
        )
        with self._lock:
            results = self._cache_get(key)
            if results is None:
                results = self._request(query, country, limit)
                self._cache_put(key, results)
        places = [
            place_from_result(item, service=self.service, rank=i, query=query)
            for i, item in enumerate(results[:limit], start=1)
        ]
        if country is not None:
            places = [p for p in places if p.country in (None, country)]
        return places

    def _request(self, query: str, country: str | None, limit: int) -> list[dict[str, Any]]:
        from geopy.exc import GeopyError

        kwargs: dict[str, Any] = {"exactly_one": False}
        if "limit" in self._geocode_names:
            kwargs["limit"] = limit
        if "addressdetails" in self._geocode_names:
            kwargs["addressdetails"] = True
        if country is not None:
            if "country_codes" in self._geocode_names:
                kwargs["country_codes"] = country.lower()
            elif "country" in self._geocode_names:
                kwargs["country"] = country
        kwargs.update(self._geocode_extra)

        attempts = self.config.max_retries + 1
        for attempt in range(1, attempts + 1):
            try:
                self.requests_made += 1
                locations = self._limiter(self._geocoder.geocode, query, **kwargs)
            except GeopyError as exc:
                failure = _Failure.of(exc)
                where = f"{self.service} at {self.server}"
                if not failure.retryable:
                    raise OnlineLookupError(
                        f"online geocoder {where} {failure.describe()}: {failure.fix(self)}"
                    ) from exc
                if failure.retry_after is not None and failure.retry_after > MAX_RETRY_AFTER:
                    raise OnlineLookupError(
                        f"online geocoder {where} {failure.describe()} and asks to wait "
                        f"{failure.retry_after:.0f} s: try again later"
                    ) from exc
                if attempt == attempts:
                    tries = "1 attempt" if attempts == 1 else f"{attempts} attempts"
                    raise OnlineLookupError(
                        f"online geocoder {where} {failure.describe()} ({tries}): "
                        f"{failure.fix(self)}"
                    ) from exc
                wait = (
                    failure.retry_after
                    if failure.retry_after is not None
                    else self.config.min_delay_seconds * 2 ** (attempt - 1)
                )
                logger.info(
                    "online geocoder %s %s; retry %d/%d in %.2f s",
                    where, failure.describe(), attempt, attempts - 1, wait,
                )
                if wait > 0:
                    time.sleep(wait)
            else:
                return [_result_record(loc) for loc in (locations or [])]
        raise AssertionError("unreachable")  # pragma: no cover

    # -- cache ---------------------------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = None
        try:
            if not self._db_ready:
                self.cache_path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.cache_path, timeout=30)
            if not self._db_ready:
                with conn:
                    conn.execute(
                        "CREATE TABLE IF NOT EXISTS answers ("
                        " key TEXT PRIMARY KEY, results TEXT NOT NULL, fetched REAL NOT NULL)"
                    )
                self._db_ready = True
            return conn
        except (OSError, sqlite3.Error) as exc:
            if conn is not None:
                conn.close()
            raise OnlineLookupError(
                f"online geocoder cache {self.cache_path} is not usable ({_one_line(exc)}): "
                "delete it or pick another cache path"
            ) from exc

    def _cache_get(self, key: str) -> list[dict[str, Any]] | None:
        with closing(self._connect()) as conn:
            try:
                row = conn.execute("SELECT results FROM answers WHERE key = ?", (key,)).fetchone()
            except sqlite3.Error as exc:
                raise OnlineLookupError(
                    f"online geocoder cache {self.cache_path} is not usable ({_one_line(exc)}): "
                    "delete it or pick another cache path"
                ) from exc
        if row is None:
            return None
        try:
            results = json.loads(row[0])
        except ValueError:
            return None
        return results if isinstance(results, list) else None

    def _cache_put(self, key: str, results: list[dict[str, Any]]) -> None:
        payload = json.dumps(results, ensure_ascii=False, default=str)
        with closing(self._connect()) as conn:
            try:
                with conn:
                    conn.execute(
                        "INSERT OR REPLACE INTO answers (key, results, fetched) VALUES (?, ?, ?)",
                        (key, payload, time.time()),
                    )
            except sqlite3.Error as exc:
                raise OnlineLookupError(
                    f"online geocoder cache {self.cache_path} is not writable ({_one_line(exc)}): "
                    "delete it or pick another cache path"
                ) from exc


# -- failures ------------------------------------------------------------------------------------


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 300 else text[:299] + "…"


@dataclass(frozen=True)
class _Failure:
    """A geopy error, classified."""

    kind: str  # "timeout", "unreachable", "http", "parse", "query", "other"
    status: int | None
    retry_after: float | None
    detail: str

    @classmethod
    def of(cls, exc: Exception) -> _Failure:
        from geopy.adapters import AdapterHTTPError
        from geopy.exc import (
            GeocoderParseError,
            GeocoderQueryError,
            GeocoderRateLimited,
            GeocoderTimedOut,
            GeocoderUnavailable,
        )

        cause = exc.__cause__
        status = cause.status_code if isinstance(cause, AdapterHTTPError) else None
        retry_after = getattr(exc, "retry_after", None) if isinstance(
            exc, GeocoderRateLimited
        ) else None
        if status is None and isinstance(exc, GeocoderRateLimited):
            status = 429
        if status is not None:
            kind = "http"  # geopy maps 503/504 onto GeocoderTimedOut: the status tells them apart
        elif isinstance(exc, GeocoderTimedOut):
            kind = "timeout"
        elif isinstance(exc, GeocoderUnavailable):
            kind = "unreachable"
        elif isinstance(exc, GeocoderParseError):
            kind = "parse"
        elif isinstance(exc, GeocoderQueryError):
            kind = "query"
        else:
            kind = "other"
        return cls(
            kind,
            status,
            float(retry_after) if retry_after is not None else None,
            _one_line(exc),
        )

    @property
    def retryable(self) -> bool:
        if self.kind == "http":
            assert self.status is not None
            return self.status in (408, 429) or self.status >= 500
        return self.kind in ("timeout", "unreachable")

    def describe(self) -> str:
        if self.kind == "http":
            assert self.status is not None
            reason = _HTTP_REASONS.get(self.status, "")
            return f"answered HTTP {self.status}{' ' + reason if reason else ''}"
        if self.kind == "timeout":
            return "timed out"
        if self.kind == "unreachable":
            low = self.detail.lower()
            for needle, cause in (
                ("refused", "connection refused"),
                ("name or service not known", "host name not resolved"),
                ("nodename nor servname", "host name not resolved"),
                ("temporary failure in name resolution", "host name not resolved"),
                ("network is unreachable", "network unreachable"),
                ("reset by peer", "connection reset"),
            ):
                if needle in low:
                    return f"could not be reached ({cause})"
            return "could not be reached"
        if self.kind == "parse":
            return "sent an answer that is not valid JSON"
        if self.kind == "query":
            return f"rejected the query ({self.detail})"
        return f"failed ({self.detail})"

    def fix(self, geocoder: OnlineGeocoder) -> str:
        cfg = geocoder.config
        if self.kind == "timeout":
            return f"no answer within {cfg.timeout:g} s; try again later or raise the timeout"
        if self.kind == "unreachable":
            return "check the network connection and the geocoder's domain"
        if self.kind == "http" and self.status is not None:
            if self.status == 429:
                return (
                    f"too many requests; wait a while, keep to one request per "
                    f"{max(cfg.min_delay_seconds, 1.0):g} s and rely on the cache"
                )
            if self.status == 403:
                return (
                    f"the service blocks this client; make sure the user agent "
                    f"{geocoder.user_agent!r} names your application and contact, and respect "
                    "the usage policy (1 request/s, no bulk geocoding)"
                )
            if self.status in (401, 407):
                return "check the API key or credentials passed in OnlineConfig.extra"
            if self.status == 402:
                return "the account's quota is used up"
            if self.status >= 500 or self.status == 408:
                return "the service is down or overloaded; try again later"
            return "check the name and the geocoder options"
        if self.kind == "parse":
            return "check the geocoder's domain and scheme point at a real geocoding API"
        return "check the name and the geocoder options"


# -- results -------------------------------------------------------------------------------------


def _result_record(location: Any) -> dict[str, Any]:
    """What the cache keeps of one geopy Location: the raw answer plus geopy's reading of it."""
    raw = getattr(location, "raw", None)
    return {
        "address": getattr(location, "address", None),
        "lat": getattr(location, "latitude", None),
        "lon": getattr(location, "longitude", None),
        "raw": raw if isinstance(raw, Mapping) else {},
    }


def _as_float(value: Any) -> float | None:
    try:
        out = float(value)
    except (TypeError, ValueError):
        return None
    return out if math.isfinite(out) else None


def _kind(raw: Mapping[str, Any]) -> str:
    for key in ("addresstype", "type"):
        value = raw.get(key)
        if isinstance(value, str) and value.lower() in _KIND_BY_TYPE:
            return _KIND_BY_TYPE[value.lower()]
    if raw.get("type") == "administrative":
        rank = _as_float(raw.get("place_rank"))
        admin = _as_float(
            (raw.get("extratags") or {}).get("admin_level")
            if isinstance(raw.get("extratags"), Mapping)
            else None
        )
        if admin == 2 or (rank is not None and rank <= 4):
            return "country"
        if (admin is not None and admin <= 4) or (rank is not None and rank <= 8):
            return "admin1"
        if (admin is not None and admin <= 8) or (rank is not None and rank <= 12):
            return "admin2"
    return "feature"


def place_from_result(
    item: Mapping[str, Any], *, service: str = "nominatim", rank: int = 1, query: str = ""
) -> Place:
    """Turn one cached geocoder answer into a :class:`Place`.

    ``item`` holds ``raw`` (the service's JSON for the result) and geopy's ``address``, ``lat``,
    ``lon``. Nominatim's fields (osm_type/osm_id, addresstype, address.country_code, importance)
    are used when present; other services get a hashed id, kind ``feature`` and a rank-based score.
    """
    raw_value = item.get("raw")
    raw: Mapping[str, Any] = raw_value if isinstance(raw_value, Mapping) else {}
    address_value = raw.get("address")
    address: Mapping[str, Any] = address_value if isinstance(address_value, Mapping) else {}
    display = str(raw.get("display_name") or item.get("address") or query or "")

    lat = _as_float(raw.get("lat"))
    lon = _as_float(raw.get("lon"))
    if lat is None or lon is None:
        lat, lon = _as_float(item.get("lat")), _as_float(item.get("lon"))
    lat = lat if lat is not None else 0.0
    lon = lon if lon is not None else 0.0

    osm_type, osm_id = raw.get("osm_type"), raw.get("osm_id")
    if isinstance(osm_type, str) and osm_type and osm_id not in (None, ""):
        ident = f"{osm_type[0].upper()}{osm_id}"
    else:
        digest = hashlib.sha1(f"{display}|{lat:.6f}|{lon:.6f}".encode()).hexdigest()[:16]
        ident = f"h{digest}"

    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        name = display.split(",")[0].strip() or query
    code = address.get("country_code")
    country = code.upper() if isinstance(code, str) and len(code) == 2 else None

    importance = _as_float(raw.get("importance"))
    score = importance if importance is not None else 1.0 / max(rank, 1)
    score = min(1.0, max(0.0, score))

    def first(keys: tuple[str, ...]) -> str | None:
        for key in keys:
            value = address.get(key)
            if isinstance(value, str) and value:
                return value
        return None

    kind = _kind(raw)
    return Place(
        id=f"online:{service}:{ident}",
        name=name.strip(),
        kind=kind,
        country=country,
        lat=lat,
        lon=lon,
        admin1=None if kind in ("country", "admin1") else first(_ADMIN1_KEYS),
        admin2=None if kind in ("country", "admin1", "admin2") else first(_ADMIN2_KEYS),
        population=0,
        source=f"online:{service}",
        score=score,
        reason=f"online geocoder {service} (rank {rank})",
        matched=query,
    )
