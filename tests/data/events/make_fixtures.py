"""Write the small event fixtures of this folder (run by hand: python make_fixtures.py).

Twenty invented event records about the 2020-2021 Armenia-Azerbaijan conflict, in the project's
schema as GeoJSON and CSV, the same as an ACLED-style export, and a set of hostile strings
(xss.geojson) for the escaping tests. The wording is ours; the sources are made-up example.org
pages. Coordinates are rounded, polygons are rough.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

HERE = Path(__file__).parent

TOVUZ = (40.99, 45.63)
STEPANAKERT = (39.815, 46.752)
SHUSHA = (39.758, 46.748)
GORIS = (39.511, 46.342)
KAPAN = (39.208, 46.405)
JERMUK = (39.84, 45.67)
LACHIN = (39.638, 46.546)

LACHIN_CORRIDOR = {"type": "LineString", "coordinates": [
    [GORIS[1], GORIS[0]], [LACHIN[1], LACHIN[0]], [STEPANAKERT[1], STEPANAKERT[0]]]}
NAGORNO_KARABAKH = {"type": "Polygon", "coordinates": [[
    [46.55, 40.25], [46.95, 40.22], [47.25, 39.95], [47.12, 39.5], [46.9, 39.38],
    [46.58, 39.5], [46.45, 39.8], [46.48, 40.05], [46.55, 40.25]]]}
SYUNIK = {"type": "Polygon", "coordinates": [[
    [45.95, 39.6], [46.35, 39.75], [46.62, 39.45], [46.58, 39.1], [46.4, 38.85],
    [46.12, 38.95], [45.95, 39.3], [45.95, 39.6]]]}

PLACES = {
    "Tovuz": {"place_id": "gn:147271", "place_kind": "city", "country": "AZ", "point": TOVUZ,
                  "resolution": "GeoNames city, exact name"},
    "Stepanakert": {"place_id": "gn:174875", "place_kind": "city", "country": "AZ", "point": STEPANAKERT,
                        "resolution": "alternate name of Khankendi"},
    "Shusha": {"place_id": "gn:585103", "place_kind": "city", "country": "AZ", "point": SHUSHA,
                   "resolution": "alternate name Shushi"},
    "Goris": {"place_id": "gn:174895", "place_kind": "city", "country": "AM", "point": GORIS,
                  "resolution": "GeoNames city, exact name"},
    "Kapan": {"place_id": "gn:174991", "place_kind": "city", "country": "AM", "point": KAPAN,
                  "resolution": "GeoNames city, exact name"},
    "Jermuk": {"place_id": "gn:616629", "place_kind": "city", "country": "AM", "point": JERMUK,
                   "resolution": "GeoNames city, exact name"},
    "Lachin corridor": {"place_id": "cur:lachin-corridor", "place_kind": "corridor", "country": "AZ",
                            "geometry": LACHIN_CORRIDOR, "point": LACHIN,
                            "resolution": "curated corridor Goris-Lachin-Stepanakert"},
    "Nagorno-Karabakh": {"place_id": "cur:nagorno-karabakh", "place_kind": "region", "country": "AZ",
                             "geometry": NAGORNO_KARABAKH, "point": (39.8, 46.8),
                             "resolution": "curated region (rough outline)"},
    "Syunik": {"place_id": "iso:AM-SU", "place_kind": "admin1", "country": "AM", "geometry": SYUNIK,
                   "point": (39.3, 46.3), "resolution": "province: 'Syunik province' beats the village"},
}


def src(n: int, title: str, published: str) -> dict[str, str]:
    return {"file": f"article-{n:02d}.txt", "title": title,
            "url": f"https://news.example.org/caucasus/{n:02d}", "publisher": "Example News",
            "published": published}


# id, start, end, precision, date_text, type, place, actors, fatalities, quote, sources, conf
EVENTS = [
    ("ev-01", "2020-07-12", "2020-07-12", "day", "on Sunday", "armed_clash", "Tovuz",
     ["Armenian forces", "Azerbaijani forces"], 4,
     "Fighting broke out along the border near Tovuz on Sunday afternoon.",
     [src(1, "Border fighting flares near Tovuz", "2020-07-13")], 0.9),
    ("ev-02", "2020-07-14", "2020-07-14", "day", "on Tuesday", "shelling", "Tovuz",
     ["Armenian forces"], 1, "Villages outside Tovuz came under artillery fire on Tuesday.",
     [src(2, "Shells hit villages by Tovuz", "2020-07-15")], 0.8),
    ("ev-03", "2020-07-16", "2020-07-16", "day", "on Thursday", "protest", "Tovuz",
     ["demonstrators"], None, "Crowds gathered to demand a firmer answer to the border clashes.",
     [src(3, "Crowds rally after clashes", "2020-07-16")], 0.7),
    ("ev-04", "2020-09-27", "2020-09-27", "day", "early on Sunday", "armed_clash",
     "Nagorno-Karabakh", ["Armenian forces", "Azerbaijani forces"], 30,
     "Heavy fighting erupted along the whole line of contact early on Sunday.",
     [src(4, "War breaks out in Karabakh", "2020-09-27"), src(5, "Line of contact ablaze", "2020-09-28")],
     0.9),
    ("ev-05", "2020-09-27", "2020-09-27", "day", "on Sunday", "shelling", "Stepanakert",
     ["Azerbaijani forces"], 2, "Sirens sounded in Stepanakert as shells landed in the city.",
     [src(4, "War breaks out in Karabakh", "2020-09-27")], 0.85),
    ("ev-06", "2020-10-04", "2020-10-04", "day", "on Sunday", "shelling", "Stepanakert",
     ["Azerbaijani forces"], None, "Residents sheltered in basements during a night of shelling.",
     [src(6, "A night in the basements", "2020-10-05")], 0.8),
    ("ev-07", "2020-10-08", "2020-10-08", "day", "on Thursday", "attack_on_civilians", "Shusha",
     ["Azerbaijani forces"], 0, "The cathedral in Shusha was struck twice on Thursday.",
     [src(7, "Cathedral struck twice", "2020-10-08")], 0.8),
    ("ev-08", "2020-10-10", "2020-10-10", "day", "on Saturday", "ceasefire", "Nagorno-Karabakh",
     ["Armenia", "Azerbaijan", "Russia"], None,
     "A humanitarian truce was agreed after talks that lasted through the night.",
     [src(8, "Truce agreed after night of talks", "2020-10-10")], 0.9),
    ("ev-09", "2020-10-01", "2020-10-31", "month", "in October", "troop_deployment", "Syunik",
     ["Armenian forces"], None, "Reinforcements were moved into the province during October.",
     [src(9, "Reinforcements move south", "2020-11-02")], 0.6),
    ("ev-10", "2020-10-17", "2020-10-17", "day", "on Saturday", "ceasefire", "Nagorno-Karabakh",
     ["Armenia", "Azerbaijan"], None, "A second truce was announced but broke down within hours.",
     [src(10, "Second truce falters", "2020-10-18")], 0.8),
    ("ev-11", "2020-10-25", "2020-10-25", "day", "on Sunday", "diplomatic_statement", "Goris",
     ["Armenian government"], None, "Officials in Goris called for aid for displaced families.",
     [src(11, "Goris asks for aid", "2020-10-26")], 0.6),
    ("ev-12", "2020-11-08", "2020-11-08", "day", "on Sunday", "territorial_change", "Shusha",
     ["Azerbaijani forces"], None, "Azerbaijan said its troops had taken the town of Shusha.",
     [src(12, "Shusha changes hands", "2020-11-08")], 0.85),
    ("ev-13", "2020-11-10", "2020-11-10", "day", "overnight", "ceasefire", "Nagorno-Karabakh",
     ["Armenia", "Azerbaijan", "Russia"], None,
     "A statement signed overnight ended the fighting from ten in the morning.",
     [src(13, "Statement ends the war", "2020-11-10")], 0.95),
    ("ev-14", "2020-11-10", "2020-11-13", "interval", "from Tuesday to Friday", "troop_deployment",
     "Lachin corridor", ["Russian peacekeepers"], None,
     "Peacekeepers drove along the corridor road over several days.",
     [src(14, "Peacekeepers take the corridor road", "2020-11-14")], 0.8),
    ("ev-15", "2020-11-01", "2020-11-30", "month", "in November", "protest", "Goris",
     ["demonstrators"], None, "Protesters blocked the road through town during November.",
     [src(15, "Road blocked in protest", "2020-12-01")], 0.5),
    ("ev-16", "2021-05-12", "2021-05-31", "interval", "since 12 May", "troop_deployment", "Syunik",
     ["Azerbaijani forces"], None, "Troops crossed several kilometres over the border line.",
     [src(16, "Border standoff in the south", "2021-05-31")], 0.7),
    ("ev-17", "2021-05-27", "2021-05-27", "day", "on Thursday", "armed_clash", "Jermuk",
     ["Armenian forces", "Azerbaijani forces"], None, "Soldiers were detained near the border post.",
     [src(17, "Soldiers detained at border post", "2021-05-28")], 0.6),
    ("ev-18", "2021-11-16", "2021-11-16", "day", "on Tuesday", "armed_clash", "Kapan",
     ["Armenian forces", "Azerbaijani forces"], 13,
     "The heaviest fighting since the truce was reported on the eastern border.",
     [src(18, "Heaviest fighting since the truce", "2021-11-17")], 0.8),
    ("ev-19", "2021-01-01", "2021-12-31", "year", "in 2021", "other", "Lachin corridor",
     ["Russian peacekeepers"], None, "Traffic through the corridor was escorted all year.",
     [src(19, "A year on the corridor", "2022-01-05")], 0.4),
    ("ev-20", None, None, None, "", "diplomatic_statement", "Jermuk",
     ["Armenian government"], None, "Officials promised to rebuild the road to the border.",
     [src(20, "Promises of a new road", "2021-06-01")], 0.3),
]


def record(ev: tuple) -> dict:  # type: ignore[type-arg]
    (eid, start, end, prec, dtext, etype, place, actors, fat, quote, sources, conf) = ev
    p = PLACES[place]
    lat, lon = p["point"]
    return {
        "id": eid, "date_start": start, "date_end": end, "date_precision": prec,
        "date_text": dtext, "date_note": "" if start else "no date in the sentence",
        "event_type": etype, "place_name": place, "place_id": p["place_id"],
        "place_kind": p["place_kind"], "country": p["country"], "resolution": p["resolution"],
        "actors": actors, "fatalities": fat, "quote": quote, "sources": sources,
        "confidence": conf, "lat": lat, "lon": lon,
        "_geometry": p.get("geometry") or {"type": "Point", "coordinates": [lon, lat]},
    }


XSS = '<script>window.__xss=1</script>'
IMG = '<img src=x onerror="window.__xss=1">'
XSS_EVENTS = [
    {"id": "xss-1", "date_start": "2020-10-02", "date_end": "2020-10-02", "date_precision": "day",
     "event_type": "shelling", "place_name": IMG, "place_kind": "city", "country": "AZ",
     "resolution": XSS, "actors": [XSS, IMG], "fatalities": 1, "quote": XSS + " and " + IMG,
     "sources": [{"title": XSS, "url": "javascript:window.__xss=1", "publisher": IMG},
                 {"title": IMG, "url": "https://news.example.org/ok?a=1&b=</script>"}],
     "confidence": 0.5, "lat": 39.815, "lon": 46.752, "date_text": IMG, "date_note": XSS},
    {"id": "</script><script>window.__xss=1</script>", "date_start": "2020-10-03",
     "date_precision": "day", "event_type": "armed_clash",
     "place_name": "Shusha \u2028 <!-- \" ' &amp; \\", "place_kind": "city", "country": "AZ",
     "actors": ["a</b>"], "quote": "</SCRIPT><img src=x onerror=window.__xss=1>",
     "sources": [{"title": "data", "url": "data:text/html,<script>window.__xss=1</script>"}],
     "lat": 39.758, "lon": 46.748},
    {"id": "xss-3", "date_start": None, "event_type": "protest", "place_name": IMG,
     "quote": XSS, "sources": [{"url": "JaVaScRiPt:window.__xss=1", "title": IMG}],
     "lat": 39.511, "lon": 46.342},
]


def main() -> None:
    records = [record(ev) for ev in EVENTS]
    features = [
        {"type": "Feature", "geometry": r["_geometry"],
         "properties": {k: v for k, v in r.items() if not k.startswith("_")}}
        for r in records
    ]
    fc = {"type": "FeatureCollection", "features": features}
    (HERE / "events.geojson").write_text(json.dumps(fc, indent=1, ensure_ascii=False) + "\n")

    cols = [k for k in records[0] if not k.startswith("_")] + ["geometry"]
    with (HERE / "events.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=cols, lineterminator="\n")
        w.writeheader()
        for r in records:
            row = {k: v for k, v in r.items() if not k.startswith("_")}
            row["actors"] = "; ".join(r["actors"])
            row["sources"] = json.dumps(r["sources"], ensure_ascii=False)
            row["fatalities"] = "" if r["fatalities"] is None else r["fatalities"]
            row["date_start"] = r["date_start"] or ""
            row["date_end"] = r["date_end"] or ""
            row["date_precision"] = r["date_precision"] or ""
            g = r["_geometry"]
            row["geometry"] = "" if g["type"] == "Point" else wkt(g)
            w.writerow(row)

    acled_types = {
        "armed_clash": ("Battles", "Armed clash"),
        "shelling": ("Explosions/Remote violence", "Shelling/artillery/missile attack"),
        "attack_on_civilians": ("Violence against civilians", "Attack"),
        "ceasefire": ("Strategic developments", "Agreement"),
        "diplomatic_statement": ("Strategic developments", "Other"),
        "troop_deployment": ("Strategic developments", "Headquarters or base established"),
        "territorial_change": ("Battles", "Government regains territory"),
        "protest": ("Protests", "Peaceful protest"),
        "other": ("Strategic developments", "Other"),
    }
    acled_cols = ["event_id_cnty", "event_date", "year", "time_precision", "event_type",
                  "sub_event_type", "actor1", "assoc_actor_1", "actor2", "assoc_actor_2",
                  "country", "admin1", "location", "latitude", "longitude", "geo_precision",
                  "source", "notes", "fatalities"]
    with (HERE / "acled.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=acled_cols, lineterminator="\n")
        w.writeheader()
        for n, r in enumerate(records):
            if r["date_start"] is None:
                continue  # ACLED has no undated events
            etype, sub = acled_types[r["event_type"]]
            tprec = {"day": "1", "interval": "2", "month": "3", "year": "3"}[r["date_precision"]]
            gprec = {"city": "1", "corridor": "2", "region": "3", "admin1": "3"}[r["place_kind"]]
            w.writerow({
                "event_id_cnty": f"AZE{1000 + n}", "event_date": r["date_start"],
                "year": r["date_start"][:4], "time_precision": tprec, "event_type": etype,
                "sub_event_type": sub, "actor1": r["actors"][0],
                "assoc_actor_1": "", "actor2": "; ".join(r["actors"][1:]), "assoc_actor_2": "",
                "country": {"AZ": "Azerbaijan", "AM": "Armenia"}[r["country"]], "admin1": "",
                "location": r["place_name"], "latitude": r["lat"], "longitude": r["lon"],
                "geo_precision": gprec, "source": "; ".join(sorted({s["publisher"] for s in r["sources"]})),
                "notes": r["quote"], "fatalities": r["fatalities"] or 0,
            })

    xss = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [e["lon"], e["lat"]]},
         "properties": e} for e in XSS_EVENTS]}
    (HERE / "xss.geojson").write_text(json.dumps(xss, indent=1, ensure_ascii=False) + "\n")


def wkt(g: dict) -> str:  # type: ignore[type-arg]
    if g["type"] == "LineString":
        return "LINESTRING (" + ", ".join(f"{x} {y}" for x, y in g["coordinates"]) + ")"
    ring = ", ".join(f"{x} {y}" for x, y in g["coordinates"][0])
    return f"POLYGON (({ring}))"


if __name__ == "__main__":
    main()
