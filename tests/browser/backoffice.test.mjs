// The back office in Chromium: an administrator imports the dishonesty list; the clerk at the
// one window accepts a restaurant application with one tolerated missing material; two
// department reviewers, each in their own browser, act in parallel — the fire brigade schedules
// a joint inspection with the food permit (the market regulator's stale page is told so), then
// records it once; the market regulator approves the food permit by commitment. The applicant's
// status page, left open, shows each change without a reload. Last, the clerk files for a
// walk-in applicant through the same form.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serverAndBrowser, viewports, shot, accessibilityProblems } from './harness.mjs';
import { fillRestaurant } from './forms.mjs';
import { signedIn } from './setup.mjs';

const app = serverAndBrowser();

const answers = {
  'business.name': '睢县老张家常菜馆', 'business.form': 'individual', 'business.scope': ['catering'],
  'business.capital': 10, 'business.employees': 3, 'plans.investment': 20,
  'legal_rep.name': '张三', 'legal_rep.id_number': '11010519491231002X', 'legal_rep.phone': '13800138000',
  'premises.address': '睢县城关镇北湖路 88 号', 'premises.area': 400, 'premises.tenure': 'owned',
  'food.categories': ['hot_food'], 'food.safety_manager': '李四', 'food.manager_phone': '13900139000',
  'fire.safety_manager': '王五', 'fire.exits': 2,
  'commitment.chosen@food_business_permit': true, 'commitment.signatory@food_business_permit': '张三',
  'commitment.signed_on@food_business_permit': '2026-11-28',
  'seal.kinds': ['official'], 'tax.invoice_kind': 'e_ordinary', 'declaration.truthful': true,
};

function isoInDays(days) {
  const d = new Date(Date.now() + 8 * 3600e3 + days * 86400e3);
  return d.toISOString().slice(0, 10);
}

const staffPage = (name, options) => signedIn(app, name, options);

const item = (page, id) => page.locator(`li.sub[data-item="${id}"]`);

async function approveByCommitment(food) {
  const form = food.locator('details', { hasText: '告知承诺审批' });
  await form.locator('summary').click();
  // No number typed: the department's numbering rule assigns the next one.
  await form.getByText(/^留空则按本部门编号规则自动编号/).waitFor();
  assert.equal(await form.getByLabel('许可证编号').inputValue(), '');
  await form.getByLabel('事后核查日期').fill(isoInDays(60));
  // The business licence comes later: approving the permit first is said explicitly.
  await form.getByLabel('营业执照尚未核发，先行准予本许可').check();
  await form.getByRole('button', { name: '核查信用并当场审批' }).click();
}

