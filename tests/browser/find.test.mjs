// Finding an application again, on a phone: the status page without its key says why and leads
// to the find page; the number and the e-mail on the form bring a code by real e-mail (aiosmtpd);
// the code opens the status page again. A draft saved on the server comes back the same way by
// the e-mail on it alone. Then the holder's page leads to the licence's A4 print
// (the seal drawn, two QR codes) and its public page shows the permits still in progress.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { serverAndBrowser, viewports, shot, accessibilityProblems, decodeQr } from './harness.mjs';
import { licensedRestaurant } from './setup.mjs';
import { mailbox, until } from './mail.mjs';

const mail = mailbox();
const app = serverAndBrowser(() => mail.start());
after(() => mail.stop());

test('a lost link comes back on a phone with the code sent to the e-mail on the form', async () => {
  const base = app.server.base;
  const answers = {
    'business.name': '睢县小李家常菜馆', 'business.form': 'individual', 'business.scope': ['catering'],
    'business.capital': 10, 'business.employees': 0, 'plans.investment': 20,
    'legal_rep.name': '李四', 'legal_rep.id_number': '11010519491231002X', 'legal_rep.phone': '13800138000',
    'legal_rep.email': 'li.si@example.cn', 'notify.channels': ['email'],
    'premises.address': '睢县城关镇北湖路 9 号', 'premises.area': 60, 'premises.tenure': 'owned',
    'food.categories': ['hot_food'], 'food.safety_manager': '王五', 'food.manager_phone': '13900139000',
    'seal.kinds': ['official'], 'tax.invoice_kind': 'e_ordinary', 'declaration.truthful': true,
  };
  const res = await fetch(`${base}/api/applications`, { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ bundle: 'restaurant', answers }) });
  const filed = await res.json();
  assert.equal(res.status, 201, JSON.stringify(filed));

  const context = await app.browser.newContext({ ...viewports.phone, locale: 'zh-CN' });
  const page = await context.newPage();
  const errors = [];
  // The status page's 401 and the wrong code's 422 are answers, not errors.
  page.on('console', (m) => { if (m.type() === 'error' && !/status of 4(01|04|22)/.test(m.text())) errors.push(m.text()); });
  // The link cut short (no key): why, and the way to find it.
  await page.goto(`${base}/status/${filed.number}`);
  await page.locator('#lost [role=alert]').waitFor();
  assert.deepEqual(await accessibilityProblems(page), []);
  await page.getByRole('link', { name: '查询办件 · 找回链接' }).click();
  await page.getByRole('heading', { name: '查询办件 · 找回链接' }).waitFor();
  assert.equal(await page.inputValue('#find-n'), filed.number, 'the number carried over');

  // A wrong e-mail is told nothing different; the one on the form gets the code.
  await page.fill('#find-contact', 'Li.Si@Example.cn');
  assert.deepEqual(await accessibilityProblems(page), []);
  await shot(page, 'phone-find-application');
  await page.getByRole('button', { name: '发送验证码', exact: true }).click();
  await page.getByRole('heading', { name: '输入验证码' }).waitFor();
  await page.getByText('L***@Example.cn').waitFor();
  const mails = await until('the code', () => { const m = mail.received(); return m.length ? m : null; });
  assert.equal(mails.length, 1);
  assert.equal(mails[0].to, 'li.si@example.cn');
  const code = mails[0].text.match(/验证码 (\d{6})/)[1];
  assert.ok(!mails[0].text.includes(filed.token), 'the e-mail carries a code, not the link');

  // A mistyped code first: the field says so and how many tries are left.
  await page.fill('#find-code', code === '000000' ? '000001' : '000000');
  await page.getByRole('button', { name: '验证并打开办理进度' }).click();
  await page.getByText('验证码不对，还可以再试 4 次').waitFor();
  assert.equal(await page.getAttribute('#find-code', 'aria-invalid'), 'true');
  assert.deepEqual(await accessibilityProblems(page), []);
  await page.fill('#find-code', code);
  await page.getByRole('button', { name: '验证并打开办理进度' }).click();
  await page.getByRole('heading', { name: '办理进度' }).waitFor();
  assert.equal(new URL(page.url()).hash, `#t=${filed.token}`, 'the same private link as before');
  await page.getByText(filed.number).first().waitFor();
  assert.deepEqual(errors, []);

  // The start page leads there too.
  await page.goto(`${base}/`);
  await page.getByRole('link', { name: '已经申请过？查询办件 · 找回链接' }).click();
  await page.getByRole('heading', { name: '查询办件 · 找回链接' }).waitFor();
  await context.close();
});

