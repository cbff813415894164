// The worklist in Chromium with 500 applications (`lianban demo seed`): the window finds one
// by its number and one by a part of its business name in two actions each; a market
// regulation reviewer filters their overdue items — each marked overdue in colour and in
// words — takes one, then two more ticked at once, sees them under "mine", and saves the
// filter as a view that stays after a reload; the administrator hands an overdue item to a
// reviewer of its department. Desktop and phone; axe on each.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serverAndBrowser, viewports, shot, accessibilityProblems } from './harness.mjs';
import { signedIn } from './setup.mjs';

const app = serverAndBrowser();

test('500 applications: find, filter overdue, take, save the view', async () => {
  const seeded = app.server.seed(500);
  assert.match(seeded, /filed 500 applications/);
  app.server.staff('clerk', 'clerk');
  app.server.staff('samr', 'reviewer', 'samr');

  const clerk = await signedIn(app, 'clerk');
  const list = clerk.page.locator('.worklist-panel');
  await list.getByRole('heading', { name: '工作清单' }).waitFor();
  await list.getByText(/^已显示 50$/).waitFor();
  const rows = list.locator('tbody tr');
  const number = (await rows.nth(7).getAttribute('data-number'));
  // By number: type it, press Enter.
  await clerk.page.fill('#wl-q', number);
  await clerk.page.press('#wl-q', 'Enter');
  await list.getByText(/^已显示 1$/).waitFor();
  assert.equal(await rows.first().getAttribute('data-number'), number);
  // By a part of the name.
  await clerk.page.fill('#wl-q', '123号');
  await clerk.page.press('#wl-q', 'Enter');
  await list.getByText(/^已显示 1$/).waitFor();
  assert.match(await rows.first().locator('td').nth(1).innerText(), /123号$/);
  assert.deepEqual(await accessibilityProblems(clerk.page), []);
  await shot(clerk.page, 'desktop-staff-worklist');
  assert.deepEqual(clerk.errors, []);
  await clerk.context.close();

  for (const [name, size] of [['desktop', viewports.desktop], ['phone', viewports.phone]]) {
    const samr = await signedIn(app, 'samr', size);
    const own = samr.page.locator('.worklist-panel');
    await own.getByRole('heading', { name: '本部门工作清单' }).waitFor();
    await own.getByText(/^已显示 \d+$/).waitFor();
    await samr.page.selectOption('#wl-due', 'overdue');
    await own.locator('tbody tr').first().waitFor();
    await own.getByText(/^已显示 \d+$/).waitFor();
    const overdue = own.locator('tbody tr');
    const count = await overdue.count();
    assert.ok(count > 0, 'some items are past their deadline');
    for (let i = 0; i < Math.min(count, 10); i++) {
      await overdue.nth(i).locator('.deadline.overdue', { hasText: '已超期' }).waitFor();
    }
    if (name === 'desktop') {
      const first = overdue.first();
      const taken = await first.getAttribute('data-number');
      await first.getByRole('button', { name: '认领' }).click();
      await own.locator(`tr[data-number="${taken}"]`).getByRole('button', { name: '释放' }).waitFor();
      await samr.page.selectOption('#wl-assigned', 'mine');
      await own.getByText(/^已显示 1$/).waitFor();
      assert.equal(await own.locator('tbody tr').first().getAttribute('data-number'), taken);
      // Two more at once: ticked, then taken together.
      await samr.page.selectOption('#wl-assigned', 'unassigned');
      await own.getByText(/^已显示 \d+$/).waitFor();
      const picked = [];
      for (const row of (await own.locator('tbody tr').all()).slice(0, 2)) {
        picked.push(await row.getAttribute('data-number'));
        await row.getByRole('checkbox').check();
      }
      await own.getByRole('button', { name: '认领所选事项' }).click();
      // Taken: gone from the unassigned ones.
      for (const n of picked) {
        await own.locator(`tr[data-number="${n}"]`).first().waitFor({ state: 'detached', timeout: 5000 })
          .catch(async (e) => { throw new Error(`${e.message}: ${await own.getByRole('alert').innerText()}`); });
      }
      await samr.page.selectOption('#wl-assigned', 'mine');
      await own.getByText(/^已显示 3$/).waitFor();
      for (const n of picked) {
        await own.locator(`tr[data-number="${n}"]`).getByRole('button', { name: '释放' }).first().waitFor();
      }
      await samr.page.selectOption('#wl-assigned', '');
      await samr.page.fill('#wl-view', '我的超期');
      await own.getByRole('button', { name: '保存视图' }).click();
      await own.getByRole('button', { name: '我的超期', exact: true }).waitFor();
      await samr.page.reload();
      await own.getByRole('button', { name: '我的超期', exact: true }).click();
      await own.locator('tbody tr .deadline.overdue').first().waitFor();
      assert.equal(await samr.page.inputValue('#wl-due'), 'overdue');
    }
    assert.deepEqual(await accessibilityProblems(samr.page), []);
    await shot(samr.page, `${name}-staff-worklist-overdue`);
    assert.deepEqual(samr.errors, []);
    await samr.context.close();
  }

  // The administrator hands an unassigned overdue item of the market regulator to its reviewer.
  app.server.staff('root', 'admin');
  const root = await signedIn(app, 'root');
  const all = root.page.locator('.worklist-panel');
  await all.getByRole('heading', { name: '工作清单' }).waitFor();
  await root.page.selectOption('#wl-kind', 'items');
  await root.page.selectOption('#wl-due', 'overdue');
  await all.getByText(/^已显示 \d+$/).waitFor();
  const free = all.locator('tbody tr', { has: root.page.locator('select.assign option[value="samr"]') })
    .filter({ has: root.page.locator('select.assign option[value=""][selected]') }).first();
  const handed = await free.getAttribute('data-number');
  await free.locator('select.assign').selectOption('samr');
  await all.locator(`tr[data-number="${handed}"] select.assign option[value="samr"][selected]`).first().waitFor({ state: 'attached' });
  assert.deepEqual(await accessibilityProblems(root.page), []);
  assert.deepEqual(root.errors, []);
  await root.context.close();
});
