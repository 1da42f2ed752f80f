/* geomap: wire the map, the filter, the layers and the controls; expose window.geomap.
 *
 * window.geomap is a small read-mostly API for tests and benchmarks:
 *   ready, readyAt (ms since navigation start), state(), setRange(from, to), setMode(mode),
 *   setType(type, on), play(), pause(), openEvent(id).
 */
(function (G) {
  "use strict";

  var MAX_ZOOM = 14;

  function App(map, raw, opts) {
    var self = this;
    this.map = map;
    this.ev = G.decode(raw);
    this.colours = raw.colours;
    this.labels = raw.labels;
    this.mode = "window";
    this.shapeCount = new Map();
    this.shapeLayers = new Map();
    this.shapeCache = new Map();
    this.drawnShapes = 0;
    this.pointsDirty = true;
    this.lastUpdateMs = 0;
    this.lastProfile = { filter: 0, points: 0, timeline: 0, list: 0 };
    this.popupEvents = [];
    this.renderer = L.canvas({ padding: 0.3 });
    this.shapeGroup = L.layerGroup().addTo(map);
    this.filter = new G.Filter(this.ev, function (i, on) { self._toggled(i, on); });

    map.setMaxZoom(MAX_ZOOM);
    map.setMinZoom(1);
    if (opts.attribution) { map.attributionControl.addAttribution(opts.attribution); }
    if (opts.basemap) { this._basemap(opts.basemap); }
    this.points = new G.PointLayer(this.ev, this.filter, this.colours).addTo(map);
    G.legend(this).addTo(map);
    this.timeline = new G.Timeline(this, document.getElementById("gm-time"));
    this.list = new G.EventList(this, document.getElementById("gm-list"),
      document.getElementById("gm-list-count"));

    map.on("click", this._click, this);
    map.on("mousemove", this._hover, this);
    map.on("popupclose", function () { self.popupEvents = []; });
    map.on("zoomend", function () {
      map.getContainer().classList.toggle("gm-zoomed-in", map.getZoom() >= 7);
    });
    window.addEventListener("hashchange", function () { self.applyHash(); });

    var bb = this.ev.bbox;
    map.fitBounds([[bb[1], bb[0]], [bb[3], bb[2]]], { padding: [24, 24], maxZoom: 9, animate: false });
    map.getContainer().classList.toggle("gm-zoomed-in", map.getZoom() >= 7);
    if (!this.applyHash()) { this.setRange(this.ev.minDay, this.ev.maxDay); }
  }

  /* ------------------------------------------------------------------ basemap */

  App.prototype._basemap = function (bm) {
    var map = this.map;
    map.getContainer().classList.add("gm-vector-basemap");
    var pane = map.createPane("gmBase");
    pane.style.zIndex = 150;
    var renderer = L.canvas({ padding: 0.5, pane: "gmBase" });
    var base = { renderer: renderer, pane: "gmBase", interactive: false };
    var land = L.extend({ stroke: false, fillColor: "#f3f0e8", fillOpacity: 1 }, base);
    var border = L.extend({ color: "#8d8d8d", weight: 0.9 }, base);
    var lines = function (parts) {  // every ring of every part as a polyline
      return [].concat.apply([], parts);
    };
    var far = G.decodeParts(bm.far, bm.s[0]), near = G.decodeParts(bm.near, bm.s[1]);
    if (far.length) { L.polygon(far, land).addTo(map); }
    if (near.length) { L.polygon(near, land).addTo(map); }
    var a = lines(G.decodeParts(bm.a, bm.s[1]));
    if (a.length) {
      L.polyline(a, L.extend({ color: "#a49a8e", weight: 0.6, dashArray: "3 3" }, base)).addTo(map);
    }
    var bl = lines(G.decodeParts(bm.farLines, bm.s[0])).concat(lines(G.decodeParts(bm.nearLines, bm.s[1])));
    if (bl.length) { L.polyline(bl, border).addTo(map); }
    var lpane = map.createPane("gmLabels");
    lpane.style.zIndex = 420;
    lpane.style.pointerEvents = "none";
    bm.l.forEach(function (lab) {
      var span = G.el("span", null, lab[0]);
      L.marker([lab[1], lab[2]], {
        icon: L.divIcon({ className: "gm-label gm-label-" + lab[3], html: span, iconSize: null }),
        interactive: false, keyboard: false, pane: "gmLabels"
      }).addTo(map);
    });
  };

  /* ------------------------------------------------------------------ shapes */

  App.prototype._toggled = function (i, on) {
    var ev = this.ev, s = ev.shapeOf[i];
    if (s < 0) { this.pointsDirty = true; return; }
    var key = (s * ev.types.length + ev.type[i]) * 2 + (i >= ev.nd ? 1 : 0);
    var c = (this.shapeCount.get(key) || 0) + (on ? 1 : -1);
    this.shapeCount.set(key, c);
    if (on && c === 1) {
      var layer = this.shapeLayers.get(key);
      if (!layer) { layer = this._shapeLayer(s, ev.type[i], i >= ev.nd); this.shapeLayers.set(key, layer); }
      this.shapeGroup.addLayer(layer);
      this.drawnShapes++;
    } else if (!on && c === 0) {
      this.shapeGroup.removeLayer(this.shapeLayers.get(key));
      this.drawnShapes--;
    }
  };

  App.prototype._latlngs = function (s) {
    var ll = this.shapeCache.get(s);
    if (!ll) { ll = G.shapeLatLngs(this.ev, s); this.shapeCache.set(s, ll); }
    return ll;
  };

  App.prototype._shapeLayer = function (s, t, undated) {
    var colour = this.colours[t], line = this.ev.shapes[s][0] === 1, ll = this._latlngs(s);
    var o = { renderer: this.renderer, interactive: false, color: colour,
      dashArray: undated ? "6 5" : null };
    var layer;
    if (line) {
      o.weight = 5;
      o.opacity = 0.85;
      o.lineCap = "round";
      layer = L.polyline(ll.map(function (p) { return p[0]; }), o);
    } else {
      o.weight = 2;
      o.fillColor = colour;
      o.fillOpacity = 0.16;
      layer = L.polygon(ll, o);
    }
    layer.gmShape = s;
    layer.gmLine = line;
    return layer;
  };

  /* Shapes (indices) under a container point. */
  App.prototype._shapesAt = function (cp) {
    var map = this.map, ll = map.containerPointToLatLng(cp), hits = [], seen = {};
    this.shapeGroup.eachLayer(function (layer) {
      var s = layer.gmShape;
      if (seen[s]) { return; }
      var parts = this._latlngs(s), hit = false;
      if (layer.gmLine) {
        parts.forEach(function (part) {
          var pts = part[0].map(function (p) { return map.latLngToContainerPoint(p); });
          for (var k = 1; k < pts.length && !hit; k++) {
            hit = L.LineUtil.pointToSegmentDistance(cp, pts[k - 1], pts[k]) <= 7;
          }
        });
      } else {
        hit = parts.some(function (rings) {
          var inside = false;
          rings.forEach(function (ring) {  // even-odd over all rings: holes count out
            for (var a = 0, b = ring.length - 1; a < ring.length; b = a++) {
              var ya = ring[a][0], xa = ring[a][1], yb = ring[b][0], xb = ring[b][1];
              if ((ya > ll.lat) !== (yb > ll.lat) &&
                  ll.lng < (xb - xa) * (ll.lat - ya) / (yb - ya) + xa) { inside = !inside; }
            }
          });
          return inside;
        });
      }
      if (hit) { seen[s] = true; hits.push(s); }
    }, this);
    return hits;
  };

  /* ------------------------------------------------------------------ clicks */

  App.prototype._click = function (e) {
    var j = this.points.hit(e.containerPoint);
    if (j >= 0) {
      var it = this.points.items;
      if (it.count[j] === 1) { this.openPopup([it.first[j]]); return; }
      var members = this.points.members(j);
      var b = L.latLngBounds(members.map(function (i) { return [this.ev.lat[i], this.ev.lon[i]]; }, this));
      var target = this.map.getBoundsZoom(b.pad(0.2));
      if (!b.getNorthEast().equals(b.getSouthWest()) && target > this.map.getZoom()) {
        this.map.fitBounds(b.pad(0.2), { maxZoom: MAX_ZOOM });
      } else {
        this.openPopup(members, L.latLng(this.ev.lat[it.first[j]], this.ev.lon[it.first[j]]));
      }
      return;
    }
    var shapes = this._shapesAt(e.containerPoint);
    if (shapes.length) {
      var ev = this.ev, vis = this.filter.vis, list = [];
      for (var i = 0; i < ev.n; i++) {
        if (vis[i] === 1 && shapes.indexOf(ev.shapeOf[i]) >= 0) { list.push(i); }
      }
      this.openPopup(list, e.latlng);
    }
  };

  App.prototype._hover = function (e) {
    var self = this;
    this.hoverAt = e.containerPoint;
    if (this.hoverRaf) { return; }  // at most one hit test per frame
    this.hoverRaf = requestAnimationFrame(function () {
      self.hoverRaf = 0;
      var p = self.hoverAt;
      var hot = self.points.hit(p) >= 0 || self._shapesAt(p).length > 0;
      self.map.getContainer().classList.toggle("gm-hot", hot);
    });
  };

  App.prototype.openPopup = function (list, latlng) {
    if (!list.length) { return; }
    var ev = this.ev, i = list[0];
    var body = list.length === 1 ? G.card(this, i)
      : G.cards(this, list, list.length.toLocaleString("en") + " events here");
    var at = latlng || L.latLng(ev.lat[i], ev.lon[i]);
    L.popup({ maxWidth: 340, minWidth: 220, maxHeight: 320, autoPanPadding: [20, 20] })
      .setLatLng(at).setContent(body).openOn(this.map);
    this.popupEvents = list.slice(0, 50).map(function (k) { return ev.idPrefix + ev.ids[k]; });
  };

  /* Pan to event i and open its popup (the list's rows call this). */
  App.prototype.focusEvent = function (i) {
    var ev = this.ev, s = ev.shapeOf[i];
    if (s >= 0) {
      var b = L.latLngBounds([]);
      this._latlngs(s).forEach(function (part) { part.forEach(function (r) { b.extend(r); }); });
      this.map.fitBounds(b, { maxZoom: 10, animate: false, padding: [30, 30] });
    } else {
      this.map.setView([ev.lat[i], ev.lon[i]], Math.max(this.map.getZoom(), 10), { animate: false });
    }
    this.openPopup([i]);
  };

  /* ------------------------------------------------------------------ filter */

  App.prototype.pendingFrom = function () { return this.pending ? this.pending[0] : this.filter.from; };
  App.prototype.pendingTo = function () { return this.pending ? this.pending[1] : this.filter.to; };

  /* Coalesce slider input to one update per frame. */
  App.prototype.requestRange = function (from, to) {
    var self = this;
    this.pending = [from, to];
    if (this.raf) { return; }
    this.raf = requestAnimationFrame(function () {
      self.raf = 0;
      var p = self.pending;
      self.pending = null;
      self.setRange(p[0], p[1]);
    });
  };

  /* Show [from, to] (day numbers or "YYYY-MM-DD"); returns the milliseconds it took. */
  App.prototype.setRange = function (from, to) {
    var t0 = performance.now(), ev = this.ev;
    from = typeof from === "string" ? G.parseIsoDay(from) : Math.round(from);
    to = typeof to === "string" ? G.parseIsoDay(to) : Math.round(to);
    if (from !== from || to !== to) { return 0; }
    from = Math.max(ev.minDay, Math.min(from, ev.maxDay));
    to = Math.max(ev.minDay, Math.min(to, ev.maxDay));
    if (from > to) { var x = from; from = to; to = x; }
    this.filter.setRange(from, to);
    var t1 = performance.now();
    this._redraw();
    this.lastUpdateMs = performance.now() - t0;
    this.lastProfile.filter = t1 - t0;
    return this.lastUpdateMs;
  };

  /* Repaint what changed; lastProfile keeps the milliseconds of each part (for benchmarks). */
  App.prototype._redraw = function () {
    var t0 = performance.now(), p = this.lastProfile;
    p.points = 0;
    if (this.pointsDirty) { this.points.redraw(); this.pointsDirty = false; p.points = performance.now() - t0; }
    var t1 = performance.now();
    this.timeline.update();
    var t2 = performance.now();
    this.list.update();
    var t3 = performance.now();
    this._counts();
    this.scheduleHash();
    p.timeline = t2 - t1;
    p.list = t3 - t2;
  };

  App.prototype._counts = function () {
    var tv = this.filter.typeVisible;
    (this.legendCounts || []).forEach(function (c, k) {
      if (c) { c.textContent = tv[k].toLocaleString("en"); }
    });
  };

  App.prototype.setType = function (t, on) {
    if (typeof t === "string") { t = this.ev.types.indexOf(t); }
    if (t < 0) { return; }
    this.filter.setType(t, on);
    var box = document.querySelector('.gm-legend input[data-type="' + this.ev.types[t] + '"]');
    if (box) { box.checked = !!on; }
    this.timeline.recount();
    this._redraw();
  };

  App.prototype.setShowUndated = function (on) {
    this.filter.setShowUndated(on);
    this._redraw();
  };

  App.prototype.setMode = function (mode) {
    this.mode = mode === "cumulative" ? "cumulative" : "window";
    this.timeline.mode.value = this.mode;
    this.scheduleHash();
  };

  /* ------------------------------------------------------------------ URL hash */

  App.prototype.hashText = function () {
    var f = this.filter, off = [];
    for (var t = 0; t < f.typeOn.length; t++) { if (!f.typeOn[t]) { off.push(this.ev.types[t]); } }
    return "#from=" + G.isoDay(f.from) + "&to=" + G.isoDay(f.to) + "&mode=" + this.mode +
      (off.length ? "&off=" + off.join(",") : "");
  };

  App.prototype.scheduleHash = function () {
    var self = this;
    if (this.hashTimer) { return; }
    this.hashTimer = setTimeout(function () { self.hashTimer = 0; self.writeHash(); },
      this.timeline.playing() ? 500 : 60);
  };

  App.prototype.writeHash = function () {
    var h = this.hashText();
    if (location.hash === h) { return; }
    this.writingHash = h;
    try {
      history.replaceState(null, "", h);
    } catch (err) {
      // a sandboxed or srcdoc frame may refuse; the view still works, only the link does not
    }
  };

  /* Apply #from=…&to=…&mode=…&off=…; false when the hash holds no range. */
  App.prototype.applyHash = function () {
    var h = location.hash.replace(/^#/, "");
    if (!h || "#" + h === this.writingHash) { return false; }
    var p = {};
    h.split("&").forEach(function (kv) {
      var k = kv.indexOf("=");
      if (k > 0) {
        try { p[kv.slice(0, k)] = decodeURIComponent(kv.slice(k + 1)); } catch (err) { /* skip */ }
      }
    });
    if (p.mode) { this.setMode(p.mode); }
    if (p.off !== undefined) {
      var off = p.off.split(","), ev = this.ev;
      for (var t = 0; t < ev.types.length; t++) {
        var on = off.indexOf(ev.types[t]) < 0;
        if ((this.filter.typeOn[t] === 1) !== on) { this.setType(t, on); }
      }
    }
    var from = G.parseIsoDay(p.from), to = G.parseIsoDay(p.to);
    if (from !== from && to !== to) { return false; }
    this.setRange(from === from ? from : this.ev.minDay, to === to ? to : this.ev.maxDay);
    return true;
  };

  /* ------------------------------------------------------------------ API */

  App.prototype.api = function () {
    var self = this;
    return {
      ready: false,
      readyAt: NaN,
      state: function () {
        var f = self.filter;
        return {
          visible: f.visible, total: self.ev.nd, undated: f.undatedVisible,
          undatedTotal: self.ev.n - self.ev.nd, drawnMarkers: self.points.drawnPoints,
          drawnItems: self.points.items.n, drawnShapes: self.drawnShapes,
          from: G.isoDay(f.from), to: G.isoDay(f.to), mode: self.mode,
          playing: self.timeline.playing(), lastUpdateMs: self.lastUpdateMs, changed: f.changed,
          profile: L.extend({}, self.lastProfile),
          popup: self.popupEvents.slice(), zoom: self.map.getZoom()
        };
      },
      setRange: function (from, to) { return self.setRange(from, to); },
      setMode: function (m) { self.setMode(m); },
      setType: function (t, on) { self.setType(t, on); },
      play: function () { self.timeline.play(); },
      pause: function () { self.timeline.pause(); },
      openEvent: function (id) {
        var ev = self.ev;
        for (var i = 0; i < ev.n; i++) {
          if (ev.idPrefix + ev.ids[i] === id) { self.focusEvent(i); return true; }
        }
        return false;
      },
      redraw: function () { self.pointsDirty = true; self._redraw(); }
    };
  };

  function fail(err) {
    var box = document.getElementById("gm-error");
    if (box) {
      box.hidden = false;
      box.textContent = "The map could not be drawn: " + err;
    }
    throw err;
  }

  /* Entry point, called by the page once Leaflet's map exists. */
  G.init = function (map, opts) {
    try {
      var t0 = performance.now();
      var raw = JSON.parse(document.getElementById(opts.dataId).textContent);
      var bm = opts.basemapId ? JSON.parse(document.getElementById(opts.basemapId).textContent) : null;
      var t1 = performance.now();
      var app = new App(map, raw, { attribution: opts.attribution, basemap: bm });
      var api = app.api();
      api.initProfile = { start: t0, parse: t1 - t0, build: performance.now() - t1 };
      window.geomap = api;
      requestAnimationFrame(function () {
        api.ready = true;
        api.readyAt = performance.now();
        document.documentElement.setAttribute("data-geomap-ready", "1");
      });
      return api;
    } catch (err) {
      return fail(err);
    }
  };
})(window.GeomapLib = window.GeomapLib || {});
