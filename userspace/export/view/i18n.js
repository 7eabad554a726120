// ferret view: labels (English, Spanish), number and duration formatting, DOM helpers.
// Every text from the run reaches the page through textContent or canvas fillText:
// nothing here parses markup.
'use strict';

const LABELS = {
	en: {
		tree: 'Call tree', flamechart: 'Flame chart', flamegraph: 'Flame graph', table: 'Table',
		thread: 'Thread', allThreads: 'all threads', search: 'Search', searchHint: 'function, tag or argument',
		prev: 'Prev', next: 'Next', matches: '{n} matches', noMatch: 'no match',
		hideLib: 'Hide library internals', hideLibDiff: 'The tree\'s change badges are off while library internals are hidden: they compare whole merged call paths', minDur: 'Min duration', expandTo: 'Expand to depth',
		expand: 'Expand', collapse: 'Collapse all', light: 'Light', dark: 'Dark', lang: 'Español',
		function: 'Function', module: 'Module', calls: 'Calls', total: 'Total', self: 'Self',
		ofParent: '% of parent', errors: 'Errors', min: 'Min', avg: 'Avg', p50: 'P50', p95: 'P95',
		p99: 'P99', max: 'Max', filterName: 'filter by name',
		callsOf: 'Calls of {name}', pickNode: 'Pick a node of the tree or a frame to see its calls.',
		listed: '{shown} of {calls} calls listed, slowest first', listedAll: '{calls} calls, slowest first',
		slowestKept: 'the run keeps the {k} slowest calls of each call path',
		slowestKept1: 'the run keeps the slowest call of each call path',
		sumCalls1: 'Calls lists: the slowest call of each call path ({kept} of {spans}).',
		details: 'Call details', pickCall: 'Click a call to see its details.',
		start: 'Start', duration: 'Duration', end: 'End', status: 'Status', thread_: 'Thread',
		args: 'Arguments', ret: 'Return value', tags: 'Tags', cpu: 'On CPU', blocked: 'Blocked',
		runq: 'Run queue', dynName: 'Name', callers: 'Caller chain', noArgs: 'not recorded by this run',
		errorBadge: '{n} errors', errorBadge1: '1 error', listedAll1: '1 call', incBadge: '{n} incomplete', spans: 'spans', lost: 'lost events', unstored: 'calls seen but not stored',
		threads: 'threads', reset: 'Reset zoom', zoomHint: 'wheel: zoom, drag: pan, click: select, double-click: zoom to frame',
		sumFlame: 'Flame chart: the {kept} longest of {spans} calls (those over {over}); the tree, flame graph and table count every call.',
		sumFlameAll: 'Every one of the {spans} calls is in the flame chart.',
		sumCalls: 'Calls lists: the {k} slowest calls of each call path ({kept} of {spans}).',
		sumCallsAll: 'Calls lists: every call.',
		sumPaths: 'Trees: the {kept} longest of {paths} call paths (those over {over}); the time of the shorter ones stays in their callers\' totals.',
		pctNote: 'Percentiles from histograms (within 1/64).',
		filtered: 'Filters: {f}.', incompleteRun: '{n} calls had no return (incomplete).',
		ok: 'ok', incomplete: 'incomplete', no_return_probe: 'no return probe', lostStatus: 'lost',
		root: 'thread', hiddenRows: 'rows', loaded: 'loaded in {ms} ms',
		diff: 'Diff', diffFunctions: 'Functions', diffPaths: 'Call paths', onlyA: 'only A', onlyB: 'only B',
		diffWhole: 'Run A (this page) against run B, whole runs, as ferret diff compares them (exact percentiles); Δ is B - A, % of A.',
		diffNoTree: 'A run has no spans: no call paths to compare.',
		diffPathsCut: 'Call paths: the {kept} longest of {paths} (those over {over} in A or B); the shorter ones are left out.',
		diffMoreRows: 'The first {n} rows are shown: collapse some paths to see others.',
		diffColor: 'Colour by', diffSortBy: 'Sort changes by', diffByAbs: 'amount', diffByPct: 'percent',
		diffVsB: 'Δ Total (B)', diffSlower: 'B larger (slower)', diffFaster: 'B smaller (faster)',
		diffBadge: 'Run B: this call path, every thread of each run merged: total A {a}, B {b}',
	},
	es: {
		tree: 'Árbol de llamadas', flamechart: 'Gráfico de llamas (tiempo)', flamegraph: 'Gráfico de llamas', table: 'Tabla',
		thread: 'Hilo', allThreads: 'todos los hilos', search: 'Buscar', searchHint: 'función, etiqueta o argumento',
		prev: 'Anterior', next: 'Siguiente', matches: '{n} coincidencias', noMatch: 'sin coincidencias',
		hideLib: 'Ocultar internos de bibliotecas', hideLibDiff: 'Las marcas de cambio del árbol no se muestran con los internos ocultos: comparan rutas de llamadas enteras', minDur: 'Duración mínima', expandTo: 'Expandir hasta nivel',
		expand: 'Expandir', collapse: 'Contraer todo', light: 'Claro', dark: 'Oscuro', lang: 'English',
		function: 'Función', module: 'Módulo', calls: 'Llamadas', total: 'Total', self: 'Propio',
		ofParent: '% del padre', errors: 'Errores', min: 'Mín', avg: 'Media', p50: 'P50', p95: 'P95',
		p99: 'P99', max: 'Máx', filterName: 'filtrar por nombre',
		callsOf: 'Llamadas de {name}', pickNode: 'Elija un nodo del árbol o un marco para ver sus llamadas.',
		listed: '{shown} de {calls} llamadas, las más lentas primero', listedAll: '{calls} llamadas, las más lentas primero',
		slowestKept: 'se guardan las {k} llamadas más lentas de cada ruta',
		slowestKept1: 'se guarda la llamada más lenta de cada ruta',
		sumCalls1: 'Listas de llamadas: la llamada más lenta de cada ruta ({kept} de {spans}).',
		details: 'Detalles de la llamada', pickCall: 'Pulse una llamada para ver sus detalles.',
		start: 'Inicio', duration: 'Duración', end: 'Fin', status: 'Estado', thread_: 'Hilo',
		args: 'Argumentos', ret: 'Valor devuelto', tags: 'Etiquetas', cpu: 'En CPU', blocked: 'Bloqueado',
		runq: 'En cola', dynName: 'Nombre', callers: 'Cadena de llamadores', noArgs: 'no registrados en esta ejecución',
		errorBadge: '{n} errores', errorBadge1: '1 error', listedAll1: '1 llamada', incBadge: '{n} incompletas', incBadge1: '1 incompleta', spans: 'spans', lost: 'eventos perdidos', unstored: 'llamadas vistas y no guardadas',
		threads: 'hilos', reset: 'Restablecer zoom', zoomHint: 'rueda: zoom, arrastrar: desplazar, clic: elegir, doble clic: zoom al marco',
		sumFlame: 'Gráfico de llamas (tiempo): las {kept} llamadas más largas de {spans} (las de más de {over}); el árbol, el gráfico de llamas y la tabla cuentan todas.',
		sumFlameAll: 'Las {spans} llamadas están en el gráfico de llamas (tiempo).',
		sumCalls: 'Listas de llamadas: las {k} más lentas de cada ruta ({kept} de {spans}).',
		sumCallsAll: 'Listas de llamadas: todas las llamadas.',
		sumPaths: 'Árboles: las {kept} rutas más largas de {paths} (las de más de {over}); el tiempo de las más cortas queda en el total de sus llamadores.',
		pctNote: 'Percentiles de histogramas (con error de 1/64).',
		filtered: 'Filtros: {f}.', incompleteRun: '{n} llamadas no volvieron (incompletas).',
		ok: 'correcta', incomplete: 'incompleta', no_return_probe: 'sin sonda de retorno', lostStatus: 'perdida',
		root: 'hilo', hiddenRows: 'filas', loaded: 'cargado en {ms} ms',
		diff: 'Diferencias', diffFunctions: 'Funciones', diffPaths: 'Rutas de llamadas', onlyA: 'solo A', onlyB: 'solo B',
		diffWhole: 'La ejecución A (esta página) frente a la B, completas, como las compara ferret diff (percentiles exactos); Δ es B - A, % de A.',
		diffNoTree: 'Una ejecución no tiene spans: no hay rutas que comparar.',
		diffPathsCut: 'Rutas de llamadas: las {kept} más largas de {paths} (las de más de {over} en A o B); las más cortas no se muestran.',
		diffMoreRows: 'Se muestran las {n} primeras filas: contraiga algunas rutas para ver otras.',
		diffColor: 'Color según', diffSortBy: 'Ordenar cambios por', diffByAbs: 'cantidad', diffByPct: 'porcentaje',
		diffVsB: 'Δ Total (B)', diffSlower: 'B mayor (más lento)', diffFaster: 'B menor (más rápido)',
		diffBadge: 'Ejecución B: esta ruta, con todos los hilos de cada ejecución juntos: total A {a}, B {b}',
	},
};

