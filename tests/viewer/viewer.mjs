// SPDX-License-Identifier: BSD-2-Clause
// Checks ferret's exports with the real tools, as a user would open them.
//
//   node viewer.mjs validate LABEL FILE.speedscope.json
//       validates FILE against file-format-schema.json as shipped in the speedscope package
//   node viewer.mjs open LABEL FILE EXPECT.json ARTIFACT_DIR
//       serves the Speedscope app from node_modules/speedscope/dist/release on 127.0.0.1,
//       opens index.html#profileURL=... in Debian's Chromium (headless, via playwright-core)
//       and checks: no import error (page errors, console errors/warnings, alerts, the app's
//       error screen), the expected importer, one profile per thread, each thread's total
//       duration as the app shows it, and a flame graph drawn on the canvas. Screenshots go
//       to ARTIFACT_DIR.
//
// EXPECT.json: {"importer": "speedscope json file", "threads": [{"tid": 123, "total_ns": 456}]}
// ("total_ns" null: not checked). Each check prints one "PASS: LABEL ..." or "FAIL: LABEL ..."
// line for tests/run.sh; the exit status is 1 if any failed.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const release = path.join(here, 'node_modules/speedscope/dist/release');
const schemaPath = path.join(release, 'file-format-schema.json');
let failures = 0;

function check(label, name, ok, why) {
	if (ok) {
		console.log(`PASS: ${label} ${name}`);
	} else {
		failures++;
		console.log(`FAIL: ${label} ${name}${why ? ` (${why})` : ''}`);
	}
	return ok;
}

async function validate(label, file) {
	const { default: Ajv } = await import('ajv');
	const schema = JSON.parse(fs.readFileSync(schemaPath, 'utf8'));
	const ajv = new Ajv({ allErrors: true, strict: false });
	const ok = ajv.validate(schema, JSON.parse(fs.readFileSync(file, 'utf8')));
	check(label, 'validates against speedscope file-format-schema.json', ok,
	      ok ? '' : ajv.errorsText(ajv.errors.slice(0, 3)));
}

// Speedscope's TimeFormatter (src/lib/value-formatters.ts), to print a duration as the app does.
function formatLikeSpeedscope(ns) {
	const s = ns * 1e-9;
	if (s / 60 >= 1) {
		const minutes = Math.floor(s / 60);
		return `${minutes}:${String(Math.floor(s - minutes * 60)).padStart(2, '0')}`;
	}
	if (s >= 1) return `${s.toFixed(2)}s`;
	if (s / 0.001 >= 1) return `${(s / 0.001).toFixed(2)}ms`;
	if (s / 1e-6 >= 1) return `${(s / 1e-6).toFixed(2)}\u00b5s`;
	return `${(s / 1e-9).toFixed(2)}ns`;
}

function parseSpeedscopeDuration(text) {
	const m = /^([\d.]+)(s|ms|\u00b5s|ns)$/.exec(text.trim());
	if (!m) return NaN;
	return parseFloat(m[1]) * { s: 1e9, ms: 1e6, '\u00b5s': 1e3, ns: 1 }[m[2]];
}

// The shown total matches when it is the expected value printed the app's way, or (for
// formats in floating-point microseconds) within half a unit of its last printed digit.
function totalMatches(shown, expectedNs) {
	const want = formatLikeSpeedscope(expectedNs);
	if (shown === want) return true;
	const unit = { s: 1e9, ms: 1e6, '\u00b5s': 1e3, ns: 1 }[want.replace(/^[\d.]+/, '')];
	return Math.abs(parseSpeedscopeDuration(shown) - expectedNs) <= 0.005 * unit * (1 + 1e-9);
}

