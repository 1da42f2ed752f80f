/* geomap: decode the embedded event data and format dates.
 *
 * The page embeds events as columnar JSON (see geomap/render/payload.py): events are sorted by
 * start day (open starts first), undated events last; strings are deduplicated in a table.
 * Everything here is plain data: no DOM.
 */
(function (G) {
  "use strict";

  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  var DAY_MS = 86400000;

  /* Day number (days since 1970-01-01) → Date in UTC. */
  function dayDate(day) {
    return new Date(day * DAY_MS);
  }

  /* "2020-09-27" for a day number. */
  function isoDay(day) {
    return dayDate(day).toISOString().slice(0, 10);
  }

  /* Day number of "YYYY-MM-DD", or NaN. */
  function parseIsoDay(text) {
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(text || ""));
    if (!m) { return NaN; }
    var t = Date.UTC(+m[1], +m[2] - 1, +m[3]);
    var d = new Date(t);
    if (d.getUTCMonth() !== +m[2] - 1) { return NaN; }
    return Math.round(t / DAY_MS);
  }

  /* "27 Sep 2020". */
  function shortDay(day) {
    var d = dayDate(day);
    return d.getUTCDate() + " " + MONTHS[d.getUTCMonth()] + " " + d.getUTCFullYear();
  }

  /* The date of an event as people read it: "Nov 2020 (month)", "27 Sep 2020 (day)". */
  function formatSpan(start, end, precision, bare) {
    if (start !== start) { return "undated"; }
    var label;
    if (!isFinite(start)) {
      label = "until " + shortDay(end);
    } else if (!isFinite(end)) {
      label = "since " + shortDay(start);
    } else {
      var s = dayDate(start);
      if (precision === "year") {
        label = String(s.getUTCFullYear());
      } else if (precision === "month") {
        label = MONTHS[s.getUTCMonth()] + " " + s.getUTCFullYear();
      } else if (start === end) {
        label = shortDay(start);
      } else {
        label = shortDay(start) + " – " + shortDay(end);
      }
    }
    return label + (precision && !bare ? " (" + precision + ")" : "");
  }

  /* Web Mercator x, y in pixels at zoom 0 (256 px world), as Leaflet projects. */
  var MAX_LAT = 85.0511287798;
  function mercX(lon) { return (lon + 180) / 360 * 256; }
  function mercY(lat) {
    var la = Math.max(Math.min(lat, MAX_LAT), -MAX_LAT) * Math.PI / 180;
    return (0.5 - Math.log(Math.tan(Math.PI / 4 + la / 2)) / (2 * Math.PI)) * 256;
  }

  /* Decode the columnar payload into typed arrays and lookup tables. */
  function decode(raw) {
    var n = raw.n, nd = raw.nd, i;
    var ev = {
      n: n, nd: nd, types: raw.types, precisions: raw.precisions, S: raw.S,
      type: Uint8Array.from(raw.t),
      lat: new Float64Array(n), lon: new Float64Array(n),
      x0: new Float64Array(n), y0: new Float64Array(n),
      start: new Float64Array(n), end: new Float64Array(n),
      prec: Int8Array.from(raw.p),
      place: Int32Array.from(raw.pl),
      actors: Int32Array.from(raw.a),
      fat: Int32Array.from(raw.f),
      src: Int32Array.from(raw.s),
      conf: Int16Array.from(raw.c),
      dtext: Int32Array.from(raw.dt),
      dnote: Int32Array.from(raw.dn),
      idPrefix: raw.ip, ids: raw.id, quotes: raw.q,
      places: raw.P, actorLists: raw.A, sourceLists: raw.SL, sources: raw.SR,
      shapes: raw.G, shapeScale: raw.gs,
      shapeOf: new Int32Array(n), radius: new Float32Array(n),
      minDay: raw.d0min, maxDay: raw.d1max, bbox: raw.bb
    };
    for (i = 0; i < n; i++) {
      ev.lat[i] = raw.y[i] / 1e5;
      ev.lon[i] = raw.x[i] / 1e5;
      ev.x0[i] = mercX(ev.lon[i]);
      ev.y0[i] = mercY(ev.lat[i]);
      ev.shapeOf[i] = ev.places[ev.place[i]][5];
    }
    var day = 0;
    for (i = 0; i < nd; i++) {
      day += raw.d[i];
      ev.start[i] = day;
      ev.end[i] = day + raw.w[i];
    }
    for (i = 0; i < raw.os.length; i++) {
      ev.start[raw.os[i][0]] = -Infinity;
      ev.end[raw.os[i][0]] = raw.os[i][1];
    }
    for (i = 0; i < raw.oe.length; i++) { ev.end[raw.oe[i]] = Infinity; }
    for (i = nd; i < n; i++) { ev.start[i] = NaN; ev.end[i] = NaN; }
    for (i = 0; i < n; i++) {
      var f = ev.fat[i];
      var ns = ev.sourceLists[ev.src[i]].length;
      ev.radius[i] = f > 0 ? Math.min(5 + 2 * Math.sqrt(f), 16) : Math.min(5 + 1.5 * Math.max(ns - 1, 0), 11);
    }
    return ev;
  }

  /* The full record of event i, strings looked up (for popups and the list). */
  function record(ev, i) {
    var S = ev.S, pl = ev.places[ev.place[i]];
    return {
      index: i,
      id: ev.idPrefix + ev.ids[i],
      type: ev.types[ev.type[i]],
      start: ev.start[i], end: ev.end[i],
      precision: ev.prec[i] >= 0 ? ev.precisions[ev.prec[i]] : "",
      dateText: S[ev.dtext[i]], dateNote: S[ev.dnote[i]],
      placeName: S[pl[0]], placeKind: S[pl[1]], country: S[pl[2]], resolution: S[pl[3]],
      placeId: S[pl[4]],
      actors: ev.actorLists[ev.actors[i]].map(function (k) { return S[k]; }),
      fatalities: ev.fat[i] >= 0 ? ev.fat[i] : null,
      quote: ev.quotes[i],
      confidence: ev.conf[i] >= 0 ? ev.conf[i] / 100 : null,
      sources: ev.sourceLists[ev.src[i]].map(function (k) {
        var s = ev.sources[k];
        return { title: S[s[0]], url: S[s[1]], publisher: S[s[2]], published: S[s[3]], file: S[s[4]] };
      }),
      lat: ev.lat[i], lon: ev.lon[i], undated: i >= ev.nd
    };
  }

  /* [[lat, lng], ...] of a ring in polyline encoding: lon, lat deltas times scale. */
  function decodeRing(text, scale) {
    var out = [], x = 0, y = 0, k = 0, len = text.length, odd = false;
    while (k < len) {
      var shift = 0, v = 0, b;
      do {
        b = text.charCodeAt(k++) - 63;
        v |= (b & 0x1f) << shift;
        shift += 5;
      } while (b >= 0x20);
      var d = (v & 1) ? ~(v >>> 1) : (v >>> 1);
      if (odd) { y += d; out.push([y / scale, x / scale]); } else { x += d; }
      odd = !odd;
    }
    return out;
  }

  /* Leaflet lat/lng arrays of parts → rings (each ring a polyline string). */
  function decodeParts(parts, scale) {
    return parts.map(function (part) {
      return part.map(function (ring) { return decodeRing(ring, scale); });
    });
  }

  /* Leaflet lat/lng arrays of shape k: [kind, parts]. */
  function shapeLatLngs(ev, k) {
    return decodeParts(ev.shapes[k][1], ev.shapeScale);
  }

  G.dayDate = dayDate;
  G.isoDay = isoDay;
  G.parseIsoDay = parseIsoDay;
  G.shortDay = shortDay;
  G.formatSpan = formatSpan;
  G.mercX = mercX;
  G.mercY = mercY;
  G.decode = decode;
  G.record = record;
  G.shapeLatLngs = shapeLatLngs;
  G.decodeParts = decodeParts;
})(window.GeomapLib = window.GeomapLib || {});
