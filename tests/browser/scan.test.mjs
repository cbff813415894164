// The inspector's scan page on a phone: a photo of the licence's signed snapshot QR is decoded in
// the browser and verified against the bureau's public keys — also with the network cut off;
// the plain licence QR opens the live page; a picture without a code says so.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serverAndBrowser, viewports, shot, accessibilityProblems, STAFF_PASSWORD, root } from './harness.mjs';

const app = serverAndBrowser();

/** Sets up, through the API, a restaurant whose business licence has been issued. */
async function licensedRestaurant() {
  const base = app.server.base;
  app.server.staff('clerk', 'clerk');
  app.server.staff('samr', 'reviewer', 'samr');
  const json = (cookie) => ({ 'content-type': 'application/json', ...(cookie ? { cookie } : {}) });
  const login = async (username) => {
    const res = await fetch(`${base}/api/staff/login`, { method: 'POST', headers: json(), body: JSON.stringify({ username, password: STAFF_PASSWORD }) });
    assert.equal(res.status, 200);
    return res.headers.get('set-cookie').split(';')[0];
  };
  const answers = {
    'business.name': '睢县老张家常菜馆', 'business.form': 'individual', 'business.scope': ['catering'],
    'business.capital': 10, 'business.employees': 0, 'plans.investment': 20,
    'legal_rep.name': '张三', 'legal_rep.id_number': '11010519491231002X', 'legal_rep.phone': '13800138000',
    'premises.address': '睢县城关镇北湖路 88 号', 'premises.area': 120, 'premises.tenure': 'owned',
    'food.categories': ['hot_food'], 'food.safety_manager': '李四', 'food.manager_phone': '13900139000',
    'seal.kinds': ['official'], 'tax.invoice_kind': 'e_ordinary', 'declaration.truthful': true,
  };
  const filed = await (await fetch(`${base}/api/applications`, { method: 'POST', headers: json(), body: JSON.stringify({ bundle: 'restaurant', answers }) })).json();
  const [clerk, samr] = [await login('clerk'), await login('samr')];
  const path = `${base}/api/staff/applications/${filed.number}`;
  const before = await (await fetch(path, { headers: json(clerk) })).json();
  const accepted = await (await fetch(`${path}/intake`, { method: 'POST', headers: json(clerk), body: JSON.stringify({ decision: 'accept', version: before.version }) })).json();
  const registration = accepted.items.find((i) => i.item === 'business_registration');
  const approved = await fetch(`${base}/api/staff/items/${registration.id}/review`, { method: 'POST', headers: json(samr), body: JSON.stringify({ action: 'approve', version: registration.version }) });
  assert.equal(approved.status, 200);
  const view = await (await fetch(path, { headers: json(clerk) })).json();
  return view.licence;
}

test('a phone reads the licence QR and verifies it, offline too', async () => {
  const licence = await licensedRestaurant();
  const dir = mkdtempSync(join(tmpdir(), 'lianban-scan-'));
  const save = async (name, url) => {
    const file = join(dir, name);
    writeFileSync(file, Buffer.from(await (await fetch(url)).arrayBuffer()));
    return file;
  };
  const snapshot = await save('snapshot.png', `${licence.verify_url}/snapshot.png`);
  const plain = await save('qr.png', `${licence.verify_url}/qr.png`);
  const noCode = join(root, 'docs/screenshots/desktop-1-bundles.png');

  const context = await app.browser.newContext({ ...viewports.phone, locale: 'zh-CN' });
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.goto(`${app.server.base}/scan`);
  await page.getByRole('heading', { name: '扫码核验营业执照' }).waitFor();

  await page.setInputFiles('#scan-file', snapshot);
  await page.getByText('验证通过：由登记机关电子印章签发').waitFor();
  await page.locator('.scan-name').getByText('睢县老张家常菜馆').waitFor();
  await page.getByText(licence.uscc).waitFor();
  await page.locator('li[data-item="business_registration"]').getByText('有效').waitFor();
  assert.deepEqual(await accessibilityProblems(page), []);
  await shot(page, 'phone-scan-verified');

  // No network: the keys kept on the device still verify the seal.
  await context.setOffline(true);
  await page.setInputFiles('#scan-file', plain);
  await page.getByText('执照实时核验二维码').waitFor();
  await page.setInputFiles('#scan-file', snapshot);
  await page.getByText('验证通过：由登记机关电子印章签发').waitFor();
  await context.setOffline(false);

  await page.setInputFiles('#scan-file', noCode);
  await page.getByText('图片中没有识别到二维码').waitFor();
  assert.deepEqual(errors.filter((e) => !e.includes('ERR_INTERNET_DISCONNECTED')), []);
  await context.close();
});