test('a draft saved on the server is found again by the e-mail on it, on another phone', async () => {
  const base = app.server.base;
  const context = await app.browser.newContext({ ...viewports.phone, locale: 'zh-CN' });
  const page = await context.newPage();
  await page.goto(`${base}/bundles/restaurant/apply`);
  await page.fill('#f-business-name', '睢县草稿找回小馆');
  await page.fill('#f-legal_rep-email', 'cao.gao@example.cn');
  await page.getByRole('button', { name: '保存到服务器（换设备续填）' }).click();
  await page.locator('.draft-link a').waitFor();
  await context.close();

  // The link is lost with the phone: another one asks by the e-mail.
  const other = await app.browser.newContext({ ...viewports.phone, locale: 'zh-CN' });
  const again = await other.newPage();
  await again.goto(`${base}/find`);
  const drafts = again.locator('#drafts');
  await drafts.getByRole('heading', { name: '找回已保存的草稿' }).waitFor();
  await drafts.getByRole('button', { name: '发送验证码找回草稿' }).click();
  await again.locator('#find-draft-contact-e').getByText('请输入手机号或电子邮箱').waitFor();
  assert.deepEqual(await accessibilityProblems(again), []);
  await again.fill('#find-draft-contact', 'Cao.Gao@example.cn');
  await drafts.getByRole('button', { name: '发送验证码找回草稿' }).click();
  await again.getByRole('heading', { name: '输入验证码' }).waitFor();
  await again.getByText(/如果有以 C\*+@example\.cn 为联系方式保存的草稿/).waitFor();
  const mails = await until('the code', () => {
    const m = mail.received().filter((e) => e.to === 'cao.gao@example.cn');
    return m.length ? m : null;
  });
  assert.equal(mails.length, 1);
  const code = mails[0].text.match(/验证码 (\d{6})/)[1];
  await again.fill('#find-code', code);
  await again.getByRole('button', { name: '验证并列出我的草稿' }).click();
  await again.getByRole('heading', { name: '我的草稿' }).waitFor();
  assert.deepEqual(await accessibilityProblems(again), []);
  await shot(again, 'phone-find-drafts');
  await again.getByRole('link', { name: /^继续填写：/ }).click();
  await again.getByRole('heading', { name: /综合申请表/ }).waitFor();
  await again.waitForFunction(() => document.querySelector('#f-business-name')?.value === '睢县草稿找回小馆');
  await other.close();
});

test('the holder prints the licence with its seal and the public page shows what is in progress', async () => {
  const base = app.server.base;
  const { licence, number, token } = await licensedRestaurant(app.server);
  const context = await app.browser.newContext({ ...viewports.phone, locale: 'zh-CN' });
  const page = await context.newPage();
  await page.goto(`${base}/status/${number}#t=${token}`);
  await page.getByRole('heading', { name: '办理进度' }).waitFor();
  // The public page: the licence, and the food permit, seals and invoice still in progress.
  await page.getByRole('link', { name: '查看执照及全部许可（扫码页）' }).click();
  const progress = page.locator('section.in-progress');
  await progress.getByRole('heading', { name: '办理中的许可 (3)' }).waitFor();
  for (const item of ['food_business_permit', 'seal_filing', 'first_invoice']) {
    await progress.locator(`li[data-item="${item}"]`).getByText('办理中').waitFor();
  }
  await progress.locator('li[data-item="food_business_permit"]').getByText(/市场监督管理局 · 承诺 \d{4}-\d{2}-\d{2} 前办结/).waitFor();
  assert.deepEqual(await accessibilityProblems(page), []);
  await shot(page, 'phone-licence-in-progress');

  // The A4 print: the seal drawn, the live QR and the signed snapshot's QR — no raw signature.
  await page.goto(`${base}/status/${number}#t=${token}`);
  await page.getByRole('link', { name: '打印执照（A4）' }).click();
  await page.locator('svg.stamp').waitFor();
  assert.equal(await decodeQr(page.locator('.seal figure.qr svg').first()), licence.verify_url);
  assert.match(await decodeQr(page.locator('.seal figure.qr svg').last()), /^LB2:/);
  assert.deepEqual(await accessibilityProblems(page), []);
  await page.emulateMedia({ media: 'print' });
  await shot(page, 'phone-licence-print');
  await context.close();
});
