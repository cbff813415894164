// The licence holder, on a phone, applies from the private status page for a change of the
// licence's name; the server's field-level error shows under the field; the registration
// authority approves it in the back office; the holder sees it done and the public page shows
// the new name. Then 注销联办: one request cancels the licence and every permit under it — the
// department refuses the licence's first (it ends last), decides the permit, then the licence;
// the filings that follow it end with it; the public page shows every one ended. And a permit's
// sealed certificate: downloaded on a phone, its QR read by zbarimg leads to the verify page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serverAndBrowser, viewports, shot, accessibilityProblems } from './harness.mjs';
import { licensedRestaurant, signedIn, apiLogin } from './setup.mjs';

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

test('the holder downloads a permit\'s sealed certificate on a phone', async () => {
  const { licence, number, token } = await licensedRestaurant(app.server);
  const base = app.server.base;
  const cookie = await apiLogin(base, 'samr');
  const view = await (await fetch(`${base}/api/staff/applications/${number}`, { headers: { cookie } })).json();
  const food = view.items.find((i) => i.item === 'food_business_permit');
  const approved = await fetch(`${base}/api/staff/items/${food.id}/review`, {
    method: 'POST', headers: { 'content-type': 'application/json', cookie },
    body: JSON.stringify({ action: 'approve', version: food.version }),
  });
  assert.equal(approved.status, 200);

  const context = await app.browser.newContext({ ...viewports.phone, locale: 'zh-CN', acceptDownloads: true });
  const page = await context.newPage();
  await page.goto(`${base}/status/${number}#t=${token}`);
  const permit = page.locator('.permits li[data-item="food_business_permit"]');
  await permit.locator('.badge').getByText('有效').waitFor();
  // The documents: the acceptance notice, then each permit's certificate.
  const documents = page.locator('#documents');
  assert.deepEqual(await documents.locator('button[data-document]').allTextContents(),
    ['受理通知书（PDF）', '营业执照（PDF）', '食品经营许可证（PDF）']);
  // Each decision not delivered yet has its receipt to confirm (送达); a notice has none.
  assert.equal(await documents.getByRole('button', { name: '确认收到' }).count(), 2);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    documents.getByRole('button', { name: '食品经营许可证（PDF）' }).click(),
  ]);
  assert.match(download.suggestedFilename(), /^食品经营许可证-JY411422\d{4}\d{5}\.pdf$/);
  const dir = mkdtempSync(join(tmpdir(), 'lianban-certificate-'));
  const pdf = join(dir, 'certificate.pdf');
  await download.saveAs(pdf);
  execFileSync('pdftoppm', ['-r', '200', '-png', '-singlefile', pdf, join(dir, 'page')]);
  const codes = execFileSync('zbarimg', ['--quiet', '--raw', join(dir, 'page.png')], { encoding: 'utf8' }).trim().split('\n');
  rmSync(dir, { recursive: true, force: true });
  assert.ok(codes.includes(licence.verify_url), codes.join(' | '));
  assert.ok(codes.some((c) => c.startsWith('LB2:')), 'the signed snapshot');
  // The page the printed code opens: the permit, live.
  await page.goto(licence.verify_url);
  await page.getByText('食品经营许可').first().waitFor();
  await page.goto(`${base}/status/${number}#t=${token}`);
  await permit.locator('.badge').getByText('有效').waitFor();
  // Downloaded and kept: the holder confirms its receipt, and is back on the page.
  await documents.locator('li', { hasText: '食品经营许可证' }).getByRole('button', { name: '确认收到' }).click();
  await page.waitForURL(`${base}/status/${number}#t=${token}`);
  const received = documents.locator('li', { hasText: '食品经营许可证' });
  await received.getByText(/^已送达 \d{4}-\d{2}-\d{2}$/).waitFor();
  assert.equal(await received.getByRole('button', { name: '确认收到' }).count(), 0);
  assert.deepEqual(await accessibilityProblems(page), []);
  await shot(page, 'phone-certificate-download');
  await context.close();

  // At the window the clerk prints the same documents for the holder.
  app.server.staff('clerk', 'clerk');
  const clerk = await signedIn(app, 'clerk');
  await clerk.page.goto(`${base}/staff/applications/${number}`);
  const printed = clerk.page.locator('#documents');
  await printed.getByRole('link', { name: '受理通知书（PDF）' }).waitFor();
  const [notice] = await Promise.all([
    clerk.page.waitForEvent('download'),
    printed.getByRole('link', { name: '受理通知书（PDF）' }).click(),
  ]);
  assert.match(notice.suggestedFilename(), new RegExp(`^受理通知书-${number}\\.pdf$`));
  const noticeDir = mkdtempSync(join(tmpdir(), 'lianban-notice-'));
  const noticePdf = join(noticeDir, 'notice.pdf');
  await notice.saveAs(noticePdf);
  const text = execFileSync('pdftotext', [noticePdf, '-'], { encoding: 'utf8' });
  rmSync(noticeDir, { recursive: true, force: true });
  assert.match(text, /予以受理/);
  assert.match(text, /承诺办结日期/);
  // The licence collected on paper at the window (出件窗口): the clerk records it; the
  // certificate the holder confirmed shows as delivered electronically.
  const licenceDoc = printed.locator('li', { hasText: '营业执照（PDF）' });
  await licenceDoc.getByRole('button', { name: '登记窗口领取（送达）' }).click();
  await licenceDoc.getByText(/已送达 \d{4}-\d{2}-\d{2}（窗口领取）/).waitFor();
  await printed.locator('li', { hasText: '食品经营许可证' }).getByText('电子送达，申请人已确认签收', { exact: false }).waitFor();
  assert.deepEqual(await accessibilityProblems(clerk.page), []);
  assert.deepEqual(clerk.errors, []);
  await clerk.context.close();
});

