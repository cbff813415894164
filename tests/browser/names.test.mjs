// 名称查重 as the applicant types, on a phone: the name of a licensed business is refused at its
// field a moment after it is typed; another name is fine. (Filing checks again: tests/api/names.rs.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serverAndBrowser, viewports, shot, accessibilityProblems } from './harness.mjs';
import { licensedRestaurant } from './setup.mjs';

const app = serverAndBrowser();

test('a name the county has already is refused as it is typed', async () => {
  const { name } = await licensedRestaurant(app.server);
  const context = await app.browser.newContext({ ...viewports.phone, locale: 'zh-CN' });
  const page = await context.newPage();
  await page.goto(`${app.server.base}/bundles/restaurant/apply`);
  await page.locator('#f-business-name').waitFor();
  await page.fill('#f-business-name', name);
  const said = page.locator('#f-business-name-error');
  await said.getByText('本县已有同名市场主体，请换一个名称').waitFor();
  assert.equal(await page.getAttribute('#f-business-name', 'aria-invalid'), 'true');
  assert.deepEqual(await accessibilityProblems(page), []);
  await shot(page, 'phone-name-taken', false);
  await page.fill('#f-business-name', '睢县老李家常菜馆');
  await said.getByText('本县已有同名市场主体', { exact: false }).waitFor({ state: 'detached' });
  await page.waitForTimeout(1000);
  assert.equal(await said.count() === 0 || (await said.innerText()).trim() === '', true, 'a free name says nothing');
  await context.close();
});