function serve(file) {
	const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css',
			'.json': 'application/json', '.wasm': 'application/wasm', '.png': 'image/png',
			'.woff2': 'font/woff2', '.ico': 'image/x-icon' };
	const server = http.createServer((req, res) => {
		const url = decodeURIComponent(new URL(req.url, 'http://127.0.0.1').pathname);
		const target = url === `/profiles/${path.basename(file)}` ? file
			: path.join(release, path.normalize(url === '/' ? '/index.html' : url));
		if (target !== file && !target.startsWith(release + path.sep)) {
			res.writeHead(403).end();
			return;
		}
		fs.readFile(target, (err, data) => {
			if (err) {
				res.writeHead(404).end();
				return;
			}
			res.writeHead(200, { 'content-type': types[path.extname(target)] || 'application/octet-stream' });
			res.end(data);
		});
	});
	return new Promise(resolve => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function launchChromium() {
	const { chromium } = await import('playwright-core');
	const userDataDir = fs.mkdtempSync('/tmp/ferret-chromium.');
	const context = await chromium.launchPersistentContext(userDataDir, {
		executablePath: '/usr/bin/chromium',
		headless: true,
		viewport: { width: 1280, height: 800 },
		args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
		       '--disable-background-networking', '--disable-component-update', '--disable-sync'],
	});
	return { context, userDataDir };
}

// Counts the colors of a PNG screenshot below the toolbar, decoding it in the browser itself.
async function flameGraphPixels(context, png) {
	const page = await context.newPage();
	const stats = await page.evaluate(async (dataUrl) => {
		const img = new Image();
		img.src = dataUrl;
		await img.decode();
		const canvas = document.createElement('canvas');
		canvas.width = img.width;
		canvas.height = img.height;
		const ctx = canvas.getContext('2d');
		ctx.drawImage(img, 0, 0);
		const top = 24, { data } = ctx.getImageData(0, top, img.width, img.height - top);
		const colors = new Set();
		let painted = 0;
		for (let i = 0; i < data.length; i += 4) {
			const [r, g, b] = [data[i], data[i + 1], data[i + 2]];
			colors.add((r << 16) | (g << 8) | b);
			if (r < 245 || g < 245 || b < 245) painted++;
		}
		return { colors: colors.size, painted: painted / (data.length / 4) };
	}, `data:image/png;base64,${png.toString('base64')}`);
	await page.close();
	return stats;
}

function ignorableConsole(msg) {
	// SwiftShader's performance notes about glReadPixels: the software WebGL, not the app.
	return /GL Driver Message|GPU stall due to ReadPixels/.test(msg);
}

async function waitForImport(page, problems) {
	const deadline = Date.now() + 60000;
	while (Date.now() < deadline) {
		const state = await page.evaluate(() => ({
			text: document.body.innerText,
			canvases: document.querySelectorAll('canvas').length,
		}));
		if (/Something went wrong/.test(state.text)) return { ok: false, text: state.text };
		if (problems.dialogs.length) return { ok: false, text: state.text };
		if (/Sandwich/.test(state.text) && /Time Order/.test(state.text) && state.canvases > 1 &&
		    problems.imported) return { ok: true, text: state.text };
		await page.waitForTimeout(200);
	}
	return { ok: false, text: 'timed out after 60 s' };
}

// One row per profile, from the toolbar's profile switcher (shown on hover): [name, total].
async function profileRows(page, count) {
	if (count === 1) return null;
	await page.hover('text=/\\(1\\/\\d+\\)/');
	await page.waitForSelector('tr[title]', { state: 'visible', timeout: 10000 });
	return page.$$eval('tr[title]', rows => rows.map(r => [r.getAttribute('title'),
		r.querySelector('td:last-child').innerText.trim()]));
}

function threadRow(rows, tid) {
	// Speedscope files: "comm pid/tid"; Chrome traces: "proc (pid P), comm (tid T)".
	const re = new RegExp(`(/${tid}$)|(\\(tid ${tid}\\))`);
	return rows.find(([name]) => re.test(name));
}

