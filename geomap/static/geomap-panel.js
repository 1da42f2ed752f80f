/* geomap: popups, the list of visible events, the legend.
 *
 * Every string from the articles is untrusted: it only ever reaches the page through
 * textContent, and a source becomes a link only when its URL is http or https.
 */
(function (G) {
  "use strict";

  var ROW = 38;        // list row height, px (the list is virtual: only rows in view exist)
  var POPUP_MAX = 20;  // events detailed in one cluster popup

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }

  /* The URL when it is absolute http(s), else null. */
  function safeUrl(text) {
    if (!text) { return null; }
    try {
      var u = new URL(String(text));
      return (u.protocol === "http:" || u.protocol === "https:") ? u.href : null;
    } catch (err) {
      return null;
    }
  }

  function swatch(colour, hollow) {
    var s = el("span", "gm-swatch" + (hollow ? " gm-hollow" : ""));
    if (hollow) { s.style.borderColor = colour; } else { s.style.background = colour; }
    return s;
  }

  function row(parent, label, value) {
    if (value === null || value === undefined || value === "") { return; }
    var d = el("div", "gm-row");
    d.appendChild(el("span", "gm-key", label));
    d.appendChild(el("span", "gm-val", value));
    parent.appendChild(d);
  }

  /* The popup card of one event. */
  function card(app, i) {
    var r = G.record(app.ev, i);
    var box = el("div", "gm-card");
    box.setAttribute("data-event-id", r.id);
    var head = el("div", "gm-card-type");
    head.appendChild(swatch(app.colours[app.ev.type[i]], r.undated));
    head.appendChild(el("strong", null, app.labels[app.ev.type[i]]));
    box.appendChild(head);
    var date = el("div", "gm-card-date", r.undated ? "Undated" : G.formatSpan(r.start, r.end, r.precision));
    if (r.undated) {
      date.className += " gm-flag";
      date.title = "No date: shown whatever the timeline range";
    }
    box.appendChild(date);
    if (r.dateText || r.dateNote) {
      box.appendChild(el("div", "gm-note", [r.dateText ? "“" + r.dateText + "”" : "", r.dateNote]
        .filter(Boolean).join(" · ")));
    }
    var place = [r.placeName, [r.placeKind, r.country].filter(Boolean).join(", ")];
    row(box, "Place", place[0] + (place[1] ? " (" + place[1] + ")" : ""));
    row(box, "Resolved", r.resolution);
    row(box, "Actors", r.actors.join("; "));
    row(box, "Fatalities", r.fatalities === null ? "" : String(r.fatalities));
    if (r.quote) { box.appendChild(el("blockquote", "gm-quote", r.quote)); }
    if (r.sources.length) {
      var ul = el("ul", "gm-sources");
      r.sources.forEach(function (s) {
        var li = el("li");
        var label = s.title || s.url || s.file || s.publisher || "source";
        var href = safeUrl(s.url);
        if (href) {
          var a = el("a", null, label);
          a.href = href;
          a.target = "_blank";
          a.rel = "noopener noreferrer";
          li.appendChild(a);
        } else {
          li.appendChild(el("span", null, label));
          if (s.url && s.url !== label) { li.appendChild(el("span", "gm-dim", " " + s.url)); }
        }
        var meta = [s.publisher !== label ? s.publisher : "", s.published].filter(Boolean).join(", ");
        if (meta) { li.appendChild(el("span", "gm-dim", " — " + meta)); }
        ul.appendChild(li);
      });
      box.appendChild(ul);
    }
    var foot = "id " + r.id + (r.confidence !== null ? " · confidence " + r.confidence.toFixed(2) : "");
    box.appendChild(el("div", "gm-dim gm-small", foot));
    return box;
  }

  /* A popup body for several events (a cluster, or a shape hit by many). */
  function cards(app, list, title) {
    var box = el("div", "gm-cards");
    box.appendChild(el("div", "gm-cards-title", title));
    list.slice(0, POPUP_MAX).forEach(function (i) { box.appendChild(card(app, i)); });
    if (list.length > POPUP_MAX) {
      box.appendChild(el("div", "gm-dim", "… and " + (list.length - POPUP_MAX) +
        " more: zoom in or narrow the time range."));
    }
    return box;
  }

  var UNDATED_MAX = 300;  // rows in the undated list (it is not virtual)

  function onRowClick(app, box) {
    box.addEventListener("click", function (e) {
      var b = e.target.closest ? e.target.closest("button[data-i]") : null;
      if (b) { app.focusEvent(+b.getAttribute("data-i")); }
    });
  }

  /* The virtual list of the dated events in range beside the map, and the undated ones. */
  function EventList(app, box, countEl) {
    this.app = app;
    this.box = box;
    this.countEl = countEl;
    this.rows = el("div", "gm-list-rows");
    box.appendChild(this.rows);
    this.indices = new Int32Array(0);
    var self = this;
    box.addEventListener("scroll", function () { self.paint(); }, { passive: true });
    onRowClick(app, box);
    this.undatedBox = document.getElementById("gm-undated");
    this.undatedList = document.getElementById("gm-undated-list");
    this.undatedCount = document.getElementById("gm-undated-count");
    if (this.undatedList) { onRowClick(app, this.undatedList); }
    this.undatedShown = -1;
  }

  EventList.prototype.update = function () {
    var ev = this.app.ev;
    this.indices = this.app.filter.visibleIndices(0, ev.nd);
    this.rows.style.height = (this.indices.length * ROW) + "px";
    this.countEl.textContent = "(" + this.indices.length.toLocaleString("en") + ")";
    this.painted = null;
    this.paint();
    this.updateUndated();
  };

  /* Undated events change only with the type toggles: rebuild the list when their count does. */
  EventList.prototype.updateUndated = function () {
    var app = this.app, ev = app.ev, flt = app.filter;
    if (!this.undatedList || ev.n === ev.nd || flt.undatedVisible === this.undatedShown) { return; }
    this.undatedShown = flt.undatedVisible;
    this.undatedBox.hidden = false;
    this.undatedCount.textContent = "(" + flt.undatedVisible.toLocaleString("en") + ")";
    var frag = document.createDocumentFragment(), shown = 0;
    for (var i = ev.nd; i < ev.n && shown < UNDATED_MAX; i++) {
      if (flt.vis[i] !== 1) { continue; }
      frag.appendChild(this.row(i, null));
      shown++;
    }
    if (flt.undatedVisible > shown) {
      frag.appendChild(el("div", "gm-dim gm-small", "… and " + (flt.undatedVisible - shown) + " more"));
    }
    this.undatedList.replaceChildren(frag);
  };

  /* One row: a button showing the type, date and place of event i. */
  EventList.prototype.row = function (i, top) {
    var app = this.app, ev = app.ev, pl = ev.places[ev.place[i]];
    var btn = el("button", "gm-item" + (i >= ev.nd ? " gm-undated" : ""));
    btn.type = "button";
    if (top !== null) { btn.style.top = top + "px"; } else { btn.style.position = "relative"; }
    btn.setAttribute("data-i", String(i));
    btn.appendChild(swatch(app.colours[ev.type[i]], i >= ev.nd));
    var when = i >= ev.nd ? "undated ⚑" : G.formatSpan(ev.start[i], ev.end[i],
      ev.prec[i] >= 0 ? ev.precisions[ev.prec[i]] : "", true);
    btn.appendChild(el("span", "gm-item-date", when));
    btn.appendChild(el("span", "gm-item-text", app.labels[ev.type[i]] + " · " + ev.S[pl[0]]));
    btn.title = app.labels[ev.type[i]] + ", " + ev.S[pl[0]] + ", " + when;
    return btn;
  };

  EventList.prototype.paint = function () {
    var h = this.box.clientHeight || 400, top = this.box.scrollTop;
    var a = Math.max(0, Math.floor(top / ROW) - 4);
    var b = Math.min(this.indices.length, Math.ceil((top + h) / ROW) + 4);
    var key = a + ":" + b;
    if (this.painted === key) { return; }
    this.painted = key;
    var frag = document.createDocumentFragment();
    for (var k = a; k < b; k++) { frag.appendChild(this.row(this.indices[k], k * ROW)); }
    this.rows.replaceChildren(frag);
  };

  /* The legend and type toggles, as a Leaflet control. */
  function legend(app) {
    var ctl = L.control({ position: "topright" });
    ctl.onAdd = function () {
      var box = el("div", "gm-legend leaflet-bar");
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      var det = el("details");
      det.open = app.map.getSize().x >= 700;  // on small maps the legend starts folded
      det.appendChild(el("summary", null, "Event types"));
      var ev = app.ev;
      var totals = new Int32Array(ev.types.length);
      for (var i = 0; i < ev.n; i++) { totals[ev.type[i]]++; }
      app.legendCounts = [];
      ev.types.forEach(function (t, k) {
        if (totals[k] === 0) { app.legendCounts.push(null); return; }
        var lab = el("label", "gm-legend-row");
        var cb = el("input");
        cb.type = "checkbox";
        cb.checked = true;
        cb.setAttribute("data-type", t);
        cb.setAttribute("aria-label", "Show " + app.labels[k]);
        cb.addEventListener("change", function () { app.setType(k, cb.checked); });
        lab.appendChild(cb);
        lab.appendChild(swatch(app.colours[k]));
        lab.appendChild(el("span", null, app.labels[k]));
        var c = el("span", "gm-dim gm-legend-count");
        app.legendCounts.push(c);
        lab.appendChild(c);
        det.appendChild(lab);
      });
      if (ev.n > ev.nd) {
        var lu = el("label", "gm-legend-row");
        var cu = el("input");
        cu.type = "checkbox";
        cu.checked = true;
        cu.setAttribute("aria-label", "Show undated events");
        cu.addEventListener("change", function () { app.setShowUndated(cu.checked); });
        lu.appendChild(cu);
        lu.appendChild(swatch("#555", true));
        lu.appendChild(el("span", null, "Undated ⚑ (always shown)"));
        det.appendChild(lu);
      }
      var key = el("div", "gm-legend-key gm-dim");
      key.appendChild(el("div", null, "● point: size by fatalities (else number of sources)"));
      key.appendChild(el("div", null, "◍ cluster: count, ring shares by type"));
      key.appendChild(el("div", null, "▱ region · ━ corridor: the place's own shape"));
      det.appendChild(key);
      box.appendChild(det);
      return box;
    };
    return ctl;
  }

  G.el = el;
  G.safeUrl = safeUrl;
  G.card = card;
  G.cards = cards;
  G.EventList = EventList;
  G.legend = legend;
})(window.GeomapLib = window.GeomapLib || {});
