// Ebb live view: polls /api/state?since=SEQ every second and redraws one SVG chart per workload.
// Plain JS and SVG, no libraries, no network access beyond this server.
(function () {
  'use strict';
  var SVG = 'http://www.w3.org/2000/svg';
  var W = 900, H = 260, PAD_L = 60, PAD_R = 50, PAD_T = 12, PAD_B = 26;
  var RATE_H = 120;
  var state = { seq: 0, workloads: {}, order: [], annotations: [], decisions: [] };
  var MAX_POINTS = 3600;

  function el(tag, attrs, parent) {
    var e = document.createElementNS(SVG, tag);
    for (var k in attrs) { e.setAttribute(k, attrs[k]); }
    if (parent) { parent.appendChild(e); }
    return e;
  }

  function fmt(n) {
    if (n === undefined || n === null) { return '–'; }
    if (Math.abs(n) >= 1e6) { return (n / 1e6).toFixed(1) + 'M'; }
    if (Math.abs(n) >= 1e4) { return (n / 1e3).toFixed(0) + 'k'; }
    return Math.round(n).toLocaleString('en-US');
  }

  function fmtTime(t) {
    var d = new Date(t);
    return d.toTimeString().slice(0, 8);
  }

  function workload(name) {
    var w = state.workloads[name];
    if (w) { return w; }
    var box = document.createElement('div');
    box.className = 'workload';
    box.id = 'workload-' + name;
    box.innerHTML = '<h2></h2><div class="stats"></div><div class="reason"></div>' +
      '<div class="legend"><span><i style="background:#3182ce"></i>lag (records)</span>' +
      '<span><i style="background:#2f855a"></i>current replicas</span>' +
      '<span><i style="background:#dd6b20"></i>desired replicas</span>' +
      '<span><i style="background:#805ad5"></i>arrivals/s</span>' +
      '<span><i style="background:#718096"></i>consumed/s</span></div>';
    box.querySelector('h2').textContent = name;
    var chart = el('svg', { 'class': 'chart', viewBox: '0 0 ' + W + ' ' + H, 'data-points': '0', id: 'chart-' + name });
    var rates = el('svg', { 'class': 'chart rates', viewBox: '0 0 ' + W + ' ' + RATE_H, 'data-points': '0' });
    box.appendChild(chart);
    box.appendChild(rates);
    var empty = document.getElementById('empty');
    if (empty) { empty.remove(); }
    document.getElementById('workloads').appendChild(box);
    w = { name: name, samples: [], box: box, chart: chart, rates: rates };
    state.workloads[name] = w;
    state.order.push(name);
    return w;
  }

  function scale(min, max, a, b) {
    var span = max - min || 1;
    return function (v) { return a + (v - min) / span * (b - a); };
  }

  function niceMax(v) {
    if (v <= 0) { return 1; }
    var p = Math.pow(10, Math.floor(Math.log10(v)));
    var m = v / p;
    return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
  }

  function axes(svg, x, yLeft, leftMax, t0, t1, h, yRight, rightMax) {
    var g = el('g', {}, svg);
    for (var i = 0; i <= 4; i++) {
      var v = leftMax * i / 4, y = yLeft(v);
      el('line', { x1: PAD_L, x2: W - PAD_R, y1: y, y2: y, stroke: '#e4e7eb' }, g);
      el('text', { x: PAD_L - 6, y: y + 4, 'text-anchor': 'end' }, g).textContent = fmt(v);
      if (yRight) {
        el('text', { x: W - PAD_R + 6, y: yRight(rightMax * i / 4) + 4 }, g).textContent =
          (rightMax * i / 4).toFixed(rightMax >= 8 ? 0 : 1).replace(/\.0$/, '');
      }
    }
    var span = Math.max(1, t1 - t0), step = niceStep(span / 6);
    for (var t = Math.ceil(t0 / step) * step; t <= t1; t += step) {
      var xx = x(t);
      el('line', { x1: xx, x2: xx, y1: PAD_T, y2: h - PAD_B, stroke: '#f0f4f8' }, g);
      el('text', { x: xx, y: h - 8, 'text-anchor': 'middle' }, g).textContent = fmtTime(t);
    }
  }

  function niceStep(ms) {
    var steps = [1e3, 2e3, 5e3, 1e4, 15e3, 3e4, 6e4, 12e4, 3e5, 6e5, 18e5, 36e5];
    for (var i = 0; i < steps.length; i++) { if (steps[i] >= ms) { return steps[i]; } }
    return 36e5;
  }

  function path(points) {
    return points.map(function (p) { return p[0].toFixed(1) + ',' + p[1].toFixed(1); }).join(' ');
  }

  function stepPoints(samples, x, y, field) {
    var pts = [];
    for (var i = 0; i < samples.length; i++) {
      var s = samples[i];
      if (i > 0) { pts.push([x(s.t), y(samples[i - 1][field])]); }
      pts.push([x(s.t), y(s[field])]);
    }
    return pts;
  }

  function annotate(svg, x, t0, t1, h) {
    var shown = 0;
    state.annotations.forEach(function (a) {
      if (a.t < t0 || a.t > t1) { return; }
      var xx = x(a.t);
      el('line', { x1: xx, x2: xx, y1: PAD_T, y2: h - PAD_B, stroke: '#a0aec0', 'stroke-dasharray': '3,3',
        'class': 'annotation' }, svg);
      // Phases close together would overlap: step the labels down.
      el('text', { x: xx + 3, y: PAD_T + 10 + 13 * (shown++ % 3) }, svg).textContent = a.text;
    });
  }

  function draw(w) {
    var s = w.samples;
    var chart = w.chart, rates = w.rates;
    while (chart.firstChild) { chart.removeChild(chart.firstChild); }
    while (rates.firstChild) { rates.removeChild(rates.firstChild); }
    chart.setAttribute('data-points', String(s.length));
    rates.setAttribute('data-points', String(s.length));
    if (s.length === 0) { return; }
    var t0 = s[0].t, t1 = Math.max(s[s.length - 1].t, t0 + 10000);
    var x = scale(t0, t1, PAD_L, W - PAD_R);
    var lagMax = niceMax(Math.max.apply(null, s.map(function (p) { return p.lag || 0; })));
    var repMax = Math.max(2, Math.max.apply(null, s.map(function (p) { return Math.max(p.desired, p.current); })));
    var yLag = scale(0, lagMax, H - PAD_B, PAD_T);
    var yRep = scale(0, repMax, H - PAD_B, PAD_T);
    axes(chart, x, yLag, lagMax, t0, t1, H, yRep, repMax);
    annotate(chart, x, t0, t1, H);
    var lagPts = s.filter(function (p) { return p.lag !== undefined; })
      .map(function (p) { return [x(p.t), yLag(p.lag)]; });
    el('polyline', { id: 'lag-' + w.name, 'class': 'lag', points: path(lagPts), fill: 'none', stroke: '#3182ce',
      'stroke-width': 2 }, chart);
    el('polyline', { id: 'desired-' + w.name, 'class': 'desired', points: path(stepPoints(s, x, yRep, 'desired')),
      fill: 'none', stroke: '#dd6b20', 'stroke-width': 1.5, 'stroke-dasharray': '5,3' }, chart);
    el('polyline', { id: 'current-' + w.name, 'class': 'current', points: path(stepPoints(s, x, yRep, 'current')),
      fill: 'none', stroke: '#2f855a', 'stroke-width': 2.5 }, chart);

    var rateMax = niceMax(Math.max.apply(null, s.map(function (p) {
      return Math.max(p.arrival || 0, p.consumption || 0);
    })));
    var yRate = scale(0, rateMax, RATE_H - PAD_B, PAD_T);
    axes(rates, x, yRate, rateMax, t0, t1, RATE_H);
    annotate(rates, x, t0, t1, RATE_H);
    ['arrival', 'consumption'].forEach(function (f, i) {
      var pts = s.filter(function (p) { return p[f] !== undefined; }).map(function (p) { return [x(p.t), yRate(p[f])]; });
      el('polyline', { 'class': f, points: path(pts), fill: 'none', stroke: i === 0 ? '#805ad5' : '#718096',
        'stroke-width': 1.5 }, rates);
    });

    var last = s[s.length - 1];
    var stats = w.box.querySelector('.stats');
    stats.innerHTML = '';
    [['arrivals', last.arrival === undefined ? '–' : fmt(last.arrival) + '/s'],
     ['consumed', last.consumption === undefined ? '–' : fmt(last.consumption) + '/s'],
     ['lag', fmt(last.lag)],
     ['time lag', last.timeLagMs === undefined ? '–' : (last.timeLagMs / 1000).toFixed(1) + ' s'],
     ['replicas desired / current', last.desired + ' / ' + last.current]].forEach(function (kv) {
      var d = document.createElement('div');
      var label = document.createElement('span');
      label.textContent = kv[0];
      var b = document.createElement('b');
      b.textContent = kv[1];
      d.appendChild(label);
      d.appendChild(b);
      stats.appendChild(d);
    });
    w.box.querySelector('.reason').textContent = (last.kind ? last.kind + ': ' : '') + last.reason;
  }

  function drawDecisions() {
    var body = document.querySelector('#decisions tbody');
    body.innerHTML = '';
    state.decisions.slice(-200).reverse().forEach(function (d) {
      var tr = document.createElement('tr');
      if (d.change === 'failed') { tr.className = 'failed'; }
      [fmtTime(d.t), d.workload, d.desired + ' (now ' + d.current + ')', d.outcome, d.reason].forEach(function (v, i) {
        var td = document.createElement('td');
        if (i < 3) { td.className = 'num'; }
        td.textContent = v;
        tr.appendChild(td);
      });
      body.appendChild(tr);
    });
  }

  function apply(data) {
    if (data.title) { document.getElementById('title').textContent = data.title; }
    (data.samples || []).forEach(function (s) {
      var w = workload(s.workload);
      w.samples.push(s);
      if (w.samples.length > MAX_POINTS) { w.samples.shift(); }
    });
    (data.decisions || []).forEach(function (d) { state.decisions.push(d); });
    (data.annotations || []).forEach(function (a) { state.annotations.push(a); });
    state.seq = Math.max(state.seq, data.seq || 0);
    state.order.forEach(function (n) { draw(state.workloads[n]); });
    drawDecisions();
    document.body.setAttribute('data-seq', String(state.seq));
  }

  function poll() {
    var status = document.getElementById('status');
    fetch('api/state?since=' + state.seq, { cache: 'no-store' })
      .then(function (r) { if (!r.ok) { throw new Error('HTTP ' + r.status); } return r.json(); })
      .then(function (data) {
        apply(data);
        status.textContent = 'live · updated ' + fmtTime(Date.now());
        status.className = 'status live';
      })
      .catch(function (e) {
        status.textContent = 'scaler not reachable (' + e.message + '), retrying…';
        status.className = 'status down';
      })
      .then(function () { setTimeout(poll, 1000); });
  }

  poll();
}());
