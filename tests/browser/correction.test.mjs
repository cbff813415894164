// The correction loop in Chromium: the window's clerk (desktop) sends one notice naming the
// premises' address and the proof of the premises; the applicant (phone) uploads the new proof,
// changes the address — checked as the form checks it — and answers; the notice and the reply
// stay on the applicant's page; back at the window the application is marked as returned in
// the worklist and its history shows the address before → after. And the window takes back a
// material to follow chosen in error, with a reason on the record. axe on every page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serverAndBrowser, viewports, shot, accessibilityProblems } from './harness.mjs';
import { signedIn } from './setup.mjs';

const app = serverAndBrowser();

test('a correction notice is answered on a phone with a new file and a changed answer', async () => {
  app.server.staff('clerk', 'clerk');
  const answers = {
    'business.name': '睢县小王便利店', 'business.form': 'individual', 'business.scope': ['prepackaged_food'],
    'business.capital': 5, 'business.employees': 0,
    'legal_rep.name': '王五', 'legal_rep.id_number': '11010519491231002X', 'legal_rep.phone': '13800138000',
    'premises.address': '睢县城关镇北湖路 9 号', 'premises.area': 60, 'premises.tenure': 'owned',
    'seal.kinds': ['official'], 'tax.invoice_kind': 'e_ordinary', 'declaration.truthful': true,
  };
  const res = await fetch(`${app.server.base}/api/applications`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ bundle: 'small_shop', answers }),
  });
  assert.equal(res.status, 201, await res.clone().text());
  const { number, token } = await res.json();

  // The clerk names what to change.
  const clerk = await signedIn(app, 'clerk', viewports.desktop);
  await clerk.page.goto(`${app.server.base}/staff/applications/${number}`);
  await clerk.page.getByRole('heading', { name: '受理（综合窗口）' }).waitFor();
  await clerk.page.fill('#correction', '地址与产权证明不一致：请更正地址，并重新上传产权证明。');
  await clerk.page.getByText('点名需更正的栏目和需重新上传的材料').click();
  await clerk.page.getByLabel('经营场所地址').check();
  await clerk.page.getByLabel('重新上传：经营场所使用证明').check();
  assert.deepEqual(await accessibilityProblems(clerk.page), []);
  await clerk.page.getByRole('button', { name: '发送补正告知' }).click();
  await clerk.page.getByText('已发补正告知', { exact: true }).waitFor();

  // The applicant, on a phone.
  const phone = await app.browser.newContext({ ...viewports.phone, locale: 'zh-CN' });
  const applicant = await phone.newPage();
  await applicant.goto(`${app.server.base}/status/${number}#t=${token}`);
  const notice = applicant.locator('section.notice');
  await notice.getByText('地址与产权证明不一致').waitFor();
  const address = notice.getByLabel('经营场所地址');
  assert.equal(await address.inputValue(), '睢县城关镇北湖路 9 号', 'the answer so far');
  // Without the new file the answer is refused, and says why.
  await address.fill('睢县城关镇北湖路 19 号');
  await notice.getByLabel('您的答复').fill('已更正地址，附新的产权证明。');
  await notice.getByRole('button', { name: '提交答复' }).click();
  await notice.getByText(/请先重新上传以下材料.*经营场所使用证明/).waitFor();
  // An empty address: the form's own rule, under the field, before anything is sent.
  await address.fill('');
  await notice.getByRole('button', { name: '提交答复' }).click();
  await notice.getByText('此项为必填项').first().waitFor();
  await address.fill('睢县城关镇北湖路 19 号');
  await applicant.setInputFiles('#file-premises_proof', {
    name: '产权证明.pdf', mimeType: 'application/pdf',
    buffer: Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(3000, 'b'), Buffer.from('\n%%EOF\n')]),
  });
  await notice.locator('li.file:not(.partial)').getByText('产权证明.pdf').waitFor();
  assert.deepEqual(await accessibilityProblems(applicant), []);
  await shot(applicant, 'phone-correction-reply');
  await notice.getByRole('button', { name: '提交答复' }).click();
  // The notice and the reply stay, with the change.
  const turns = applicant.locator('section.exchanges');
  await turns.locator('li[data-kind="reply"]').getByText('经营场所地址：睢县城关镇北湖路 9 号 → 睢县城关镇北湖路 19 号').waitFor();
  await turns.locator('li[data-kind="correction"]').getByText(/综合窗口 · 补正告知：地址与产权证明不一致/).waitFor();
  assert.equal(await applicant.locator('section.notice').count(), 0, 'nothing left to answer');
  assert.deepEqual(await accessibilityProblems(applicant), []);

  // Back at the window: marked in the worklist, the change in the history.
  await clerk.page.goto(`${app.server.base}/staff`);
  const row = clerk.page.locator(`tr[data-number="${number}"]`);
  await row.getByText('补正后退回').waitFor();
  await row.getByRole('link', { name: number }).click();
  const reply = clerk.page.locator('li[data-action="reply.correction"]');
  await reply.getByText('经营场所地址：睢县城关镇北湖路 9 号 → 睢县城关镇北湖路 19 号').waitFor();
  await reply.getByText(/已更正地址，附新的产权证明。/).waitFor();
  assert.deepEqual(await accessibilityProblems(clerk.page), []);
  await shot(clerk.page, 'desktop-staff-correction-returned');
  assert.deepEqual(clerk.errors, []);
  await Promise.all([clerk.context.close(), phone.close()]);
});

