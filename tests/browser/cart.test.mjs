// The pharmacy bundle as a shopping cart, at desktop and phone size: as the applicant answers
// the bundle's questions, its items, departments, materials and promised days change at once
// (computed in the browser by the rules the server runs); the answers carry into the form,
// where the add-ons' sections and per-item commitments appear and vanish with them; what is
// submitted becomes exactly the items the cart showed.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { serverAndBrowser, viewports, shot, accessibilityProblems } from './harness.mjs';

const app = serverAndBrowser();

const rows = (page) => page.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => tr.dataset.item));
const notNow = (page) => page.locator('.not-now li').evaluateAll((lis) => lis.map((li) => li.dataset.item));
const figure = (page, id) => page.locator(`#${id}`).innerText();

/** Waits until the cart lists exactly `items`. */
async function cartIs(page, items) {
  await page.waitForFunction(
    (want) => JSON.stringify([...document.querySelectorAll('tbody tr')].map((tr) => tr.dataset.item)) === want,
    JSON.stringify(items),
  );
}

const BASE = ['business_registration', 'drug_retail_permit', 'seal_filing', 'first_invoice'];

for (const [name, options] of Object.entries(viewports)) {
  describe(`pharmacy cart on ${name}`, () => {
    test('add-ons change the cart live, carry into the form and are what gets filed', async () => {
      const context = await app.browser.newContext({ ...options, locale: 'zh-CN' });
      const page = await context.newPage();
      const consoleErrors = [];
      page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));

      await page.goto(`${app.server.base}/bundles/pharmacy`);
      await page.getByRole('heading', { name: '开药店' }).waitFor();
      await cartIs(page, BASE);
      assert.equal(await figure(page, 'cart-departments'), '3');
      assert.equal(await figure(page, 'cart-days'), '10');
      // The plan's measure: (83.3% + 50% + 50% + 50%) / 4 per item, floored — short of 85%.
      assert.match(await figure(page, 'cart-cut'), /^−58%\s*未达目标$/);
      assert.deepEqual(await notNow(page), ['medical_device_filing', 'social_insurance_registration',
        'fire_safety_inspection', 'outdoor_sign_permit']);
      const materialsBefore = await figure(page, 'cart-materials');

      // Sells blood-pressure monitors: the device filing joins, with its own material.
      await page.check('#f-pharmacy-sells_devices');
      await cartIs(page, [...BASE, 'medical_device_filing']);
      await page.locator('li[data-material="device_quality_documents"]').waitFor();
      assert.notEqual(await figure(page, 'cart-materials'), materialsBefore);
      assert.equal(await page.locator('tr[data-item="medical_device_filing"] .addon').innerText(),
        '加办：同时经营第二类医疗器械时办理');

      // Staff: social-insurance registration, and a fourth department.
      await page.fill('#f-business-employees', '3');
      await cartIs(page, [...BASE, 'medical_device_filing', 'social_insurance_registration']);
      assert.equal(await figure(page, 'cart-departments'), '4');

      // Over the fire threshold (data: > 300 m²): the fire inspection and the fire brigade.
      await page.fill('#f-premises-area', '300');
      await page.fill('#f-plans-investment', '30');
      await page.locator('#f-plans-investment').blur();
      assert.ok(!(await rows(page)).includes('fire_safety_inspection'), 'at the threshold, not over it');
      await page.fill('#f-premises-area', '350');
      await cartIs(page, [...BASE, 'medical_device_filing', 'social_insurance_registration', 'fire_safety_inspection']);
      assert.equal(await figure(page, 'cart-departments'), '5');
      await page.locator('li[data-material="fire_floor_plan"]').waitFor();
      await page.check('#f-plans-outdoor_sign');
      await cartIs(page, [...BASE, 'medical_device_filing', 'social_insurance_registration',
        'fire_safety_inspection', 'outdoor_sign_permit']);
      assert.equal(await figure(page, 'cart-departments'), '6');
      assert.deepEqual(await notNow(page), []);
      assert.equal(await figure(page, 'cart-days'), '10', 'items run in parallel: still the longest');
      assert.deepEqual(await accessibilityProblems(page), []);
      await shot(page, `${name}-cart-pharmacy`);

      // Back under the threshold: the fire inspection leaves again.
      await page.fill('#f-premises-area', '120');
      await cartIs(page, [...BASE, 'medical_device_filing', 'social_insurance_registration', 'outdoor_sign_permit']);

      // The form: the answers are there, and so are the add-ons' own questions.
      await page.getByRole('link', { name: '开始填写综合表单' }).click();
      await page.locator('#f-business-name').waitFor();
      assert.equal(await page.isChecked('#f-pharmacy-sells_devices'), true);
      assert.equal(await page.inputValue('#f-premises-area'), '120');
      await page.locator('#f-sign-content').waitFor();
      assert.equal(await page.isVisible('#f-fire-exits'), false, 'no fire section under the threshold');
      // Each item with a commitment path asks for its own commitment, never merged.
      await page.check('#f-commitment-chosen--medical_device_filing');
      await page.locator('#f-commitment-signatory--medical_device_filing').waitFor();
      assert.equal(await page.isVisible('#f-commitment-signatory--drug_retail_permit'), false);
      // The pharmacist's registration is optional only for class B OTC drugs.
      await page.selectOption('#f-pharmacy-scope', 'otc_b_only');
      await page.locator('label[for="f-pharmacy-pharmacist_registration"] .optional').waitFor();
      await page.selectOption('#f-pharmacy-scope', 'otc');
      await page.locator('label[for="f-pharmacy-pharmacist_registration"] .optional').waitFor({ state: 'detached' });
      // No sign after all: its section goes, and its answer will not be sent.
      await page.fill('#f-sign-content', '康泰大药房');
      await page.uncheck('#f-plans-outdoor_sign');
      await page.locator('#f-sign-content').waitFor({ state: 'hidden' });
      await page.getByText('本次办理事项 6 · 审批部门 4').waitFor();

      await page.fill('#f-business-name', '睢县康泰大药房');
      await page.selectOption('#f-business-form', 'individual');
      // Drug retail, and — selling devices — medical-device retail (the catalogue's checks).
      await page.check('#f-business-scope-5');
      await page.check('#f-business-scope-6');
      await page.fill('#f-business-capital', '50');
      await page.fill('#f-legal_rep-name', '王五');
      await page.fill('#f-legal_rep-id_number', '11010519491231002X');
      await page.fill('#f-legal_rep-phone', '13800138000');
      await page.fill('#f-premises-address', '睢县城关镇北湖路 90 号');
      await page.selectOption('#f-premises-tenure', 'owned');
      await page.fill('#f-pharmacy-pharmacist_name', '赵六');
      await page.fill('#f-pharmacy-pharmacist_id_number', '11010519491231002X');
      await page.fill('#f-pharmacy-pharmacist_registration', '4110-2023-0001');
      await page.fill('#f-pharmacy-quality_manager', '赵六');
      await page.fill('#f-commitment-signatory--medical_device_filing', '王五');
      await page.fill('#f-commitment-signed_on--medical_device_filing', '2026-11-28');
      await page.check('#f-seal-kinds-0');
      await page.selectOption('#f-tax-invoice_kind', 'e_ordinary');
      await page.check('#f-declaration-truthful');
      assert.deepEqual(await accessibilityProblems(page), []);
      await page.getByRole('button', { name: '下一步：核对' }).click();
      await page.getByRole('heading', { name: '核对您的申请' }).waitFor();
      await page.getByText('第二类医疗器械经营备案：承诺人签名（请输入姓名）').waitFor();
      assert.equal(await page.getByText('康泰大药房', { exact: true }).count(), 0, 'the hidden sign is not reviewed');
      await page.getByRole('button', { name: '确认提交' }).click();
      await page.getByRole('heading', { name: '申请已提交' }).waitFor();
      const filed = await page.locator('.sub').evaluateAll((lis) => lis.map((li) => li.dataset.item));
      assert.deepEqual(filed, [...BASE, 'medical_device_filing', 'social_insurance_registration']);
      assert.deepEqual(consoleErrors, []);
      await context.close();
    });
  });
}
