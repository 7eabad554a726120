// ferret view: the call tree (a virtual list: only the rows on screen exist in the DOM,
// and only expanded nodes' children are listed), the calls of a node, a call's details.

const ROW_H = 22;
const S = { thread: 0, hideLib: false, minNs: 0, sel: 0, hits: [], hit: -1, query: '', call: -1, tab: 'tree' };

function curView() { return buildView(THREADS[S.thread], S.hideLib); }

// The rows shown: expanded nodes' children over the minimum duration, depth first.
function visibleRows(v) {
	const rows = [], stack = [];
	const push = s => { const k = v.kids[s]; for (let i = k.length - 1; i >= 0; i--) if (v.total[k[i]] >= S.minNs) stack.push(k[i]); };
	push(0);
	while (stack.length) {
		const s = stack.pop();
		rows.push(s);
		if (v.expanded[s]) push(s);
	}
	return rows;
}

const tree = { scroll: null, spacer: null, rows: [], hitSet: new Set() };

function treeHeader() {
	return el('div', { className: 'tree-head' },
		el('div', { className: 'tree-label' }, el('span', { className: 'twisty' }), t('function')),
		el('div', { className: 'col' }, t('total')), el('div', { className: 'col' }, t('self')),
		el('div', { className: 'col pct' }, t('ofParent')));
}

function treeRow(v, s, y) {
	const parentTotal = v.total[v.parent[s]];
	const hasKids = v.kids[s].some(k => v.total[k] >= S.minNs);
	const label = el('div', { className: 'tree-label' });
	label.style.paddingLeft = (v.level[s] - 1) * 14 + 'px';
	label.appendChild(el('span', { className: 'twisty', on: { click: e => { e.stopPropagation(); toggle(s); } } },
		hasKids ? (v.expanded[s] ? '▾' : '▸') : ''));
	label.appendChild(el('span', { className: 'tree-name', title: nodeName(v, s) }, nodeName(v, s)));
	if (v.calls[s] > 1) label.appendChild(el('span', { className: 'badge' }, '×' + fmtNum(v.calls[s])));
	label.appendChild(el('span', { className: 'badge mod' }, nodeModule(v, s)));
	const dchg = diffBadge(v, s);
	if (dchg) label.appendChild(dchg);
	const errs = v.errors[s] - v.inc[s];
	if (errs > 0) label.appendChild(el('span', { className: 'badge err' }, tn('errorBadge', errs, { n: fmtNum(errs) })));
	if (v.inc[s] > 0) label.appendChild(el('span', { className: 'badge inc' }, tn('incBadge', v.inc[s], { n: fmtNum(v.inc[s]) })));
	const share = parentTotal ? v.total[s] / parentTotal : 0;
	const bar = el('span', { className: 'bar' });
	bar.style.width = Math.round(share * 40) + 'px';
	const row = el('div', {
		className: 'tree-row' + (s === S.sel ? ' sel' : '') + (tree.hitSet.has(s) ? ' hit' : ''),
		dataset: { node: s },
		on: { click: () => select(s), dblclick: () => toggle(s) },
	}, label, el('div', { className: 'col num' }, fmtDur(v.total[s])), el('div', { className: 'col num' }, fmtDur(v.self[s])),
	el('div', { className: 'col pct num' }, bar, fmtPct(v.total[s], parentTotal)));
	row.style.top = y + 'px';
	return row;
}

function renderTreeRows() {
	const v = curView(), sc = tree.scroll;
	const first = Math.max(0, Math.floor(sc.scrollTop / ROW_H) - 5);
	const last = Math.min(tree.rows.length, first + Math.ceil(sc.clientHeight / ROW_H) + 10);
	clear(tree.spacer);
	for (let i = first; i < last; i++) tree.spacer.appendChild(treeRow(v, tree.rows[i], i * ROW_H));
}

function renderTree() {
	tree.rows = visibleRows(curView());
	tree.spacer.style.height = tree.rows.length * ROW_H + 'px';
	renderTreeRows();
}

function initTree(pane) {
	tree.scroll = el('div', { className: 'tree-scroll', id: 'tree' });
	tree.spacer = el('div', { className: 'tree-spacer' });
	tree.scroll.append(treeHeader(), tree.spacer);
	tree.scroll.addEventListener('scroll', () => requestAnimationFrame(renderTreeRows));
	pane.appendChild(tree.scroll);
}

function toggle(s) {
	const v = curView();
	v.expanded[s] ^= 1;
	renderTree();
}

function expandTo(depth) {
	const v = curView();
	for (let s = 0; s < v.n; s++) v.expanded[s] = v.level[s] < depth ? 1 : 0;
	renderTree();
}

// Shows s: its callers expanded, scrolled to, selected.
function reveal(s) {
	const v = curView();
	for (let p = v.parent[s]; p > 0; p = v.parent[p]) v.expanded[p] = 1;
	renderTree();
	const i = tree.rows.indexOf(s);
	if (i >= 0 && (i * ROW_H < tree.scroll.scrollTop + ROW_H || i * ROW_H > tree.scroll.scrollTop + tree.scroll.clientHeight - 2 * ROW_H))
		tree.scroll.scrollTop = Math.max(0, i * ROW_H - tree.scroll.clientHeight / 3);
	select(s);
}

