// Materials in the browser: on a phone, the pharmacy's integrated form uploads two materials
// with the progress bar showing; the page is reloaded half-way through the first, and choosing
// the same file again goes on from where the server stands (not from the start); the
// form is saved on the server and its link opens it, files and all, on another device; the
// application is submitted with both (a wrong scan replaced, then removed, on the way); the
// long form's section list says where each part stands; a reviewer of the department previews them, and once
// every item is decided the window (not the reviewer) downloads the archive.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serverAndBrowser, viewports, shot, accessibilityProblems, root, decodeQr } from './harness.mjs';
import { fillPharmacy } from './forms.mjs';
import { signedIn, approveAll } from './setup.mjs';

const app = serverAndBrowser();
const PART = 256 * 1024;

test('two materials uploaded once, resumed after a reload, previewed by the reviewer', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lianban-materials-'));
  // A five-part PDF (its content is what counts, not its name) and a real PNG.
  const body = Buffer.alloc(4 * PART + 1000, 'a');
  const pdf = join(dir, '执业药师资格证.pdf');
  writeFileSync(pdf, Buffer.concat([Buffer.from('%PDF-1.7\n'), body, Buffer.from('\n%%EOF\n')]));
  const png = join(root, 'docs/screenshots/phone-holder-request.png');

  const context = await app.browser.newContext({ ...viewports.phone, locale: 'zh-CN',
    permissions: ['clipboard-read', 'clipboard-write'] });
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  // Parts take a while (a slow network): the progress bar is there to see.
  let parts = 0;
  await context.route('**/api/drafts/*/files/*', async (route) => {
    if (route.request().method() === 'PATCH') {
      parts += 1;
      await new Promise((r) => setTimeout(r, 600));
    }
    await route.continue();
  });
  await page.goto(`${app.server.base}/bundles/pharmacy/apply`);
  await page.getByRole('heading', { name: /综合申请表/ }).waitFor();
  const certificate = page.locator('.material-upload[data-material="pharmacist_certificate"]');
  await certificate.getByText('选择文件（PDF、JPG、PNG）').waitFor();

  await page.setInputFiles('#file-pharmacist_certificate', pdf);
  const progress = certificate.locator('progress');
  await progress.waitFor();
  await certificate.locator('.percent').getByText(/^(2\d|[3-7]\d)%$/).waitFor();
  assert.deepEqual(await accessibilityProblems(page), []);
  await certificate.scrollIntoViewIfNeeded();
  await shot(page, 'phone-materials-progress', false);
  const before = parts;

  // Reloaded half-way: the unfinished file is there, and goes on from where it stands.
  await page.reload();
  await certificate.getByText(/未完成：已上传 \d+%/).waitFor();
  const sentBefore = parts;
  await page.setInputFiles('#file-pharmacist_certificate', pdf);
  await certificate.locator('li.file:not(.partial)').getByText('执业药师资格证.pdf').waitFor({ timeout: 30000 });
  const afterReload = parts - sentBefore;
  assert.ok(before >= 1 && afterReload < 5, `resumed, not restarted: ${before} part(s) before the reload, ${afterReload} after`);

  await page.setInputFiles('#file-id_card', png);
  const idCard = page.locator('.material-upload[data-material="id_card"]');
  await idCard.locator('li.file:not(.partial)').getByText('phone-holder-request.png').waitFor({ timeout: 30000 });
  // The wrong scan: replaced by another file (in the same place), then removed, then the right one.
  const scan = join(dir, '身份证复印件.pdf');
  writeFileSync(scan, Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(2000, 'b'), Buffer.from('\n%%EOF\n')]));
  const [chooser] = await Promise.all([
    page.waitForEvent('filechooser'),
    idCard.getByRole('button', { name: '替换 phone-holder-request.png' }).click(),
  ]);
  await chooser.setFiles(scan);
  await idCard.locator('li.file:not(.partial)').getByText('身份证复印件.pdf').waitFor({ timeout: 30000 });
  await idCard.getByText('phone-holder-request.png').waitFor({ state: 'detached' });
  assert.deepEqual(await accessibilityProblems(page), []);
  await idCard.scrollIntoViewIfNeeded();
  await shot(page, 'phone-material-replace', false);
  await idCard.getByRole('button', { name: '删除 身份证复印件.pdf' }).click();
  await idCard.locator('li.file').waitFor({ state: 'detached' });
  await page.setInputFiles('#file-id_card', png);
  await idCard.locator('li.file:not(.partial)').getByText('phone-holder-request.png').waitFor({ timeout: 30000 });
  const { draftFiles } = await page.evaluate(async () => {
    const d = JSON.parse(localStorage.getItem('lianban.server-draft.pharmacy'));
    const r = await fetch(`/api/drafts/${d.id}`, { headers: { authorization: `Bearer ${d.token}` } });
    return { draftFiles: (await r.json()).files.filter((f) => f.material === 'id_card').map((f) => f.name) };
  });
  assert.deepEqual(draftFiles, ['phone-holder-request.png'], 'the server holds the one file shown');
  // A file on its way can be cancelled: nothing of it stays.
  const proof = page.locator('.material-upload[data-material="premises_proof"]');
  await page.setInputFiles('#file-premises_proof', pdf);
  await proof.locator('progress').waitFor();
  await proof.getByRole('button', { name: '取消' }).click();
  await proof.getByText('已取消上传').waitFor();
  assert.equal(await proof.locator('li.file').count(), 0);
  // Not a PDF, JPEG or PNG inside: refused in the browser, before a byte is sent.
  const fake = join(dir, 'scan.pdf');
  writeFileSync(fake, 'MZ this is a program');
  await page.setInputFiles('#file-layout_plan', fake);
  await page.locator('.material-upload[data-material="layout_plan"]').getByText('只接受 PDF、JPEG 或 PNG 文件').waitFor();

  // The long form's sections stay in view, each saying where it stands; a click goes there.
  const nav = page.getByRole('navigation', { name: '表单各部分' });
  const business = nav.getByRole('link', { name: /^经营主体/ });
  await business.getByText(/^已填 0\/\d+$/).waitFor();
  await nav.getByRole('link', { name: /^经营场所/ }).click();
  // Focused on the next frame (as the review page's "修改" does).
  await page.waitForFunction(() => document.activeElement?.id === 'section-premises');
  const top = await nav.evaluate((n) => n.getBoundingClientRect().top);
  assert.ok(top >= 0 && top < 5, `the list stays at the top of the phone's screen: ${top}`);
  await fillPharmacy(page);
  await business.getByText('已填完').waitFor();
  assert.equal(await nav.getByRole('link', { name: /^税务与发票/ }).getAttribute('data-state'), 'done');
  // A pharmacy whose only scope is catering: the answers disagree with the bundle. The summary
  // says what is wrong, at the field, and goes once it is right.
  await page.uncheck('#f-business-scope-5');
  await page.check('#f-business-scope-0');
  await page.getByRole('button', { name: '下一步：核对' }).click();
  const summary = page.locator('#error-summary');
  await summary.getByRole('link', { name: '经营范围：开办药店，经营范围须包含「药品零售」' }).waitFor();
  await business.getByText('需修改').waitFor();
  await page.locator('#f-business-scope-error').getByText('开办药店，经营范围须包含「药品零售」').waitFor();
  assert.deepEqual(await accessibilityProblems(page), []);
  await shot(page, 'phone-scope-contradicts-bundle', false);
  await page.check('#f-business-scope-5');
  await page.uncheck('#f-business-scope-0');
  await summary.waitFor({ state: 'detached' });
  await business.getByText('已填完').waitFor();
  await nav.scrollIntoViewIfNeeded();
  await shot(page, 'phone-form-sections', false);
  // Saved on the server: its private link opens the form, answers and files, on another device.
  await page.getByRole('button', { name: '保存到服务器（换设备续填）' }).click();
  const link = await page.locator('.draft-link a').getAttribute('href');
  assert.match(link, /\/bundles\/pharmacy\/apply\?draft=[\w-]+#t=[\w-]+$/);
  // Next to the button: the link to copy, and its QR for the phone.
  assert.equal(await decodeQr(page.locator('.draft-link .qr')), link);
  await page.locator('.draft-link').getByRole('button', { name: '复制链接' }).click();
  await page.locator('.draft-link').getByText('已复制').waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), link);
  const otherDevice = await app.browser.newContext({ ...viewports.desktop, locale: 'zh-CN' });
  const elsewhere = await otherDevice.newPage();
  await elsewhere.goto(link);
  await elsewhere.locator('.material-upload[data-material="pharmacist_certificate"] li.file:not(.partial)')
    .getByText('执业药师资格证.pdf').waitFor();
  assert.equal(await elsewhere.inputValue('#f-business-name'), '睢县康泰大药房');
  await otherDevice.close();
  await page.getByRole('button', { name: '下一步：核对' }).click();
  await page.getByRole('heading', { name: '核对您的申请' }).waitFor({ timeout: 5000 }).catch(async (e) => {
    throw new Error(`${e.message}\n${await page.locator('#error-summary').textContent().catch(() => '')}`);
  });
  await page.getByText('执业药师资格证.pdf').waitFor();
  await page.getByRole('button', { name: '确认提交' }).click();
  await page.getByRole('heading', { name: '申请已提交' }).waitFor();
  const number = await page.locator('.receipt .number').first().textContent();
  assert.deepEqual(errors, []);
  await context.close();

  // The drug-retail reviewer (market regulation) sees both and previews the photo.
  app.server.staff('samr', 'reviewer', 'samr');
  const samr = await signedIn(app, 'samr');
  await samr.page.goto(`${app.server.base}/staff/applications/${number.trim()}`);
  const materials = samr.page.locator('.materials');
  await materials.getByText('执业药师资格证.pdf').waitFor();
  await materials.getByRole('button', { name: '预览 phone-holder-request.png' }).click();
  const image = materials.locator('.preview img');
  await image.waitFor();
  await samr.page.waitForFunction(() => document.querySelector('.preview img')?.naturalWidth > 0);
  assert.deepEqual(await accessibilityProblems(samr.page), []);
  await shot(samr.page, 'desktop-staff-material-preview');
  // The PDF opens in the page too (the browser's own viewer).
  const [pdfResponse] = await Promise.all([
    samr.page.waitForResponse((r) => r.url().includes('disposition=inline') && r.headers()['content-type'] === 'application/pdf'),
    materials.getByRole('button', { name: '预览 执业药师资格证.pdf' }).click(),
  ]);
  assert.equal(pdfResponse.status(), 200);
  await materials.locator('.preview iframe').waitFor();

  // Every item decided: the archive files itself. It holds every answer and every material,
  // so the window downloads it from the page; the reviewer is not offered it.
  await approveAll(app.server, number.trim());
  await samr.page.reload();
  await samr.page.getByText('已办结（准予许可）').first().waitFor();
  assert.equal(await samr.page.getByRole('link', { name: '下载电子档案（含签名清单）' }).count(), 0);
  assert.deepEqual(samr.errors, []);
  await samr.context.close();
  const clerk = await signedIn(app, 'clerk');
  await clerk.page.goto(`${app.server.base}/staff/applications/${number.trim()}`);
  // Filed by a background job queued with the last decision: there within moments.
  const archiveLink = clerk.page.getByRole('link', { name: '下载电子档案（含签名清单）' });
  await clerk.page.getByText('已办结（准予许可）').first().waitFor();
  for (let i = 0; i < 40 && !(await archiveLink.count()); i++) {
    await clerk.page.waitForTimeout(250);
    await clerk.page.reload();
    await clerk.page.getByText('已办结（准予许可）').first().waitFor();
  }
  const [download] = await Promise.all([
    clerk.page.waitForEvent('download'),
    archiveLink.click(),
  ]);
  const zip = join(dir, download.suggestedFilename());
  await download.saveAs(zip);
  assert.match(download.suggestedFilename(), /^archive-LB-\d{8}-\d{4}\.zip$/);
  assert.equal(readFileSync(zip).subarray(0, 2).toString(), 'PK');
  assert.deepEqual(clerk.errors, []);
  await clerk.context.close();
});
