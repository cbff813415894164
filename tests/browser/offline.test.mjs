// The inspector's phone without a signal, in Chromium: the desk and the scan page, once opened
// online, open again offline (the service worker keeps them and the inspector's tasks);
// scanning the licence's QR at the premises leads to the task; a result recorded offline with a
// photo waits on the device and is sent when the signal is back — once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serverAndBrowser, viewports, shot, accessibilityProblems, root } from './harness.mjs';
import { signedIn, licensedRestaurant, drawnPlan } from './setup.mjs';

const app = serverAndBrowser();

test('an inspector records a visit with no signal; it is sent, once, when the signal is back', async () => {
  const { licence } = await licensedRestaurant(app.server);
  const qr = join(mkdtempSync(join(tmpdir(), 'lianban-offline-')), 'qr.png');
  writeFileSync(qr, Buffer.from(await (await fetch(`${licence.verify_url}/qr.png`)).arrayBuffer()));
  const planName = '无信号现场检查演练';
  const plan = await drawnPlan(app.server, planName, ['licence_display']);

  const inspector = await signedIn(app, 'samr2', viewports.phone);
  const { page, context } = inspector;
  // Online first: the service worker installs and takes the page; the next load goes through it.
  await page.evaluate(async () => { await navigator.serviceWorker.ready; });
  await page.reload();
  await page.locator('.inspection-tasks li.task', { hasText: planName }).waitFor();
  await page.goto(`${app.server.base}/scan`);
  await page.getByRole('heading', { name: '扫码核验' }).waitFor();
  await page.goto(`${app.server.base}/staff`);
  await page.locator('.inspection-tasks li.task', { hasText: planName }).waitFor();

  await context.setOffline(true);
  inspector.errors.length = 0;
  // At the premises: scanning the licence's QR leads to the task, with no signal.
  await page.goto(`${app.server.base}/scan`);
  await page.setInputFiles('#scan-file', qr);
  const found = page.locator('.scan-task');
  await found.getByText(`睢县老张家常菜馆 · ${planName}`).waitFor();
  assert.deepEqual(await accessibilityProblems(page), []);
  await shot(page, 'phone-scan-task');
  await found.getByRole('link', { name: '打开检查任务' }).click();
  await page.waitForURL(/\/staff#task-\d+$/);
  const panel = page.locator('.inspection-tasks');
  const task = panel.locator('li.task[data-state="open"]', { hasText: planName });
  await task.getByText('检查人员：samr2、samr3').waitFor();
  await task.getByLabel('营业执照置于住所或经营场所醒目位置').check();
  await task.getByLabel('实际经营地址与登记住所一致').check();
  await task.getByLabel('检查结果').selectOption({ label: '未发现问题' });
  // A photo of the premises (a 780 × 1688 PNG: sent as a JPEG scaled to 1280 pixels).
  await task.getByLabel('现场照片', { exact: false }).setInputFiles(join(root, 'docs/screenshots/phone-verify.png'));
  await task.getByRole('button', { name: '提交检查结果' }).click();
  await panel.getByText('网络不可用：检查结果已保存在本机', { exact: false }).waitFor();
  await task.getByText('检查结果已保存在本机，待联网提交').waitFor();
  assert.equal(await task.getByRole('button', { name: '提交检查结果' }).count(), 0);
  assert.deepEqual(await accessibilityProblems(page), []);
  await shot(page, 'phone-offline-task');
  // The scan page opens offline too.
  await page.goto(`${app.server.base}/scan`);
  await page.getByRole('heading', { name: '扫码核验' }).waitFor();
  await page.goto(`${app.server.base}/staff`);
  await task.getByText('检查结果已保存在本机，待联网提交').waitFor();

  // The signal is back: sent at once, recorded once, public.
  await context.setOffline(false);
  const done = panel.locator('li.task[data-state="recorded"]', { hasText: planName });
  await done.getByText('未发现问题', { exact: false }).waitFor();
  assert.equal(await page.evaluate(() => localStorage.getItem('lianban.outbox.tasks')), '{}');
  await done.getByText('现场照片 1 张').waitFor();
  const published = await (await fetch(`${app.server.base}/api/supervision/plans/${plan.id}`)).json();
  assert.deepEqual(published.drawn.map((d) => d.result), ['passed']);
  // The photo arrived whole: a JPEG, readable by the task's inspector.
  const [mine] = await (await context.request.get(`${app.server.base}/api/staff/supervision/tasks`)).json();
  assert.equal(mine.photos.length, 1);
  const photo = await context.request.get(`${app.server.base}/api/staff/supervision/tasks/${mine.id}/photos/${mine.photos[0]}`);
  assert.equal(photo.headers()['content-type'], 'image/jpeg');
  assert.deepEqual([...(await photo.body()).subarray(0, 3)], [0xff, 0xd8, 0xff]);
  // Public at once on the licence's verify page too.
  const visitor = await app.browser.newContext({ ...viewports.phone, locale: 'zh-CN' });
  const pub = await visitor.newPage();
  await pub.goto(licence.verify_url);
  await pub.locator('section.inspections').getByText(planName, { exact: false }).waitFor();
  await pub.locator('section.inspections').getByText('未发现问题').waitFor();
  await visitor.close();
  // A second send of the same result (a lost answer, say) changes nothing.
  const again = await page.evaluate(async (id) => (await fetch(`/api/staff/supervision/tasks/${id}`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ result: 'failed', checks: [false, false], note: 'x' }),
  })).status, (await (await context.request.get(`${app.server.base}/api/staff/supervision/tasks`)).json())[0].id);
  assert.equal(again, 409);
  assert.deepEqual(inspector.errors.filter((e) => !e.includes('net::') && !e.includes('409')), []);
  await context.close();
});