test('the holder cancels everything at once and the licence ends last', async () => {
  const { licence, number, token } = await licensedRestaurant(app.server);
  // The food permit and the seal filing are approved too, as their departments would.
  const base = app.server.base;
  app.server.staff('psb', 'reviewer', 'psb');
  for (const [who, item] of [['samr', 'food_business_permit'], ['psb', 'seal_filing']]) {
    const cookie = await apiLogin(base, who);
    const view = await (await fetch(`${base}/api/staff/applications/${number}`, { headers: { cookie } })).json();
    const it = view.items.find((i) => i.item === item);
    const approved = await fetch(`${base}/api/staff/items/${it.id}/review`, {
      method: 'POST', headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify({ action: 'approve', version: it.version }),
    });
    assert.equal(approved.status, 200, item);
  }

  const context = await app.browser.newContext({ ...viewports.phone, locale: 'zh-CN' });
  const page = await context.newPage();
  await page.goto(`${base}/status/${number}#t=${token}`);
  await page.locator('.permits li[data-item="food_business_permit"] .badge').getByText('有效').waitFor();
  await page.selectOption('#request-target', 'cancel_all');
  await page.getByText(/^各部门分别注销其许可，营业执照最后注销/).waitFor();
  assert.equal(await page.locator('#request-value').count(), 0, 'nothing to type but the reason');
  await page.fill('#request-reason', '不再经营');
  // Cancellations are a group of their own, and nothing is sent until the holder confirms.
  assert.deepEqual(await page.locator('#request-target optgroup').evaluateAll((gs) => gs.map((g) => g.label)),
    ['变更登记事项', '注销']);
  await page.getByRole('button', { name: '提交申请' }).click();
  await page.locator('#request-sure-error').getByText('请先勾选确认').waitFor();
  assert.equal(await page.locator('li.request').count(), 0, 'nothing filed');
  await page.getByLabel('我确认申请注销上面所选项目，提交后不能撤回').check();
  await page.getByRole('button', { name: '提交申请' }).click();
  const pending = page.locator('li.request[data-state="pending"]');
  await pending.getByText(/^注销：营业执照/).waitFor();
  await pending.getByText(/^注销：食品经营许可/).waitFor();
  assert.deepEqual(await accessibilityProblems(page), []);
  await shot(page, 'phone-cancel-all');

  const samr = await signedIn(app, 'samr');
  const requests = samr.page.locator('.holder-requests li.request');
  const licenceRequest = requests.filter({ hasText: '注销：营业执照' });
  await licenceRequest.getByRole('button', { name: '准予办理' }).click();
  await samr.page.locator('.holder-requests [role="alert"]').getByText(/^营业执照最后注销/).waitFor();
  await requests.filter({ hasText: '注销：食品经营许可' }).getByRole('button', { name: '准予办理' }).click();
  await requests.filter({ hasText: '注销：食品经营许可' }).waitFor({ state: 'detached' });
  await licenceRequest.getByRole('button', { name: '准予办理' }).click();
  await samr.page.getByText('暂无持证人申请').waitFor();
  // The refusal of the licence's first is the one answer that is not a success.
  assert.deepEqual(samr.errors.filter((e) => !e.includes('409 (Conflict)')), []);
  await samr.context.close();

  await page.getByRole('button', { name: '刷新进度' }).click();
  for (const item of ['business_registration', 'food_business_permit', 'seal_filing']) {
    await page.locator(`.permits li[data-item="${item}"]`).getByText('已注销').waitFor();
  }
  await page.goto(licence.verify_url);
  await page.locator('li[data-item="seal_filing"]').getByText('随营业执照注销：不再经营').waitFor();
  assert.equal(await page.locator('.s.valid').count(), 0, 'nothing shown in force');
  await context.close();
});

