// 告知承诺事后核查 in Chromium: the market regulator's reviewer finds a follow-up of an approval
// by commitment on their desk, is told the facts are required, records the commitment as false
// (confirmed first); the permit shows revoked on the public verify page at once and the
// administrator's objects database puts the enterprise in risk class D. On a desktop and on a
// phone-sized screen.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serverAndBrowser, viewports, shot, accessibilityProblems } from './harness.mjs';
import { signedIn, committedRestaurant } from './setup.mjs';

const app = serverAndBrowser();

test('a false commitment found at its follow-up revokes the permit and raises the risk class', async () => {
  // A false commitment bars its legal representative: one person per screen.
  const people = { desktop: '110105198001010016', phone: '11010519850505002X' };
  for (const [size, viewport] of [['desktop', viewports.desktop], ['phone', viewports.phone]]) {
    const name = `睢县王记面馆（${size}）`;
    const licence = await committedRestaurant(app.server, name, people[size]);
    const samr = await signedIn(app, 'samr', viewport);
    // The refusal without the facts is an expected 422.
    samr.errors.length = 0;
    const page = samr.page;
    const panel = page.locator('.follow-ups');
    await panel.getByRole('heading', { name: '告知承诺事后核查' }).waitFor();
    const row = panel.locator('li.follow-up', { hasText: name });
    await row.getByText('核查期限：2099-03-01').waitFor();
    await row.getByText('JY-C0001', { exact: false }).waitFor();
    assert.deepEqual(await accessibilityProblems(page), []);
    await shot(page, `${size}-follow-ups`);

    const dialogs = [];
    page.on('dialog', (d) => { dialogs.push(d.message()); d.accept(); });
    await row.getByRole('button', { name: '承诺不实（撤销许可）' }).click();
    await panel.getByRole('alert').getByText('认定承诺不实须写明核查发现的事实', { exact: false }).waitFor();
    await row.getByLabel('核查发现', { exact: false }).fill('现场未设置专间，与承诺不符');
    await row.getByRole('button', { name: '承诺不实（撤销许可）' }).click();
    const done = panel.locator('li.follow-up[data-state="false_commitment"]', { hasText: name });
    await done.getByText('承诺不实，许可已撤销', { exact: false }).waitFor();
    assert.equal(dialogs.length, 2, 'confirmed each time');
    assert.match(dialogs[0], /撤销该许可/);
    assert.equal(await done.getByRole('button').count(), 0, 'found once');
    assert.deepEqual(samr.errors.filter((e) => !e.includes('422')), []);

    // The public verify page shows the revocation at once.
    const visitor = await app.browser.newContext({ ...viewport, locale: 'zh-CN' });
    const pub = await visitor.newPage();
    await pub.goto(licence.verify_url);
    await pub.getByText('已撤销', { exact: true }).first().waitFor();
    await pub.getByText('告知承诺不实', { exact: false }).first().waitFor();
    await visitor.close();

    // The administrator's objects database: class D, the record and its bar.
    const admin = await signedIn(app, 'root', viewport);
    await admin.page.goto(`${app.server.base}/staff/admin`);
    const objects = admin.page.locator('.objects-panel');
    const object = objects.locator('tr', { hasText: name });
    await object.locator('.class-D').waitFor();
    await object.getByText('开饭店', { exact: true }).waitFor();
    await object.getByText('告知承诺不实', { exact: false }).first().waitFor();
    await object.getByText('不适用告知承诺至', { exact: false }).waitFor();
    assert.deepEqual(await accessibilityProblems(admin.page), []);
    await objects.scrollIntoViewIfNeeded();
    await shot(admin.page, `${size}-objects`);
    assert.deepEqual(admin.errors, []);
    await admin.context.close();
    await samr.context.close();
  }
});
