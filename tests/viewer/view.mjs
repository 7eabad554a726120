// SPDX-License-Identifier: BSD-2-Clause
// Checks a `ferret view` page as a user opens it: from disk, in Debian's Chromium (headless,
// via playwright-core), with the network off (every request is counted and refused).
//
//   node view.mjs LABEL FILE.html ARTIFACT_DIR EXPECT.json
//
// EXPECT.json: {"search": "fib",          a function name the page must find (and step through)
//               "matches": 3,             how many tree nodes it matches (null: at least one)
//               "thread": "<img ...>",    a thread name that must show as text (optional),
//               "command": "</script>...", and text of the command line that must too
//               "library": true,          the run has library calls: hiding them hides rows
//               "calls": 617}             spans the page says it read (optional)
// Each check prints one "PASS: LABEL ..." or "FAIL: LABEL ..." line; exit status 1 if any failed.
import fs from 'node:fs';
import path from 'node:path';

import { check, checkQuiet, failed, openOffline } from './offline_page.mjs';


async function canvasPainted(page, id) {
	return page.evaluate(id => {
		const c = document.getElementById(id), ctx = c.getContext('2d');
		const { data } = ctx.getImageData(0, 0, c.width, c.height);
		let painted = 0;
		for (let i = 3; i < data.length; i += 4) if (data[i]) painted++;
		return painted;
	}, id);
}

async function rowCount(page) { return page.locator('#tree .tree-row').count(); }

