"""A tiny Nominatim look-alike on loopback, for the online geocoder tests.

``/search`` answers like https://nominatim.openstreetmap.org/search?format=json&addressdetails=1:
a JSON list of results with string lat/lon, osm_type/osm_id, class/type/addresstype, importance,
address{…, country_code} and boundingbox. Every request is recorded (server-side monotonic
timestamp of the accepted connection, path, query parameters, headers). ``script`` queues
canned responses (status, headers, body, delay) that are served before the normal answers.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

YEREVAN: dict[str, Any] = {
    "place_id": 183264331,
    "licence": "Data © OpenStreetMap contributors, ODbL 1.0. http://osm.org/copyright",
    "osm_type": "relation",
    "osm_id": 7198216,
    "lat": "40.1777112",
    "lon": "44.5126233",
    "class": "boundary",
    "type": "administrative",
    "place_rank": 8,
    "importance": 0.6768946597066437,
    "addresstype": "city",
    "name": "Yerevan",
    "display_name": "Yerevan, Armenia",
    "address": {"city": "Yerevan", "ISO3166-2-lvl4": "AM-ER", "country": "Armenia",
                "country_code": "am"},
    "boundingbox": ["40.0617609", "40.2417658", "44.3614522", "44.6222840"],
}
SYUNIK: dict[str, Any] = {
    "place_id": 182796505,
    "licence": "Data © OpenStreetMap contributors, ODbL 1.0. http://osm.org/copyright",
    "osm_type": "relation",
    "osm_id": 1336665,
    "lat": "39.3400000",
    "lon": "46.2000000",
    "class": "boundary",
    "type": "administrative",
    "place_rank": 8,
    "importance": 0.5123,
    "addresstype": "province",
    "name": "Syunik Province",
    "display_name": "Syunik Province, Armenia",
    "address": {"province": "Syunik Province", "ISO3166-2-lvl4": "AM-SU", "country": "Armenia",
                "country_code": "am"},
    "boundingbox": ["38.8400000", "39.8500000", "45.8800000", "46.6300000"],
}
ARMENIA_VILLAGE: dict[str, Any] = {
    "place_id": 1234,
    "licence": "Data © OpenStreetMap contributors, ODbL 1.0. http://osm.org/copyright",
    "osm_type": "node",
    "osm_id": 2551112123,
    "lat": "39.2093",
    "lon": "46.4057",
    "class": "place",
    "type": "village",
    "place_rank": 19,
    "importance": 0.11,
    "addresstype": "village",
    "name": "Shikahogh",
    "display_name": "Shikahogh, Kapan, Syunik Province, Armenia",
    "address": {"village": "Shikahogh", "municipality": "Kapan", "province": "Syunik Province",
                "country": "Armenia", "country_code": "am"},
    "boundingbox": ["39.1893", "39.2293", "46.3857", "46.4257"],
}

#: q (casefolded) -> results
DEFAULT_ANSWERS: dict[str, list[dict[str, Any]]] = {
    "yerevan": [YEREVAN],
    "syunik": [SYUNIK, ARMENIA_VILLAGE],
}


@dataclass
class Reply:
    status: int = 200
    body: Any = None  # JSON-able; None -> the normal answer for q
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds to sleep before answering (released early at shutdown)


@dataclass
class Request:
    time: float
    path: str
    params: dict[str, list[str]]
    headers: dict[str, str]

    def param(self, name: str) -> str | None:
        values = self.params.get(name)
        return values[0] if values else None


class NominatimStub:
    """Run with ``with NominatimStub() as stub:``; ``stub.domain`` is ``127.0.0.1:PORT``."""

    def __init__(self, answers: dict[str, list[dict[str, Any]]] | None = None) -> None:
        self.answers = dict(DEFAULT_ANSWERS if answers is None else answers)
        self.script: list[Reply] = []
        self.requests: list[Request] = []
        self._lock = threading.Lock()
        self._release = threading.Event()
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                stub._handle(self)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

        class Server(ThreadingHTTPServer):
            def get_request(self) -> Any:
                # Stamp the connection when accepted, in the serving thread: the handler
                # thread may start late on a loaded machine.
                sock, addr = super().get_request()
                stub._accepted[sock.fileno()] = time.monotonic()
                return sock, addr

        self._accepted: dict[int, float] = {}
        self._server = Server(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def domain(self) -> str:
        host, port = self._server.server_address[:2]
        return f"{host}:{port}"

    @property
    def count(self) -> int:
        with self._lock:
            return len(self.requests)

    def __enter__(self) -> NominatimStub:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._release.set()  # wake handlers sleeping in a timeout test
        self._server.shutdown()
        self._server.server_close()  # joins the handler threads
        self._thread.join()

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        now = self._accepted.pop(handler.connection.fileno(), None) or time.monotonic()
        url = urlsplit(handler.path)
        params = parse_qs(url.query, keep_blank_values=True)
        with self._lock:
            self.requests.append(Request(now, url.path, params, dict(handler.headers.items())))
            reply = self.script.pop(0) if self.script else Reply()
        if reply.delay:
            self._release.wait(reply.delay)
        if reply.status == 200 and reply.body is None:
            if url.path != "/search":
                reply = Reply(404, {"error": "not found"})
            else:
                q = (params.get("q") or [""])[0].casefold()
                body = self.answers.get(q, [])
                codes = (params.get("countrycodes") or [""])[0]
                if codes:
                    wanted = set(codes.lower().split(","))
                    body = [r for r in body if r["address"].get("country_code") in wanted]
                limit = int((params.get("limit") or ["10"])[0])
                reply = Reply(200, body[:limit])
        data = json.dumps(reply.body if reply.body is not None else {"error": "stub"}).encode()
        try:
            handler.send_response(reply.status)
            handler.send_header("Content-Type", "application/json; charset=utf-8")
            handler.send_header("Content-Length", str(len(data)))
            for key, value in reply.headers.items():
                handler.send_header(key, value)
            handler.end_headers()
            handler.wfile.write(data)
        except OSError:  # the client gave up (timeout test)
            pass
