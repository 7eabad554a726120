// SPDX-License-Identifier: BSD-2-Clause
// What the page tests share: PASS/FAIL lines, and a page of ferret's opened from disk in
// Debian's Chromium (headless, via playwright-core) with the network off: every request
// but the file itself is refused and counted, and page errors, console errors and dialogs
// are collected for the test to check.
import fs from 'node:fs';
import path from 'node:path';

let failures = 0;
export function check(label, name, ok, why) {
	if (ok) console.log(`PASS: ${label} ${name}`);
	else { failures++; console.log(`FAIL: ${label} ${name}${why ? ` (${why})` : ''}`); }
	return ok;
}
export const failed = () => failures;

// The checks every page test ends with: the page opened no dialog, sent no request and
// reported no error while it was used.
export function checkQuiet(label, { dialogs, requests, errors }) {
	check(label, 'no dialog opened', !dialogs.length, dialogs.join(' | '));
	check(label, 'no request left the page', !requests.length, requests.slice(0, 3).join(' '));
	check(label, 'no error while used', !errors.length, errors.slice(0, 3).join(' | '));
}

// { context, page, requests, errors, dialogs, close() } for file, not yet loaded.
export async function openOffline(file) {
	const { chromium } = await import('playwright-core');
	const userDataDir = fs.mkdtempSync('/tmp/ferret-chromium.');
	const context = await chromium.launchPersistentContext(userDataDir, {
		executablePath: '/usr/bin/chromium', headless: true, viewport: { width: 1400, height: 850 }, offline: true,
		args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
		       '--disable-component-update', '--disable-sync'],
	});
	const requests = [], errors = [], dialogs = [];
	await context.route('**/*', route => {
		const url = route.request().url();
		if (url.startsWith('file://') && url.split('?')[0] === 'file://' + path.resolve(file)) return route.continue();
		requests.push(url);
		return route.abort();
	});
	const page = context.pages()[0] || await context.newPage();
	page.on('pageerror', e => errors.push(String(e)));
	page.on('console', m => { if (m.type() === 'error' || m.type() === 'warning') errors.push(m.text()); });
	page.on('dialog', d => { dialogs.push(d.message()); d.dismiss().catch(() => {}); });
	const close = async () => {
		await context.close();
		fs.rmSync(userDataDir, { recursive: true, force: true });
	};
	return { context, page, requests, errors, dialogs, close };
}
