/* rooflab: the interactive roofline of report.html.
 *
 * The page embeds, as JSON (#rl-lab-data, written by report/interactive_data.c),
 * every catalog device, power mode and precision with the roofs the C model
 * derives for GEMM and each row op: the compute roof the op runs on, its peak,
 * the ridge, the main-memory bandwidth and the special-function rate; or, where
 * `rooflab predict` refuses the case, its message. This script derives no roof.
 * It evaluates the op accounting, which MIRRORS model/ops.c (rl_op_flops,
 * rl_op_bytes, rl_op_transcendentals: same formulas, same order of operations),
 * and the prediction of model/roofline.c (rl_predict_case). tests/cli/
 * interactive.sh sets the controls in Chromium and holds every number equal to
 * `rooflab predict --json`: change one side and change the other.
 *
 * Links and the test hook: the URL's hash sets the controls (#device=orin-nx-16gb&
 * mode=MAXN&precision=fp16&op=gemm&m=512&n=512&k=512&predict=1; only=lab shows the
 * panel alone), and #batch=<base64url of
 * a JSON list of such settings> applies each in turn through the controls and
 * writes what the page then shows, as JSON, into #rl-lab-batch.
 * Plain ES5, no library, nothing fetched. */
(function () {
    'use strict';
    var dataEl = document.getElementById('rl-lab-data');
    var root = document.getElementById('rl-lab');
    if (!dataEl || !root) return;
    var D = JSON.parse(dataEl.textContent);
    var SVGNS = "http://www.w3.org/2000/svg"; /* a namespace name, never fetched */
    var MAX_DIM = 16777216; /* 2^24: every count below stays exact in a double */

    /* ---- op accounting: mirrors model/ops.c --------------------------------- */
    var LAYERNORM_FLOP_PER_ELEM = 8, SOFTMAX_FLOP_PER_ELEM = 5, GELU_FLOP_PER_ELEM = 9;

    /* rl_mask_visible_total: the keys the causal mask lets the rows see, in
     * blocks of s.queries rows (absent or 0: cols, a square block) */
    function maskBlockKeys(n, before, cols) { /* mask_block_keys */
        var rising = cols - before;
        if (n <= rising) return n * before + n * (n + 1) / 2;
        return rising * before + rising * (rising + 1) / 2 + (n - rising) * cols;
    }
    function maskVisibleTotal(s) {
        if (!(s.rows > 0) || !(s.cols > 0)) return 0.0;
        var q = s.queries > 0 ? s.queries : s.cols;
        var before = s.cols > q ? s.cols - q : 0.0;
        return Math.floor(s.rows / q) * maskBlockKeys(q, before, s.cols) +
               maskBlockKeys(s.rows % q, before, s.cols);
    }

    function opFlops(op, s) { /* rl_op_flops */
        var mat = s.rows * s.cols;
        switch (op) {
        case 'gemm': return 2.0 * s.m * s.n * s.k;
        case 'layernorm': return LAYERNORM_FLOP_PER_ELEM * mat;
        case 'softmax': return SOFTMAX_FLOP_PER_ELEM * mat;
        case 'residual_layernorm':
        case 'residual_layernorm_unfused': return (1 + LAYERNORM_FLOP_PER_ELEM) * mat;
        case 'scale_mask_softmax':
        case 'scale_mask_softmax_unfused': return (1 + SOFTMAX_FLOP_PER_ELEM) * maskVisibleTotal(s);
        case 'bias_gelu':
        case 'bias_gelu_unfused': return (1 + GELU_FLOP_PER_ELEM) * mat;
        }
        return NaN;
    }

    /* rl_op_bytes; e_in, e_out: rl_dtype_size of the input and GEMM output dtypes */
    function opBytes(op, prec, s) {
        var eIn = prec.in_bytes, eOut = op === 'gemm' ? prec.gemm_out_bytes : prec.in_bytes;
        var mat = s.rows * s.cols, row = s.cols;
        switch (op) {
        case 'gemm': return (s.m * s.k + s.k * s.n) * eIn + s.m * s.n * eOut;
        case 'layernorm': return (2.0 * mat + 2.0 * row) * eIn;
        case 'softmax': return 2.0 * mat * eIn;
        case 'residual_layernorm': return (4.0 * mat + 2.0 * row) * eIn;
        case 'residual_layernorm_unfused': return (5.0 * mat + 2.0 * row) * eIn;
        case 'scale_mask_softmax': return (maskVisibleTotal(s) + mat) * eIn;
        case 'scale_mask_softmax_unfused': return (5.0 * mat + maskVisibleTotal(s)) * eIn;
        case 'bias_gelu': return (2.0 * mat + row) * eIn;
        case 'bias_gelu_unfused': return (4.0 * mat + row) * eIn;
        }
        return NaN;
    }

    function opTranscendentals(op, s) { /* rl_op_transcendentals */
        var mat = s.rows * s.cols;
        switch (op) {
        case 'scale_mask_softmax':
        case 'scale_mask_softmax_unfused': return maskVisibleTotal(s);
        case 'softmax':
        case 'bias_gelu':
        case 'bias_gelu_unfused': return mat;
        }
        return 0.0;
    }

    /* The formulas as text, for the derivation. */
    function flopFormula(op) {
        switch (op) {
        case 'gemm': return '2\u00b7m\u00b7n\u00b7k';
        case 'layernorm': return '8\u00b7rows\u00b7cols';
        case 'softmax': return '5\u00b7rows\u00b7cols';
        case 'residual_layernorm': case 'residual_layernorm_unfused': return '9\u00b7rows\u00b7cols';
        case 'scale_mask_softmax': case 'scale_mask_softmax_unfused': return '6\u00b7V (V: the keys the causal mask lets the rows see, rows\u00b7(cols + 1)/2 for whole square blocks)';
        default: return '10\u00b7rows\u00b7cols';
        }
    }
    function byteFormula(op, prec) {
        var e = prec.in_bytes + ' B';
        switch (op) {
        case 'gemm': return '(m\u00b7k + k\u00b7n)\u00b7' + e + ' + m\u00b7n\u00b7' + prec.gemm_out_bytes + ' B';
        case 'layernorm': return '(2\u00b7rows\u00b7cols + 2\u00b7cols)\u00b7' + e;
        case 'softmax': return '2\u00b7rows\u00b7cols\u00b7' + e;
        case 'scale_mask_softmax': return '(V + rows\u00b7cols)\u00b7' + e;
        case 'residual_layernorm': return '(4\u00b7rows\u00b7cols + 2\u00b7cols)\u00b7' + e;
        case 'residual_layernorm_unfused': return '(5\u00b7rows\u00b7cols + 2\u00b7cols)\u00b7' + e;
        case 'scale_mask_softmax_unfused': return '(5\u00b7rows\u00b7cols + V)\u00b7' + e;
        case 'bias_gelu': return '(2\u00b7rows\u00b7cols + cols)\u00b7' + e;
        default: return '(4\u00b7rows\u00b7cols + cols)\u00b7' + e;
        }
    }

    /* ---- the prediction: mirrors rl_predict_case (model/roofline.c) ---------- */
    function attainable(peak, bw, intensity) { /* rl_attainable */
        if (!(peak > 0) || !(bw > 0) || !(intensity > 0)) return 0.0;
        var mem = intensity * bw;
        return mem < peak ? mem : peak;
    }

    function predict(machine, roof, op, prec, s) {
        var r = {};
        r.flops = opFlops(op, s);
        r.bytes = opBytes(op, prec, s);
        r.intensity = r.bytes > 0 ? r.flops / r.bytes : 0.0;
        r.peak = roof.flop_per_s;
        r.bw = machine.byte_per_s;
        r.ridge = roof.ridge;
        r.trans = opTranscendentals(op, s);
        r.mufu = r.trans > 0 ? machine.mufu_op_per_s : 0.0;
        var tCompute = r.flops / r.peak;
        var tMufu = r.mufu > 0 ? r.trans / r.mufu : 0.0;
        var tMemory = r.bytes / r.bw;
        var tArith = tCompute > tMufu ? tCompute : tMufu;
        r.time = tArith > tMemory ? tArith : tMemory;
        r.bound = tArith >= tMemory && tArith > 0 ? 'compute' : 'memory';
        r.binding = r.bound === 'memory' ? machine.mem : tMufu > tCompute ? 'mufu' : roof.name;
        r.attainable = attainable(r.peak, r.bw, r.intensity);
        if (tMufu > 0 && r.flops / tMufu < r.attainable) r.attainable = r.flops / tMufu;
        r.mfu = r.peak > 0 && r.attainable >= 0 ? r.attainable / r.peak : 0.0;
        /* the special-function ceiling on a FLOP/s axis (rl_mufu_ceiling_flop_per_s) */
        var unit = {rows: 1, cols: 1};
        r.mufuCeiling = machine.mufu_op_per_s > 0 && opTranscendentals(op, unit) > 0
            ? machine.mufu_op_per_s * opFlops(op, unit) / opTranscendentals(op, unit) : 0.0;
        return r;
    }

    /* ---- formatting ------------------------------------------------------------ */
    function si(v, unit) {
        var prefixes = ['', 'k', 'M', 'G', 'T', 'P', 'E'], i = 0;
        while (Math.abs(v) >= 1000 && i < prefixes.length - 1) { v /= 1000; i++; }
        return v.toPrecision(4).replace(/\.?0+$/, '') + ' ' + prefixes[i] + unit;
    }
    function siTime(s) {
        if (s >= 1) return s.toPrecision(4) + ' s';
        if (s >= 1e-3) return (s * 1e3).toPrecision(4) + ' ms';
        if (s >= 1e-6) return (s * 1e6).toPrecision(4) + ' \u00b5s';
        return (s * 1e9).toPrecision(4) + ' ns';
    }
    function num(v) { return v.toPrecision(4).replace(/\.?0+$/, ''); }
    function opLabel(op) {
        return op === 'gemm' ? 'GEMM' : op.replace(/_/g, ' ');
    }
    function shapeLabel(op, s) {
        return op === 'gemm' ? s.m + '\u00d7' + s.n + '\u00d7' + s.k
                             : s.rows + ' rows \u00d7 ' + s.cols + ' cols';
    }

    /* ---- DOM helpers ----------------------------------------------------------- */
    function el(tag, attrs, text) {
        var e = document.createElement(tag);
        for (var k in attrs) if (attrs.hasOwnProperty(k)) e.setAttribute(k, attrs[k]);
        if (text !== undefined) e.textContent = text;
        return e;
    }
    function svgEl(tag, attrs, text) {
        var e = document.createElementNS(SVGNS, tag);
        for (var k in attrs) if (attrs.hasOwnProperty(k)) e.setAttribute(k, attrs[k]);
        if (text !== undefined) e.textContent = text;
        return e;
    }
    function field(parent, label, control) {
        var l = el('label', {'class': 'lab-field'});
        l.appendChild(el('span', {}, label));
        l.appendChild(control);
        parent.appendChild(l);
        return l;
    }
    function option(select, value, text) {
        var o = el('option', {value: value}, text);
        select.appendChild(o);
        return o;
    }
    function findDevice(id) {
        for (var i = 0; i < D.devices.length; i++) if (D.devices[i].id === id) return D.devices[i];
        return null;
    }
    function precisionIndex(name) {
        for (var i = 0; i < D.precisions.length; i++) if (D.precisions[i].name === name) return i;
        return -1;
    }
    function opIndex(name) {
        for (var i = 0; i < D.ops.length; i++) if (D.ops[i].name === name) return i;
        return -1;
    }

    /* ---- the controls -------------------------------------------------------- */
    var intro = el('p', {'class': 'meta'});
    intro.textContent = 'Pick a device, a precision and an op, and watch where its point lands. ' +
        'The roofs are the catalog\u2019s dense datasheet peaks, derived by the same model as ' +
        '\u201crooflab predict\u201d (the command is shown under the chart); left of the ridge ' +
        'a case is limited by memory bandwidth, right of it by arithmetic. With \u201cPredict ' +
        'first\u201d on, commit your answer before the verdict is shown.';
    root.appendChild(intro);
    var controls = el('div', {'class': 'lab-controls'});
    root.appendChild(controls);

    var deviceSel = el('select', {id: 'lab-device'});
    D.devices.forEach(function (d) { option(deviceSel, d.id, d.name + ' (' + d.id + ')'); });
    field(controls, 'Device', deviceSel);
    var modeSel = el('select', {id: 'lab-mode'});
    var modeField = field(controls, 'Power mode', modeSel);
    var precSel = el('select', {id: 'lab-precision'});
    D.precisions.forEach(function (p) { option(precSel, p.name, p.name); });
    field(controls, 'Precision', precSel);
    var opSel = el('select', {id: 'lab-op'});
    D.ops.forEach(function (o) { option(opSel, o.name, opLabel(o.name)); });
    field(controls, 'Op', opSel);

    var shapeRow = el('div', {'class': 'lab-controls'});
    root.appendChild(shapeRow);
    function dimInput(id, value) {
        return el('input', {id: id, type: 'number', min: '1', max: String(MAX_DIM), step: '1',
                            value: String(value)});
    }
    var inM = dimInput('lab-m', 512), inN = dimInput('lab-n', 512), inK = dimInput('lab-k', 512);
    var inRows = dimInput('lab-rows', 4096), inCols = dimInput('lab-cols', 4096);
    var gemmFields = [field(shapeRow, 'M', inM), field(shapeRow, 'N', inN), field(shapeRow, 'K', inK)];
    var rowFields = [field(shapeRow, 'rows', inRows), field(shapeRow, 'cols', inCols)];
    /* powers of two, 2^5 .. 2^16: m = n = k for GEMM, cols for a row op */
    var slider = el('input', {id: 'lab-size', type: 'range', min: '5', max: '16', step: '1', value: '9'});
    var sliderField = field(shapeRow, 'm = n = k', slider);
    var sliderText = el('span', {'class': 'lab-slider-value'});
    sliderField.appendChild(sliderText);

    var modeRow = el('div', {'class': 'lab-controls'});
    root.appendChild(modeRow);
    var predictFirst = el('input', {id: 'lab-predict-first', type: 'checkbox'});
    var pfLabel = el('label', {'class': 'lab-check'});
    pfLabel.appendChild(predictFirst);
    pfLabel.appendChild(document.createTextNode(' Predict first: hide the verdict until I answer'));
    modeRow.appendChild(pfLabel);
    var showMeasured = el('input', {id: 'lab-show-measured', type: 'checkbox'});
    showMeasured.checked = true;
    if (D.measured && D.measured.length) {
        var smLabel = el('label', {'class': 'lab-check'});
        smLabel.appendChild(showMeasured);
        smLabel.appendChild(document.createTextNode(' Show this run\u2019s ' + D.measured.length +
            ' measured points (' + (D.measured_on || 'this run\u2019s device') + ')'));
        modeRow.appendChild(smLabel);
    }
    var score = el('span', {'class': 'lab-score', id: 'lab-score'});
    modeRow.appendChild(score);

    var body = el('div', {'class': 'lab-body'});
    root.appendChild(body);
    var chartBox = el('div', {'class': 'lab-chart'});
    body.appendChild(chartBox);
    var side = el('div', {'class': 'lab-side'});
    body.appendChild(side);
    var question = el('div', {'class': 'lab-question', id: 'lab-question'});
    side.appendChild(question);
    var verdict = el('div', {'class': 'lab-verdict', id: 'lab-verdict'});
    side.appendChild(verdict);
    var feedback = el('div', {'class': 'lab-feedback', id: 'lab-feedback'});
    side.appendChild(feedback);
    var derivation = el('table', {'class': 'lab-derivation', id: 'lab-derivation'});
    side.appendChild(derivation);
    var command = el('p', {'class': 'lab-command', id: 'lab-command'});
    root.appendChild(command);
    var batchOut = el('pre', {id: 'rl-lab-batch', hidden: 'hidden'});
    root.appendChild(batchOut);

    /* ---- state ------------------------------------------------------------------ */
    var committed = null; /* the student's answer to the current question */
    var tally = {right: 0, asked: 0};

    function currentDevice() { return findDevice(deviceSel.value); }
    function fillModes() {
        var d = currentDevice();
        while (modeSel.firstChild) modeSel.removeChild(modeSel.firstChild);
        if (!d || !d.modes.length) {
            modeField.hidden = true;
            return;
        }
        modeField.hidden = false;
        d.modes.forEach(function (m) {
            var o = option(modeSel, m.key, m.name + (m.super ? ' (Super conf)' : '') +
                           (m['default'] ? ' (default)' : ''));
            if (m['default']) o.selected = true;
        });
    }
    function currentMachine(d) {
        if (!d) return null;
        if (!d.modes.length) return d.machines[0];
        for (var i = 0; i < d.machines.length; i++)
            if (d.machines[i].mode === modeSel.value) return d.machines[i];
        return null;
    }
    function currentMode(d) {
        for (var i = 0; d && i < d.modes.length; i++)
            if (d.modes[i].key === modeSel.value) return d.modes[i];
        return null;
    }
    function readDim(input) {
        var t = String(input.value).trim();
        if (!/^[0-9]+$/.test(t)) return NaN;
        var v = Number(t);
        return v >= 1 && v <= MAX_DIM ? v : NaN;
    }
    function currentShape() {
        return {m: readDim(inM), n: readDim(inN), k: readDim(inK), rows: readDim(inRows),
                cols: readDim(inCols)};
    }

    /* What the page shows for the current controls: a prediction, a refusal
     * (rooflab predict's message) or an invalid shape. */
    function evaluate() {
        var d = currentDevice(), machine = currentMachine(d);
        var pi = precisionIndex(precSel.value), oi = opIndex(opSel.value);
        var op = opSel.value, s = currentShape();
        var out = {device: d, machine: machine, op: op, shape: s,
                   prec: D.precisions[pi], mode: currentMode(d)};
        if (!d || !machine || pi < 0 || oi < 0) {
            out.state = 'invalid';
            out.message = 'unknown device, power mode, precision or op';
            return out;
        }
        var dims = op === 'gemm' ? ['m', 'n', 'k'] : ['rows', 'cols'];
        for (var i = 0; i < dims.length; i++)
            if (!(s[dims[i]] >= 1)) {
                out.state = 'invalid';
                out.message = dims[i] + ' must be a whole number from 1 to ' + MAX_DIM;
                return out;
            }
        var c = machine.cases[pi][oi];
        if (c < 0) {
            var msg = D.messages[-1 - c];
            out.state = 'refused';
            out.refusal = msg;
            return out;
        }
        out.roof = machine.roofs[c];
        out.r = predict(machine, out.roof, op, out.prec, s);
        out.state = 'ok';
        return out;
    }

    /* ---- the chart ------------------------------------------------------------ */
    var W = 730, H = 470, ML = 106, MR = 18, MT = 16, MB = 52;

    function drawChart(ev, reveal) {
        while (chartBox.firstChild) chartBox.removeChild(chartBox.firstChild);
        var svg = svgEl('svg', {viewBox: '0 0 ' + W + ' ' + H, width: W, height: H,
                                role: 'img', 'class': 'lab-svg', id: 'lab-svg'});
        chartBox.appendChild(svg);
        if (ev.state !== 'ok') {
            var t = svgEl('text', {x: W / 2, y: H / 2, 'text-anchor': 'middle', 'class': 'lab-empty'},
                          ev.state === 'refused' ? 'No roofline prediction for this case'
                                                 : 'Enter a valid shape');
            svg.appendChild(t);
            return;
        }
        var r = ev.r, m = ev.machine, roof = ev.roof;
        var pts = D.measured && showMeasured.checked ? D.measured : [];
        /* ranges, in decades: the ridge with room on both sides, the point, the measured points */
        var xs = [r.ridge / 100, r.ridge * 20], ys = [roof.flop_per_s * 2];
        if (reveal && r.intensity > 0) { xs.push(r.intensity / 3, r.intensity * 3); ys.push(r.attainable / 3); }
        if (r.mufuCeiling > 0) ys.push(r.mufuCeiling / 2);
        pts.forEach(function (p) {
            xs.push(p.intensity / 2, p.intensity * 2);
            ys.push(p.flop_per_s / 2, p.flop_per_s * 2);
        });
        var lx0 = Math.floor(Math.log10(Math.min.apply(null, xs)));
        var lx1 = Math.ceil(Math.log10(Math.max.apply(null, xs)));
        ys.push(r.bw * Math.pow(10, lx0));
        var ly0 = Math.floor(Math.log10(Math.min.apply(null, ys)));
        var ly1 = Math.ceil(Math.log10(Math.max.apply(null, ys)));
        /* one decade is as long on both axes, so a bandwidth roof is always at 45 degrees:
         * the axis with room to spare gets more decades, half on each side */
        var pw = W - ML - MR, ph = H - MT - MB;
        var dec = Math.min(pw / (lx1 - lx0), ph / (ly1 - ly0));
        var xMore = pw / dec - (lx1 - lx0), yMore = ph / dec - (ly1 - ly0);
        lx0 -= xMore / 2;
        lx1 += xMore / 2;
        ly0 -= yMore / 2;
        ly1 += yMore / 2;
        function X(v) { return ML + (Math.log10(v) - lx0) * dec; }
        function Y(v) { return MT + (ly1 - Math.log10(v)) * dec; }
        var xMin = Math.pow(10, lx0), xMax = Math.pow(10, lx1), yMin = Math.pow(10, ly0);
        /* every range above holds what is drawn, so nothing needs clipping */
        var plot = svgEl('g', {});

        /* regions either side of the ridge */
        var xr = Math.min(Math.max(X(r.ridge), ML), ML + pw);
        plot.appendChild(svgEl('rect', {x: ML, y: MT, width: xr - ML, height: ph, 'class': 'lab-mem-zone'}));
        plot.appendChild(svgEl('rect', {x: xr, y: MT, width: ML + pw - xr, height: ph, 'class': 'lab-cmp-zone'}));
        svg.appendChild(plot);

        /* grid and ticks at whole decades */
        var axes = svgEl('g', {'class': 'lab-axes'});
        for (var e = Math.ceil(lx0); e <= Math.floor(lx1); e++) {
            var x = X(Math.pow(10, e));
            axes.appendChild(svgEl('line', {x1: x, y1: MT, x2: x, y2: MT + ph, 'class': 'lab-grid'}));
            axes.appendChild(svgEl('text', {x: x, y: MT + ph + 16, 'text-anchor': 'middle'}, decadeText(e, '')));
        }
        for (e = Math.ceil(ly0); e <= Math.floor(ly1); e++) {
            var y = Y(Math.pow(10, e));
            axes.appendChild(svgEl('line', {x1: ML, y1: y, x2: ML + pw, y2: y, 'class': 'lab-grid'}));
            axes.appendChild(svgEl('text', {x: ML - 6, y: y + 4, 'text-anchor': 'end'}, si(Math.pow(10, e), 'FLOP/s')));
        }
        axes.appendChild(svgEl('rect', {x: ML, y: MT, width: pw, height: ph, 'class': 'lab-frame'}));
        axes.appendChild(svgEl('text', {x: ML + pw / 2, y: H - 12, 'text-anchor': 'middle', 'class': 'lab-axis-title'},
                               'arithmetic intensity (FLOP/B)'));
        svg.appendChild(axes);

        plot = svgEl('g', {});
        svg.appendChild(plot);
        plot.appendChild(svgEl('text', {x: ML + 8, y: MT + 18, 'class': 'lab-zone-label lab-mem-text'}, 'memory-bound'));
        plot.appendChild(svgEl('text', {x: ML + pw - 8, y: MT + 18, 'text-anchor': 'end',
                                        'class': 'lab-zone-label lab-cmp-text'}, 'compute-bound'));
        /* the roof: min(peak, I x bandwidth) */
        var x0 = Math.max(xMin, yMin / r.bw);
        plot.appendChild(svgEl('polyline', {points: X(x0) + ',' + Y(x0 * r.bw) + ' ' + X(r.ridge) + ',' +
            Y(r.peak) + ' ' + X(xMax) + ',' + Y(r.peak), 'class': 'lab-roof'}));
        /* the ridge */
        plot.appendChild(svgEl('line', {x1: X(r.ridge), y1: Y(r.peak), x2: X(r.ridge), y2: MT + ph,
                                        'class': 'lab-ridge'}));
        plot.appendChild(svgEl('circle', {cx: X(r.ridge), cy: Y(r.peak), r: 4, 'class': 'lab-ridge-dot'}));
        var ridgeLeft = X(r.ridge) > ML + pw - 150;
        plot.appendChild(svgEl('text', {x: X(r.ridge) + (ridgeLeft ? -6 : 6), y: MT + ph - 8,
            'text-anchor': ridgeLeft ? 'end' : 'start', 'class': 'lab-ridge-label'},
            'ridge ' + num(r.ridge) + ' FLOP/B'));
        /* roof labels: the compute roof above its line at the right, the bandwidth
         * along its diagonal a third of the way up */
        plot.appendChild(svgEl('text', {x: ML + pw - 8, y: Y(r.peak) - 7, 'text-anchor': 'end',
            'class': 'lab-roof-label'}, roof.name + ' peak ' + si(r.peak, 'FLOP/s')));
        var xa = X(x0), xb = X(r.ridge), lx = xa, best = Infinity;
        for (var f = 0.15; f <= 0.61; f += 0.05) { /* the spot with the fewest measured points near */
            var cx = xa + (xb - xa) * f, cy = Y(Math.pow(10, (cx - ML) / dec + lx0) * r.bw), near = 0;
            pts.forEach(function (p) {
                var dx = X(p.intensity) - cx, dy = Y(p.flop_per_s) - cy;
                if (Math.abs(dx + dy) < 90 && Math.abs(dx - dy) < 40) near++;
            });
            if (near < best) { best = near; lx = cx; }
        }
        var lyv = Y(Math.pow(10, (lx - ML) / dec + lx0) * r.bw);
        plot.appendChild(svgEl('text', {x: lx, y: lyv - 8, transform: 'rotate(-45 ' + lx + ' ' + (lyv - 8) + ')',
            'class': 'lab-roof-label'}, m.mem + ' ' + si(r.bw, 'B/s')));
        if (r.mufuCeiling > 0) {
            plot.appendChild(svgEl('line', {x1: ML, y1: Y(r.mufuCeiling), x2: ML + pw, y2: Y(r.mufuCeiling),
                                            'class': 'lab-mufu'}));
            plot.appendChild(svgEl('text', {x: ML + pw - 8, y: Y(r.mufuCeiling) + 15, 'text-anchor': 'end',
                'class': 'lab-mufu-label'}, 'exp unit (MUFU) ceiling ' + si(r.mufuCeiling, 'FLOP/s')));
        }
        /* the run's measured points, named under the memory-bound label */
        if (pts.length)
            plot.appendChild(svgEl('text', {x: ML + 8, y: MT + 36, 'class': 'lab-legend'},
                '\u25c6 measured in this run (' + (D.measured_on || 'this run\u2019s device') + ')'));
        pts.forEach(function (p) {
            var g = svgEl('g', {'class': 'lab-measured'});
            g.appendChild(svgEl('title', {}, p.name + ': ' + si(p.flop_per_s, 'FLOP/s') + ' at ' +
                                num(p.intensity) + ' FLOP/B, measured on ' + (D.measured_on || 'this run')));
            var cx = X(p.intensity), cy = Y(p.flop_per_s);
            g.appendChild(svgEl('path', {d: 'M' + cx + ' ' + (cy - 5) + 'L' + (cx + 5) + ' ' + cy + 'L' + cx +
                ' ' + (cy + 5) + 'L' + (cx - 5) + ' ' + cy + 'Z', fill: p.color, 'class': 'lab-measured-mark'}));
            plot.appendChild(g);
        });
        /* the case's point, once revealed */
        if (reveal && r.intensity > 0) {
            var px = X(r.intensity), py = Y(r.attainable);
            var color = D.ops[opIndex(ev.op)].color;
            plot.appendChild(svgEl('line', {x1: px, y1: py, x2: px, y2: MT + ph, 'class': 'lab-drop'}));
            var g = svgEl('g', {id: 'lab-point'});
            g.appendChild(svgEl('title', {}, opLabel(ev.op) + ' ' + shapeLabel(ev.op, ev.shape) + ' ' +
                                ev.prec.name + ': ' + num(r.intensity) + ' FLOP/B, ' +
                                si(r.attainable, 'FLOP/s')));
            g.appendChild(svgEl('circle', {cx: px, cy: py, r: 8, fill: color, 'class': 'lab-point'}));
            plot.appendChild(g);
            /* below the roof, which runs through the point: right of it, else left */
            var right = px < ML + pw - 230;
            var ty = py + (right ? 24 : 30);
            plot.appendChild(svgEl('text', {x: px + (right ? 12 : -12), y: ty, 'text-anchor': right ? 'start' : 'end',
                'class': 'lab-point-label'}, opLabel(ev.op) + ' ' + shapeLabel(ev.op, ev.shape) + ' ' + ev.prec.name));
            plot.appendChild(svgEl('text', {x: px + (right ? 12 : -12), y: ty + 15, 'text-anchor': right ? 'start' : 'end',
                'class': 'lab-point-sub'}, si(r.attainable, 'FLOP/s') + ', ' + num(100 * r.mfu) + ' % MFU'));
        }
        /* the y axis title last, on top */
        svg.appendChild(svgEl('text', {x: 14, y: MT + ph / 2, transform: 'rotate(-90 14 ' + (MT + ph / 2) + ')',
            'text-anchor': 'middle', 'class': 'lab-axis-title'}, 'attainable FLOP/s'));
    }
    function decadeText(e, unit) {
        if (e >= 0 && e <= 4) return String(Math.pow(10, e)) + unit;
        if (e < 0 && e >= -3) return Math.pow(10, e).toFixed(-e) + unit;
        return '1e' + e + unit;
    }

    /* ---- the verdict -------------------------------------------------------------- */
    function card(label, value, sub) {
        var c = el('div', {'class': 'lab-card'});
        c.appendChild(el('div', {'class': 'lab-card-label'}, label));
        c.appendChild(el('div', {'class': 'lab-card-value'}, value));
        if (sub) c.appendChild(el('div', {'class': 'lab-card-sub'}, sub));
        return c;
    }
    function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
    function row(label, formula, value, hidden) {
        var tr = el('tr', hidden ? {'class': 'lab-hidden-row'} : {});
        tr.appendChild(el('th', {}, label));
        tr.appendChild(el('td', {}, hidden ? '?' : formula));
        tr.appendChild(el('td', {'class': 'lab-n'}, hidden ? '' : value));
        derivation.appendChild(tr);
    }
    var VERDICT_KEYS = ['bound', 'binding', 'roof', 'flops', 'bytes', 'intensity', 'peak', 'ridge',
                        'byte-per-s', 'attainable', 'time', 'mfu'];

    function explain(r) {
        if (r.binding === 'mufu')
            return 'the special-function unit limits it: its exps take longer than its arithmetic ' +
                   'and its bytes';
        if (r.bound === 'memory')
            return 'its intensity, ' + num(r.intensity) + ' FLOP/B, is below the ridge at ' +
                   num(r.ridge) + ' FLOP/B: bytes take longer than arithmetic';
        return 'its intensity, ' + num(r.intensity) + ' FLOP/B, is at or above the ridge at ' +
               num(r.ridge) + ' FLOP/B: arithmetic takes longer than the bytes';
    }

    function render() {
        var ev = evaluate();
        var asking = predictFirst.checked && ev.state === 'ok' && committed === null;
        var reveal = ev.state === 'ok' && !asking;
        drawChart(ev, reveal);
        clear(verdict);
        clear(question);
        clear(feedback);
        clear(derivation);
        VERDICT_KEYS.forEach(function (k) { verdict.removeAttribute('data-' + k); });
        verdict.removeAttribute('data-refusal');
        verdict.removeAttribute('data-refusal-kind');
        var d = ev.device;
        var modeText = ev.mode ? ', power mode ' + ev.mode.name + (ev.mode.super ? ' (Super conf)' : '') +
            ': ' + ev.mode.sms + ' SMs at ' + ev.mode.gpu_max_mhz + ' MHz' +
            (ev.mode.emc_max_mhz > 0 ? ', memory clock capped at ' + ev.mode.emc_max_mhz + ' MHz' : '') : '';
        command.textContent = '';
        if (ev.state === 'invalid') {
            verdict.setAttribute('data-state', 'invalid');
            verdict.appendChild(el('div', {'class': 'lab-refusal'}, ev.message));
            return ev;
        }
        var cmd = 'rooflab predict --device ' + d.id + (ev.mode ? ' --power-mode ' + ev.mode.key : '') +
            ' --op ' + ev.op + (ev.op === 'gemm' ? ' --m ' + ev.shape.m + ' --n ' + ev.shape.n + ' --k ' + ev.shape.k
                                                 : ' --rows ' + ev.shape.rows + ' --cols ' + ev.shape.cols) +
            ' --precision ' + ev.prec.name;
        command.appendChild(document.createTextNode(d.name + modeText + '. Same numbers, step by step: '));
        command.appendChild(el('code', {}, cmd));
        if (ev.state === 'refused') {
            verdict.setAttribute('data-state', 'refused');
            verdict.setAttribute('data-refusal', ev.refusal.text);
            verdict.setAttribute('data-refusal-kind', ev.refusal.kind);
            var box = el('div', {'class': 'lab-refusal', id: 'lab-refusal'});
            box.appendChild(el('strong', {}, 'No prediction. '));
            box.appendChild(document.createTextNode(ev.refusal.text + (ev.refusal.kind === 'refused'
                ? ' \u2014 no backend runs this case, so rooflab predict refuses it too.'
                : ' \u2014 the catalog has no number for this roof, so rooflab predict refuses it too.')));
            verdict.appendChild(box);
            return ev;
        }
        var r = ev.r, roof = ev.roof, m = ev.machine;
        row('FLOPs', flopFormula(ev.op), si(r.flops, 'FLOP'), false);
        row('Bytes', byteFormula(ev.op, ev.prec), si(r.bytes, 'B'), false);
        row('Compute roof', roof.name + ' (dense)', si(r.peak, 'FLOP/s'), false);
        row('Bandwidth', m.mem, si(r.bw, 'B/s'), false);
        row('Ridge', 'peak / bandwidth', num(r.ridge) + ' FLOP/B', false);
        if (r.trans > 0 && r.mufu > 0)
            row('Exp unit', r.trans + ' exps at ' + si(r.mufu, '/s'), siTime(r.trans / r.mufu), false);
        row('Intensity', 'FLOPs / bytes', num(r.intensity) + ' FLOP/B', asking);
        row('Attainable', 'min(peak, intensity \u00d7 bandwidth' + (r.mufuCeiling > 0 && r.mufu > 0 ? ', exp ceiling)' : ')'),
            si(r.attainable, 'FLOP/s'), asking);
        row('Time', 'max(FLOPs / peak, ' + (r.mufu > 0 ? 'exps / exp rate, ' : '') + 'bytes / bandwidth)',
            siTime(r.time), asking);
        row('MFU', 'attainable / ' + roof.name + ' peak', num(100 * r.mfu) + ' %', asking);
        var sources = el('tr', {'class': 'lab-sources'});
        sources.appendChild(el('td', {colspan: '3'}, 'Peak: ' + (roof.source || '\u2014') + '. Bandwidth: ' +
                                  (m.bw_source || '\u2014') + '.'));
        derivation.appendChild(sources);
        if (asking) {
            verdict.setAttribute('data-state', 'hidden');
            question.appendChild(el('p', {}, 'Your prediction: is ' + opLabel(ev.op) + ' ' +
                shapeLabel(ev.op, ev.shape) + ' at ' + ev.prec.name + ' on the ' + d.name +
                ' memory-bound or compute-bound?'));
            ['memory', 'compute'].forEach(function (b) {
                var btn = el('button', {type: 'button', id: 'lab-answer-' + b, 'class': 'lab-answer'},
                             b + '-bound');
                btn.addEventListener('click', function () { commit(b); });
                question.appendChild(btn);
            });
            verdict.appendChild(el('div', {'class': 'lab-locked'},
                'Verdict hidden until you answer: bound, attainable rate, time and MFU.'));
            return ev;
        }
        verdict.setAttribute('data-state', 'shown');
        var vals = {bound: r.bound, binding: r.binding, roof: roof.name, flops: r.flops, bytes: r.bytes,
                    intensity: r.intensity, peak: r.peak, ridge: r.ridge, 'byte-per-s': r.bw,
                    attainable: r.attainable, time: r.time, mfu: r.mfu};
        VERDICT_KEYS.forEach(function (k) { verdict.setAttribute('data-' + k, String(vals[k])); });
        var cards = el('div', {'class': 'lab-cards'});
        cards.appendChild(card('Bound', r.bound + '-bound', 'by ' + r.binding));
        cards.appendChild(card('Intensity', num(r.intensity), 'FLOP/B (ridge ' + num(r.ridge) + ')'));
        cards.appendChild(card('Attainable', si(r.attainable, 'FLOP/s'), 'of ' + si(r.peak, 'FLOP/s')));
        cards.appendChild(card('Time', siTime(r.time), 'predicted'));
        cards.appendChild(card('MFU', num(100 * r.mfu) + ' %', 'of the ' + roof.name + ' peak'));
        cards.firstChild.classList.add(r.bound === 'memory' ? 'lab-mem' : 'lab-cmp');
        verdict.appendChild(cards);
        if (committed !== null) {
            var right = committed === r.bound;
            feedback.className = 'lab-feedback ' + (right ? 'lab-right' : 'lab-wrong');
            feedback.setAttribute('data-right', right ? 'yes' : 'no');
            feedback.textContent = (right ? '\u2713 Right: ' : '\u2717 Not this time: ') +
                'it is ' + r.bound + '-bound \u2014 ' + explain(r) + '.';
        } else {
            feedback.removeAttribute('data-right');
            feedback.className = 'lab-feedback';
            feedback.textContent = 'It is ' + r.bound + '-bound: ' + explain(r) + '.';
        }
        return ev;
    }

    function commit(answer) {
        committed = answer;
        var ev = render();
        if (ev.state === 'ok') {
            tally.asked++;
            if (answer === ev.r.bound) tally.right++;
            score.textContent = tally.right + ' of ' + tally.asked + ' predictions right';
        }
    }
    /* Any change of the case is a new question. */
    function changed() {
        committed = null;
        render();
    }

    /* The slider follows the size typed in: the nearest power of two it offers. */
    function syncSlider() {
        var v = opSel.value === 'gemm' ? readDim(inM) : readDim(inCols);
        if (v >= 1) {
            var e = Math.round(Math.log(v) / Math.LN2);
            slider.value = String(Math.min(Math.max(e, Number(slider.min)), Number(slider.max)));
        }
        sliderText.textContent = v >= 1 ? String(v) : '';
    }
    function showShapeFields() {
        var gemm = opSel.value === 'gemm';
        gemmFields.forEach(function (f) { f.hidden = !gemm; });
        rowFields.forEach(function (f) { f.hidden = gemm; });
        sliderField.firstChild.textContent = gemm ? 'm = n = k' : 'cols';
    }
    deviceSel.addEventListener('change', function () { fillModes(); changed(); });
    modeSel.addEventListener('change', changed);
    precSel.addEventListener('change', changed);
    opSel.addEventListener('change', function () { showShapeFields(); syncSlider(); changed(); });
    [inM, inN, inK, inRows, inCols].forEach(function (i) {
        i.addEventListener('input', function () { syncSlider(); changed(); });
    });
    slider.addEventListener('input', function () {
        var v = String(Math.pow(2, Number(slider.value)));
        if (opSel.value === 'gemm') { inM.value = v; inN.value = v; inK.value = v; }
        else inCols.value = v;
        syncSlider();
        changed();
    });
    predictFirst.addEventListener('change', changed);
    showMeasured.addEventListener('change', render);

    /* ---- settings from the URL (links for a class, and the test hook) -------- */
    function fire(node, type) {
        var e = document.createEvent('HTMLEvents');
        e.initEvent(type, true, false);
        node.dispatchEvent(e);
    }
    function setSelect(sel, value) {
        if (value === undefined || value === null) return true;
        for (var i = 0; i < sel.options.length; i++)
            if (sel.options[i].value.toLowerCase() === String(value).toLowerCase()) {
                sel.value = sel.options[i].value;
                fire(sel, 'change');
                return true;
            }
        return false;
    }
    function setMode(value) {
        if (value === undefined || value === null) return true;
        if (setSelect(modeSel, value)) return true;
        var want = String(value).toLowerCase().replace(/^mode_/, '');
        var d = currentDevice();
        for (var i = 0; d && i < d.modes.length; i++)
            if (d.modes[i].name.toLowerCase().replace(/^mode_/, '') === want && !d.modes[i].super)
                return setSelect(modeSel, d.modes[i].key);
        return false;
    }
    function setInput(input, value) {
        if (value === undefined || value === null) return;
        input.value = String(value);
        fire(input, 'input');
    }
    /* Applies one settings object through the controls; false when a value is not offered. */
    function apply(s) {
        var ok = setSelect(deviceSel, s.device);
        ok = setMode(s.mode) && ok;
        ok = setSelect(precSel, s.precision) && ok;
        ok = setSelect(opSel, s.op) && ok;
        setInput(inM, s.m); setInput(inN, s.n); setInput(inK, s.k);
        setInput(inRows, s.rows); setInput(inCols, s.cols);
        if (s.predict !== undefined && predictFirst.checked !== !!Number(s.predict)) {
            predictFirst.checked = !!Number(s.predict);
            fire(predictFirst, 'change');
        }
        return ok;
    }
    var VERDICT_TEXT = {bound: 1, binding: 1, roof: 1};
    function readVerdict() {
        var o = {state: verdict.getAttribute('data-state')};
        VERDICT_KEYS.forEach(function (k) {
            var v = verdict.getAttribute('data-' + k);
            if (v !== null) o[k.replace(/-/g, '_')] = VERDICT_TEXT[k] ? v : Number(v);
        });
        if (verdict.hasAttribute('data-refusal')) {
            o.refusal = verdict.getAttribute('data-refusal');
            o.refusal_kind = verdict.getAttribute('data-refusal-kind');
        }
        o.verdict_text = verdict.textContent;
        o.derivation_text = derivation.textContent;
        o.point_drawn = !!document.getElementById('lab-point');
        return o;
    }
    function runBatch(items) {
        var results = items.map(function (s) {
            var res = {applied: apply(s)};
            res.before = readVerdict();
            if (s.answer) {
                var btn = document.getElementById('lab-answer-' + s.answer);
                res.answer_offered = !!btn;
                if (btn) btn.click();
                res.after = readVerdict();
                res.feedback = feedback.textContent;
                res.right = feedback.getAttribute('data-right');
            }
            return res;
        });
        batchOut.textContent = JSON.stringify(results);
    }
    function fromHash() {
        var h = location.hash.replace(/^#/, '');
        if (!h) return;
        var s = {};
        h.split('&').forEach(function (kv) {
            var i = kv.indexOf('=');
            if (i > 0) s[decodeURIComponent(kv.slice(0, i))] = decodeURIComponent(kv.slice(i + 1));
        });
        if (s.batch) {
            var b64 = s.batch.replace(/-/g, '+').replace(/_/g, '/');
            runBatch(JSON.parse(atob(b64)));
            return;
        }
        if (s.only === 'lab') showOnlyLab();
        apply(s);
    }
    /* Presentation: the panel alone (#only=lab), for a projector or a screenshot. */
    function showOnlyLab() {
        Array.prototype.forEach.call(document.body.children, function (c) {
            if (c !== root && c.tagName !== 'SCRIPT' && c.tagName !== 'STYLE') c.hidden = true;
        });
        root.classList.add('lab-only');
    }

    /* ---- start ------------------------------------------------------------------- */
    fillModes();
    showShapeFields();
    apply(D.start); /* the device, mode, precision and case the page opens on */
    syncSlider();
    render();
    fromHash();
    window.addEventListener('hashchange', fromHash);
})();
