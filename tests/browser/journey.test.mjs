// The applicant's journey in Chromium, at desktop and phone size: open the restaurant bundle,
// meet a field error before submitting, correct it, submit, land on the receipt, open the
// status link and see every sub-application.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { serverAndBrowser, viewports, shot, accessibilityProblems, decodeQr } from './harness.mjs';
import { fillRestaurant } from './forms.mjs';

const app = serverAndBrowser();

// Four items for every restaurant; staff add the social-insurance registration.
const RESTAURANT_BASE_ITEMS = 4;
const RESTAURANT_ITEMS = 5;


for (const [name, options] of Object.entries(viewports)) {
  describe(`applicant on ${name}`, () => {
    test('files a restaurant application and follows its status', async () => {
      const context = await app.browser.newContext({ ...options, locale: 'zh-CN' });
      const page = await context.newPage();
      const consoleErrors = [];
      page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));

      await page.goto(app.server.base);
      await page.getByRole('heading', { name: '开店办证，一次办好' }).waitFor();
      assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
      assert.equal(await page.locator('.card').count(), 5, 'the five pilot bundles');
      assert.deepEqual(await accessibilityProblems(page), []);
      await shot(page, `${name}-1-bundles`);

      await page.getByRole('link', { name: '开饭店' }).click();
      await page.getByRole('heading', { name: '开饭店' }).waitFor();
      assert.equal(await page.locator('tbody tr').count(), RESTAURANT_BASE_ITEMS);
      await page.getByText('食品经营许可', { exact: true }).waitFor();
      // The one-time notice: when everything is due, counted in working days.
      await page.getByText('如今天受理，预计全部办结日期').waitFor();
      await page.getByText('需现场核查（不计时限） · 有效期 5 年').first().waitFor();
      await page.getByText('可容缺受理，后补').first().waitFor();
      assert.match(await page.locator('.due strong').innerText(), /^\d{4}-\d{2}-\d{2}$/);
      assert.deepEqual(await accessibilityProblems(page), []);
      await shot(page, `${name}-2-bundle`);

      await page.getByRole('link', { name: '开始填写综合表单' }).click();
      await page.locator('#f-business-name').waitFor();
      // Submitting an empty form lists every problem at once, linked to its field.
      await page.getByRole('button', { name: '下一步：核对' }).click();
      const summary = page.locator('#error-summary');
      await summary.waitFor();
      assert.ok(await summary.locator('li').count() >= 15);

      await fillRestaurant(page);
      // A wrong check character is caught when the applicant leaves the field.
      await page.fill('#f-legal_rep-id_number', '110105194912310021');
      await page.locator('#f-legal_rep-id_number').blur();
      const idError = page.locator('#f-legal_rep-id_number-error');
      await assert.doesNotReject(idError.getByText('身份证号码校验位不正确，请核对').waitFor());
      assert.equal(await page.getAttribute('#f-legal_rep-id_number', 'aria-invalid'), 'true');
      await page.locator('#f-legal_rep-id_number').scrollIntoViewIfNeeded();
      await shot(page, `${name}-3-field-error`, false);
      // Corrected (with the lowercase x people type), the error goes as they type.
      await page.fill('#f-legal_rep-id_number', '11010519491231002x');
      await idError.getByText('身份证号码校验位不正确').waitFor({ state: 'detached' });
      assert.equal(await page.getAttribute('#f-legal_rep-id_number', 'aria-invalid'), 'false');
      assert.deepEqual(await accessibilityProblems(page), []);

      await page.getByRole('button', { name: '下一步：核对' }).click();
      await page.getByRole('heading', { name: '核对您的申请' }).waitFor();
      await page.getByText('睢县老张家常菜馆').waitFor();
      await page.getByText('个体工商户').waitFor();
      await page.getByText('食品经营许可：承诺人签名（请输入姓名）').waitFor();
      await shot(page, `${name}-4-review`);
      // "修改" beside a section: back to the form at that section, then on to the review again.
      await page.getByRole('button', { name: '修改 经营场所' }).click();
      await page.locator('#section-premises').waitFor();
      await page.waitForFunction(() => document.activeElement?.id === 'section-premises');
      await page.getByRole('button', { name: '下一步：核对' }).click();
      await page.getByRole('heading', { name: '核对您的申请' }).waitFor();

      await page.getByRole('button', { name: '确认提交' }).click();
      await page.getByRole('heading', { name: '申请已提交' }).waitFor();
      assert.match(page.url(), /\/receipt\/LB-\d{8}-\d{4}#t=[A-Za-z0-9_-]{43}$/);
      assert.equal(await page.locator('.sub').count(), RESTAURANT_ITEMS);
      const link = await page.locator('.status-link').getAttribute('href');
      assert.match(link, /^http:\/\/127\.0\.0\.1:\d+\/status\/LB-\d{8}-\d{4}#t=/);
      assert.equal(await decodeQr(page.locator('.qr')), link, 'the QR code carries the status link');
      // The receipt leads: what the window does next, and where and when it is open.
      const next = page.locator('#next');
      await next.getByRole('heading', { name: '下一步' }).waitFor();
      await next.getByText(/综合窗口审查您的申请/).waitFor();
      await next.getByText(/“证照联办”受理窗口：工作日/).waitFor();
      assert.deepEqual(await accessibilityProblems(page), []);
      await shot(page, `${name}-5-receipt`);

      // Later, on another visit: the private link shows every item and its department.
      const later = await context.newPage();
      await later.goto(link);
      await later.getByRole('heading', { name: '办理进度' }).waitFor();
      const subs = later.locator('.sub');
      assert.equal(await subs.count(), RESTAURANT_ITEMS);
      for (const dept of ['睢县市场监督管理局', '睢县公安局', '国家税务总局睢县税务局', '睢县人力资源和社会保障局']) {
        assert.ok(await later.getByText(dept).count() >= 1, dept);
      }
      assert.equal(await later.getByText('已提交，待受理').count(), RESTAURANT_ITEMS);
      await shot(later, `${name}-6-status`);

      // A link with a wrong token shows nothing of the application.
      await later.goto(link.replace(/#t=.*/, '#t=wrong'));
      await later.getByText('没有找到这份申请').waitFor();

      assert.deepEqual(consoleErrors.filter((e) => !e.includes('404')), []);
      await context.close();
    });
  });
}

describe('languages', () => {
  test('Chinese by default, English on request, remembered', async () => {
    const context = await app.browser.newContext(viewports.phone);
    const page = await context.newPage();
    await page.goto(app.server.base);
    await page.getByRole('heading', { name: '开店办证，一次办好' }).waitFor();
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { name: 'Open your business in one go' }).waitFor();
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    await page.getByRole('link', { name: 'Open a restaurant' }).click();
    // One working day is one working day (the seal filing's legal limit).
    await page.getByText('1 working day', { exact: true }).first().waitFor();
    assert.equal(await page.getByText(/\b1 working days/).count(), 0);
    await page.getByRole('link', { name: 'Start the integrated form' }).click();
    await page.fill('#f-legal_rep-phone', '12345');
    await page.locator('#f-legal_rep-phone').blur();
    await page.getByText('Enter an 11-digit mainland mobile number').waitFor();
    await page.reload();
    await page.getByRole('button', { name: '中文' }).waitFor();
    assert.equal(await page.inputValue('#f-legal_rep-phone'), '12345', 'the draft survives a reload');
    await context.close();
  });
});
