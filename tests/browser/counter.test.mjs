// The counter's computer and public ones: a clerk fills the integrated form for a walk-in
// applicant and nothing of it — the ID number included — is kept in that browser's storage,
// uploads and all; on a public computer the applicant clears every draft the device holds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serverAndBrowser, viewports, shot, accessibilityProblems } from './harness.mjs';
import { fillRestaurant } from './forms.mjs';
import { signedIn } from './setup.mjs';

const app = serverAndBrowser();

/** This page's localStorage keys of Lianban's drafts (answers, server-draft links). */
const kept = (page) => page.evaluate(() => Object.keys(localStorage)
  .filter((k) => k.startsWith('lianban.draft.') || k.startsWith('lianban.server-draft.')));

test('a form filed at the counter keeps nothing in the browser', async () => {
  app.server.staff('clerk', 'clerk');
  const { page, context, errors } = await signedIn(app, 'clerk');
  await page.goto(`${app.server.base}/bundles/restaurant/apply`);
  await page.getByText('柜台模式：为来窗口的申请人代填').waitFor();
  await fillRestaurant(page);
  await page.fill('#f-legal_rep-id_number', '11010519491231002X');
  // A material uploaded too: its server draft is held in the page's memory only.
  await page.setInputFiles('#file-id_card', {
    name: '身份证.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.7\nid card\n%%EOF\n'),
  });
  await page.locator('.material-upload[data-material="id_card"] li.file:not(.partial)').getByText('身份证.pdf').waitFor();
  assert.deepEqual(await kept(page), [], 'nothing of the form in localStorage');
  assert.deepEqual(await accessibilityProblems(page), []);
  await page.locator('.counter-mode').scrollIntoViewIfNeeded();
  await shot(page, 'desktop-counter-mode', false);
  await page.getByRole('button', { name: '下一步：核对' }).click();
  await page.getByRole('heading', { name: '核对您的申请' }).waitFor();
  await page.getByText('身份证.pdf').waitFor();
  await page.getByRole('button', { name: '确认提交' }).click();
  await page.getByRole('heading', { name: '申请已提交' }).waitFor();
  assert.deepEqual(await kept(page), []);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a public computer clears every draft it holds', async () => {
  const context = await app.browser.newContext({ ...viewports.phone, locale: 'zh-CN' });
  const page = await context.newPage();
  await page.goto(`${app.server.base}/bundles/restaurant/apply`);
  await page.fill('#f-business-name', '睢县小王面馆');
  await page.fill('#f-legal_rep-id_number', '11010519491231002X');
  await page.locator('#f-legal_rep-id_number').blur();
  await page.waitForFunction(() => (localStorage.getItem('lianban.draft.restaurant') ?? '').includes('11010519491231002X'));
  await page.getByRole('button', { name: '清除本设备草稿' }).click();
  await page.locator('#f-business-name').waitFor();
  await page.waitForFunction(() => document.querySelector('#f-business-name')?.value === '');
  assert.deepEqual(await kept(page), []);
  await context.close();
});
