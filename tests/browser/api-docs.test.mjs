// The API reference a department's developers read: Swagger UI at /api/docs, served from the
// binary (no CDN), on this server's own OpenAPI document. Every operation of the document is
// listed; one opens, shows its error body's schema, and — "Try it out" — calls the API from
// the page under its Content Security Policy; a department's developer authorizes with their
// system's client id and secret (the OAuth 2.0 client-credentials flow, run by Swagger UI
// against /api/oauth/token) and reads their worklist. Desktop and phone; axe on each.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serverAndBrowser, viewports, shot, accessibilityProblems } from './harness.mjs';

const app = serverAndBrowser();

test('a developer reads the API reference and tries an operation', async () => {
  const base = app.server.base;
  const doc = await (await fetch(`${base}/api/openapi.json`)).json();
  const methods = ['get', 'put', 'post', 'delete', 'patch', 'head'];
  const operations = Object.values(doc.paths)
    .reduce((n, item) => n + methods.filter((m) => item[m]).length, 0);
  for (const [size, viewport] of [['desktop', viewports.desktop], ['phone', viewports.phone]]) {
    const context = await app.browser.newContext({ ...viewport, locale: 'zh-CN' });
    const page = await context.newPage();
    const requests = [];
    page.on('request', (r) => requests.push(r.url()));
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${base}/api/docs`);
    await page.getByRole('heading', { name: /Lianban 联办 API/ }).waitFor();
    await page.locator('.opblock').first().waitFor();
    assert.equal(await page.locator('.opblock').count(), operations, 'every operation of the document');
    assert.ok(requests.every((u) => u.startsWith(base)), `nothing from elsewhere: ${requests.filter((u) => !u.startsWith(base))}`);

    // The bundles list: open it, see its answers — an error's body is an ErrorBody.
    const op = page.locator('#operations-catalogue-list_bundles');
    await op.locator('.opblock-summary-control').click();
    await op.getByText('Any other refusal or failure', { exact: false }).waitFor();
    assert.deepEqual(await accessibilityProblems(page), [], `${size}: axe`);
    await op.getByRole('button', { name: 'Try it out' }).click();
    await op.getByRole('button', { name: 'Execute' }).click();
    await op.locator('.live-responses-table .response-col_status', { hasText: '200' }).first().waitFor();
    await op.getByText('restaurant', { exact: false }).first().waitFor();
    await op.locator('.live-responses-table').scrollIntoViewIfNeeded();
    await shot(page, `${size}-api-docs`, false);
    assert.deepEqual(errors, []);
    await context.close();
  }
});

test("a department's developer authorizes as their system and calls the staff API", async () => {
  const base = app.server.base;
  const { id, secret } = app.server.client(`tax-docs`, 'tax');
  const context = await app.browser.newContext({ ...viewports.desktop, locale: 'zh-CN' });
  const page = await context.newPage();
  const tokens = [];
  page.on('response', (r) => r.url().endsWith('/api/oauth/token') && tokens.push(r.status()));
  await page.goto(`${base}/api/docs`);
  await page.locator('.opblock').first().waitFor();
  await page.getByRole('button', { name: 'Authorize' }).first().click();
  const flow = page.locator('.modal-ux .auth-container', { hasText: 'clientCredentials' });
  await flow.locator('#client_id_clientCredentials').fill(id);
  await flow.locator('#client_secret_clientCredentials').fill(secret);
  assert.deepEqual(await accessibilityProblems(page), [], 'axe, the authorize dialog');
  await flow.locator('button.authorize').click();
  await flow.getByText('Authorized').waitFor();
  assert.deepEqual(tokens, [200]);
  await page.locator('.modal-ux').getByRole('button', { name: 'Close' }).first().click();

  const op = page.locator('#operations-staff-page_staff_worklist');
  await op.locator('.opblock-summary-control').click();
  await op.getByRole('button', { name: 'Try it out' }).click();
  const [sent] = await Promise.all([
    page.waitForRequest((r) => r.url().includes('/api/staff/worklist')),
    op.getByRole('button', { name: 'Execute' }).click(),
  ]);
  assert.match(sent.headers().authorization ?? '', /^Bearer \S{20,}$/);
  await op.locator('.live-responses-table .response-col_status', { hasText: '200' }).first().waitFor();
  await op.getByText('"kind": "items"').waitFor();
  await context.close();
});
