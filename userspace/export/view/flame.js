// ferret view: the flame chart (a thread's calls in time order) and the flame graph (its
// merged tree), drawn on canvases. Only what covers a pixel is drawn: a depth's spans are
// found by binary search and spans narrower than a pixel that share it are drawn once.

const FRAME_H = 18;
const flames = { chart: null, graph: null };

function isDark() { return document.body.classList.contains('dark'); }

function makeCanvas(pane, kind) {
	const bar = el('div', { className: 'flame-bar' });
	const reset = el('button', { on: { click: () => { f.zoom(); draw(f); } } }, t('reset'));
	bar.append(reset, el('span', {}, t('zoomHint')));
	const wrap = el('div', { className: 'pane' });
	const canvas = el('canvas', { className: 'flame', id: kind });
	wrap.appendChild(canvas);
	pane.append(bar, wrap);
	const f = { kind, canvas, wrap, rects: [], t0: 0, t1: 1, root: 0, tip: null, resetBtn: reset };
	return f;
}

function sizeCanvas(f) {
	const r = f.wrap.getBoundingClientRect(), dpr = window.devicePixelRatio || 1;
	f.w = Math.max(1, r.width); f.h = Math.max(1, r.height);
	f.canvas.width = Math.round(f.w * dpr); f.canvas.height = Math.round(f.h * dpr);
	const ctx = f.canvas.getContext('2d');
	ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
	return ctx;
}

function frame(ctx, f, x, y, w, name, lib, hit, sel) {
	ctx.fillStyle = hit ? (isDark() ? '#e0c050' : '#f5c400') : colorOf(name, lib, isDark());
	ctx.fillRect(x, y, Math.max(w - (w > 3 ? 1 : 0), 1), FRAME_H - 1);
	if (sel) { ctx.strokeStyle = isDark() ? '#fff' : '#000'; ctx.lineWidth = 2; ctx.strokeRect(x + 1, y + 1, Math.max(w - 2, 1), FRAME_H - 3); }
	if (w > 28) {
		ctx.fillStyle = isDark() ? '#101114' : '#101114';
		ctx.save();
		ctx.beginPath(); ctx.rect(x, y, w - 2, FRAME_H); ctx.clip();
		ctx.fillText(name, x + 3, y + 13);
		ctx.restore();
	}
}

// ---- flame chart ----

function firstEnding(m, row, t0) { // first span of row ending at or after t0
	let lo = 0, hi = row.length;
	while (lo < hi) {
		const mid = (lo + hi) >> 1, i = row[mid];
		if (m.fstart[i] + m.fdur[i] < t0) lo = mid + 1; else hi = mid;
	}
	return lo;
}

function drawChart(f) {
	const v = curView(), m = v.m, ctx = sizeCanvas(f);
	ctx.clearRect(0, 0, f.w, f.h);
	ctx.font = '11px ui-monospace, "DejaVu Sans Mono", monospace';
	const span = f.t1 - f.t0 || 1, k = f.w / span;
	f.rects = [];
	for (let d = 0; d < v.frows.length; d++) {
		const y = d * FRAME_H;
		if (y > f.h) break;
		const row = v.frows[d];
		let lastPx = -1;
		for (let j = firstEnding(m, row, f.t0); j < row.length; j++) {
			const i = row[j], st = m.fstart[i], du = m.fdur[i];
			if (st > f.t1) break;
			if (du < S.minNs) continue;
			const x = (st - f.t0) * k, w = du * k;
			if (w < 1 && Math.floor(x) === lastPx) continue;
			lastPx = Math.floor(x);
			const s = v.map[m.fnode[i]];
			frame(ctx, f, x, y, w, FUNCS[v.fn[s]][0], FUNCS[v.fn[s]][2], tree.hitSet.has(s), s === S.sel);
		}
	}
}

function chartHit(f, px, py) { // [shown node, span index] under the pointer
	const v = curView(), m = v.m, d = Math.floor(py / FRAME_H), row = v.frows[d];
	if (!row) return null;
	const tm = f.t0 + px * (f.t1 - f.t0) / f.w, slack = 2 * (f.t1 - f.t0) / f.w;
	for (let j = firstEnding(m, row, tm - slack); j < row.length; j++) {
		const i = row[j];
		if (m.fstart[i] > tm + slack) break;
		if (m.fdur[i] >= S.minNs && m.fstart[i] - slack <= tm && m.fstart[i] + m.fdur[i] + slack >= tm)
			return { node: v.map[m.fnode[i]], start: m.fstart[i], dur: m.fdur[i] };
	}
	return null;
}

// ---- flame graph (icicle: callers on top) ----

