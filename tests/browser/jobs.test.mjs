// The administrator's background jobs in Chromium: an application decided in full queues the
// filing of its archive, which a worker runs at once; the administrator sees it done, with the
// application's number, and the periodic jobs beside it; filtering to the given-up jobs shows
// none. On a phone-sized screen as well as a desktop one. A department system's webhook given
// up after its failures is sent again from the console.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serverAndBrowser, viewports, shot, accessibilityProblems } from './harness.mjs';
import { signedIn, approveAll } from './setup.mjs';

const app = serverAndBrowser();

test('the administrator sees the archive filed by a background job', async () => {
  app.server.staff('root', 'admin');
  const answers = {
    'business.name': '睢县小李便利店', 'business.form': 'individual', 'business.scope': ['prepackaged_food'],
    'business.capital': 5, 'business.employees': 0,
    'legal_rep.name': '李四', 'legal_rep.id_number': '11010519491231002X', 'legal_rep.phone': '13800138000',
    'premises.address': '睢县城关镇北湖路 9 号', 'premises.area': 60, 'premises.tenure': 'owned',
    'seal.kinds': ['official'], 'tax.invoice_kind': 'e_ordinary', 'declaration.truthful': true,
  };
  const res = await fetch(`${app.server.base}/api/applications`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ bundle: 'small_shop', answers }),
  });
  assert.equal(res.status, 201, await res.clone().text());
  const { number } = await res.json();
  await approveAll(app.server, number);

  for (const [name, size] of [['desktop', viewports.desktop], ['phone', viewports.phone]]) {
    const admin = await signedIn(app, 'root', size);
    await admin.page.getByRole('link', { name: '打开管理控制台' }).click();
    const panel = admin.page.locator('.jobs-panel');
    await panel.getByRole('heading', { name: '后台任务' }).waitFor();
    const archive = panel.locator('tr', { hasText: `电子档案归档 · ${number}` });
    // The worker runs the job within moments of the last decision.
    for (let i = 0; i < 40 && !(await archive.getByText('已完成').count()); i++) {
      await admin.page.waitForTimeout(250);
      await admin.page.reload();
      await panel.getByRole('heading', { name: '后台任务' }).waitFor();
    }
    await archive.getByText('已完成').waitFor();
    assert.equal(await archive.locator('td').nth(2).innerText(), '1', 'one try');
    await panel.getByText('审计日志签名存证').first().waitFor();
    assert.deepEqual(await accessibilityProblems(admin.page), []);
    await shot(admin.page, `${name}-staff-jobs`);
    await panel.getByLabel('只看已放弃的任务').check();
    await panel.getByText('暂无后台任务').waitFor();
    assert.deepEqual(admin.errors, []);
    await admin.context.close();
  }
});

test('the administrator sends a dead webhook again from the console', async () => {
  const base = app.server.base;
  app.server.staff('root', 'admin');
  const { id, secret } = app.server.client('tax-system', 'tax');
  const token = await (await fetch(`${base}/api/oauth/token`, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `grant_type=client_credentials&client_id=${id}&client_secret=${secret}`,
  })).json();
  const auth = { authorization: `Bearer ${token.access_token}`, 'content-type': 'application/json' };
  const created = await (await fetch(`${base}/api/webhooks`, {
    method: 'POST', headers: auth, body: JSON.stringify({ url: 'http://127.0.0.1:9/hook' }),
  })).json();
  // As after its eighth failure in a row (the API tests go there for real).
  app.server.sql(`UPDATE webhooks SET failures = 8, dead_at = 1, last_error = 'HTTP 503' WHERE id = ${created.webhook.id}`);

  const admin = await signedIn(app, 'root', viewports.desktop);
  await admin.page.getByRole('link', { name: '打开管理控制台' }).click();
  const panel = admin.page.locator('.webhooks-panel');
  await panel.getByRole('heading', { name: '部门系统推送（Webhook）' }).waitFor();
  const row = panel.locator(`tr[data-webhook="${created.webhook.id}"]`);
  await row.getByText('tax-system').waitFor();
  await row.getByText('已停止（连续失败 8 次）').waitFor();
  await row.getByText('HTTP 503').waitFor();
  assert.deepEqual(await accessibilityProblems(admin.page), []);
  await shot(admin.page, 'desktop-console-webhooks');
  await row.getByRole('button', { name: '重新推送' }).click();
  await panel.getByText(`已重新推送：订阅 ${created.webhook.id}`).waitFor();
  await panel.locator(`tr[data-webhook="${created.webhook.id}"][data-state="live"]`).waitFor();
  assert.deepEqual(admin.errors, []);
  await admin.context.close();
});
