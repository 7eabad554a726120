// ferret view --diff: the Diff view (the page's run A compared with run B, whole runs, as
// `ferret diff` compares them): the functions' table and the merged call trees' diff, rows
// coloured by change (slower red, faster green, stronger the larger the change); and in the
// call tree, a node's change as a badge, in the table a function's.

const DFIGS = ['calls', 'total', 'self', 'avg', 'p95', 'errors'];
const PFIGS = ['calls', 'total', 'self', 'errors']; // a merged path has no avg or p95
const isTimeFig = f => f !== 'calls' && f !== 'errors';

// The data as rows: {name, module, only: '' | 'a' | 'b', a: {fig: value|null}, b: ...}.
function loadDiff(d) {
	const row = (r, at, figs) => {
		const x = { a: {}, b: {} };
		figs.forEach((f, i) => { x.a[f] = r[at + 2 * i]; x.b[f] = r[at + 2 * i + 1]; });
		x.only = x.a.calls === null ? 'b' : x.b.calls === null ? 'a' : '';
		return x;
	};
	const fns = [], F = 2 + 2 * DFIGS.length, P = 2 + 2 * PFIGS.length;
	for (let i = 0; i < d.functions.length; i += F)
		fns.push(Object.assign(row(d.functions, i + 2, DFIGS), { name: d.functions[i], module: d.functions[i + 1] }));
	const paths = [null]; // 1..: pre-order; kids[0]: the roots
	const kids = [[]], byKey = new Map();
	for (let i = 0, n = 1; d.paths && i < d.paths.length; i += P, n++) {
		const p = Object.assign(row(d.paths, i + 2, PFIGS), { parent: n - d.paths[i], nm: d.paths[i + 1] });
		p.name = d.names[p.nm][0]; p.module = d.names[p.nm][1];
		p.level = p.parent ? paths[p.parent].level + 1 : 1;
		paths.push(p); kids.push([]);
		kids[p.parent].push(n);
		byKey.set(p.parent + ':' + p.nm, n);
	}
	const nameIx = new Map((d.names || []).map((x, i) => [x[0] + '\u0000' + x[1], i]));
	return { d, fns, paths, kids, byKey, nameIx, expanded: new Uint8Array(paths.length) };
}

const DIFF = DATA.diff ? loadDiff(DATA.diff) : null;
const dv = { sub: 'functions', col: -1, desc: true, byPct: false, filter: '', colorBy: 'total', pane: null };

// {delta, pct (null: A's value is 0)}, or null when a run has not the figure.
function change(a, b) {
	if (a === null || b === null || a === undefined || b === undefined) return null;
	return { delta: b - a, pct: a ? 100 * (b - a) / a : null };
}

function fmtFig(f, v) { return v === null || v === undefined ? '-' : isTimeFig(f) ? fmtDur(v) : fmtNum(v); }

function fmtSignedPct(p) { return (p > 0 ? '+' : '') + p.toFixed(1).replace('.', lang === 'es' ? ',' : '.') + '%'; }

function fmtChange(f, c) {
	if (!c) return '-';
	if (!c.delta) return '0';
	const v = (c.delta < 0 ? '-' : '+') + (isTimeFig(f) ? fmtDur(Math.abs(c.delta)) : fmtNum(Math.abs(c.delta)));
	return c.pct === null ? v : `${v} (${fmtSignedPct(c.pct)})`;
}

// A row's colour from its change of fig: red when B's is larger (slower, more calls or
// errors), green when smaller, stronger up to a change of 100%; none under 0.5%.
function paint(e, x, fig) {
	const c = change(x.a[fig], x.b[fig]);
	const pct = !c ? null : c.pct !== null ? c.pct : c.delta ? Math.sign(c.delta) * 100 : 0;
	e.dataset.change = pct === null ? 'unknown' : pct >= 0.5 ? 'slower' : pct <= -0.5 ? 'faster' : 'same';
	if (pct !== null && Math.abs(pct) >= 0.5)
		e.style.background = `rgba(${pct > 0 ? '229,57,53' : '46,160,67'},${(0.12 + 0.43 * Math.min(1, Math.abs(pct) / 100)).toFixed(3)})`;
}

function onlyBadge(x) {
	return x.only ? el('span', { className: 'badge only' }, t(x.only === 'a' ? 'onlyA' : 'onlyB')) : null;
}

function runLine(k) {
	const r = DIFF.d[k];
	return el('div', { className: 'diff-run', id: 'diff-run-' + k }, el('span', { className: 'diff-key' }, k.toUpperCase() + ': '),
		el('span', { className: 'mono' }, r.run_id), ` · ${r.command} · ${fmtDur(r.duration_ns)} · ${fmtNum(r.span_count)} ${t('spans')} · `,
		el('span', { className: 'dim' }, r.db));
}

