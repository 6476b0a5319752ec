#!/usr/bin/env node
// Drive the browser editor (Decap CMS, /admin/<secret>/ of `pakketbuild serve`) as an editor would,
// in Debian's /usr/bin/chromium through playwright-core (which never downloads a browser).
//
//   node cms_edit.mjs ADMIN_URL COLLECTION SLUG FIELD_LABEL NEW_VALUE [LABEL=VALUE ...]
//
// ADMIN_URL is the editor's address with the run's secret, as `serve` prints it.
//
// Each LABEL=VALUE fills one more field (a date field takes YYYY-MM-DD); LABEL= with no
// value types a text into the field and then clears it again, as an editor who changes
// their mind does.
// Opens ADMIN_URL#/collections/COLLECTION/entries/SLUG, replaces the text of the field
// labelled FIELD_LABEL (the Dutch label from the generated config.yml) with NEW_VALUE, and
// publishes ("Publiceer" → "Publiceer nu", which in the local backend writes the file).
// Prints ONE JSON object on stdout:
//   {"saved": bool, "notification": text, "before": old value, "config_errors": [text],
//    "page_errors": [text], "blocked_requests": [url], "ui_locale_dutch": bool,
//    "preview_title": the h1 of the preview pane after the edit,
//    "preview_styles": [path of each style sheet in the preview pane]}
// Every request that leaves the preview's origin is aborted and listed (the editor must
// work offline: no CDN, no fonts, no analytics). Exit 0 when the harness ran; the Python
// side judges the results. Exit 2 on a usage error, 1 on a harness failure.
import { chromium } from 'playwright-core';

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
const TIMEOUT_MS = 30_000;

const [adminUrl, collection, slug, fieldLabel, newValue, ...extra] = process.argv.slice(2);
if (!newValue) {
  process.stderr.write('usage: node cms_edit.mjs ADMIN_URL COLLECTION SLUG FIELD_LABEL NEW_VALUE\n');
  process.exit(2);
}

const origin = new URL(adminUrl).origin;
const result = {
  saved: false,
  notification: '',
  before: null,
  config_errors: [],
  page_errors: [],
  blocked_requests: [],
  ui_locale_dutch: false,
  preview_title: null,
  preview_styles: [],
};

const browser = await chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS });
try {
  const context = await browser.newContext({ locale: 'nl-NL' });
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(origin + '/') || url.startsWith('data:') || url.startsWith('blob:')) {
      return route.continue();
    }
    result.blocked_requests.push(url);
    return route.abort();
  });
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT_MS);
  page.on('pageerror', (error) => result.page_errors.push(String(error)));
  page.on('response', (response) => {
    if (response.status() >= 400) result.page_errors.push(`${response.status()} ${response.url()}`);
  });
  await page.goto(`${adminUrl}#/collections/${collection}/entries/${slug}`);
  // The local backend needs no account, but Decap still shows its log-in button first.
  const login = page.getByRole('button', { name: 'Inloggen' });

  // A configuration Decap's own validator refuses shows "Error loading the CMS configuration".
  const field = page.getByLabel(fieldLabel, { exact: true }).first();
  const configError = page.getByText(/configuration|configuratie/i).first();
  await Promise.race([field.waitFor(), configError.waitFor(), login.waitFor()]);
  if (await login.isVisible().catch(() => false)) {
    await login.click();
    await Promise.race([field.waitFor(), configError.waitFor()]);
  }
  if (await configError.isVisible().catch(() => false)) {
    result.config_errors.push(await page.locator('body').innerText());
  } else {
    result.before = await field.inputValue();
    result.ui_locale_dutch = await page.getByRole('button', { name: 'Publiceer' }).isVisible();
    await field.fill(newValue);
    for (const pair of extra) {
      const at = pair.indexOf('=');
      const other = page.getByLabel(pair.slice(0, at), { exact: true }).first();
      const value = pair.slice(at + 1);
      if (value === '') {
        await other.fill('iets');
        await other.fill('');
      } else {
        await other.fill(value);
      }
    }
    // The preview pane (items and pakketten; settings have none): our template
    // (article > h1) with the site's style sheets.
    if (await page.locator('iframe').count()) {
      const pane = page.frameLocator('iframe').first();
      const heading = pane.locator('article h1');
      await heading.filter({ hasText: newValue }).waitFor();
      result.preview_title = (await heading.innerText()).trim();
      result.preview_styles = await pane.locator('link[rel="stylesheet"]').evaluateAll(
        (links) => links.map((link) => new URL(link.href).pathname),
      );
    }
    await page.getByRole('button', { name: 'Publiceer' }).click();
    const persisted = page.waitForResponse(
      (r) => r.url().startsWith(origin) && (r.request().postData() || '').includes('"persistEntry"'),
    );
    await page.getByText('Publiceer nu', { exact: true }).click();
    const response = await persisted;
    result.saved = response.status() === 200;
    // What the editor is told (Decap's toast), for the record.
    const toast = page.locator('.Toastify__toast, [role="alert"]').first();
    await toast.waitFor({ timeout: 5_000 }).catch(() => {});
    result.notification = (await toast.innerText().catch(() => '')).trim();
  }
  await context.close();
} catch (error) {
  result.page_errors.push(`harness: ${error && error.stack ? error.stack : error}`);
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(result) + '\n');
