// Staff administration in Chromium: the administrator adds a reviewer (a refusal first, under
// its field), hands over the one-time link; its holder sets a password on a phone (the two
// entries must match) and logs in; the administrator sees the live session, moves the reviewer
// to another department and then deactivates the account — the holder's next page asks for a
// login, and the old password no longer works. axe on both pages, at both sizes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serverAndBrowser, viewports, shot, accessibilityProblems } from './harness.mjs';
import { signedIn } from './setup.mjs';

const app = serverAndBrowser();

test('the administrator adds, moves and deactivates an account; its holder sets the password', async () => {
  app.server.staff('root', 'admin');
  const admin = await signedIn(app, 'root', viewports.desktop);
  const page = admin.page;
  await page.getByRole('link', { name: '打开管理控制台' }).click();
  const panel = page.locator('.accounts-panel');
  await panel.getByRole('heading', { name: '工作人员账号' }).waitFor();
  await panel.locator('tr[data-account="root"]').waitFor();

  // A reviewer without a name nor a department: refused under the fields, the outcome focused.
  const form = panel.locator('form', { hasText: '新增账号' });
  await form.getByLabel('用户名（登录用）').fill('wang.li');
  await form.getByLabel('角色').selectOption('reviewer');
  await form.getByRole('button', { name: '新增并生成设置密码链接' }).click();
  await form.getByText('请填写姓名（不超过 40 字）').waitFor();
  await page.waitForFunction(() => document.activeElement?.id === 'accounts-outcome', null, { timeout: 5000 });
  assert.equal(await panel.locator('tr[data-account="wang.li"]').count(), 0, 'nothing added');

  await form.getByLabel('姓名').fill('王丽');
  await form.getByLabel('所属部门').selectOption({ label: '睢县市场监督管理局' });
  await form.getByRole('button', { name: '新增并生成设置密码链接' }).click();
  const link = await panel.getByLabel('设置密码链接').inputValue();
  assert.match(link, /\/staff\/password#t=/);
  await panel.getByText('请把这个一次性链接当面交给 王丽').waitFor();
  const row = panel.locator('tr[data-account="wang.li"]');
  await row.getByText('睢县市场监督管理局').waitFor();
  await row.getByText('从未').waitFor();
  assert.deepEqual(await accessibilityProblems(page), []);
  await shot(page, 'desktop-staff-accounts');

  // The holder, on a phone: the entries must match, then the password is set, once.
  const phone = await app.browser.newContext({ ...viewports.phone, locale: 'zh-CN' });
  const holder = await phone.newPage();
  await holder.goto(link.replace(/^https?:\/\/[^/]+/, app.server.base));
  await holder.getByRole('heading', { name: '设置密码' }).waitFor();
  assert.deepEqual(await accessibilityProblems(holder), []);
  await shot(holder, 'phone-staff-set-password');
  await holder.getByLabel('新密码', { exact: true }).fill('王丽的新密码是一句很长的话');
  await holder.getByLabel('再次输入新密码').fill('王丽的新密码是一句很短的话');
  await holder.getByRole('button', { name: '设置密码' }).click();
  await holder.getByText('两次输入的密码不一致').waitFor();
  await holder.getByLabel('再次输入新密码').fill('王丽的新密码是一句很长的话');
  await holder.getByRole('button', { name: '设置密码' }).click();
  await holder.getByRole('heading', { name: '密码已设置' }).waitFor();
  await holder.getByRole('link', { name: '去登录' }).click();
  await holder.getByRole('heading', { name: '工作人员登录' }).waitFor();
  await holder.fill('#username', 'wang.li');
  await holder.fill('#password', '王丽的新密码是一句很长的话');
  await holder.getByRole('button', { name: '登录' }).click();
  await holder.getByRole('button', { name: '退出登录' }).waitFor();
  await holder.getByText('部门审查 · samr').waitFor();

  // The administrator sees the session, moves the reviewer to the public security bureau …
  await page.reload();
  await row.locator('td').nth(4).getByText('1').waitFor();
  await row.getByRole('button', { name: '修改' }).click();
  const edit = panel.locator('form', { hasText: '修改账号：wang.li' });
  // The focus moves to the form's first field once it is drawn (waited for, not raced).
  await page.waitForFunction(() => document.activeElement?.id === 'edit-name', null, { timeout: 5000 });
  await edit.getByLabel('所属部门').selectOption({ label: '睢县公安局' });
  await edit.getByRole('button', { name: '保存' }).click();
  await panel.getByText('wang.li：已保存').waitFor({ timeout: 8000 }).catch(async (e) => {
    await shot(page, 'debug-accounts');
    throw new Error(`${e.message}: ${await panel.locator('#accounts-outcome').innerText()} / ${await edit.count()}`);
  });
  await row.getByText('睢县公安局').waitFor();
  await holder.reload();
  await holder.getByText('部门审查 · psb').waitFor();

  // … then deactivates the account: the holder's next page asks for a login, which fails.
  await row.getByRole('button', { name: '修改' }).click();
  await edit.getByLabel(/在用/).uncheck();
  await edit.getByRole('button', { name: '保存' }).click();
  await row.getByText('已停用').waitFor({ timeout: 5000 }).catch(async (e) => {
    throw new Error(`${e.message}: ${await panel.locator('#accounts-outcome').innerText()}`);
  });
  assert.equal(await row.locator('td').nth(4).innerText(), '0');
  await holder.reload();
  await holder.getByRole('heading', { name: '工作人员登录' }).waitFor();
  await holder.fill('#username', 'wang.li');
  await holder.fill('#password', '王丽的新密码是一句很长的话');
  await holder.getByRole('button', { name: '登录' }).click();
  await holder.getByText('用户名或密码不正确').waitFor();

  // The used link does not work a second time.
  await holder.goto(link.replace(/^https?:\/\/[^/]+/, app.server.base));
  await holder.getByLabel('新密码', { exact: true }).fill('另一个足够长的新密码也可以');
  await holder.getByLabel('再次输入新密码').fill('另一个足够长的新密码也可以');
  await holder.getByRole('button', { name: '设置密码' }).click();
  await holder.getByText('此链接已使用').waitFor();

  // An inspector (执法检查人员): a department and a certificate number, refused without one.
  await form.getByLabel('用户名（登录用）').fill('li.jian');
  await form.getByLabel('姓名').fill('李检');
  await form.getByLabel('角色').selectOption('inspector');
  await form.getByLabel('所属部门').selectOption({ label: '睢县市场监督管理局' });
  await form.getByRole('button', { name: '新增并生成设置密码链接' }).click();
  await form.getByText('执法检查人员须填写执法证号', { exact: false }).waitFor();
  await form.getByLabel('执法证号').fill('豫市监执 0412');
  await form.getByRole('button', { name: '新增并生成设置密码链接' }).click();
  const inspector = panel.locator('tr[data-account="li.jian"]');
  await inspector.getByText('执法检查 · 睢县市场监督管理局 · 豫市监执 0412', { exact: false }).waitFor();

  // On a phone, the console's accounts fit and pass axe.
  const small = await signedIn(app, 'root', viewports.phone);
  await small.page.goto(`${app.server.base}/staff/admin`);
  await small.page.locator('.accounts-panel tr[data-account="wang.li"]').waitFor();
  assert.deepEqual(await accessibilityProblems(small.page), []);
  await shot(small.page, 'phone-staff-accounts');

  // The one refusal asked for above is the only error the console saw.
  assert.deepEqual(admin.errors.filter((e) => !e.includes('422')), []);
  await Promise.all([admin.context.close(), phone.close(), small.context.close()]);
});