function diffSummary() {
	const sm = DIFF.d.summary, lines = [t('diffWhole')];
	if (!DIFF.d.paths) lines.push(t('diffNoTree'));
	else if (sm.paths_over_ns) lines.push(t('diffPathsCut', { kept: fmtNum(sm.paths_shown), paths: fmtNum(sm.paths), over: fmtDur(sm.paths_over_ns) }));
	return el('div', { className: 'summary' + (sm.paths_over_ns ? ' warn' : ''), id: 'diff-summary' }, lines.join(' '));
}

// ---- the functions ----

function fnColumns() {
	const cols = [['function', x => x.name], ['module', x => x.module]];
	for (const f of DFIGS) {
		cols.push([t(f) + ' A', x => x.a[f], f], [t(f) + ' B', x => x.b[f], f]);
		cols.push(['Δ ' + t(f), x => { const c = change(x.a[f], x.b[f]); return c ? (dv.byPct ? c.pct : c.delta) : null; }, f, true]);
	}
	return cols;
}

function sortRows(rows, get, desc) {
	rows.sort((p, q) => {
		const x = get(p), y = get(q);
		if (x === null || y === null) return (x === null) - (y === null); // unknown last
		const c = typeof x === 'string' ? x.localeCompare(y) : x - y;
		return desc ? -c : c;
	});
}

function renderFunctions(wrap) {
	const cols = fnColumns(), head = el('tr'), body = el('tbody', { id: 'diff-body' });
	cols.forEach(([label], ci) => head.appendChild(el('th', {
		className: ci === dv.col ? 'sorted' : '', dataset: { col: ci },
		on: { click: () => { dv.desc = dv.col === ci ? !dv.desc : ci > 1; dv.col = ci; renderDiff(); } },
	}, (ci < 2 ? t(label) : label) + (ci === dv.col ? (dv.desc ? ' ▾' : ' ▴') : ''))));
	const q = dv.filter.toLowerCase();
	const rows = DIFF.fns.filter(x => !q || x.name.toLowerCase().includes(q));
	if (dv.col >= 0) sortRows(rows, cols[dv.col][1], dv.desc); // else diff's order: largest change of total first
	for (const x of rows) {
		const tr = el('tr', { dataset: { fn: x.name } });
		paint(tr, x, dv.colorBy);
		tr.appendChild(el('td', { title: x.name }, x.name, onlyBadge(x)));
		tr.appendChild(el('td', {}, x.module));
		for (const f of DFIGS)
			tr.append(el('td', {}, fmtFig(f, x.a[f])), el('td', {}, fmtFig(f, x.b[f])),
				el('td', { className: 'chg' }, fmtChange(f, change(x.a[f], x.b[f]))));
		body.appendChild(tr);
	}
	wrap.appendChild(el('table', { className: 'stats diff' }, el('thead', {}, head), body));
}

// ---- the merged call paths ----

const MAX_PATH_ROWS = 5000;

function visiblePaths() {
	const rows = [], stack = [...DIFF.kids[0]].reverse();
	while (stack.length && rows.length < MAX_PATH_ROWS) {
		const s = stack.pop();
		rows.push(s);
		if (DIFF.expanded[s]) for (let i = DIFF.kids[s].length - 1; i >= 0; i--) stack.push(DIFF.kids[s][i]);
	}
	return rows;
}

function renderPaths(wrap) {
	const head = el('tr', {}, el('th', {}, t('function')));
	const cols = [['total', 'a'], ['total', 'b'], ['total', 'd'], ['calls', 'a'], ['calls', 'b'], ['calls', 'd'], ['self', 'd'], ['errors', 'd']];
	for (const [f, k] of cols) head.appendChild(el('th', {}, k === 'd' ? 'Δ ' + t(f) : t(f) + ' ' + k.toUpperCase()));
	const body = el('tbody', { id: 'diff-paths-body' }), rows = visiblePaths();
	for (const s of rows) {
		const p = DIFF.paths[s], hasKids = DIFF.kids[s].length > 0;
		const name = el('td', { className: 'path-name' },
			el('span', { className: 'twisty', on: { click: () => { DIFF.expanded[s] ^= 1; renderDiff(); } } }, hasKids ? (DIFF.expanded[s] ? '▾' : '▸') : ''),
			el('span', { className: 'tree-name', title: p.name }, p.name), el('span', { className: 'badge mod' }, p.module), onlyBadge(p));
		name.style.paddingLeft = (p.level - 1) * 14 + 4 + 'px';
		const tr = el('tr', { dataset: { path: s, level: p.level } }, name);
		paint(tr, p, colorFig());
		for (const [f, k] of cols)
			tr.appendChild(el('td', { className: k === 'd' ? 'chg' : '' }, k === 'd' ? fmtChange(f, change(p.a[f], p.b[f])) : fmtFig(f, p[k][f])));
		body.appendChild(tr);
	}
	wrap.appendChild(el('table', { className: 'stats diff' }, el('thead', {}, head), body));
	if (rows.length >= MAX_PATH_ROWS) wrap.appendChild(el('div', { className: 'dim' }, t('diffMoreRows', { n: fmtNum(MAX_PATH_ROWS) })));
}