test('an existing restaurant adds the outdoor sign permit on a phone and it shows on the public page', async () => {
  const { licence, number, token, name } = await licensedRestaurant(app.server);
  const base = app.server.base;
  const context = await app.browser.newContext({ ...viewports.phone, locale: 'zh-CN' });
  const page = await context.newPage();
  await page.goto(`${base}/status/${number}#t=${token}`);
  await page.locator('.permits li[data-item="business_registration"]').waitFor();
  // 增项: the choices, on the server's own page.
  await page.getByRole('button', { name: '增办许可' }).click();
  await page.getByRole('heading', { name: '增办许可' }).waitFor();
  await page.getByText(`${name} · `).waitFor();
  assert.equal(await page.locator('li', { hasText: '营业执照' }).count(), 0, 'the licence is held, never offered');
  assert.deepEqual(await accessibilityProblems(page), []);
  await page.getByLabel('户外招牌设置许可').check();
  await shot(page, 'phone-add-permits', false);
  await page.getByRole('button', { name: '下一步：填写综合表' }).click();
  // The addition's integrated form, filled in with what the licence registered.
  await page.locator('#f-sign-content').waitFor();
  assert.match(page.url(), /\/bundles\/add\.outdoor_sign_permit\/apply\?for=LB-\d{8}-\d{4}#t=/);
  assert.equal(await page.inputValue('#f-business-name'), name);
  assert.equal(await page.inputValue('#f-legal_rep-phone'), '13800138000');
  await page.fill('#f-sign-content', '老张家常菜');
  await page.fill('#f-sign-width', '4');
  await page.fill('#f-sign-height', '1.2');
  await page.check('#f-declaration-truthful');
  assert.deepEqual(await accessibilityProblems(page), []);
  await page.getByRole('button', { name: '下一步：核对' }).click();
  await page.getByRole('heading', { name: '核对您的申请' }).waitFor();
  await page.getByRole('button', { name: '确认提交' }).click();
  await page.getByRole('heading', { name: '申请已提交' }).waitFor();
  await shot(page, 'phone-added-permit-receipt');
  assert.equal(await page.locator('ul.subs:not(.permits) > li.sub').count(), 1, 'one item: the sign permit alone');
  await page.getByText('增办：户外招牌设置许可').waitFor();
  const link = await page.locator('.status-link').getAttribute('href');
  const added = link.match(/LB-\d{8}-\d{4}/)[0];
  assert.notEqual(added, number);
  await context.close();

  // The window accepts it, the city administration approves it (through the API).
  app.server.staff('urban', 'reviewer', 'urban');
  const json = (cookie) => ({ 'content-type': 'application/json', cookie });
  const clerk = await apiLogin(base, 'clerk');
  const path = `${base}/api/staff/applications/${added}`;
  const before = await (await fetch(path, { headers: json(clerk) })).json();
  const accepted = await (await fetch(`${path}/intake`, { method: 'POST', headers: json(clerk),
    body: JSON.stringify({ decision: 'accept', version: before.version, paper_materials: before.materials.map((m) => m.id) }) })).json();
  const sign = accepted.items.find((i) => i.item === 'outdoor_sign_permit');
  const urban = await apiLogin(base, 'urban');
  const approved = await fetch(`${base}/api/staff/items/${sign.id}/review`, { method: 'POST', headers: json(urban),
    body: JSON.stringify({ action: 'approve', version: sign.version }) });
  assert.equal(approved.status, 200);

  // The licence's public page shows the new permit, in force.
  const visitor = await app.browser.newPage({ ...viewports.phone, locale: 'zh-CN' });
  await visitor.goto(licence.verify_url);
  await visitor.locator('li', { hasText: '户外招牌设置许可' }).getByText('有效').waitFor();
  await shot(visitor, 'phone-added-permit-public');
  await visitor.close();
});
