// The bureau's measurement in Chromium: the leadership opens the dashboard from the desk, the
// charts are drawn from demonstration data, a department filter changes them, the tables
// download as CSV and XLSX and parse, the print view has no controls; the public results page;
// an applicant whose items are all decided rates the service from the status page; a reviewer
// stops an item's clock for testing and the applicant sees why. Desktop and phone; axe on each.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { serverAndBrowser, viewports, shot, accessibilityProblems } from './harness.mjs';
import { signedIn, licensedRestaurant, apiLogin } from './setup.mjs';

const app = serverAndBrowser();

/** The figure shown under `id` on the dashboard, as a number. */
const figure = async (page, id) => Number((await page.locator(`#${id}`).innerText()).replace(/[^\d.]/g, ''));

/** The sheets of an XLSX file and whether its text holds `needle` (Python's zipfile). */
function sheets(file, needle) {
  const script = `import sys, zipfile, re
z = zipfile.ZipFile(sys.argv[1])
names = re.findall(r'<sheet name="([^"]+)"', z.read('xl/workbook.xml').decode())
text = ''.join(z.read(n).decode() for n in z.namelist() if n.startswith('xl/'))
print('|'.join(names)); print(sys.argv[2] in text)`;
  const [names, found] = execFileSync('python3', ['-c', script, file, needle], { encoding: 'utf8' }).trim().split('\n');
  return { names: names.split('|'), found: found === 'True' };
}

test('the leadership reads the dashboard, filters it and takes the tables away', async () => {
  app.server.seed(80);
  app.server.staff('boss', 'leader');
  for (const [size, viewport] of [['desktop', viewports.desktop], ['phone', viewports.phone]]) {
    const { page, context, errors } = await signedIn(app, 'boss', viewport);
    await page.getByRole('heading', { name: '统计看板' }).waitFor();
    await page.getByRole('link', { name: '打开统计看板' }).click();
    await page.getByRole('heading', { name: '统计看板', level: 1 }).waitFor();
    const all = await figure(page, 'k-accepted');
    assert.ok(all > 0, 'demonstration items counted');
    assert.ok(await page.locator('#chart-volumes rect').count() >= 1, 'a bar per month');
    // The market regulator, the police, the tax bureau — and social insurance: the seeded
    // workshops' production workers are staff (the catalogue's check `workshop_workers`).
    assert.equal(await page.locator('#chart-on-time rect').count(), 4, 'a bar per department');
    assert.ok(await page.locator('#chart-promise rect').count() >= 1);
    await page.getByText('逐项计算（法定时限−承诺或实际时限）÷法定时限', { exact: false }).waitFor();
    assert.deepEqual(await accessibilityProblems(page), []);
    await shot(page, `${size}-dashboard`);

    // One department: fewer items, one bar of on-time.
    await page.getByLabel('部门', { exact: true }).selectOption({ label: '睢县公安局' });
    await page.getByRole('button', { name: '筛选' }).click();
    await page.waitForURL(/department=psb/);
    const psb = await figure(page, 'k-accepted');
    assert.ok(psb > 0 && psb < all, `${psb} of ${all}`);
    assert.equal(await page.locator('#chart-on-time rect').count(), 1);
    assert.equal(await page.locator('#t-departments tbody tr').count(), 1);

    // The items table as CSV: its accepted column adds up to the figure shown.
    const [csvDownload] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: '按事项 CSV' }).click(),
    ]);
    const csv = readFileSync(await csvDownload.path(), 'utf8').replace(/^\uFEFF/, '');
    const rows = csv.trim().split('\n').map((l) => l.split(','));
    assert.equal(rows[0][0], '名称');
    assert.equal(rows[0][1], '受理（件）');
    assert.equal(rows.slice(1).reduce((n, r) => n + Number(r[1]), 0), psb);
    assert.equal(rows[1][0], '公章刻制备案', 'the police department\'s item only');
    // Every table as a workbook.
    const [xlsx] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: '全部表格 XLSX' }).click(),
    ]);
    assert.match(xlsx.suggestedFilename(), /^lianban-statistics-\d{4}-\d{2}-\d{2}\.xlsx$/);
    const book = sheets(await xlsx.path(), '公章刻制备案');
    assert.deepEqual(book.names, ['按事项', '按部门', '按套餐', '按受理月份', '逾期清单', '不予许可及理由', '口径说明']);
    assert.ok(book.found);

    // The print view: the same figures, no form, no links.
    await page.getByRole('link', { name: '打印 / 存为 PDF' }).click();
    await page.waitForURL(/print=1/);
    assert.equal(await page.locator('form').count(), 0);
    assert.equal(await figure(page, 'k-accepted'), psb);
    assert.deepEqual(errors, []);
    await context.close();
  }

  // Anyone: the county's results per bundle, no wasm, no script.
  const visitor = await app.browser.newContext({ ...viewports.phone, locale: 'zh-CN' });
  const pub = await visitor.newPage();
  const res = await pub.goto(`${app.server.base}/results`);
  assert.equal(res.status(), 200);
  await pub.getByRole('heading', { name: '证照联办改革成效' }).waitFor();
  assert.equal(await pub.locator('#t-results tbody tr').count(), 5, 'every bundle');
  await pub.locator('tr[data-bundle="restaurant"]').getByText('开饭店', { exact: false }).waitFor();
  assert.equal(await pub.locator('script').count(), 0);
  assert.deepEqual(await accessibilityProblems(pub), []);
  await shot(pub, 'phone-results');
  await visitor.close();
});