function drawGraph(f) {
	const v = curView(), ctx = sizeCanvas(f);
	ctx.clearRect(0, 0, f.w, f.h);
	ctx.font = '11px ui-monospace, "DejaVu Sans Mono", monospace';
	f.rects = [];
	const root = f.root < v.n ? f.root : 0, whole = v.total[root] || 1;
	const path = root ? pathOf(v, root) : [];
	path.forEach((s, d) => { // the zoomed node's callers, full width
		frame(ctx, f, 0, d * FRAME_H, f.w, nodeName(v, s), FUNCS[v.fn[s]][2], tree.hitSet.has(s), s === S.sel);
		f.rects.push([0, d * FRAME_H, f.w, s]);
	});
	const stack = root ? [[root, 0]] : v.kids[0].map(() => null);
	if (!root) { let x = 0; v.kids[0].forEach((s, i) => { stack[i] = [s, x]; x += v.total[s] / whole * f.w; }); }
	while (stack.length) {
		const [s, x] = stack.pop(), w = v.total[s] / whole * f.w;
		if (w < 0.5 || v.total[s] < S.minNs) continue;
		const y = (v.level[s] - 1) * FRAME_H;
		if (y > f.h) continue;
		if (s !== root) {
			frame(ctx, f, x, y, w, nodeName(v, s), FUNCS[v.fn[s]][2], tree.hitSet.has(s), s === S.sel);
			f.rects.push([x, y, w, s]);
		}
		let cx = x;
		for (const c of v.kids[s]) { stack.push([c, cx]); cx += v.total[c] / whole * f.w; }
	}
}

function graphHit(f, px, py) {
	for (const [x, y, w, s] of f.rects)
		if (px >= x && px < x + Math.max(w, 1) && py >= y && py < y + FRAME_H) return { node: s };
	return null;
}

// ---- both ----

function draw(f) { if (f && !f.wrap.closest('.hidden')) (f.kind === 'flamechart' ? drawChart : drawGraph)(f); }
function redrawFlames() { draw(flames.chart); draw(flames.graph); }

function showTip(f, e, hit) {
	if (!f.tip) { f.tip = el('div', { className: 'tip hidden' }); document.body.appendChild(f.tip); }
	if (!hit) { f.tip.classList.add('hidden'); return; }
	const v = curView(), s = hit.node;
	clear(f.tip).append(el('div', { className: 'mono' }, nodeName(v, s)),
		el('div', { className: 'dim' }, nodeModule(v, s)),
		hit.dur !== undefined ? el('div', {}, `${t('duration')}: ${fmtDur(hit.dur)}, ${t('start')}: ${fmtDur(hit.start)}`)
			: el('div', {}, `${t('total')}: ${fmtDur(v.total[s])}, ${t('self')}: ${fmtDur(v.self[s])}, ×${fmtNum(v.calls[s])}`));
	f.tip.classList.remove('hidden');
	f.tip.style.left = Math.min(e.clientX + 14, window.innerWidth - 300) + 'px';
	f.tip.style.top = (e.clientY + 14) + 'px';
}

function initFlame(pane, kind) {
	const f = makeCanvas(pane, kind), hitAt = kind === 'flamechart' ? chartHit : graphHit;
	f.zoom = () => { const v = curView(); f.t0 = v.tmin; f.t1 = v.tmax; f.root = 0; };
	f.zoom();
	const pos = e => { const r = f.canvas.getBoundingClientRect(); return [e.clientX - r.left, e.clientY - r.top]; };
	let drag = null;
	f.canvas.addEventListener('mousemove', e => {
		const [x, y] = pos(e);
		if (drag && kind === 'flamechart') {
			const dt = (drag.x - x) * (f.t1 - f.t0) / f.w;
			f.t0 = drag.t0 + dt; f.t1 = drag.t1 + dt; drag.moved = true;
			draw(f);
			return;
		}
		showTip(f, e, hitAt(f, x, y));
	});
	f.canvas.addEventListener('mouseleave', () => showTip(f, null, null));
	f.canvas.addEventListener('mousedown', e => { drag = { x: pos(e)[0], t0: f.t0, t1: f.t1, moved: false }; });
	window.addEventListener('mouseup', e => {
		if (!drag) return;
		const moved = drag.moved;
		drag = null;
		if (moved || e.target !== f.canvas) return;
		const [x, y] = pos(e), hit = hitAt(f, x, y);
		if (hit) reveal(hit.node);
	});
	f.canvas.addEventListener('dblclick', e => {
		const [x, y] = pos(e), hit = hitAt(f, x, y);
		if (!hit) return;
		if (kind === 'flamechart') { f.t0 = hit.start; f.t1 = hit.start + Math.max(hit.dur, 1); } else f.root = hit.node;
		draw(f);
	});
	f.canvas.addEventListener('wheel', e => {
		e.preventDefault();
		if (kind !== 'flamechart') return;
		const [x] = pos(e), tm = f.t0 + x * (f.t1 - f.t0) / f.w, z = Math.exp(e.deltaY * 0.002);
		const span = Math.max((f.t1 - f.t0) * z, 1);
		f.t0 = tm - (x / f.w) * span; f.t1 = f.t0 + span;
		draw(f);
	}, { passive: false });
	return f;
}