test('the window takes back a material to follow chosen in error, with its reason', async () => {
  app.server.staff('clerk', 'clerk');
  const answers = {
    'business.name': '睢县老刘家常菜馆', 'business.form': 'individual', 'business.scope': ['catering'],
    'business.capital': 10, 'business.employees': 0, 'plans.investment': 20,
    'legal_rep.name': '刘六', 'legal_rep.id_number': '11010519491231002X', 'legal_rep.phone': '13800138000',
    'premises.address': '睢县城关镇北湖路 66 号', 'premises.area': 120, 'premises.tenure': 'owned',
    'food.categories': ['hot_food'], 'food.safety_manager': '刘七', 'food.manager_phone': '13900139000',
    'seal.kinds': ['official'], 'tax.invoice_kind': 'e_ordinary', 'declaration.truthful': true,
  };
  const res = await fetch(`${app.server.base}/api/applications`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ bundle: 'restaurant', answers }),
  });
  assert.equal(res.status, 201, await res.clone().text());
  const { number } = await res.json();

  const clerk = await signedIn(app, 'clerk', viewports.desktop);
  await clerk.page.goto(`${app.server.base}/staff/applications/${number}`);
  await clerk.page.getByRole('heading', { name: '收件清单' }).waitFor();
  for (const row of await clerk.page.locator('fieldset.check-row').all()) {
    const material = await row.getAttribute('data-material');
    await row.getByLabel(material === 'food_safety_rules' ? '容缺后补' : '纸质件已收').check();
  }
  const later = new Date(Date.now() + 10 * 86400000).toISOString().slice(0, 10);
  await clerk.page.fill('#bring-by', later);
  await clerk.page.getByRole('button', { name: '受理，分送各部门' }).click();
  const owed = clerk.page.locator('.materials li[data-material="food_safety_rules"]');
  await owed.getByText('容缺后补').waitFor();
  await clerk.page.locator('.materials li[data-material="id_card"]').getByText('纸质件已收（窗口）').waitFor();

  await owed.getByText('撤销容缺（误选）').click();
  await owed.getByLabel('撤销理由（留痕）').fill('申请人当场出示了食品安全管理制度，误选容缺');
  assert.deepEqual(await accessibilityProblems(clerk.page), []);
  await owed.getByRole('button', { name: '确认撤销' }).click();
  await owed.getByText('未上传（窗口核收纸质件）').waitFor();
  await clerk.page.locator('li[data-action="intake.owed_withdrawn"]')
    .getByText('综合窗口 clerk 撤销容缺（该材料无需补交） · 食品安全管理制度').waitFor();
  assert.equal(await clerk.page.getByText(/^容缺材料：/).count(), 0, 'nothing owed any more');
  assert.deepEqual(clerk.errors, []);
  await clerk.context.close();
});
