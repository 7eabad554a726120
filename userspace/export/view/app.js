// ferret view: the page around the views: run header and what was summarised, toolbar
// (thread, search, library internals, minimum duration, depth, theme, language), tabs
// (and Diff with --diff), the statistics table; then the first render.

const ui = {};
const TABS = ['tree', 'flamechart', 'flamegraph', 'table'].concat(DIFF ? ['diff'] : []);

function summaryLines() {
	const sm = DATA.summary, lines = [];
	lines.push(sm.flame_over_ns ? t('sumFlame', { kept: fmtNum(sm.flame_spans), spans: fmtNum(sm.spans), over: fmtDur(sm.flame_over_ns) })
		: t('sumFlameAll', { spans: fmtNum(sm.spans) }));
	lines.push(sm.calls_per_path ? tn('sumCalls', sm.calls_per_path, { k: sm.calls_per_path, kept: fmtNum(sm.calls), spans: fmtNum(sm.spans) }) : t('sumCallsAll'));
	if (sm.paths_over_ns)
		lines.push(t('sumPaths', { kept: fmtNum(THREADS.reduce((a, m) => a + m.n - 1, 0)), paths: fmtNum(sm.paths), over: fmtDur(sm.paths_over_ns) }));
	lines.push(t('pctNote'));
	const f = DATA.filter, fs = [];
	if (f.pid) fs.push('--pid ' + f.pid);
	if (f.tid) fs.push('--thread ' + f.tid);
	if (f.function) fs.push('--function ' + f.function);
	if (f.min_duration_ns) fs.push('--min-duration ' + fmtDur(f.min_duration_ns));
	if (fs.length) lines.push(t('filtered', { f: fs.join(' ') }));
	return lines.join(' ');
}

function header() {
	const r = DATA.run;
	const line = `${r.command} · ${fmtNum(r.span_count)} ${t('spans')} · ${fmtNum(r.thread_count)} ${t('threads')} · ${fmtDur(r.duration_ns)}` +
		(r.lost_events ? ` · ${fmtNum(r.lost_events)} ${t('lost')}` : '') +
		(r.unstored_spans ? ` · ${fmtNum(r.unstored_spans)} ${t('unstored')}` : '');
	const cut = DATA.summary.flame_over_ns || DATA.summary.paths_over_ns || DATA.summary.calls_per_path;
	return el('header', {}, el('h1', {}, 'ferret view'), el('span', { className: 'mono' }, r.run_id), ' ',
		el('span', { className: 'run-line', id: 'run-line' }, line),
		el('div', { className: 'summary' + (cut ? ' warn' : ''), id: 'summary' }, summaryLines()));
}

// Matches in every thread: [thread, shown node]..., the current thread's first.
function runSearch() {
	S.query = ui.search.value.trim();
	S.hits = [];
	if (S.query)
		THREADS.forEach((m, i) => { for (const s of searchView(buildView(m, S.hideLib), S.query)) S.hits.push([i, s]); });
	S.hits.sort((a, b) => (a[0] !== S.thread) - (b[0] !== S.thread));
	hitsOfThread();
	S.hit = -1;
	ui.count.textContent = S.query ? (S.hits.length ? t('matches', { n: fmtNum(S.hits.length) }) : t('noMatch')) : '';
	renderTree();
	redrawFlames();
	if (S.hits.length) step(1);
}

function hitsOfThread() { tree.hitSet = new Set(S.hits.filter(h => h[0] === S.thread).map(h => h[1])); }

function setThread(i) {
	S.thread = i;
	S.sel = 0;
	ui.thread.value = String(i);
	hitsOfThread();
	flames.chart.zoom(); flames.graph.zoom();
}

function step(d) {
	if (!S.hits.length) return;
	S.hit = (S.hit + d + S.hits.length) % S.hits.length;
	ui.count.textContent = `${S.hit + 1}/${fmtNum(S.hits.length)}`;
	const [th, s] = S.hits[S.hit];
	if (th !== S.thread) setThread(th);
	reveal(s);
}

