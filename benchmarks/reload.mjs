// Time from saving a content file to the reloaded preview page, as an editor sees it.
//
//   node benchmarks/reload.mjs URL ROUNDS
//
// Opens URL (a page of `pakketbuild serve`) in Debian's headless Chromium. Each round it
// prints "ready N" once the page's reload script is waiting for a new build; the caller
// then saves a content file and notes the time. When the page has reloaded (its `load`
// event), it prints one line:
//
//   reloaded N LOAD {"answered": ms, "navigation": ms, "html": ms, "requests": [...]}
//
// LOAD is the epoch time (ms) of the `load` event, as the page's navigation timing has it
// (loadEventStart); the caller subtracts the moment of its write. (Until 2026-12-02 it was
// the moment this script heard of the event, which added the DevTools protocol's delay.)
// The JSON breaks the browser's part down, all epoch ms on the same clock (`seen`: when
// this script heard of the load event):
// `answered` when the waiting version request (the long poll) got its answer, `navigation`
// when the reload started, `html` when the page's HTML had arrived, `assets` when the last
// of its other files had (style sheets), `parsed` when DOMContentLoaded had run, and
// `requests` the status of every other request of the reloaded page ("304 /assets/…").
// Playwright comes from tests/clients (no browser download).
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import readline from 'node:readline';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '..', 'tests', 'clients', 'package.json'));
const { chromium } = require('playwright-core');

const [url, roundsText] = process.argv.slice(2);
const rounds = Number(roundsText || '5');
const browser = await chromium.launch({
  executablePath: process.env.PAKKETBUILD_CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
const lines = readline.createInterface({ input: process.stdin })[Symbol.asyncIterator]();
try {
  const page = await browser.newPage();
  let answered = 0;
  let requests = [];
  page.on('response', (response) => {
    const where = new URL(response.url());
    if (where.pathname === '/__pakketbuild/version') {
      answered = Date.now();
    } else if (answered && response.request().resourceType() !== 'document') {
      requests.push(`${response.status()} ${where.pathname}`);
    }
  });
  await page.goto(url, { waitUntil: 'load' });
  for (let round = 0; round < rounds; round += 1) {
    // the reload script starts its long poll right after load; give it a moment to be sent
    await page.waitForTimeout(300);
    answered = 0;
    requests = [];
    const reloaded = page.waitForEvent('load', { timeout: 30_000 });
    console.log(`ready ${round}`);
    await reloaded;
    const seenAt = Date.now();
    const timing = await page.evaluate(() => {
      const entry = performance.getEntriesByType('navigation')[0];
      const ends = performance.getEntriesByType('resource')
        .filter((r) => !r.name.includes('/__pakketbuild/version'))
        .map((r) => r.responseEnd);
      return {
        navigation: performance.timeOrigin + entry.startTime,
        html: performance.timeOrigin + entry.responseEnd,
        assets: performance.timeOrigin + Math.max(entry.responseEnd, ...ends),
        parsed: performance.timeOrigin + entry.domContentLoadedEventEnd,
        load: performance.timeOrigin + entry.loadEventStart,
      };
    });
    const detail = { answered, ...timing, seen: seenAt, requests: [...requests].sort() };
    console.log(`reloaded ${round} ${timing.load} ${JSON.stringify(detail)}`);
    await lines.next(); // the caller's "next"
  }
} finally {
  await browser.close();
}
process.exit(0); // stdin's reader would keep node alive