let lang = new URLSearchParams(location.search).get('lang') === 'es' ? 'es' : 'en';

function t(key, vars) {
	let s = LABELS[lang][key] || LABELS.en[key] || key;
	if (vars)
		for (const k of Object.keys(vars)) s = s.split('{' + k + '}').join(String(vars[k]));
	return s;
}

// t() of key's singular (key + '1', where there is one) when n is 1.
function tn(key, n, vars) { return n === 1 && (LABELS[lang][key + '1'] || LABELS.en[key + '1']) ? t(key + '1', vars) : t(key, vars); }

function fmtNum(n) {
	return Math.round(n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, lang === 'es' ? '.' : ',');
}

function fmtDur(ns) {
	if (ns === null || ns === undefined || ns < 0) return '-';
	const sep = lang === 'es' ? ',' : '.';
	const f = (v, d) => v.toFixed(d).replace('.', sep);
	if (ns < 1e3) return f(ns, 0) + ' ns';
	if (ns < 1e6) return f(ns / 1e3, ns < 1e4 ? 2 : 1) + ' µs';
	if (ns < 1e9) return f(ns / 1e6, ns < 1e7 ? 2 : 1) + ' ms';
	return f(ns / 1e9, 2) + ' s';
}

function fmtPct(part, whole) {
	if (!whole) return '-';
	const p = 100 * part / whole;
	return (p >= 99.95 ? '100' : p.toFixed(1).replace('.', lang === 'es' ? ',' : '.')) + '%';
}

const STATUS = ['ok', 'incomplete', 'no_return_probe', 'lostStatus'];
function statusName(s) { return t(STATUS[s] || 'incomplete'); }

// el('div', {className: 'x', title: 'y'}, 'text', child): properties only, text as text nodes.
function el(tag, props, ...kids) {
	const e = document.createElement(tag);
	if (props)
		for (const k of Object.keys(props)) {
			if (k === 'dataset') Object.assign(e.dataset, props[k]);
			else if (k === 'on') for (const ev of Object.keys(props.on)) e.addEventListener(ev, props.on[ev]);
			else e[k] = props[k];
		}
	for (const c of kids)
		if (c !== null && c !== undefined && c !== false) e.appendChild(typeof c === 'object' ? c : document.createTextNode(String(c)));
	return e;
}

function clear(e) { while (e.firstChild) e.removeChild(e.firstChild); return e; }

// A stable color per function name: hue from a string hash; libraries paler.
function colorOf(name, lib, dark) {
	let h = 2166136261;
	for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619);
	const hue = ((h >>> 0) % 60) + (lib ? 190 : 10);
	return `hsl(${hue},${lib ? 35 : 70}%,${dark ? (lib ? 40 : 45) : (lib ? 72 : 68)}%)`;
}
