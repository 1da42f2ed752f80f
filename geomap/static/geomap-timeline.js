/* geomap: the timeline: a histogram of events over time under a two-handle range,
 * play/pause with a speed, and "window" / "cumulative" modes.
 *
 * The handles are two native <input type=range> (arrow keys move a day, PageUp/PageDown a
 * tenth of the span, Home/End the ends), so keyboard use and screen readers work as usual.
 */
(function (G) {
  "use strict";

  var TICK_MS = 100;

  function Timeline(app, root) {
    var ev = app.ev, self = this;
    this.app = app;
    this.min = ev.minDay;
    this.max = ev.maxDay;
    this.canvas = root.querySelector(".gm-hist");
    this.fromInput = root.querySelector(".gm-from");
    this.toInput = root.querySelector(".gm-to");
    this.playBtn = root.querySelector(".gm-play");
    this.speed = root.querySelector(".gm-speed");
    this.mode = root.querySelector(".gm-mode");
    this.label = root.querySelector(".gm-range-label");
    this.count = root.querySelector(".gm-count");
    this.timer = null;
    this.acc = 0;
    if (ev.nd === 0) { root.classList.add("gm-no-dates"); }  // nothing to filter by date
    [this.fromInput, this.toInput].forEach(function (inp) {
      inp.min = String(self.min);
      inp.max = String(self.max);
      inp.step = "1";
    });
    var span = this.max - this.min;
    this.unit = span <= 150 ? "day" : span <= 3 * 366 ? "week" : "month";
    this._bins();
    this.fromInput.addEventListener("input", function () {
      var f = +self.fromInput.value, t = app.pendingTo();
      if (f > t) { t = f; }
      app.requestRange(f, t);
    });
    this.toInput.addEventListener("input", function () {
      var t = +self.toInput.value, f = app.pendingFrom();
      if (t < f) { f = t; }
      app.requestRange(f, t);
    });
    this.playBtn.addEventListener("click", function () { self.toggle(); });
    this.mode.addEventListener("change", function () { app.setMode(self.mode.value); });
    if (typeof ResizeObserver === "function") {
      new ResizeObserver(function () { self.draw(); }).observe(this.canvas);
    }
  }

  /* Histogram bin of a day number. */
  Timeline.prototype.binOf = function (day) {
    if (this.unit === "day") { return day - this.min; }
    if (this.unit === "week") { return Math.floor((day - this.min) / 7); }
    var a = G.dayDate(this.min), d = G.dayDate(day);
    return (d.getUTCFullYear() - a.getUTCFullYear()) * 12 + d.getUTCMonth() - a.getUTCMonth();
  };

  Timeline.prototype._bins = function () {
    var ev = this.app.ev, nb = this.binOf(this.max) + 1;
    this.nbins = nb;
    this.binStart = new Float64Array(nb + 1);  // first day of each bin, and the day after the last
    for (var d = this.max + 1; d >= this.min; d--) { this.binStart[Math.min(this.binOf(d), nb)] = d; }
    this.binStart[nb] = this.max + 1;
    this.eventBin = new Int32Array(ev.nd);
    for (var i = 0; i < ev.nd; i++) {
      this.eventBin[i] = isFinite(ev.start[i]) ? this.binOf(ev.start[i]) : 0;
    }
    this.recount();
  };

  /* Counts per bin of the events whose type is on. */
  Timeline.prototype.recount = function () {
    var ev = this.app.ev, on = this.app.filter.typeOn, c = new Int32Array(this.nbins);
    for (var i = 0; i < ev.nd; i++) { if (on[ev.type[i]] === 1) { c[this.eventBin[i]]++; } }
    this.counts = c;
    var m = 1;
    for (var b = 0; b < c.length; b++) { m = Math.max(m, c[b]); }
    this.peak = m;
  };

  Timeline.prototype.draw = function () {
    var cv = this.canvas, dpr = window.devicePixelRatio || 1;
    var w = cv.clientWidth, h = cv.clientHeight;
    if (!w || !h) { return; }
    if (cv.width !== Math.round(w * dpr) || cv.height !== Math.round(h * dpr)) {
      cv.width = Math.round(w * dpr);
      cv.height = Math.round(h * dpr);
    }
    var ctx = cv.getContext("2d");
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    var f = this.app.filter.from, t = this.app.filter.to, span = this.max - this.min + 1;
    var x = function (day) { return (day - this.min) / span * w; }.bind(this);
    for (var b = 0; b < this.nbins; b++) {
      var c = this.counts[b];
      if (c === 0) { continue; }
      var d0 = this.binStart[b], d1 = this.binStart[b + 1];
      var bh = Math.max(1.5, c / this.peak * (h - 4));
      ctx.fillStyle = (d1 - 1 >= f && d0 <= t) ? "#3b6ea5" : "#c4ccd6";
      ctx.fillRect(x(d0), h - bh, Math.max(1, x(d1) - x(d0) - 0.5), bh);
    }
    ctx.fillStyle = "rgba(59,110,165,0.10)";
    ctx.fillRect(x(f), 0, x(t + 1) - x(f), h);
  };

  /* Reflect the filter's range in the controls. */
  Timeline.prototype.update = function () {
    var flt = this.app.filter, from = flt.from, to = flt.to;
    this.fromInput.value = String(from);
    this.toInput.value = String(to);
    this.fromInput.setAttribute("aria-valuetext", G.shortDay(from));
    this.toInput.setAttribute("aria-valuetext", G.shortDay(to));
    this.label.textContent = G.shortDay(from) + " – " + G.shortDay(to);
    var ev = this.app.ev, text = flt.visible.toLocaleString("en") + " of " +
      ev.nd.toLocaleString("en") + " events";
    if (ev.n > ev.nd) { text += " · " + flt.undatedVisible.toLocaleString("en") + " undated ⚑"; }
    this.count.textContent = text;
    this.draw();
  };

  Timeline.prototype.playing = function () { return this.timer !== null; };

  Timeline.prototype.toggle = function () {
    if (this.timer !== null) { this.pause(); } else { this.play(); }
  };

  Timeline.prototype.play = function () {
    if (this.timer !== null) { return; }
    var app = this.app, flt = app.filter, self = this;
    if (flt.to >= this.max) {  // at the end: start again
      if (app.mode === "cumulative") {
        app.setRange(flt.from, flt.from);
      } else {
        app.setRange(this.min, this.min + (flt.to - flt.from));
      }
    }
    this.acc = 0;
    this.timer = setInterval(function () { self.step(); }, TICK_MS);
    this.playBtn.textContent = "❚❚ Pause";
    this.playBtn.setAttribute("aria-pressed", "true");
    this.playBtn.setAttribute("aria-label", "Pause");
  };

  Timeline.prototype.pause = function () {
    if (this.timer !== null) { clearInterval(this.timer); }
    this.timer = null;
    this.playBtn.textContent = "▶ Play";
    this.playBtn.setAttribute("aria-pressed", "false");
    this.playBtn.setAttribute("aria-label", "Play");
    this.app.writeHash();
  };

  Timeline.prototype.step = function () {
    var app = this.app, flt = app.filter;
    this.acc += (+this.speed.value || 7) * TICK_MS / 1000;
    var d = Math.floor(this.acc);
    if (d < 1) { return; }
    this.acc -= d;
    d = Math.min(d, this.max - flt.to);
    if (app.mode === "cumulative") {
      app.setRange(flt.from, flt.to + d);
    } else {
      app.setRange(flt.from + d, flt.to + d);
    }
    if (flt.to >= this.max) { this.pause(); }
  };

  G.Timeline = Timeline;
})(window.GeomapLib = window.GeomapLib || {});