function select(s) {
	S.sel = s;
	S.call = -1;
	renderTreeRows();
	renderCalls();
	renderDetails();
	redrawFlames();
}

// ---- the calls of the selected node ----

const panel = { head: null, list: null, details: null, title: null };

function initPanel(aside) {
	panel.title = el('h2', { id: 'calls-title' });
	panel.head = el('div', { className: 'calls-head' });
	panel.list = el('div', { className: 'calls-list', id: 'calls' });
	panel.dtitle = el('h2', {}, t('details'));
	panel.details = el('div', { className: 'details', id: 'details' });
	aside.append(panel.title, panel.head, panel.list, panel.dtitle, panel.details);
}

const MAX_LISTED = 1000;

function renderCalls() {
	const v = curView(), s = S.sel;
	clear(panel.list);
	clear(panel.head);
	panel.title.textContent = s > 0 ? t('callsOf', { name: nodeName(v, s) }) : t('calls');
	if (s <= 0) {
		panel.head.textContent = t('pickNode');
		return;
	}
	const c = v.m.th.calls, all = callsOf(v, s).filter(i => c[i * 5 + 2] >= S.minNs);
	const per = DATA.summary.calls_per_path;
	panel.head.textContent = (all.length < v.calls[s] ? t('listed', { shown: fmtNum(all.length), calls: fmtNum(v.calls[s]) })
		: tn('listedAll', all.length, { calls: fmtNum(all.length) })) + (per ? ' (' + tn('slowestKept', per, { k: per }) + ')' : '');
	for (const i of all.slice(0, MAX_LISTED)) {
		const x = callExtras(v.m, i);
		const preview = x && x.args ? x.args.map(a => `${a.name}=${a.value}`).join(', ') : '';
		panel.list.appendChild(el('div', {
			className: 'call-row' + (i === S.call ? ' sel' : ''), dataset: { call: i },
			on: { click: () => { S.call = i; renderCalls(); renderDetails(); } },
		}, el('span', { className: 'num' }, fmtDur(c[i * 5 + 2])), el('span', { className: 'num dim' }, '@' + fmtDur(c[i * 5 + 1])),
		el('span', {}, statusName(c[i * 5 + 3])), el('span', { className: 'grow mono' }, preview)));
	}
}

function detailRow(tb, k, v) { tb.appendChild(el('tr', {}, el('td', {}, k), el('td', { className: 'mono' }, v))); }

function renderDetails() {
	const v = curView(), d = clear(panel.details), i = S.call;
	if (i < 0 || S.sel <= 0) {
		d.appendChild(el('div', { className: 'dim' }, t('pickCall')));
		return;
	}
	const c = v.m.th.calls, x = callExtras(v.m, i) || {}, tb = el('tbody');
	detailRow(tb, t('function'), nodeName(v, S.sel));
	if (x.name) detailRow(tb, t('dynName'), x.name);
	detailRow(tb, t('module'), nodeModule(v, S.sel));
	detailRow(tb, t('thread_'), v.m.label);
	detailRow(tb, t('start'), fmtDur(c[i * 5 + 1]));
	detailRow(tb, t('duration'), fmtDur(c[i * 5 + 2]));
	detailRow(tb, t('end'), fmtDur(c[i * 5 + 1] + c[i * 5 + 2]));
	detailRow(tb, t('status'), statusName(c[i * 5 + 3]));
	for (const [k, label] of [['cpu_ns', 'cpu'], ['blocked_ns', 'blocked'], ['runq_ns', 'runq']])
		if (x[k] !== undefined) detailRow(tb, t(label), fmtDur(x[k]));
	if (x.ret !== undefined) detailRow(tb, t('ret'), String(x.ret));
	d.appendChild(el('table', {}, tb));
	d.appendChild(el('h3', {}, t('args')));
	if (x.args && x.args.length) {
		const ab = el('tbody');
		for (const a of x.args) detailRow(ab, String(a.name), String(a.value));
		d.appendChild(el('table', {}, ab));
	} else d.appendChild(el('div', { className: 'dim' }, t('noArgs')));
	if (x.tags && x.tags.length) {
		d.appendChild(el('h3', {}, t('tags')));
		const gb = el('tbody');
		for (const g of x.tags) detailRow(gb, String(g.key), String(g.value));
		d.appendChild(el('table', {}, gb));
	}
	d.appendChild(el('h3', {}, t('callers')));
	const chain = el('div', { className: 'chain mono' });
	chain.appendChild(el('div', {}, v.m.label));
	for (const p of pathOf(v, S.sel)) {
		const row = el('div', { on: { click: () => reveal(p) } }, nodeName(v, p));
		row.style.paddingLeft = v.level[p] * 10 + 'px';
		chain.appendChild(row);
	}
	d.appendChild(chain);
}