function checkTotals(label, rows, expect) {
	for (const t of expect.threads) {
		const row = rows && threadRow(rows, t.tid);
		if (!check(label, `shows thread ${t.tid}`, row, rows ? `profiles: ${rows.map(r => r[0]).join('; ')}` : 'one profile'))
			continue;
		if (t.total_ns == null) continue;
		check(label, `thread ${t.tid} total duration`, totalMatches(row[1], t.total_ns),
		      `shown ${row[1]}, expected ${formatLikeSpeedscope(t.total_ns)} (${t.total_ns} ns)`);
	}
}

async function open(label, file, expectPath, artifacts) {
	const expect = JSON.parse(fs.readFileSync(expectPath, 'utf8'));
	const server = await serve(path.resolve(file));
	const { context, userDataDir } = await launchChromium();
	const problems = { errors: [], dialogs: [], imported: false, importer: '' };
	try {
		const page = await context.newPage();
		page.on('pageerror', e => problems.errors.push(`page error: ${e.message}`));
		page.on('dialog', d => { problems.dialogs.push(d.message()); d.dismiss().catch(() => {}); });
		page.on('console', m => {
			const text = m.text();
			if (/^Importing as /.test(text)) problems.importer = text.replace(/^Importing as /, '');
			if (/^import: /.test(text) || m.type() === 'timeEnd') problems.imported = true;
			if ((m.type() === 'error' || m.type() === 'warning') && !ignorableConsole(text))
				problems.errors.push(`console ${m.type()}: ${text}`);
			if (/Failed to load format/.test(text)) problems.errors.push(text);
		});
		const port = server.address().port;
		const url = `http://127.0.0.1:${port}/profiles/${path.basename(file)}`;
		await page.goto(`http://127.0.0.1:${port}/index.html#profileURL=${encodeURIComponent(url)}`);
		const state = await waitForImport(page, problems);
		await page.waitForTimeout(500); // let the flame graph paint
		check(label, 'imports without error', state.ok && !problems.errors.length && !problems.dialogs.length,
		      [...problems.errors, ...problems.dialogs.map(d => `alert: ${d}`), state.ok ? '' : state.text.slice(0, 200)]
			      .filter(Boolean).slice(0, 3).join('; '));
		check(label, `imported as ${expect.importer}`, problems.importer.startsWith(expect.importer),
		      `importer: ${problems.importer || 'none'}`);
		const shot = await page.screenshot({ path: path.join(artifacts, `${label}.png`) });
		const px = await flameGraphPixels(context, shot);
		check(label, 'draws the flame graph', px.colors >= 8 && px.painted > 0.01,
		      `${px.colors} colors, ${(px.painted * 100).toFixed(1)}% painted`);
		const indicator = /\((\d+)\/(\d+)\)/.exec(state.text);
		const count = indicator ? Number(indicator[2]) : state.ok ? 1 : 0;
		check(label, `one profile per thread (${expect.threads.length})`, count === expect.threads.length,
		      `the app shows ${count}`);
		if (expect.threads.length > 1 && count > 1) {
			const rows = await profileRows(page, count);
			await page.screenshot({ path: path.join(artifacts, `${label}-profiles.png`) });
			checkTotals(label, rows, expect);
		}
	} catch (e) {
		check(label, 'viewer check ran', false, e.message.split('\n')[0]);
	} finally {
		await context.close();
		server.close();
		fs.rmSync(userDataDir, { recursive: true, force: true });
	}
}

const [cmd, label, ...args] = process.argv.slice(2);
if (cmd === 'validate' && args.length === 1) {
	await validate(label, args[0]);
} else if (cmd === 'open' && args.length === 3) {
	fs.mkdirSync(args[2], { recursive: true });
	await open(label, ...args);
} else {
	console.error('usage: node viewer.mjs validate LABEL FILE | open LABEL FILE EXPECT.json ARTIFACT_DIR');
	process.exit(2);
}
process.exit(failures ? 1 : 0);
