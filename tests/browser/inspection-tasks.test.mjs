// 双随机 after the draw, in Chromium: a drawn inspector finds the task on their desk with the
// plan's checklist, is told a rectification needs its deadline, records it; the result is
// published at once on the plan's public page and on the licence's verify page. On a desktop
// and on a phone-sized screen (a plan each).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serverAndBrowser, viewports, shot, accessibilityProblems } from './harness.mjs';
import { signedIn, licensedRestaurant, drawnPlan } from './setup.mjs';

const app = serverAndBrowser();

test('a drawn inspector records a visit; the result is public at once', async () => {
  const { licence } = await licensedRestaurant(app.server);
  const inTwoWeeks = new Date(Date.now() + 14 * 86400e3).toISOString().slice(0, 10);

  for (const [size, viewport] of [['desktop', viewports.desktop], ['phone', viewports.phone]]) {
    const planName = `营业执照公示专项抽查（${size}）`;
    const made = await drawnPlan(app.server, planName, ['licence_display']);

    const inspector = await signedIn(app, 'samr2', viewport);
    inspector.errors.length = 0;
    const page = inspector.page;
    const panel = page.locator('.inspection-tasks');
    await panel.getByRole('heading', { name: '双随机抽查检查任务' }).waitFor();
    const task = panel.locator('li.task[data-state="open"]', { hasText: planName });
    await task.getByText('检查人员：samr2、samr3').waitFor();
    await task.getByRole('group', { name: '营业执照公示和登记事项（一般）' }).waitFor();
    assert.deepEqual(await accessibilityProblems(page), []);
    await shot(page, `${size}-inspection-task`);

    await task.getByLabel('营业执照置于住所或经营场所醒目位置').check();
    await task.getByLabel('检查结果').selectOption({ label: '发现问题，已责令整改' });
    await task.getByLabel('发现的问题', { exact: false }).fill('实际经营地址与登记住所不一致');
    await task.getByRole('button', { name: '提交检查结果' }).click();
    await panel.getByRole('alert').getByText('请填写整改期限', { exact: false }).waitFor();
    await task.getByLabel('整改期限', { exact: false }).fill(inTwoWeeks);
    await task.getByRole('button', { name: '提交检查结果' }).click();
    const rectifying = panel.locator('li.task[data-state="rectifying"]', { hasText: planName });
    await rectifying.getByText(`发现问题，已责令整改，整改期限 ${inTwoWeeks}`, { exact: false }).waitFor();
    assert.equal(await rectifying.getByRole('button', { name: '提交检查结果' }).count(), 0, 'visited once');

    // The public sees the order at once; then the re-check records the rectification.
    const visitor = await app.browser.newContext({ ...viewport, locale: 'zh-CN' });
    const pub = await visitor.newPage();
    await pub.goto(`${app.server.base}/supervision/plans/${made.id}`);
    await pub.getByText('发现问题，已责令整改').waitFor();
    await rectifying.getByLabel('复查结果').selectOption({ label: '整改到位' });
    await rectifying.getByRole('button', { name: '提交复查结果' }).click();
    const done = panel.locator('li.task[data-state="recorded"]', { hasText: planName });
    await done.getByText('复查：整改到位', { exact: false }).waitFor();
    assert.equal(await done.getByRole('button').count(), 0, 're-checked once');
    assert.deepEqual(inspector.errors.filter((e) => !e.includes('422')), []);

    // Published (一公开): the plan's page and the licence's verify page.
    await pub.reload();
    await pub.getByText('复查：整改到位').waitFor();
    await pub.getByText('营业执照公示和登记事项', { exact: false }).waitFor();
    assert.deepEqual(await accessibilityProblems(pub), []);
    await pub.goto(licence.verify_url);
    const results = pub.locator('section.inspections');
    await results.getByRole('heading', { name: '抽查检查结果（双随机、一公开）' }).waitFor();
    await results.getByText(planName, { exact: false }).waitFor();
    assert.deepEqual(await accessibilityProblems(pub), []);
    await shot(pub, `${size}-verify-inspections`);
    await visitor.close();
    await inspector.context.close();
  }
});
