// SPDX-License-Identifier: BSD-2-Clause
// Checks the Diff view of a `ferret view --diff` page as a user opens it: from disk, in
// Debian's Chromium (headless, via playwright-core), with the network off.
//
//   node view_diff.mjs LABEL FILE.html ARTIFACT_DIR EXPECT.json
//
// EXPECT.json: {"row": "up",                 a function of both runs, and its figures
//               "calls": [5, 15], "total": [A_ns, B_ns],
//               "slower": "up", "faster": "down", by calls (B has more, fewer)
//               "root": "main",              the first merged path, with children
//               "command": "<img ...>",      text of run A's command line shown as text
//               "thread": "<img src=x one"}  a thread name shown as text
// Each check prints one "PASS: LABEL ..." or "FAIL: LABEL ..." line; exit status 1 if any failed.
import fs from 'node:fs';
import path from 'node:path';

import { check, checkQuiet, failed, openOffline } from './offline_page.mjs';


// The cells' text of the Diff table's row of function fn.
const rowCells = (page, fn) => page.evaluate(fn => {
	const tr = [...document.querySelectorAll('#diff-body tr')].find(r => r.dataset.fn === fn);
	return tr ? [...tr.children].map(td => td.textContent) : null;
}, fn);
const rowPaint = (page, fn) => page.evaluate(fn => {
	const tr = [...document.querySelectorAll('#diff-body tr')].find(r => r.dataset.fn === fn);
	return tr ? [tr.dataset.change, getComputedStyle(tr).backgroundColor] : null;
}, fn);
const firstFn = page => page.evaluate(() => document.querySelector('#diff-body tr').dataset.fn);