test('window, two departments in parallel, and the applicant watching', async () => {
  for (const [u, role, dept] of [['root', 'admin'], ['clerk', 'clerk'], ['samr', 'reviewer', 'samr'], ['fire', 'reviewer', 'fire']]) {
    app.server.staff(u, role, dept);
  }
  const res = await fetch(`${app.server.base}/api/applications`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ bundle: 'restaurant', answers }),
  });
  assert.equal(res.status, 201);
  const { number, token } = await res.json();

  // The administrator imports the dishonesty list (someone else is on it).
  const admin = await staffPage('root');
  await admin.page.goto(`${app.server.base}/staff/admin`);
  await admin.page.setInputFiles('#list-file', {
    name: 'list.csv', mimeType: 'text/csv',
    buffer: Buffer.from('kind,value,name,source\nuscc,91350200776049653A,某公司,最高人民法院失信被执行人名单\n'),
  });
  await admin.page.getByRole('button', { name: '导入' }).click();
  await admin.page.getByText('已导入，条目数：1').waitFor();
  assert.deepEqual(await accessibilityProblems(admin.page), []);

  // The applicant keeps the status page open on a phone.
  const applicantContext = await app.browser.newContext({ ...viewports.phone, locale: 'zh-CN' });
  const applicant = await applicantContext.newPage();
  await applicant.goto(`${app.server.base}/status/${number}#t=${token}`);
  await applicant.getByRole('heading', { name: '办理进度' }).waitFor();
  assert.equal(await applicant.locator('.badge.submitted').count(), 6);

  // The one window accepts, the food-safety rules to follow by a given day.
  const clerk = await staffPage('clerk');
  await clerk.page.getByRole('link', { name: number }).click();
  await clerk.page.getByRole('heading', { name: '受理（综合窗口）' }).waitFor();
  // The checklist: nothing marked, nothing accepted — the refusal names what is missing.
  await clerk.page.getByRole('button', { name: '受理，分送各部门' }).click();
  await clerk.page.getByText(/^以下材料既未上传.*经营场所使用证明/).waitFor();
  await markChecklist(clerk.page, { food_safety_rules: '容缺后补' });
  await clerk.page.fill('#bring-by', isoInDays(10));
  assert.deepEqual(await accessibilityProblems(clerk.page), []);
  await shot(clerk.page, 'desktop-staff-intake');
  await clerk.page.getByRole('button', { name: '受理，分送各部门' }).click();
  await clerk.page.getByText('已受理', { exact: true }).waitFor();
  await clerk.page.getByText(/^容缺材料：食品安全管理制度 → /).waitFor();

  // Two departments, two browsers, at once.
  const [samr, fire] = await Promise.all([staffPage('samr'), staffPage('fire')]);
  for (const r of [samr, fire]) {
    await r.page.getByRole('link', { name: number }).first().click();
    await r.page.getByRole('heading', { name: '事项（并联审批）' }).waitFor();
  }
  // The market regulator's page shows only its items' answers: no seal or invoice answers.
  assert.equal(await samr.page.getByText('刻制印章').count(), 0);
  await samr.page.locator('dl.answers').getByText('经营项目').waitFor();

  const fireItem = item(fire.page, 'fire_safety_inspection');
  await fireItem.getByText('安排现场核查（可联合）').click();
  await fireItem.getByLabel('核查日期', { exact: true }).fill(isoInDays(3));
  await fireItem.getByLabel('一并核查：食品经营许可').check();
  await fireItem.getByRole('button', { name: '安排核查' }).click();
  await fireItem.getByText('待现场核查').waitFor();

  // The market regulator acts on the page it loaded before: told it is stale, nothing changes.
  await approveByCommitment(item(samr.page, 'food_business_permit'));
  // Told beside the action, with the focus there (a screen reader reads it at once).
  const stale = item(samr.page, 'food_business_permit').locator('.outcome.error');
  await stale.getByText('该记录已被他人更新，请刷新后再操作').waitFor();
  assert.equal(await stale.evaluate((e) => e === document.activeElement), true);
  await samr.page.reload();
  await item(samr.page, 'food_business_permit').getByText('待现场核查').waitFor();

  // One visit, recorded once, for both items.
  await fireItem.getByText('记录核查结果').click();
  await fireItem.getByLabel('核查结果').fill('消防设施、疏散通道符合要求；后厨布局符合要求');
  await fireItem.getByRole('button', { name: '记录（一次记录全部联合事项）' }).click();
  await item(fire.page, 'fire_safety_inspection').getByText('已受理，审查中').waitFor();

  // The food permit waits for the owed food-safety rules: the applicant sends them from the
  // status page on the phone.
  const owed = applicant.locator('.material-upload[data-material="food_safety_rules"]');
  await owed.getByText('在此上传即视为补交，无需再到窗口').waitFor();
  await applicant.setInputFiles('#file-food_safety_rules', {
    name: '食品安全管理制度.pdf', mimeType: 'application/pdf',
    buffer: Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(3000, 'a'), Buffer.from('\n%%EOF\n')]),
  });
  await owed.locator('li.file:not(.partial)').getByText('食品安全管理制度.pdf').waitFor();

  await samr.page.reload();
  const food2 = item(samr.page, 'food_business_permit');
  await food2.getByText('已受理，审查中').waitFor();
  await approveByCommitment(food2);
  await item(samr.page, 'food_business_permit').getByText('已办结（准予许可）').waitFor();
  await item(samr.page, 'food_business_permit').getByText(/^告知承诺审批，事后核查：/).waitFor();
  // The history in words: who (department and name), what, about which item.
  const entry = samr.page.locator('li[data-action="review.approve_by_commitment"]');
  await entry.getByText(/睢县市场监督管理局 samr 告知承诺审批 · 食品经营许可/).waitFor();
  assert.deepEqual(await accessibilityProblems(samr.page), []);
  await shot(samr.page, 'desktop-staff-review');

  // The business registration: approving it issues the credit code and the licence, whose
  // public page a phone opens from the QR — plain HTML, no wasm, a few kilobytes.
  const registration = item(samr.page, 'business_registration');
  await registration.locator('details', { hasText: '准予许可' }).first().locator('summary').click();
  await registration.getByRole('button', { name: '确认准予许可' }).click();
  await samr.page.getByRole('heading', { name: '营业执照与许可（一业一证）' }).waitFor();
  const verifyUrl = await samr.page.getByRole('link', { name: '公开核验页' }).getAttribute('href');
  const uscc = (await samr.page.getByText(/^统一社会信用代码：/).innerText()).match(/[0-9A-Z]{18}/)[0];
  assert.match(uscc, /^92411422/);

  const phoneContext = await app.browser.newContext({ ...viewports.phone, locale: 'zh-CN' });
  const phone = await phoneContext.newPage();
  const requests = [];
  phone.on('request', (r) => requests.push(r.url()));
  const response = await phone.goto(verifyUrl);
  const html = await response.text();
  assert.ok(Buffer.byteLength(html) <= 30 * 1024, `verify page ${Buffer.byteLength(html)} bytes`);
  assert.deepEqual(requests.filter((u) => !u.startsWith(verifyUrl) || u.endsWith('.wasm') || u.endsWith('.js')), [], 'nothing but the page');
  await phone.getByRole('heading', { name: '睢县老张家常菜馆' }).waitFor();
  await phone.getByText(uscc).first().waitFor();
  await phone.locator('li[data-item="food_business_permit"]').getByText('有效', { exact: true }).waitFor();
  assert.equal(await phone.getByText('张三').count(), 0, 'the name is masked');
  assert.deepEqual(await accessibilityProblems(phone), []);
  await shot(phone, 'phone-verify');

  // The licence prints on A4 with its permits, QR and electronic seal, nothing cut off.
  const printPage = await app.browser.newPage({ viewport: { width: 703, height: 1000 }, locale: 'zh-CN' });
  await printPage.goto(await samr.page.getByRole('link', { name: '打印营业执照' }).getAttribute('href'));
  await printPage.emulateMedia({ media: 'print' });
  const overflowing = await printPage.evaluate(() => [...document.querySelectorAll('main *')]
    .filter((el) => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1).length);
  assert.equal(overflowing, 0, 'nothing sticks out of the A4 width');
  await printPage.getByText('睢县市场监督管理局 · 电子印章').waitFor();
  // The live page's QR and the signed snapshot's; the seal drawn.
  assert.equal(await printPage.locator('.qr svg').count(), 2);
  await printPage.locator('svg.stamp').waitFor();
  const pdf = await printPage.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
  assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
  await printPage.close();

  // The market regulator revokes the food permit: the public page shows it at once.
  const foodPermit = samr.page.locator('li[data-permit="food_business_permit"]');
  await foodPermit.getByText('变更许可状态').click();
  await foodPermit.getByLabel('理由').fill('以欺骗手段取得许可');
  await foodPermit.getByRole('button', { name: '撤销许可' }).click();
  await samr.page.locator('li[data-permit="food_business_permit"]').getByText('已撤销').waitFor();
  await phone.reload();
  await phone.locator('li[data-item="food_business_permit"]').getByText('已撤销', { exact: true }).waitFor();
  await phone.getByText('以欺骗手段取得许可').waitFor();

  // A change of name: the licence and every permit follow; the public page shows the history.
  await samr.page.getByText('变更登记（名称、法定代表人、经营场所）').click();
  await samr.page.selectOption('#change-field', 'name');
  await samr.page.fill('#change-value', '睢县老张私房菜馆');
  await samr.page.fill('#change-reason', '股东决定更名');
  await samr.page.getByRole('button', { name: '登记变更（执照和全部许可同步）' }).click();
  // The change is saved by the time the page asks again; reload until it shows (a few tries).
  for (let i = 0; i < 20 && (await phone.getByRole('heading', { name: '睢县老张私房菜馆' }).count()) === 0; i++) {
    await new Promise((r) => setTimeout(r, 100));
    await phone.reload();
  }
  await phone.getByRole('heading', { name: '睢县老张私房菜馆' }).waitFor();
  await phone.getByText('睢县老张家常菜馆 → 睢县老张私房菜馆').waitFor();
  await phoneContext.close();

  // The applicant's page, never reloaded, caught up by itself.
  const appFood = item(applicant, 'food_business_permit');
  await appFood.getByText('已办结（准予许可）').waitFor({ timeout: 30000 });
  await appFood.getByText(/^许可证编号：JY411422\d{4}00001$/).waitFor();
  await applicant.getByText(`营业执照已核发，统一社会信用代码：${uscc} ·`).waitFor({ timeout: 30000 });
  await applicant.getByText(/已容缺受理/).waitFor({ state: 'detached', timeout: 30000 });
  await item(applicant, 'fire_safety_inspection').getByText(/^承诺办结日期：/).waitFor();
  await applicant.getByRole('link', { name: '查看执照及全部许可（扫码页）' }).waitFor();
  assert.deepEqual(await accessibilityProblems(applicant), []);
  await shot(applicant, 'phone-status-live');

  // Counter intake: the clerk fills the same form for a walk-in applicant.
  await clerk.page.goto(`${app.server.base}/staff`);
  await clerk.page.getByRole('link', { name: '选择套餐并代为填写' }).click();
  await clerk.page.getByRole('link', { name: '开饭店' }).click();
  await clerk.page.getByRole('link', { name: '开始填写综合表单' }).click();
  await fillRestaurant(clerk.page);
  await clerk.page.fill('#f-legal_rep-id_number', '11010519491231002X');
  await clerk.page.getByRole('button', { name: '下一步：核对' }).click();
  await clerk.page.getByRole('button', { name: '确认提交' }).click();
  await clerk.page.getByRole('heading', { name: '申请已提交' }).waitFor();
  const walkIn = clerk.page.url().match(/receipt\/(LB-\d{8}-\d{4})/)[1];
  await clerk.page.goto(`${app.server.base}/staff/applications/${walkIn}`);
  await clerk.page.getByText('窗口代办：clerk').waitFor();
  // Accepted with the food-safety rules to follow; the walk-in applicant brings them on paper
  // the next day, and the window records it.
  await markChecklist(clerk.page, { food_safety_rules: '容缺后补' });
  await clerk.page.fill('#bring-by', isoInDays(10));
  await clerk.page.getByRole('button', { name: '受理，分送各部门' }).click();
  const owedOnPaper = clerk.page.locator('.materials li[data-material="food_safety_rules"]');
  await owedOnPaper.getByText('容缺后补').waitFor();
  await owedOnPaper.getByRole('button', { name: '已收到纸质件' }).click();
  await owedOnPaper.getByText('纸质件已收（窗口）').waitFor();
  await clerk.page.locator('li[data-action="material.arrived"]').getByText('综合窗口 clerk 容缺材料已补交 · 食品安全管理制度').waitFor();

  for (const r of [admin, clerk, samr, fire]) {
    // 412: a stale version refused on purpose; 422: the clerk's checklist refused once.
    assert.deepEqual(r.errors.filter((e) => !e.includes('412') && !(r === clerk && e.includes('422'))), []);
    await r.context.close();
  }
  await applicantContext.close();
});

/** Marks the window's checklist: every material not uploaded as received on paper, except
 * those `choices` names (material id → the choice's label). */
async function markChecklist(page, choices = {}) {
  for (const row of await page.locator('fieldset.check-row').all()) {
    const material = await row.getAttribute('data-material');
    await row.getByLabel(choices[material] ?? '纸质件已收').check();
  }
}
