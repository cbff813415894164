// 双随机 in Chromium: the administrator publishes an inspection plan from the console (a
// refusal first, under its field), sees it published with its seed commitment, draws it, and
// the plan's public page — server-rendered, no script — shows the seed and the drawn
// enterprise with its inspectors. On a desktop and on a phone-sized screen.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serverAndBrowser, viewports, shot, accessibilityProblems } from './harness.mjs';
import { signedIn, licensedRestaurant } from './setup.mjs';

const app = serverAndBrowser();

test('the administrator publishes and draws an inspection plan; anyone sees the result', async () => {
  app.server.staff('root', 'admin');
  const { licence } = await licensedRestaurant(app.server);
  for (const name of ['samr2', 'samr3']) app.server.staff(name, 'inspector', 'samr');

  for (const [size, viewport] of [['desktop', viewports.desktop], ['phone', viewports.phone]]) {
    const admin = await signedIn(app, 'root', viewport);
    // The refusal of a plan without a department is an expected 422 in the console.
    admin.errors.length = 0;
    const page = admin.page;
    await page.goto(`${app.server.base}/staff/admin`);
    const panel = page.locator('.plans-panel');
    await panel.getByRole('heading', { name: '双随机抽查计划' }).waitFor();
    const planName = `第四季度餐饮双随机抽查（${size}）`;
    await panel.getByLabel('计划名称').fill(planName);
    await panel.getByRole('button', { name: '公示计划' }).click();
    await panel.locator('#plan-departments-error').waitFor();
    await panel.getByLabel('市场监督管理局', { exact: false }).check();
    await panel.locator('#ratio-B').fill('100');
    await panel.getByRole('button', { name: '公示计划' }).click();
    await panel.getByText(`已公示：${planName}`).waitFor();
    const row = panel.locator('tr', { hasText: planName });
    await row.getByText('已公示，待抽取').waitFor();
    assert.match(await row.locator('td.code').innerText(), /^[0-9a-f]{16}…$/);
    assert.deepEqual(await accessibilityProblems(page), []);
    await shot(page, `${size}-staff-plans`);
    await row.getByRole('button', { name: '抽取' }).click();
    await row.getByText('已抽取：1').waitFor();

    // The public page, as anyone opens it.
    const visitor = await app.browser.newContext({ ...viewport, locale: 'zh-CN' });
    const pub = await visitor.newPage();
    const href = await row.getByRole('link', { name: planName }).getAttribute('href');
    const res = await pub.goto(`${app.server.base}${href}`);
    assert.equal(res.status(), 200);
    await pub.getByRole('heading', { name: planName }).waitFor();
    await pub.getByText('随机种子', { exact: true }).waitFor();
    const table = pub.locator('table');
    await table.getByText('睢县老张家常菜馆').waitFor();
    const inspectors = (await table.locator('tbody td').nth(2).innerText()).split('\n')[0];
    const names = inspectors.split('：')[1].split('、').sort();
    assert.deepEqual(names, ['samr2', 'samr3'], 'the inspectors, not the reviewer who approved');
    assert.equal(await pub.locator('script').count(), 0);
    assert.deepEqual(await accessibilityProblems(pub), []);
    await shot(pub, `${size}-plan-public`);
    await visitor.close();
    assert.deepEqual(admin.errors.filter((e) => !e.includes('422')), []);
    await admin.context.close();
  }

  // A relation the bureau records keeps an inspector from that enterprise in later plans.
  const admin = await signedIn(app, 'root', viewports.phone);
  await admin.page.goto(`${app.server.base}/staff/admin`);
  const form = admin.page.locator('form.conflict-form');
  await form.getByLabel('检查人员用户名').fill('samr2');
  await form.getByLabel('企业统一社会信用代码').fill(licence.uscc);
  await form.getByLabel('关系说明').fill('配偶在该店任职');
  await form.getByRole('button', { name: '登记回避' }).click();
  await admin.page.locator('ul.conflicts').getByText(`samr2（samr2）— 睢县老张家常菜馆（${licence.uscc}）：配偶在该店任职`).waitFor();
  assert.deepEqual(await accessibilityProblems(admin.page), []);
  await admin.context.close();
});
