// Setting up state through the API, for tests whose subject comes later in the journey.
import assert from 'node:assert/strict';
import { STAFF_PASSWORD, viewports } from './harness.mjs';

/** Logs staff member `username` in through the API; returns the session cookie. */
export async function apiLogin(base, username) {
  const res = await fetch(`${base}/api/staff/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: STAFF_PASSWORD }),
  });
  assert.equal(res.status, 200);
  return res.headers.get('set-cookie').split(';')[0];
}

/** Sets up, through the API, a restaurant whose business licence has been issued; returns the
 * licence, the application's number and private token, and the business's name — 睢县老张家常菜馆
 * the first time on a server, then 睢县老张家常菜馆2号店 … (a name is the county's once: 名称查重).
 * Creates the staff accounts `clerk` and `samr` on `server`. */
export async function licensedRestaurant(server) {
  const base = server.base;
  server.restaurants = (server.restaurants ?? 0) + 1;
  const name = server.restaurants === 1 ? '睢县老张家常菜馆' : `睢县老张家常菜馆${server.restaurants}号店`;
  server.staff('clerk', 'clerk');
  server.staff('samr', 'reviewer', 'samr');
  const json = (cookie) => ({ 'content-type': 'application/json', ...(cookie ? { cookie } : {}) });
  const login = (username) => apiLogin(base, username);
  const answers = {
    'business.name': name, 'business.form': 'individual', 'business.scope': ['catering'],
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
  const accepted = await (await fetch(`${path}/intake`, { method: 'POST', headers: json(clerk), body: JSON.stringify({ decision: 'accept', version: before.version, paper_materials: before.materials.map((m) => m.id) }) })).json();
  const registration = accepted.items.find((i) => i.item === 'business_registration');
  const approved = await fetch(`${base}/api/staff/items/${registration.id}/review`, { method: 'POST', headers: json(samr), body: JSON.stringify({ action: 'approve', version: registration.version }) });
  assert.equal(approved.status, 200);
  const view = await (await fetch(path, { headers: json(clerk) })).json();
  return { licence: view.licence, number: filed.number, token: filed.token, name };
}

/** A new page (zh-CN) with staff member `name` logged in to the back office; console errors
 * other than the first 401 are collected in `errors`. */
export async function signedIn(app, name, options = viewports.desktop) {
  const context = await app.browser.newContext({ ...options, locale: 'zh-CN' });
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => m.type() === 'error' && !m.text().includes('401') && errors.push(m.text()));
  await page.goto(`${app.server.base}/staff`);
  await page.getByRole('heading', { name: '工作人员登录' }).waitFor();
  await page.fill('#username', name);
  await page.fill('#password', STAFF_PASSWORD);
  await page.getByRole('button', { name: '登录' }).click();
  await page.getByRole('button', { name: '退出登录' }).waitFor();
  return { page, context, errors };
}

/** Accepts application `number` at the window and approves every item through the API, each
 * by a reviewer of its department (accounts made as needed). */
export async function approveAll(server, number) {
  const base = server.base;
  const json = (cookie) => ({ 'content-type': 'application/json', cookie });
  server.staff('clerk', 'clerk');
  const clerk = await apiLogin(base, 'clerk');
  const path = `${base}/api/staff/applications/${number}`;
  const before = await (await fetch(path, { headers: json(clerk) })).json();
  const accepted = await (await fetch(`${path}/intake`, { method: 'POST', headers: json(clerk), body: JSON.stringify({ decision: 'accept', version: before.version, paper_materials: before.materials.map((m) => m.id) }) })).json();
  for (const item of accepted.items) {
    server.staff(item.department, 'reviewer', item.department);
    const cookie = await apiLogin(base, item.department);
    const res = await fetch(`${base}/api/staff/items/${item.id}/review`, {
      method: 'POST', headers: json(cookie),
      body: JSON.stringify({ action: 'approve', version: item.version, certificate: `${item.department.toUpperCase()}-0001` }),
    });
    assert.equal(res.status, 200, `${item.item}: ${await res.text()}`);
  }
}

/** Sets up, through the API, a restaurant named `name` (its legal representative's ID number
 * `idNumber`) whose food permit is approved by
 * commitment (告知承诺, follow-up due 2099-03-01) after its business licence, every other item
 * plainly; the dishonesty list is imported (empty) first. Returns the licence. Makes the
 * accounts `root`, `clerk` and one reviewer per department. */
export async function committedRestaurant(server, name, idNumber) {
  const base = server.base;
  const json = (cookie) => ({ 'content-type': 'application/json', cookie });
  server.staff('root', 'admin');
  server.staff('clerk', 'clerk');
  const root = await apiLogin(base, 'root');
  const listed = await fetch(`${base}/api/staff/dishonesty-list`, { method: 'POST', headers: { 'content-type': 'text/csv', cookie: root }, body: 'kind,value,name,source\n' });
  assert.equal(listed.status, 200);
  const answers = {
    'business.name': name, 'business.form': 'individual', 'business.scope': ['catering'],
    'business.capital': 10, 'business.employees': 0, 'plans.investment': 20,
    'legal_rep.name': '王五', 'legal_rep.id_number': idNumber, 'legal_rep.phone': '13800138000',
    'premises.address': '睢县城关镇北湖路 90 号', 'premises.area': 120, 'premises.tenure': 'owned',
    'food.categories': ['hot_food'], 'food.safety_manager': '李四', 'food.manager_phone': '13900139000',
    'seal.kinds': ['official'], 'tax.invoice_kind': 'e_ordinary', 'declaration.truthful': true,
    'commitment.chosen@food_business_permit': true, 'commitment.signatory@food_business_permit': '王五',
    'commitment.signed_on@food_business_permit': '2026-11-28',
  };
  const res = await fetch(`${base}/api/applications`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ bundle: 'restaurant', answers }) });
  assert.equal(res.status, 201, await res.clone().text());
  const filed = await res.json();
  const clerk = await apiLogin(base, 'clerk');
  const path = `${base}/api/staff/applications/${filed.number}`;
  const before = await (await fetch(path, { headers: json(clerk) })).json();
  const accepted = await (await fetch(`${path}/intake`, { method: 'POST', headers: json(clerk), body: JSON.stringify({ decision: 'accept', version: before.version, paper_materials: before.materials.map((m) => m.id) }) })).json();
  const items = [...accepted.items].sort((a, b) => (b.item === 'business_registration') - (a.item === 'business_registration'));
  for (const item of items) {
    server.staff(item.department, 'reviewer', item.department);
    const cookie = await apiLogin(base, item.department);
    const body = item.item === 'food_business_permit'
      ? { action: 'approve_by_commitment', version: item.version, certificate: 'JY-C0001', follow_up_on: '2099-03-01' }
      : { action: 'approve', version: item.version, certificate: `${item.department.toUpperCase()}-0001` };
    const done = await fetch(`${base}/api/staff/items/${item.id}/review`, { method: 'POST', headers: json(cookie), body: JSON.stringify(body) });
    assert.equal(done.status, 200, `${item.item}: ${await done.text()}`);
  }
  const view = await (await fetch(path, { headers: json(clerk) })).json();
  return view.licence;
}

/** Makes and draws, through the API, a market-regulation plan named `name` covering the
 * inspection items `items`, every class-B enterprise drawn with two inspectors (the accounts
 * `root`, `samr2` and `samr3` are made). Returns the plan as drawn. */
export async function drawnPlan(server, name, items) {
  server.staff('root', 'admin');
  for (const inspector of ['samr2', 'samr3']) server.staff(inspector, 'inspector', 'samr');
  const json = { 'content-type': 'application/json', cookie: await apiLogin(server.base, 'root') };
  const body = { name, departments: ['samr'], ratios: [{ class: 'B', percent: 100 }], per_department: 2, items };
  const made = await fetch(`${server.base}/api/staff/supervision/plans`, { method: 'POST', headers: json, body: JSON.stringify(body) });
  assert.equal(made.status, 201, await made.clone().text());
  const { id } = await made.json();
  const drawn = await fetch(`${server.base}/api/staff/supervision/plans/${id}/draw`, { method: 'POST', headers: json, body: '{}' });
  assert.equal(drawn.status, 200);
  return drawn.json();
}
