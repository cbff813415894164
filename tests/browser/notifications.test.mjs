// Notifications in the browser: on a phone the applicant chooses e-mail on the form; when the
// window accepts, a real e-mail reaches a local SMTP server (aiosmtpd, read back with Python's
// email package) with the private link, which opens the status page; the window sees the
// message in the application's record, and its page follows the change by itself.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { serverAndBrowser, viewports, shot, accessibilityProblems } from './harness.mjs';
import { fillRestaurant } from './forms.mjs';
import { apiLogin, signedIn } from './setup.mjs';
import { mailbox, until } from './mail.mjs';

const mail = mailbox();
const app = serverAndBrowser(() => mail.start());
const received = () => mail.received();

after(() => mail.stop());

test('the applicant asks for e-mail on a phone and the acceptance arrives with the private link', async () => {
  const base = app.server.base;
  const context = await app.browser.newContext({ ...viewports.phone, locale: 'zh-CN' });
  const page = await context.newPage();
  await page.goto(`${base}/bundles/restaurant`);
  await page.getByRole('link', { name: '开始填写综合表单' }).click();
  await page.locator('#f-business-name').waitFor();
  await fillRestaurant(page);
  await page.fill('#f-legal_rep-id_number', '11010519491231002x');
  // E-mail chosen without an address: the address is asked for, next to its field.
  await page.check('#f-notify-channels-1');
  await page.getByRole('button', { name: '下一步：核对' }).click();
  await page.locator('#error-summary').waitFor();
  await page.locator('#f-legal_rep-email-error').getByText(/./).waitFor();
  await page.fill('#f-legal_rep-email', 'zhang.san@example.cn');
  await page.locator('#f-notify-channels').scrollIntoViewIfNeeded();
  assert.deepEqual(await accessibilityProblems(page), []);
  await shot(page, 'phone-notify-choice', false);
  await page.getByRole('button', { name: '下一步：核对' }).click();
  await page.getByRole('heading', { name: '核对您的申请' }).waitFor();
  await page.getByText('电子邮件（上面的邮箱）').waitFor();
  await page.getByRole('button', { name: '确认提交' }).click();
  await page.getByRole('heading', { name: '申请已提交' }).waitFor();
  const link = await page.locator('.status-link').getAttribute('href');
  const number = link.match(/LB-\d{8}-\d{4}/)[0];
  assert.deepEqual(received(), [], 'filing is no step to tell of');

  // The clerk has the application open when the window accepts it (through the API, as a
  // colleague at another counter would): the page follows by itself.
  app.server.staff('clerk', 'clerk');
  const clerk = await signedIn(app, 'clerk');
  await clerk.page.goto(`${base}/staff/applications/${number}`);
  await clerk.page.getByText('已提交，待受理').first().waitFor();
  const cookie = await apiLogin(base, 'clerk');
  const json = { 'content-type': 'application/json', cookie };
  const path = `${base}/api/staff/applications/${number}`;
  const before = await (await fetch(path, { headers: json })).json();
  const accepted = await fetch(`${path}/intake`, { method: 'POST', headers: json,
    body: JSON.stringify({ decision: 'accept', version: before.version, paper_materials: before.materials.map((m) => m.id) }) });
  assert.equal(accepted.status, 200);

  // One e-mail, to the address given, saying what happened and when it will be done, with
  // the private link on a line of its own.
  const mails = await until('the e-mail', () => { const m = received(); return m.length ? m : null; });
  assert.equal(mails.length, 1);
  assert.equal(mails[0].to, 'zhang.san@example.cn');
  assert.match(mails[0].subject, new RegExp(`办件 ${number}：已受理`));
  const lines = mails[0].text.split(/\r?\n/).map((l) => l.trim());
  assert.ok(lines.includes(link), `${link} in\n${mails[0].text}`);
  assert.match(mails[0].text, /最迟 \d{4}-\d{2}-\d{2} 办结/);

  // The link from the e-mail opens the status page.
  const fromMail = await context.newPage();
  await fromMail.goto(lines.find((l) => l.startsWith('http')));
  await fromMail.getByRole('heading', { name: '办理进度' }).waitFor();
  await fromMail.getByText(number).first().waitFor();
  await context.close();

  // The clerk's page shows the acceptance and the message without a reload (polled).
  const sent = clerk.page.locator('#notifications li[data-step="accepted"]');
  await sent.waitFor({ timeout: 30000 });
  assert.match(await sent.innerText(), /邮件 · z\*\*\*@example\.cn/);
  await sent.getByText(/^已发送 /).waitFor({ timeout: 30000 });
  assert.deepEqual(await accessibilityProblems(clerk.page), []);
  await shot(clerk.page, 'desktop-notifications');
  assert.deepEqual(clerk.errors, []);
  await clerk.context.close();
});

test('a reviewer asks for the daily list of items due by e-mail', async () => {
  app.server.staff('samr', 'reviewer', 'samr');
  const { page, context, errors } = await signedIn(app, 'samr');
  const panel = page.locator('details.digest');
  await panel.getByText('每日待办提醒（邮件）').click();
  await page.fill('#digest-email', 'not an address');
  await panel.getByRole('button', { name: '保存' }).click();
  await page.getByText('电子邮箱格式不正确').waitFor();
  await page.fill('#digest-email', 'li@samr.example');
  await panel.getByRole('button', { name: '保存' }).click();
  await page.getByText('已保存：每个工作日早上发送').waitFor();
  assert.deepEqual(await accessibilityProblems(page), []);
  // Kept: the next visit shows it, open.
  await page.reload();
  assert.equal(await page.inputValue('#digest-email'), 'li@samr.example');
  assert.deepEqual(errors.filter((e) => !e.includes('422')), [], 'only the refused address');
  await context.close();
});