function sliderNs(pos) { // 0..1000 on a log scale up to the thread's time
	const max = Math.max(curView().total[0], 1);
	return pos <= 0 ? 0 : Math.round(Math.exp(Math.log(max) * pos / 1000));
}

function refreshAll() {
	const v = curView();
	if (S.sel >= v.n) S.sel = 0;
	flames.chart.zoom(); flames.graph.zoom();
	if (S.query) runSearch(); else { renderTree(); redrawFlames(); }
	renderCalls(); renderDetails();
}

function toolbar() {
	const threadSel = el('select', { id: 'thread', on: { change: () => { setThread(+threadSel.value); refreshAll(); } } });
	ui.thread = threadSel;
	THREADS.forEach((m, i) => threadSel.appendChild(el('option', { value: String(i), selected: i === S.thread }, m.label)));
	ui.search = el('input', { type: 'search', id: 'search', placeholder: t('searchHint'), value: S.query,
		on: { keydown: e => { if (e.key === 'Enter') { if (ui.search.value.trim() !== S.query) runSearch(); else step(e.shiftKey ? -1 : 1); } } } });
	ui.count = el('span', { className: 'dim', id: 'search-count' });
	const hide = el('input', { type: 'checkbox', id: 'hide-lib', checked: S.hideLib,
		on: { change: () => { S.hideLib = hide.checked; S.sel = 0; refreshAll(); } } });
	const minLabel = el('span', { className: 'num', id: 'min-label' }, fmtDur(S.minNs));
	const slider = el('input', { type: 'range', id: 'min-duration', min: '0', max: '1000', value: String(S.minPos || 0),
		on: { input: () => { S.minPos = +slider.value; S.minNs = sliderNs(S.minPos); minLabel.textContent = fmtDur(S.minNs); renderTree(); redrawFlames(); renderCalls(); } } });
	const depth = el('input', { type: 'number', className: 'depth', id: 'depth', min: '1', value: '3' });
	const tabs = el('div', { className: 'tabs' });
	for (const k of TABS)
		tabs.appendChild(el('button', { className: S.tab === k ? 'on' : '', id: 'tab-' + k, on: { click: () => showTab(k) } }, t(k)));
	ui.tabs = tabs;
	return el('div', { className: 'toolbar' }, tabs,
		el('label', {}, t('thread'), threadSel),
		el('label', {}, t('search'), ui.search),
		el('button', { id: 'search-prev', on: { click: () => step(-1) } }, t('prev')),
		el('button', { id: 'search-next', on: { click: () => (ui.search.value.trim() !== S.query ? runSearch() : step(1)) } }, t('next')), ui.count,
		el('label', DIFF ? { title: t('hideLibDiff') } : {}, hide, t('hideLib')),
		el('label', {}, t('minDur'), slider, minLabel),
		el('label', {}, t('expandTo'), depth),
		el('button', { id: 'expand', on: { click: () => expandTo(Math.max(1, +depth.value || 1)) } }, t('expand')),
		el('button', { id: 'collapse', on: { click: () => expandTo(1) } }, t('collapse')),
		el('button', { id: 'theme', on: { click: toggleTheme } }, isDark() ? t('light') : t('dark')),
		el('button', { id: 'lang', on: { click: () => { lang = lang === 'es' ? 'en' : 'es'; buildUI(); } } }, t('lang')));
}

function toggleTheme() {
	const dark = isDark();
	document.body.classList.toggle('dark', !dark);
	document.body.classList.toggle('light', dark);
	document.getElementById('theme').textContent = dark ? t('dark') : t('light');
	redrawFlames();
}

function showTab(k) {
	S.tab = k;
	for (const b of ui.tabs.children) b.classList.toggle('on', b.id === 'tab-' + k);
	for (const [name, p] of Object.entries(ui.panes)) p.classList.toggle('hidden', name !== k);
	ui.aside.classList.toggle('hidden', k === 'diff'); // a node's calls: not the Diff view's
	if (k === 'tree') renderTreeRows(); else if (k === 'diff') renderDiff(); else redrawFlames();
}