// ---- the pane ----

// The figure rows are coloured by: the one chosen, or total where a path has not it (avg, p95).
function colorFig() { return dv.sub === 'paths' && !PFIGS.includes(dv.colorBy) ? 'total' : dv.colorBy; }

function diffBar() {
	const sub = el('div', { className: 'tabs' });
	for (const k of ['functions', 'paths'])
		sub.appendChild(el('button', { className: dv.sub === k ? 'on' : '', id: 'diff-' + k, disabled: k === 'paths' && !DIFF.d.paths,
			on: { click: () => { dv.sub = k; renderDiff(); } } }, t(k === 'functions' ? 'diffFunctions' : 'diffPaths')));
	const filter = el('input', { type: 'search', id: 'diff-filter', placeholder: t('filterName'), value: dv.filter,
		on: { input: () => { dv.filter = filter.value; renderDiff(); document.getElementById('diff-filter').focus(); } } });
	const colorBy = el('select', { id: 'diff-color', on: { change: () => { dv.colorBy = colorBy.value; renderDiff(); } } });
	for (const f of dv.sub === 'paths' ? PFIGS : DFIGS) colorBy.appendChild(el('option', { value: f, selected: f === colorFig() }, t(f)));
	const byPct = el('select', { id: 'diff-sort', on: { change: () => { dv.byPct = byPct.value === 'pct'; renderDiff(); } } },
		el('option', { value: 'abs', selected: !dv.byPct }, t('diffByAbs')), el('option', { value: 'pct', selected: dv.byPct }, t('diffByPct')));
	return el('div', { className: 'flame-bar' }, sub, dv.sub === 'functions' ? filter : null,
		el('label', {}, t('diffColor'), colorBy), dv.sub === 'functions' ? el('label', {}, t('diffSortBy'), byPct) : null,
		el('span', { className: 'legend slower' }, t('diffSlower')), el('span', { className: 'legend faster' }, t('diffFaster')));
}

function renderDiff() {
	if (!dv.pane) return;
	const wrap = el('div', { className: 'diff-scroll' });
	clear(dv.pane).append(el('div', { className: 'diff-head' }, runLine('a'), runLine('b'), diffSummary()), diffBar(), wrap);
	if (dv.sub === 'paths' && DIFF.d.paths) renderPaths(wrap); else renderFunctions(wrap);
}

function initDiff(pane) { dv.pane = pane; renderDiff(); }

// ---- in the table: a function's change of total (run B's row of the same name and module) ----

function diffCell(name, module) {
	if (!DIFF.fnOf) DIFF.fnOf = new Map(DIFF.fns.map(x => [x.name + '\u0000' + x.module, x]));
	const x = DIFF.fnOf.get(name + '\u0000' + module), td = el('td', { className: 'chg' });
	if (!x) return td;
	td.textContent = x.only ? t(x.only === 'a' ? 'onlyA' : 'onlyB') : fmtChange('total', change(x.a.total, x.b.total));
	paint(td, x, 'total');
	return td;
}

// ---- in the call tree: a node's change, from its merged path (every thread of each run) ----

// Thread m's stored node -> its number in the diff's paths (0: none), made once per thread.
function pathsOfThread(m) {
	if (m.diffPath) return m.diffPath;
	const out = new Int32Array(m.n);
	for (let i = 1; i < m.n; i++) {
		const up = m.parent[i] ? out[m.parent[i]] : 0, f = FUNCS[m.fn[i]];
		const nm = DIFF.nameIx.get(f[0] + '\u0000' + f[1]);
		out[i] = (m.parent[i] && !up) || nm === undefined ? 0 : DIFF.byKey.get(up + ':' + nm) || 0;
	}
	return (m.diffPath = out);
}

// The badge of shown node s (the tree with library internals shown), null: no change known.
function diffBadge(v, s) {
	if (!DIFF || !DIFF.d.paths || S.hideLib || s === 0) return null;
	const n = pathsOfThread(v.m)[v.origins[s][0]], p = n ? DIFF.paths[n] : null;
	const c = p ? change(p.a.total, p.b.total) : null;
	if (!c) return null;
	const b = el('span', { className: 'badge dchg ' + (c.delta > 0 ? 'up' : c.delta < 0 ? 'down' : ''),
		title: t('diffBadge', { a: fmtDur(p.a.total), b: fmtDur(p.b.total) }) },
	c.pct === null ? fmtChange('total', c) : (c.delta ? fmtSignedPct(c.pct) : '='));
	return b;
}