async function main() {
	const [label, file, artDir, expectPath] = process.argv.slice(2);
	const want = JSON.parse(fs.readFileSync(expectPath, 'utf8'));
	const { page, requests, errors, dialogs, close } = await openOffline(file);
	try {
		await page.goto('file://' + path.resolve(file), { waitUntil: 'load' });
		await page.waitForFunction(() => window.ferretView && window.ferretView.ready, null, { timeout: 60000 });
		console.log(`INFO: ${label} ${fs.statSync(file).size} bytes`);
		check(label, 'opens without error', !errors.length, errors.slice(0, 3).join(' | '));
		check(label, 'the call tree badges a node with its change', await page.locator('#tree .badge.dchg').count() > 0);
		await page.click('#tab-diff');
		check(label, 'the Diff tab shows its pane', await page.locator('#pane-diff:not(.hidden) #diff-body tr').count() > 0);
		// a row's figures, as the page formats them
		const cells = await rowCells(page, want.row);
		const [ta, tb, dt, dc] = await page.evaluate(([a, b, ca, cb]) => [fmtDur(a), fmtDur(b), fmtChange('total', change(a, b)), fmtChange('calls', change(ca, cb))],
			[...want.total, ...want.calls]);
		check(label, `${want.row}: calls ${want.calls.join(' -> ')}, ${dc}`,
		      cells && cells[2] === String(want.calls[0]) && cells[3] === String(want.calls[1]) && cells[4] === dc, cells && cells.slice(2, 5).join(' | '));
		check(label, `${want.row}: total ${ta} -> ${tb}, ${dt}`, cells && cells[5] === ta && cells[6] === tb && cells[7] === dt,
		      cells && cells.slice(5, 8).join(' | '));
		// the Table tab: each function's change of total, painted
		await page.click('#tab-table');
		const tcell = await page.evaluate(fn => {
			const tr = [...document.querySelectorAll('#stats-body tr')].find(r => r.firstChild.textContent === fn);
			return tr ? [tr.lastChild.textContent, tr.lastChild.dataset.change] : null;
		}, want.row);
		check(label, `the table shows ${want.row}'s change of total`, tcell && tcell[0] === dt && tcell[1] !== 'unknown', JSON.stringify(tcell));
		await page.click('#tab-diff');
		// colours: by calls, B's more is red, fewer green; different either way
		await page.selectOption('#diff-color', 'calls');
		const [ps, pf] = [await rowPaint(page, want.slower), await rowPaint(page, want.faster)];
		check(label, `coloured by change: ${want.slower} slower, ${want.faster} faster, in other colours`,
		      ps && pf && ps[0] === 'slower' && pf[0] === 'faster' && ps[1] !== pf[1] && !/rgba\(0, 0, 0, 0\)/.test(ps[1] + pf[1]),
		      JSON.stringify([ps, pf]));
		await page.screenshot({ path: path.join(artDir, `${label}-functions.png`) });
		// sorted by a change, both ways; filtered by name
		await page.locator('#pane-diff th', { hasText: 'Δ Calls' }).click();
		const top = await firstFn(page);
		await page.locator('#pane-diff th', { hasText: 'Δ Calls' }).click();
		const bottom = await firstFn(page);
		check(label, 'sorts by the change of calls, both ways', top === want.slower && bottom === want.faster, `${top}, ${bottom}`);
		await page.fill('#diff-filter', want.row);
		const names = await page.evaluate(() => [...document.querySelectorAll('#diff-body tr')].map(r => r.dataset.fn));
		check(label, 'filters by name', names.length > 0 && names.every(n => n.includes(want.row)), names.join(' '));
		await page.fill('#diff-filter', '');
		// the merged trees: a root expands into its children
		await page.click('#diff-paths');
		const roots = await page.locator('#diff-paths-body tr').count();
		const first = await page.locator('#diff-paths-body tr').first().locator('.tree-name').textContent();
		await page.locator('#diff-paths-body tr').first().locator('.twisty').click();
		const open = await page.locator('#diff-paths-body tr').count();
		const kids = await page.locator('#diff-paths-body tr[data-level="2"]').count();
		check(label, `the call paths: ${want.root} first, expanding it shows its callees`,
		      first === want.root && open > roots && kids === open - roots, `${first}: ${roots} -> ${open} rows`);
		const painted = await page.evaluate(() => [...document.querySelectorAll('#diff-paths-body tr')].filter(r => r.style.background).length);
		check(label, 'the call paths are coloured by change', painted > 0, `${painted} rows`);
		await page.screenshot({ path: path.join(artDir, `${label}-paths.png`) });
		await page.click('#theme');
		check(label, 'light mode', await page.evaluate(() => document.body.classList.contains('light')));
		await page.screenshot({ path: path.join(artDir, `${label}-paths-light.png`) });
		// language: the Diff view's labels in Spanish, the view kept
		await page.click('#lang');
		check(label, 'Spanish labels', (await page.locator('#tab-diff').textContent()) === 'Diferencias' &&
		      (await page.locator('#diff-paths').textContent()) === 'Rutas de llamadas' &&
		      (await page.locator('#pane-diff:not(.hidden) #diff-paths-body tr').count()) === open,
		      await page.locator('#tab-diff').textContent());
		await page.click('#diff-functions');
		check(label, 'Spanish column names', (await page.locator('#pane-diff th').nth(2).textContent()).startsWith('Llamadas A'));
		await page.screenshot({ path: path.join(artDir, `${label}-functions-es.png`) });
		await page.click('#lang');
		check(label, 'English labels again', (await page.locator('#tab-diff').textContent()) === 'Diff');
		// untrusted text
		check(label, "run A's command line shows as text", (await page.locator('#diff-run-a').textContent()).includes(want.command));
		if (want.thread) {
			const threads = await page.locator('#thread option').allTextContents();
			check(label, 'a hostile thread name shows as text', threads.some(s => s.includes(want.thread)), threads.join(' | '));
		}
		check(label, 'no element was injected', await page.evaluate(() => !document.querySelector('body img, body iframe, body svg, body b')));
		checkQuiet(label, { dialogs, requests, errors });
	} catch (e) {
		check(label, 'viewer check ran', false, String(e).split('\n')[0]);
	} finally {
		await close();
	}
	process.exit(failed() ? 1 : 0);
}
main();
