/* geomap: point events on one canvas, clustered on a pixel grid.
 *
 * DOM markers cost a layer each and are hopeless past ~10k events (see MAP-ANCHOR.md), so the
 * point events are drawn on a single canvas. Each redraw bins the visible events of the view
 * into square cells of CELL px aligned on the world pixel grid (so clusters do not jump while
 * panning); a cell with one event draws that event, a cell with more draws a cluster ring that
 * shows the share of each event type. The clusters are recomputed at every redraw, so they
 * regroup as the filter changes.
 */
(function (G) {
  "use strict";

  var CELL = 44;      // cluster cell, px
  var PAD = 0.25;     // canvas margin around the view, fraction of its size

  var PointLayer = L.Layer.extend({
    initialize: function (ev, filter, colours) {
      this._ev = ev;
      this._filter = filter;
      this._colours = colours;
      this.items = { n: 0, x: new Float32Array(0), y: new Float32Array(0), r: new Float32Array(0),
        count: new Int32Array(0), first: new Int32Array(0), cell: new Int32Array(0) };
      this.drawnPoints = 0;
    },

    onAdd: function (map) {
      var pane = map.getPane("gmPoints") || map.createPane("gmPoints");
      pane.style.zIndex = 450;
      pane.style.pointerEvents = "none";
      this._canvas = L.DomUtil.create("canvas", "gm-points leaflet-zoom-hide", pane);
      this._ctx = this._canvas.getContext("2d");
      map.on("moveend resize viewreset", this.redraw, this);
    },

    onRemove: function (map) {
      map.off("moveend resize viewreset", this.redraw, this);
      L.DomUtil.remove(this._canvas);
    },

    /* Re-bin and repaint; returns the number of items drawn. */
    redraw: function () {
      var map = this._map;
      if (!map) { return 0; }
      var size = map.getSize();
      var padX = Math.round(size.x * PAD), padY = Math.round(size.y * PAD);
      var w = size.x + 2 * padX, h = size.y + 2 * padY;
      var dpr = window.devicePixelRatio || 1;
      var canvas = this._canvas;
      if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
        canvas.width = Math.round(w * dpr);
        canvas.height = Math.round(h * dpr);
        canvas.style.width = w + "px";
        canvas.style.height = h + "px";
      }
      var topLeft = map.containerPointToLayerPoint([-padX, -padY]);
      L.DomUtil.setPosition(canvas, topLeft);
      this._offset = [padX, padY];

      var scale = 256 * Math.pow(2, map.getZoom()) / 256;
      var origin = map.getPixelBounds().min;  // world px of the container's top-left
      var ox = origin.x - padX, oy = origin.y - padY;
      var cx0 = Math.floor(ox / CELL), cy0 = Math.floor(oy / CELL);
      var cols = Math.ceil(w / CELL) + 2, rows = Math.ceil(h / CELL) + 2;
      var ncell = cols * rows, T = this._ev.types.length;
      var b = this._buffers(ncell, T);
      var cnt = b.cnt, first = b.first, sx = b.sx, sy = b.sy, byType = b.byType, undated = b.undated;
      var ev = this._ev, flt = this._filter, pts = flt.points, x0 = ev.x0, y0 = ev.y0;
      var type = ev.type, nd = ev.nd, drawn = flt.nPoints;
      for (var q = 0; q < drawn; q++) {
        var i = pts[q];
        var wx = x0[i] * scale, wy = y0[i] * scale, px = wx - ox, py = wy - oy;
        if (px < 0 || py < 0 || px >= w || py >= h) { continue; }
        var c = (Math.floor(wx / CELL) - cx0) + (Math.floor(wy / CELL) - cy0) * cols;
        if (cnt[c] === 0) { first[c] = i; }
        cnt[c]++;
        sx[c] += px;
        sy[c] += py;
        byType[c * T + type[i]]++;
        if (i >= nd) { undated[c]++; }
      }
      this.drawnPoints = drawn;

      var m = 0, k;
      for (k = 0; k < ncell; k++) { if (cnt[k] > 0) { m++; } }
      // the cell arrays stay in use for hit tests: members() re-bins from the filter
      var it = { n: m, x: new Float32Array(m), y: new Float32Array(m), r: new Float32Array(m),
        count: new Int32Array(m), first: new Int32Array(m), cell: new Int32Array(m),
        grid: { cx0: cx0, cy0: cy0, cols: cols, ox: ox, oy: oy, w: w, h: h, scale: scale } };
      var ctx = this._ctx, colours = this._colours;
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      ctx.clearRect(0, 0, w, h);
      ctx.lineWidth = 1;
      ctx.font = "bold 11px system-ui, sans-serif";
      ctx.textAlign = "center";
      ctx.textBaseline = "middle";
      var j = 0;
      for (k = 0; k < ncell; k++) {
        var cc = cnt[k];
        if (cc === 0) { continue; }
        var x, y, r;
        if (cc === 1) {
          var e = first[k];
          x = x0[e] * scale - ox; y = y0[e] * scale - oy; r = ev.radius[e];
          ctx.beginPath();
          ctx.arc(x, y, r, 0, 2 * Math.PI);
          if (e >= nd) {  // undated: hollow, dashed
            ctx.fillStyle = "rgba(255,255,255,0.85)";
            ctx.fill();
            ctx.setLineDash([3, 2]);
            ctx.lineWidth = 3;
            ctx.strokeStyle = colours[type[e]];
            ctx.stroke();
            ctx.setLineDash([]);
            ctx.lineWidth = 1;
          } else {
            ctx.fillStyle = colours[type[e]];
            ctx.globalAlpha = 0.9;
            ctx.fill();
            ctx.globalAlpha = 1;
            ctx.strokeStyle = "#222";
            ctx.stroke();
          }
        } else {
          x = sx[k] / cc; y = sy[k] / cc;
          r = Math.min(11 + 3.2 * Math.log(cc), 30);
          var a = -Math.PI / 2;
          for (var t = 0; t < T; t++) {
            var share = byType[k * T + t] / cc;
            if (share === 0) { continue; }
            ctx.beginPath();
            ctx.moveTo(x, y);
            ctx.arc(x, y, r, a, a + share * 2 * Math.PI);
            ctx.closePath();
            ctx.fillStyle = colours[t];
            ctx.fill();
            a += share * 2 * Math.PI;
          }
          ctx.beginPath();
          ctx.arc(x, y, r * 0.62, 0, 2 * Math.PI);
          ctx.fillStyle = "#fff";
          ctx.fill();
          ctx.beginPath();
          ctx.arc(x, y, r, 0, 2 * Math.PI);
          ctx.strokeStyle = "#222";
          if (undated[k] > 0) { ctx.setLineDash([3, 2]); }
          ctx.stroke();
          ctx.setLineDash([]);
          ctx.fillStyle = "#111";
          ctx.fillText(cc > 9999 ? Math.round(cc / 1000) + "k" : String(cc), x, y + 0.5);
        }
        it.x[j] = x - padX; it.y[j] = y - padY; it.r[j] = r;
        it.count[j] = cc; it.first[j] = first[k]; it.cell[j] = k;
        j++;
      }
      this.items = it;
      return m;
    },

    /* Zeroed per-cell accumulators, reused between redraws. */
    _buffers: function (ncell, T) {
      var b = this._buf;
      if (!b || b.ncell < ncell) {
        b = this._buf = { ncell: ncell, cnt: new Int32Array(ncell), first: new Int32Array(ncell),
          sx: new Float64Array(ncell), sy: new Float64Array(ncell),
          byType: new Int32Array(ncell * T), undated: new Int32Array(ncell) };
      } else {
        b.cnt.fill(0, 0, ncell);
        b.sx.fill(0, 0, ncell);
        b.sy.fill(0, 0, ncell);
        b.byType.fill(0, 0, ncell * T);
        b.undated.fill(0, 0, ncell);
      }
      return b;
    },

    /* The drawn item under a container point, or -1. */
    hit: function (p) {
      var it = this.items, best = -1, bestD = Infinity;
      for (var j = 0; j < it.n; j++) {
        var dx = it.x[j] - p.x, dy = it.y[j] - p.y, d = dx * dx + dy * dy, rr = it.r[j] + 3;
        if (d <= rr * rr && d < bestD) { best = j; bestD = d; }
      }
      return best;
    },

    /* Indices of the visible events binned into item j. */
    members: function (j) {
      var it = this.items, g = it.grid, ev = this._ev, flt = this._filter, out = [];
      var cell = it.cell[j];
      for (var q = 0; q < flt.nPoints; q++) {
        var i = flt.points[q];
        var wx = ev.x0[i] * g.scale, wy = ev.y0[i] * g.scale;
        var c = (Math.floor(wx / CELL) - g.cx0) + (Math.floor(wy / CELL) - g.cy0) * g.cols;
        var px = wx - g.ox, py = wy - g.oy;
        if (c === cell && px >= 0 && py >= 0 && px < g.w && py < g.h) { out.push(i); }
      }
      return out.sort(function (a, b) { return a - b; });
    }
  });

  G.PointLayer = PointLayer;
})(window.GeomapLib = window.GeomapLib || {});