// ---- the statistics table ----

const COLS = [['function', 'function'], ['module', 'module'], ['calls', 'calls'], ['total', 'total_ns'], ['self', 'self_ns'],
	['min', 'min_ns'], ['avg', 'avg_ns'], ['p50', 'p50_ns'], ['p95', 'p95_ns'], ['p99', 'p99_ns'], ['max', 'max_ns'], ['errors', 'errors']];
const tbl = { col: 3, desc: true, filter: '' };

function renderTable(wrap) {
	const body = el('tbody', { id: 'stats-body' }), head = el('tr');
	COLS.forEach(([label], ci) => head.appendChild(el('th', {
		className: ci === tbl.col ? 'sorted' : '', dataset: { col: ci },
		on: { click: () => { tbl.desc = tbl.col === ci ? !tbl.desc : ci > 1; tbl.col = ci; renderTable(wrap); } },
	}, t(label) + (ci === tbl.col ? (tbl.desc ? ' ▾' : ' ▴') : ''))));
	const key = COLS[tbl.col][1], q = tbl.filter.toLowerCase();
	const rows = DATA.table.filter(r => !q || r.function.toLowerCase().includes(q));
	rows.sort((a, b) => {
		const x = a[key], y = b[key];
		const c = typeof x === 'string' ? x.localeCompare(y) : (x === null ? -1 : x) - (y === null ? -1 : y);
		return tbl.desc ? -c : c;
	});
	if (DIFF) head.appendChild(el('th', {}, t('diffVsB')));
	for (const r of rows) {
		const tr = el('tr', { on: { click: () => { ui.search.value = r.function; showTab('tree'); runSearch(); } } });
		COLS.forEach(([, k], ci) => tr.appendChild(el('td', { title: ci === 0 ? r[k] : '' },
			ci < 2 ? r[k] : (k === 'calls' || k === 'errors') ? fmtNum(r[k]) : fmtDur(r[k]))));
		if (DIFF) tr.appendChild(diffCell(r.function, r.module));
		body.appendChild(tr);
	}
	const filter = el('input', { type: 'search', id: 'table-filter', placeholder: t('filterName'), value: tbl.filter,
		on: { input: () => { tbl.filter = filter.value; renderTable(wrap); document.getElementById('table-filter').focus(); } } });
	clear(wrap).append(el('div', { className: 'flame-bar' }, filter), el('table', { className: 'stats' }, el('thead', {}, head), body));
}

// ---- the page ----

function buildUI() {
	document.documentElement.lang = lang;
	document.title = `ferret view: ${DATA.run.run_id}`;
	for (const n of [...document.body.children]) if (n.tagName !== 'SCRIPT') n.remove();
	const views = el('div', { className: 'view' });
	ui.panes = {};
	for (const k of TABS) {
		const p = el('div', { className: 'pane' + (k === S.tab ? '' : ' hidden'), id: 'pane-' + k });
		p.style.display = 'flex'; p.style.flexDirection = 'column';
		ui.panes[k] = p;
		views.appendChild(p);
	}
	const aside = el('aside', { className: S.tab === 'diff' ? 'hidden' : '' });
	ui.aside = aside;
	document.body.prepend(header(), toolbar(), el('main', {}, views, aside));
	initTree(ui.panes.tree);
	flames.chart = initFlame(ui.panes.flamechart, 'flamechart');
	flames.graph = initFlame(ui.panes.flamegraph, 'flamegraph');
	const tw = el('div', { className: 'table-wrap' });
	ui.panes.table.appendChild(tw);
	renderTable(tw);
	if (DIFF) initDiff(ui.panes.diff);
	initPanel(aside);
	refreshAll();
}

const started = performance.now();
buildUI();
window.addEventListener('resize', () => { renderTreeRows(); redrawFlames(); });
window.ferretView = { loadMs: performance.now() - started, ready: true };
