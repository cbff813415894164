// The one-time notice prints: the pharmacy guide on A4 paper keeps every item, department and
// material inside the page width, and Chromium turns it into a PDF.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serverAndBrowser } from './harness.mjs';

const app = serverAndBrowser();

test('the pharmacy guide prints on A4 without cut-off content', async () => {
  // A4 minus 12 mm margins is 186 mm wide: 703 CSS pixels.
  const page = await app.browser.newPage({ viewport: { width: 703, height: 1000 } });
  await page.goto(`${app.server.base}/bundles/pharmacy`);
  await page.getByRole('heading', { name: '开药店' }).waitFor();
  await page.getByText('药品经营许可（零售）', { exact: true }).waitFor();
  await page.getByText('如今天受理，预计全部办结日期').waitFor();
  // The guide as this applicant's cart: with the device filing (filed on the spot).
  await page.check('#f-pharmacy-sells_devices');
  await page.locator('tr[data-item="medical_device_filing"]').waitFor();
  await page.emulateMedia({ media: 'print' });

  const layout = await page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const overflowing = [...document.querySelectorAll('main *')]
      .filter((el) => el.getClientRects().length > 0 && el.getBoundingClientRect().right > width + 1)
      .map((el) => `${el.tagName}.${el.className}: ${el.textContent.slice(0, 40)}`);
    const shown = (sel) => [...document.querySelectorAll(sel)].some((el) => el.getClientRects().length > 0);
    return { overflowing, header: shown('header.top'), buttons: shown('main button'),
      questions: shown('.questions'), text: document.body.innerText };
  });
  assert.deepEqual(layout.overflowing, [], 'nothing sticks out of the A4 width');
  assert.equal(layout.header, false, 'the site header is not printed');
  assert.equal(layout.buttons, false, 'buttons are not printed');
  assert.equal(layout.questions, false, 'the questions are not printed, their outcome is');
  for (const text of ['营业执照（市场主体设立登记）', '药品经营许可（零售）', '第二类医疗器械经营备案', '公章刻制备案', '首次申领发票',
    '执业药师资格证书及注册证', '药品质量管理文件及主要设施设备目录', '《中华人民共和国药品管理法》', '当场办结',
    // Add-ons not needed now are still named, with when they would be.
    '公众聚集场所投入使用、营业前消防安全检查', '经营面积超过 300 平方米或投资总额超过 30 万元时办理']) {
    assert.ok(layout.text.includes(text), `the printed guide shows ${text}`);
  }

  const pdf = await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
  assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
  const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;
  assert.ok(pages >= 1 && pages <= 4, `a guide of a few pages (${pages})`);
  await page.close();
});