test('an applicant rates the service once every item is decided', async () => {
  const { number, token } = await licensedRestaurant(app.server);
  // Every other item approved, each by its department.
  const base = app.server.base;
  const json = (cookie) => ({ 'content-type': 'application/json', cookie });
  const clerk = await apiLogin(base, 'clerk');
  const view = await (await fetch(`${base}/api/staff/applications/${number}`, { headers: json(clerk) })).json();
  for (const item of view.items.filter((i) => i.status !== 'approved')) {
    app.server.staff(item.department, 'reviewer', item.department);
    const cookie = await apiLogin(base, item.department);
    const res = await fetch(`${base}/api/staff/items/${item.id}/review`, {
      method: 'POST', headers: json(cookie),
      body: JSON.stringify({ action: 'approve', version: item.version, certificate: 'X-0001' }),
    });
    assert.equal(res.status, 200);
  }
  for (const [size, viewport] of [['desktop', viewports.desktop], ['phone', viewports.phone]]) {
    const context = await app.browser.newContext({ ...viewport, locale: 'zh-CN' });
    const page = await context.newPage();
    await page.goto(`${app.server.base}/status/${number}#t=${token}`);
    const panel = page.locator('#rating');
    await panel.getByRole('heading', { name: '评价本次办理（问效于企）' }).waitFor();
    await panel.getByLabel('满意程度', { exact: false }).selectOption(size === 'desktop' ? '4' : '5');
    await panel.getByLabel('意见建议', { exact: false }).fill('一窗办完，很方便');
    assert.deepEqual(await accessibilityProblems(page), []);
    await panel.getByRole('button', { name: '提交评价' }).click();
    await panel.getByText(`感谢您的评价（可重新评价）：${size === 'desktop' ? 4 : 5}/5`).waitFor();
    await shot(page, `${size}-rating`);
    await context.close();
  }
  // The second replaced the first: one rating, of 5.
  app.server.staff('boss', 'leader');
  const cookie = await apiLogin(app.server.base, 'boss');
  const s = await (await fetch(`${app.server.base}/api/staff/statistics`, { headers: { cookie } })).json();
  assert.ok(s.ratings.comments.some((c) => c.comment === '一窗办完，很方便' && c.score === 5));
});

test('a reviewer stops the clock for testing and the applicant sees why', async () => {
  const { number, token } = await licensedRestaurant(app.server);
  const samr = await signedIn(app, 'samr', viewports.phone);
  await samr.page.goto(`${app.server.base}/staff/applications/${number}`);
  const food = samr.page.locator('li.sub[data-item="food_business_permit"]');
  await food.getByText('专家评审或检验检测（暂停计时）').click();
  await food.getByLabel('环节').selectOption({ label: '检验检测' });
  await food.getByLabel('原因（申请人可见）').fill('自备水源水质送检');
  await food.getByRole('button', { name: '开始，暂停计时' }).click();
  await food.locator('.badge.paused').waitFor();
  await food.getByText('检验检测（不计时）：自备水源水质送检', { exact: false }).waitFor();
  assert.deepEqual(await accessibilityProblems(samr.page), []);
  await samr.context.close();

  const context = await app.browser.newContext({ ...viewports.phone, locale: 'zh-CN' });
  const page = await context.newPage();
  await page.goto(`${app.server.base}/status/${number}#t=${token}`);
  const mine = page.locator('li.sub[data-item="food_business_permit"]');
  await mine.getByText('专家评审或检验检测中（不计时）').waitFor();
  await mine.getByText('检验检测（不计时）：自备水源水质送检', { exact: false }).waitFor();
  await shot(page, 'phone-paused');
  await context.close();
});
