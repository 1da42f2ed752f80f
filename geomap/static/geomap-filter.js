/* geomap: the incremental time and type filter.
 *
 * An event is visible when its span overlaps [from, to] and its type is on; undated events
 * are visible when their type is on. Events are sorted by start, so "start <= to" holds for a
 * prefix of them; a second order by end makes "end >= from" a suffix. Moving a handle only
 * re-tests the events between the old and the new cut, so a range change costs the number of
 * events that change, not the number of events.
 */
(function (G) {
  "use strict";

  /* Count of sorted[0..len) that are <= value. */
  function upperBound(sorted, len, value) {
    var lo = 0, hi = len;
    while (lo < hi) {
      var mid = (lo + hi) >>> 1;
      if (sorted[mid] <= value) { lo = mid + 1; } else { hi = mid; }
    }
    return lo;
  }

  /* Count of sorted[0..len) that are < value. */
  function lowerBound(sorted, len, value) {
    var lo = 0, hi = len;
    while (lo < hi) {
      var mid = (lo + hi) >>> 1;
      if (sorted[mid] < value) { lo = mid + 1; } else { hi = mid; }
    }
    return lo;
  }

  /* Indices 0..nd sorted by end (stable), by counting sort on day numbers. */
  function orderByEnd(end, nd) {
    var order = new Int32Array(nd), i, lo = Infinity, hi = -Infinity, inf = 0;
    for (i = 0; i < nd; i++) {
      if (isFinite(end[i])) { lo = Math.min(lo, end[i]); hi = Math.max(hi, end[i]); } else { inf++; }
    }
    var span = hi >= lo ? hi - lo + 1 : 0;
    if (span > 4e6) {  // absurd date ranges: a comparison sort is fine then
      var idx = Array.from({ length: nd }, function (_, k) { return k; });
      idx.sort(function (a, b) { return (end[a] - end[b]) || (a - b); });
      order.set(idx);
      return order;
    }
    var counts = new Int32Array(span + 1);
    for (i = 0; i < nd; i++) { counts[isFinite(end[i]) ? end[i] - lo : span]++; }
    var pos = 0;
    for (i = 0; i <= span; i++) { var c = counts[i]; counts[i] = pos; pos += c; }
    for (i = 0; i < nd; i++) { order[counts[isFinite(end[i]) ? end[i] - lo : span]++] = i; }
    return order;
  }

  function Filter(ev, onToggle) {
    var n = ev.n, nd = ev.nd, i;
    this.ev = ev;
    this.onToggle = onToggle;
    this.vis = new Uint8Array(n);
    this.typeOn = new Uint8Array(ev.types.length).fill(1);
    this.showUndated = true;
    this.endOrder = orderByEnd(ev.end, nd);
    this.endSorted = new Float64Array(nd);
    this.endRank = new Int32Array(nd);
    for (i = 0; i < nd; i++) {
      this.endSorted[i] = ev.end[this.endOrder[i]];
      this.endRank[this.endOrder[i]] = i;
    }
    this.kStart = 0;  // events 0..kStart have start <= to
    this.kEnd = 0;    // events endOrder[0..kEnd] have end < from
    this.from = NaN;
    this.to = NaN;
    this.visible = 0;         // dated events visible
    this.undatedVisible = 0;
    this.typeVisible = new Int32Array(ev.types.length);
    this.changed = 0;         // events toggled by the last update
    // the visible point events, unordered, kept up to date on every toggle (swap-remove), so
    // drawing costs the number of visible points, not the number of events
    this.points = new Int32Array(n);
    this.pointPos = new Int32Array(n).fill(-1);
    this.nPoints = 0;
    this._indices = new Int32Array(n);
    for (i = nd; i < n; i++) { this._test(i); }
  }

  Filter.prototype._test = function (i) {
    var ev = this.ev, want;
    if (i >= ev.nd) {
      want = this.showUndated && this.typeOn[ev.type[i]] === 1;
    } else {
      want = i < this.kStart && this.endRank[i] >= this.kEnd && this.typeOn[ev.type[i]] === 1;
    }
    if ((this.vis[i] === 1) === want) { return; }
    this.vis[i] = want ? 1 : 0;
    var d = want ? 1 : -1;
    if (i >= ev.nd) { this.undatedVisible += d; } else { this.visible += d; }
    this.typeVisible[ev.type[i]] += d;
    this.changed++;
    if (ev.shapeOf[i] < 0) {
      if (want) {
        this.pointPos[i] = this.nPoints;
        this.points[this.nPoints++] = i;
      } else {
        var at = this.pointPos[i], last = this.points[--this.nPoints];
        this.points[at] = last;
        this.pointPos[last] = at;
        this.pointPos[i] = -1;
      }
    }
    this.onToggle(i, want);
  };

  /* Show the events overlapping [from, to] (day numbers, inclusive). */
  Filter.prototype.setRange = function (from, to) {
    var ev = this.ev, nd = ev.nd, i, j;
    var k = upperBound(ev.start, nd, to);
    var e = lowerBound(this.endSorted, nd, from);
    var k0 = this.kStart, e0 = this.kEnd;
    this.kStart = k;
    this.kEnd = e;
    this.from = from;
    this.to = to;
    this.changed = 0;
    for (i = Math.min(k0, k); i < Math.max(k0, k); i++) { this._test(i); }
    for (j = Math.min(e0, e); j < Math.max(e0, e); j++) { this._test(this.endOrder[j]); }
  };

  Filter.prototype.setType = function (t, on) {
    var ev = this.ev;
    this.typeOn[t] = on ? 1 : 0;
    this.changed = 0;
    for (var i = 0; i < ev.n; i++) { if (ev.type[i] === t) { this._test(i); } }
  };

  Filter.prototype.setShowUndated = function (on) {
    this.showUndated = !!on;
    this.changed = 0;
    for (var i = this.ev.nd; i < this.ev.n; i++) { this._test(i); }
  };

  /* Indices of the visible events among [lo, hi) in date order; the array is reused by the
   * next call. Dated events are [0, nd), undated [nd, n). */
  Filter.prototype.visibleIndices = function (lo, hi) {
    var out = this._indices, m = 0, vis = this.vis;
    for (var i = lo; i < hi; i++) { if (vis[i] === 1) { out[m++] = i; } }
    return out.subarray(0, m);
  };

  G.Filter = Filter;
  G.upperBound = upperBound;
  G.lowerBound = lowerBound;
})(window.GeomapLib = window.GeomapLib || {});
