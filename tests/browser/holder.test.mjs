// The licence holder, on a phone, applies from the private status page for a change of the
// licence's name; the server's field-level error shows under the field; the registration
// authority approves it in the back office; the holder sees it done and the public page shows
// the new name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serverAndBrowser, viewports, shot, accessibilityProblems } from './harness.mjs';
import { licensedRestaurant, signedIn } from './setup.mjs';

const app = serverAndBrowser();

test('the holder applies for a name change and the registration authority approves it', async () => {
  const { licence, number, token } = await licensedRestaurant(app.server);
  const context = await app.browser.newContext({ ...viewports.phone, locale: 'zh-CN' });
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => m.type() === 'error' && !m.text().includes('422') && errors.push(m.text()));
  await page.goto(`${app.server.base}/status/${number}#t=${token}`);
  await page.getByRole('heading', { name: '执照与许可' }).waitFor();
  await page.locator('.permits li[data-item="business_registration"]').getByText('有效').waitFor();

  await page.selectOption('#request-target', 'name');
  await page.fill('#request-value', '睢县老张私房菜馆');
  await page.getByRole('button', { name: '提交申请' }).click();
  await page.locator('#request-reason-error').getByText('请写明理由').waitFor();
  await page.fill('#request-reason', '股东决定更名');
  await page.getByRole('button', { name: '提交申请' }).click();
  const pending = page.locator('li.request[data-state="pending"]');
  await pending.getByText('睢县老张家常菜馆 → 睢县老张私房菜馆').waitFor();
  await pending.getByText('办理中').waitFor();
  assert.deepEqual(await accessibilityProblems(page), []);
  await shot(page, 'phone-holder-request');

  const samr = await signedIn(app, 'samr');
  const request = samr.page.locator('.holder-requests li.request');
  await request.getByText('睢县老张家常菜馆 → 睢县老张私房菜馆').waitFor();
  await request.getByRole('button', { name: '准予办理' }).click();
  await samr.page.getByText('暂无持证人申请').waitFor();
  assert.deepEqual(samr.errors, []);
  await samr.context.close();

  await page.getByRole('button', { name: '刷新进度' }).click();
  await page.locator('li.request[data-state="approved"]').getByText('已办结').waitFor();
  await page.goto(licence.verify_url);
  await page.getByRole('heading', { name: '睢县老张私房菜馆' }).waitFor();
  assert.deepEqual(errors, []);
  await context.close();
});
