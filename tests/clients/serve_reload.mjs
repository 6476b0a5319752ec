#!/usr/bin/env node
// A page of `pakketbuild serve` in Debian's /usr/bin/chromium (playwright-core), reloaded
// by the preview's own script after each save.
//
//   node serve_reload.mjs PAGE_URL ROUNDS
//
// Each round prints "ready N" once the page's reload script is waiting; the caller then
// saves a content file. When the page has reloaded (its `load` event) it prints one JSON
// line: {"round": N, "text": the text of <main>, "h1_color": computed colour of the h1,
// "version": the page's data-version, "responses": ["304 /assets/site.css", …]} (every
// response of the reload besides the page itself), and waits for a line on stdin before
// the next round. Exit 0 when the harness ran; the Python side judges the results.
import { chromium } from 'playwright-core';
import readline from 'node:readline';

const [url, roundsText] = process.argv.slice(2);
if (!url) {
  process.stderr.write('usage: node serve_reload.mjs PAGE_URL ROUNDS\n');
  process.exit(2);
}
const rounds = Number(roundsText || '1');
const browser = await chromium.launch({
  executablePath: process.env.PAKKETBUILD_CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
const lines = readline.createInterface({ input: process.stdin })[Symbol.asyncIterator]();
try {
  const page = await browser.newPage();
  let responses = [];
  page.on('response', (response) => {
    const where = new URL(response.url());
    if (response.request().resourceType() !== 'document'
        && where.pathname !== '/__pakketbuild/version') {
      responses.push(`${response.status()} ${where.pathname}`);
    }
  });
  await page.goto(url, { waitUntil: 'load' });
  for (let round = 0; round < rounds; round += 1) {
    await page.waitForTimeout(300); // the reload script's long poll is on its way
    responses = [];
    const reloaded = page.waitForEvent('load', { timeout: 30_000 });
    console.log(`ready ${round}`);
    await reloaded;
    const seen = await page.evaluate(() => ({
      text: document.querySelector('main')?.innerText ?? '',
      h1_color: getComputedStyle(document.querySelector('h1')).color,
      version: document.querySelector('script[data-version]')?.getAttribute('data-version'),
    }));
    console.log(JSON.stringify({ round, ...seen, responses: [...responses].sort() }));
    await lines.next();
  }
} catch (error) {
  process.stderr.write(`${error.stack || error}\n`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
process.exit(process.exitCode ?? 0);
