// ferret view: the run's data as typed arrays, per thread; the tree with library internals
// collapsed into their callers; search over names, tags and argument values.

const DATA = JSON.parse(document.getElementById('ferret-data').textContent);
const FUNCS = DATA.funcs; // [name, module, library]

// One thread's merged tree as stored: node 0 is the thread, node i the i-th tuple.
function loadThread(th) {
	const n = th.nodes.length / 7 + 1;
	const m = {
		th, n, parent: new Int32Array(n), fn: new Int32Array(n).fill(-1), calls: new Float64Array(n),
		errors: new Float64Array(n), inc: new Float64Array(n), total: new Float64Array(n), self: new Float64Array(n),
	};
	for (let i = 1, k = 0; i < n; i++, k += 7) {
		m.parent[i] = i - th.nodes[k]; m.fn[i] = th.nodes[k + 1]; m.calls[i] = th.nodes[k + 2];
		m.errors[i] = th.nodes[k + 3]; m.inc[i] = th.nodes[k + 4]; m.total[i] = th.nodes[k + 5];
		m.self[i] = th.nodes[k + 6];
	}
	for (let i = 1; i < n; i++) if (m.parent[i] === 0) m.total[0] += m.total[i];
	// calls: 5 numbers each, grouped by node, slowest first
	const c = th.calls, nc = c.length / 5;
	m.callFirst = new Int32Array(n).fill(-1); m.callCount = new Int32Array(n);
	m.hasExtras = false;
	for (let i = 0; i < nc; i++) {
		const node = c[i * 5];
		if (c[i * 5 + 4]) m.hasExtras = true;
		if (m.callFirst[node] < 0) m.callFirst[node] = i;
		m.callCount[node]++;
	}
	// flame chart spans, by start: node, start (absolute), duration
	const f = th.flame, nf = f.length / 3;
	m.fnode = new Int32Array(nf); m.fstart = new Float64Array(nf); m.fdur = new Float64Array(nf);
	for (let i = 0, s = 0; i < nf; i++) {
		s += f[i * 3 + 1];
		m.fnode[i] = f[i * 3]; m.fstart[i] = s; m.fdur[i] = f[i * 3 + 2];
	}
	m.label = `${th.comm} (${th.pid === th.tid ? th.pid : th.pid + '/' + th.tid})`;
	m.views = {};
	return m;
}

const THREADS = DATA.threads.map(loadThread);

// The tree as shown: every stored node (hideLib false), or with calls into libraries
// collapsed into their caller: such a node's time becomes its caller's self time, and
// the main executable's functions it called back (a qsort comparator) move up to the
// caller, merged by function. A library call at the top of a thread has no caller: it stays.
function buildView(m, hideLib) {
	const key = hideLib ? 'lib' : 'all';
	if (m.views[key]) return m.views[key];
	const n = m.n, map = new Int32Array(n).fill(-1); // stored node -> shown node (-1: collapsed)
	const v = { m, parent: [0], fn: [-1], calls: [0], errors: [0], inc: [0], total: [m.total[0]], self: [0],
		origins: [[]], level: [0] };
	const childOf = new Map();
	map[0] = 0;
	const owner = new Int32Array(n); // shown node receiving a collapsed node's time
	for (let i = 1; i < n; i++) { // a parent always comes before its children
		const p = m.parent[i], lib = hideLib && FUNCS[m.fn[i]][2] && p !== 0;
		const up = map[p] >= 0 ? map[p] : owner[p];
		if (lib) {
			owner[i] = up;
			v.self[up] += m.self[i];
			continue;
		}
		const k = up * 1048576 + m.fn[i];
		let s = hideLib ? childOf.get(k) : undefined;
		if (s === undefined) {
			s = v.parent.length;
			v.parent.push(up); v.fn.push(m.fn[i]); v.calls.push(0); v.errors.push(0); v.inc.push(0);
			v.total.push(0); v.self.push(0); v.origins.push([]); v.level.push(v.level[up] + 1);
			if (hideLib) childOf.set(k, s);
		}
		map[i] = s;
		v.calls[s] += m.calls[i]; v.errors[s] += m.errors[i]; v.inc[s] += m.inc[i];
		v.total[s] += m.total[i]; v.self[s] += m.self[i];
		v.origins[s].push(i);
	}
	v.n = v.parent.length;
	v.map = map;
	// children, largest total first
	const kids = Array.from({ length: v.n }, () => []);
	for (let i = 1; i < v.n; i++) kids[v.parent[i]].push(i);
	for (const k of kids) k.sort((a, b) => v.total[b] - v.total[a]);
	v.kids = kids;
	v.expanded = new Uint8Array(v.n);
	v.expanded[0] = 1;
	buildFlameRows(v);
	m.views[key] = v;
	return v;
}

// The flame chart's spans per depth, in start order (spans of one depth never overlap).
function buildFlameRows(v) {
	const m = v.m, rows = [];
	for (let i = 0; i < m.fnode.length; i++) {
		const s = v.map[m.fnode[i]];
		if (s < 0) continue; // collapsed into its caller, which covers its time
		const d = v.level[s] - 1;
		(rows[d] = rows[d] || []).push(i);
	}
	v.frows = rows.map(r => Int32Array.from(r || []));
	let lo = Infinity, hi = -Infinity;
	for (let i = 0; i < m.fnode.length; i++) {
		lo = Math.min(lo, m.fstart[i]); hi = Math.max(hi, m.fstart[i] + m.fdur[i]);
	}
	v.tmin = lo === Infinity ? 0 : lo; v.tmax = hi === -Infinity ? 1 : hi;
}

function nodeName(v, s) { return s === 0 ? v.m.label : FUNCS[v.fn[s]][0]; }
function nodeModule(v, s) { return s === 0 ? '' : FUNCS[v.fn[s]][1]; }

// The kept calls of a shown node: [index in th.calls]..., slowest first.
function callsOf(v, s) {
	const out = [];
	for (const o of v.origins[s] || [])
		for (let i = 0, f = v.m.callFirst[o]; f >= 0 && i < v.m.callCount[o]; i++) out.push(f + i);
	const c = v.m.th.calls;
	out.sort((a, b) => c[b * 5 + 2] - c[a * 5 + 2]);
	return out;
}

function callExtras(m, i) { const x = m.th.calls[i * 5 + 4]; return x && typeof x === 'object' ? x : null; }

function pathOf(v, s) { const p = []; for (; s > 0; s = v.parent[s]) p.unshift(s); return p; }

// Text of a call that search looks at: dynamic name, tag keys and values, argument values.
function callText(x) {
	if (!x) return '';
	const parts = [x.name || '', x.ret === undefined ? '' : String(x.ret)];
	for (const a of x.args || []) parts.push(String(a.name), String(a.value));
	for (const g of x.tags || []) parts.push(String(g.key), String(g.value));
	return parts.join('\u0001').toLowerCase();
}

// Shown nodes matching q, in tree order (depth first, largest first).
function searchView(v, q) {
	q = q.toLowerCase();
	const hits = [], byFn = FUNCS.map(f => f[0].toLowerCase().includes(q));
	const stack = [0];
	while (stack.length) {
		const s = stack.pop();
		if (s > 0) {
			let hit = byFn[v.fn[s]];
			if (!hit && v.m.hasExtras) for (const ci of callsOf(v, s)) if (callText(callExtras(v.m, ci)).includes(q)) { hit = true; break; }
			if (hit) hits.push(s);
		}
		const k = v.kids[s];
		for (let i = k.length - 1; i >= 0; i--) stack.push(k[i]);
	}
	return hits;
}