async function main() {
	const [label, file, artDir, expectPath] = process.argv.slice(2);
	const timeOnly = expectPath === undefined; // node view.mjs LABEL FILE ARTIFACT_DIR: how long it takes to open
	const expect = timeOnly ? {} : JSON.parse(fs.readFileSync(expectPath, 'utf8'));
	const { page, requests, errors, dialogs, close } = await openOffline(file);
	try {
		const t0 = Date.now();
		await page.goto('file://' + path.resolve(file), { waitUntil: 'load' });
		await page.waitForFunction(() => window.ferretView && window.ferretView.ready, null, { timeout: 60000 });
		const openMs = Date.now() - t0;
		console.log(`INFO: ${label} opened in ${openMs} ms (script ${Math.round(await page.evaluate(() => window.ferretView.loadMs))} ms), ${fs.statSync(file).size} bytes`);
		check(label, 'opens without error', !errors.length, errors.slice(0, 3).join(' | '));
		if (timeOnly) {
			await page.click('#tab-flamechart');
			const t1 = Date.now();
			await page.evaluate(() => new Promise(r => requestAnimationFrame(() => r())));
			console.log(`INFO: ${label} flame chart drawn in ${Date.now() - t1} ms, ${await canvasPainted(page, 'flamechart')} pixels`);
			await page.screenshot({ path: path.join(artDir, `${label}-flamechart.png`) });
			await page.fill('#depth', '4');
			const t2 = Date.now();
			await page.click('#expand');
			console.log(`INFO: ${label} tree expanded to depth 4 in ${Date.now() - t2} ms`);
			return;
		}
		check(label, 'is dark by default', await page.evaluate(() => document.body.classList.contains('dark')));
		if (expect.calls !== undefined)
			check(label, `says it read ${expect.calls} spans`, (await page.locator('#summary').textContent()).includes(expect.calls.toLocaleString('en-US')),
			      await page.locator('#summary').textContent());
		// the tree: roots shown, a node expanded
		const before = await rowCount(page);
		check(label, 'tree shows its roots', before > 0, `${before} rows`);
		await page.click('#collapse');
		const closed = page.locator('#tree .tree-row .twisty', { hasText: '▸' });
		const flat = !(await closed.count());
		if (!flat) await closed.first().click();
		const after = await rowCount(page);
		check(label, flat ? 'a tree of roots only has nothing to expand' : 'expanding a node shows its children',
		      flat ? before > 0 : after > before, `${before} -> ${after} rows`);
		await page.fill('#depth', '50');
		await page.click('#expand');
		const all = await rowCount(page);
		check(label, 'expand all to a depth', all >= after, `${after} -> ${all}`);
		// a node's calls, a call's details
		await page.locator('#tree .tree-row').nth(all > 1 ? 1 : 0).click();
		const calls = await page.locator('#calls .call-row').count();
		check(label, 'a node lists its calls', calls > 0, `${calls} calls`);
		await page.locator('#calls .call-row').first().click();
		const details = await page.locator('#details').textContent();
		check(label, 'a call opens its details (duration, status, caller chain)',
		      /Duration/.test(details) && /Status/.test(details) && /Caller chain/.test(details), details.slice(0, 200));
		await page.screenshot({ path: path.join(artDir, `${label}-tree.png`) });
		// search and step through the matches
		await page.fill('#search', expect.search);
		await page.press('#search', 'Enter');
		const count = await page.locator('#search-count').textContent();
		const n = await page.evaluate(() => S.hits.length);
		check(label, `search '${expect.search}' finds ${expect.matches ?? 'some'} nodes`,
		      expect.matches == null ? n > 0 : n === expect.matches, `${n} (${count})`);
		const selName = async () => page.locator('#tree .tree-row.sel .tree-name').textContent();
		check(label, 'the first match is selected and shown', (await selName()).includes(expect.search), await selName());
		await page.click('#search-next');
		const second = await page.locator('#search-count').textContent();
		check(label, 'next steps to the second match', n < 2 || second.startsWith('2/'), second);
		await page.click('#search-prev');
		check(label, 'prev steps back', (await page.locator('#search-count').textContent()).startsWith('1/'));
		check(label, 'matches are highlighted', (await page.locator('#tree .tree-row.hit').count()) > 0);
		// theme and language
		await page.click('#theme');
		check(label, 'light mode toggle', await page.evaluate(() => document.body.classList.contains('light') && !document.body.classList.contains('dark')));
		await page.screenshot({ path: path.join(artDir, `${label}-light.png`) });
		await page.click('#theme');
		await page.click('#lang');
		check(label, 'Spanish labels', (await page.locator('#tab-tree').textContent()) === 'Árbol de llamadas');
		await page.click('#lang');
		check(label, 'English labels again', (await page.locator('#tab-tree').textContent()) === 'Call tree');
		// library internals
		if (expect.library) {
			await page.fill('#search', '');
			await page.press('#search', 'Enter');
			await page.fill('#depth', '50');
			await page.click('#expand');
			const libs = async () => page.evaluate(() => [...document.querySelectorAll('#tree .tree-row')]
				.filter(r => FUNCS[curView().fn[+r.dataset.node]][2] && curView().level[+r.dataset.node] > 1).length);
			const shown = await libs();
			await page.check('#hide-lib');
			await page.click('#expand');
			const hidden = await libs();
			check(label, 'hiding library internals hides calls into libraries', shown > 0 && hidden === 0, `${shown} -> ${hidden}`);
			await page.uncheck('#hide-lib');
		}
		// minimum duration slider: every row left lasts at least the minimum, the others went
		const totals = () => page.evaluate(() => [...document.querySelectorAll('#tree .tree-row')].map(r => curView().total[+r.dataset.node]));
		await page.locator('#min-duration').fill('950');
		const minNs = await page.evaluate(() => S.minNs);
		await page.locator('#min-duration').fill('0');
		const shorter = (await totals()).filter(x => x < minNs).length;
		await page.locator('#min-duration').fill('950');
		const left = await totals();
		check(label, 'the min-duration slider hides short calls', minNs > 0 && left.every(x => x >= minNs) && (shorter > 0 || left.length > 0),
		      `${minNs} ns: ${shorter} shorter, ${left.length} left`);
		await page.locator('#min-duration').fill('0');
		// flame chart and flame graph
		for (const k of ['flamechart', 'flamegraph']) {
			await page.click(`#tab-${k}`);
			await page.waitForTimeout(100);
			const px = await canvasPainted(page, k);
			check(label, `${k} draws`, px > 1000, `${px} pixels`);
			const box = await page.locator(`#${k}`).boundingBox();
			await page.mouse.move(box.x + 30, box.y + 8);
			check(label, `${k} hover shows details`, await page.locator('.tip:not(.hidden)').count() > 0);
			await page.screenshot({ path: path.join(artDir, `${label}-${k}.png`) });
		}
		// table: sortable, filterable
		await page.click('#tab-table');
		const rows = await page.locator('#stats-body tr').count();
		await page.locator('table.stats th', { hasText: 'Calls' }).click();
		const firstCalls = await page.locator('#stats-body tr').first().locator('td').nth(2).textContent();
		check(label, 'table sorts by calls', rows > 0 && firstCalls.length > 0, `${rows} rows, first ${firstCalls}`);
		await page.fill('#table-filter', expect.search);
		const filtered = await page.locator('#stats-body tr').count();
		check(label, 'table filters by name', filtered > 0 && filtered <= rows, `${rows} -> ${filtered}`);
		await page.screenshot({ path: path.join(artDir, `${label}-table.png`) });
		if (expect.thread) {
			const names = await page.locator('#thread option').allTextContents();
			check(label, 'a hostile thread name shows as text', names.some(s => s.includes(expect.thread)), names.join(' | '));
			check(label, 'the command line shows as text', (await page.locator('#run-line').textContent()).includes(expect.command));
			check(label, 'no element was injected', await page.evaluate(() => !document.querySelector('body img, body iframe, body svg')));
		}
		await page.goto('file://' + path.resolve(file) + '?lang=es', { waitUntil: 'load' });
		await page.waitForFunction(() => window.ferretView && window.ferretView.ready, null, { timeout: 60000 });
		check(label, '?lang=es opens in Spanish', (await page.locator('#tab-table').textContent()) === 'Tabla');
		checkQuiet(label, { dialogs, requests, errors });
	} catch (e) {
		check(label, 'viewer check ran', false, String(e).split('\n')[0]);
	} finally {
		await close();
	}
	process.exit(failed() ? 1 : 0);
}
main();
