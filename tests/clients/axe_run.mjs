#!/usr/bin/env node
// Run axe-core (WCAG 2.0/2.1 A + AA rules) over local HTML files in Debian's
// /usr/bin/chromium, driven by playwright-core (which never downloads a browser).
//
//   node axe_run.mjs FILE.html [FILE.html ...]
//
// Prints ONE JSON object on stdout:
//   {"pages": [{"file", "violations": [{id, impact, help, nodes: [target, ...]}],
//               "blocked_requests": [url, ...], "executable_scripts": [desc, ...]}]}
// Exit 0 when the harness ran (the Python side judges the results); exit 2 on a
// usage error (no files, a file that does not exist), 1 on any other harness failure.
//
// How "our pages need no JavaScript" is checked, soundly:
//   * Every file is LOADED with script execution switched off (DevTools
//     Emulation.setScriptExecutionDisabled, the switch behind Playwright's
//     javaScriptEnabled:false), so no page script runs: not inline <script>, not
//     <script src>, not async/defer/module scripts. A script skipped by the parser is
//     never run later, so the DOM after "load" is exactly what a reader without
//     JavaScript gets, and that is the DOM axe audits.
//   * Only then is script execution switched back on, and axe is injected with
//     page.evaluate(). It has to be on: with it off, DevTools evaluation itself still
//     works but timers never fire, and axe.run() (which schedules with setTimeout) never
//     resolves. Switching on after load runs nothing of the page: no page code ever
//     ran, so it registered no timers or listeners; inline on* handlers only fire on
//     events, and axe dispatches none. It is switched off again before the next file.
//     (page.addScriptTag would need the page's own scripting from the start.)
//   * executable_scripts is found statically, from the DOM after load: every <script>
//     (HTML or SVG) whose type makes it executable per the HTML spec (no/empty type, a
//     JavaScript MIME type, "module", "importmap", "speculationrules"); data blocks
//     such as <script type="application/ld+json"> are NOT scripts and are not listed.
//     Also listed: inline on* event-handler attributes and javascript: URLs in
//     href/src/action/formaction. A type with parameters ("text/javascript;charset=x")
//     is listed too (conservative: the spec would treat it as a data block).
//   * blocked_requests: every request whose URL is not file: or data: is aborted
//     (route on the context) and recorded, so a page that reaches the network
//     (CDN font, tracking pixel, remote image) is reported and the run stays offline.
import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);

const CHROMIUM = process.env.PAKKETBUILD_CHROMIUM || '/usr/bin/chromium';
const LAUNCH_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const AXE_OPTIONS = {
  runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
  resultTypes: ['violations'],
};
const PAGE_TIMEOUT_MS = 30_000;
const AXE_TIMEOUT_MS = 120_000;

// A promise that rejects after ms: a hung page must fail the harness, not hang it.
function withTimeout(promise, ms, what) {
  let timer;
  const limit = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no result after ${ms} ms`)), ms);
  });
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}

// Runs inside the page (via page.evaluate, so it works with page JS disabled).
function findExecutableScripts() {
  const JS_TYPES = new Set([
    'application/ecmascript', 'application/javascript', 'application/x-ecmascript',
    'application/x-javascript', 'text/ecmascript', 'text/javascript', 'text/javascript1.0',
    'text/javascript1.1', 'text/javascript1.2', 'text/javascript1.3', 'text/javascript1.4',
    'text/javascript1.5', 'text/jscript', 'text/livescript', 'text/x-ecmascript',
    'text/x-javascript', 'module', 'importmap', 'speculationrules',
  ]);
  const found = [];
  for (const el of document.querySelectorAll('script')) {
    const rawType = el.getAttribute('type');
    const essence = (rawType ?? '').split(';')[0].trim().toLowerCase();
    const executable = rawType === null || essence === '' || JS_TYPES.has(essence);
    if (!executable) continue;
    const src = el.getAttribute('src') ?? el.getAttribute('href');
    const what = src ? `src=${src}` : `inline: ${el.textContent.trim().slice(0, 80)}`;
    found.push(`<script${rawType === null ? '' : ` type="${rawType}"`}> ${what}`);
  }
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      if (name.startsWith('on')) {
        found.push(`<${el.localName} ${attr.name}="${attr.value.slice(0, 80)}">`);
      } else if (['href', 'src', 'action', 'formaction', 'xlink:href'].includes(name)
                 && /^\s*javascript:/i.test(attr.value)) {
        found.push(`<${el.localName} ${attr.name}="${attr.value.slice(0, 80)}">`);
      }
    }
  }
  return found;
}

async function main(files) {
  if (files.length === 0) {
    process.stderr.write('usage: node axe_run.mjs FILE.html [FILE.html ...]\n');
    return 2;
  }
  const missing = files.filter((f) => !existsSync(f));
  if (missing.length > 0) {
    process.stderr.write(`axe_run: no such file: ${missing.join(', ')}\n`);
    return 2;
  }
  const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

  const browser = await chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS });
  try {
    const context = await browser.newContext();
    context.setDefaultTimeout(PAGE_TIMEOUT_MS);
    let blocked = [];
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file:') || url.startsWith('data:')) return route.continue();
      blocked.push(url);
      return route.abort('blockedbyclient');
    });

    const pages = [];
    // One page object for all files: one browser, one context, sequential loads.
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    for (const file of files) {
      blocked = [];
      await cdp.send('Emulation.setScriptExecutionDisabled', { value: true });
      await page.goto(pathToFileURL(resolve(file)).href, { waitUntil: 'load' });
      const executableScripts = await page.evaluate(findExecutableScripts);
      await cdp.send('Emulation.setScriptExecutionDisabled', { value: false });
      await page.evaluate(axeSource);
      const result = await withTimeout(
        page.evaluate((opts) => window.axe.run(document, opts), AXE_OPTIONS),
        AXE_TIMEOUT_MS,
        `axe on ${file}`,
      );
      pages.push({
        file,
        violations: result.violations.map((v) => ({
          id: v.id,
          impact: v.impact,
          help: v.help,
          nodes: v.nodes.map((n) => n.target),
        })),
        blocked_requests: [...new Set(blocked)],
        executable_scripts: executableScripts,
      });
    }
    process.stdout.write(`${JSON.stringify({ pages })}\n`);
    return 0;
  } finally {
    await browser.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err) => {
    process.stderr.write(`axe_run: harness failure: ${err?.stack ?? err}\n`);
    process.exitCode = 1;
  },
);
