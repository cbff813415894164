// The inspector's scan page on a phone: a photo of the licence's signed snapshot QR is decoded in
// the browser and verified against the bureau's public keys — also with the network cut off;
// the plain licence QR opens the live page; a picture without a code says so. The live camera
// (Chromium's fake camera playing a video of the QR) finds the code by itself, and the live
// state shows beside the snapshot with the change since marked; a refused camera says what to
// do instead.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serverAndBrowser, viewports, shot, accessibilityProblems, root, launch } from './harness.mjs';
import { licensedRestaurant, apiLogin } from './setup.mjs';

const app = serverAndBrowser();

test('a phone reads the licence QR and verifies it, offline too', async () => {
  const { licence } = await licensedRestaurant(app.server);
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
  await page.locator('li[data-item="business_registration"] > .badge').getByText('有效').waitFor();
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

/** A Y4M video (what Chromium's fake camera plays) of the image at `url`, centred on white:
 * 640×480, grey (4:2:0 with neutral chroma), a few identical frames. */
async function y4mOf(browser, url, file) {
  const [w, h] = [640, 480];
  const page = await browser.newPage();
  await page.goto(new URL('/scan', url).href); // same origin, images allowed: the canvas stays readable
  const luma = await page.evaluate(async ({ url, w, h }) => {
    const img = new Image();
    img.src = url;
    await img.decode();
    const canvas = Object.assign(document.createElement('canvas'), { width: w, height: h });
    const ctx = canvas.getContext('2d');
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, w, h);
    ctx.imageSmoothingEnabled = false;
    const side = Math.min(w, h) - 40;
    ctx.drawImage(img, (w - side) / 2, (h - side) / 2, side, side);
    const rgba = ctx.getImageData(0, 0, w, h).data;
    const y = new Uint8Array(w * h);
    for (let i = 0; i < y.length; i++) y[i] = Math.round(0.299 * rgba[4 * i] + 0.587 * rgba[4 * i + 1] + 0.114 * rgba[4 * i + 2]);
    return Array.from(y);
  }, { url, w, h });
  await page.close();
  const frame = Buffer.concat([Buffer.from('FRAME\n'), Buffer.from(luma), Buffer.alloc(w * h / 2, 128)]);
  writeFileSync(file, Buffer.concat([Buffer.from(`YUV4MPEG2 W${w} H${h} F10:1 Ip A1:1 C420jpeg\n`), ...Array(5).fill(frame)]));
}

test('the live camera finds the code and the live state shows beside the snapshot', async () => {
  // The licence's snapshot QR, then a change the snapshot does not know.
  const base = app.server.base;
  const { licence, name } = await licensedRestaurant(app.server);
  const dir = mkdtempSync(join(tmpdir(), 'lianban-camera-'));
  const video = join(dir, 'qr.y4m');
  await y4mOf(app.browser, `${licence.verify_url}/snapshot.png`, video);
  const samr = await apiLogin(base, 'samr');
  const renamed = await fetch(`${base}/api/staff/enterprises/${licence.uscc}/changes`, {
    method: 'POST', headers: { 'content-type': 'application/json', cookie: samr },
    body: JSON.stringify({ field: 'name', value: '睢县老张私房菜馆', reason: '股东决定更名' }),
  });
  assert.equal(renamed.status, 200);

  const browser = await launch(['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream',
    `--use-file-for-fake-video-capture=${video}`]);
  try {
    const context = await browser.newContext({ ...viewports.phone, locale: 'zh-CN' });
    const page = await context.newPage();
    const errors = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.goto(`${base}/scan`);
    await page.getByRole('button', { name: '打开摄像头扫描' }).click();
    await page.getByText('验证通过：由登记机关电子印章签发').waitFor();
    await page.locator('.scan-name').getByText(name).waitFor();
    await page.getByText('实时状态与二维码快照不同，以实时状态为准。').waitFor();
    await page.getByText('名称现为：睢县老张私房菜馆').waitFor();
    await page.locator('li[data-item="business_registration"] .live-state').getByText('有效').waitFor();
    // Found once, the camera stops.
    await page.getByRole('button', { name: '打开摄像头扫描' }).waitFor();
    assert.equal(await page.locator('#scan-video').isVisible(), false);
    assert.deepEqual(await accessibilityProblems(page), []);
    await shot(page, 'phone-scan-camera');
    assert.deepEqual(errors, []);
    await context.close();

    // A refused camera: the page says so and offers the photo instead.
    const denied = await browser.newContext({ ...viewports.phone, locale: 'zh-CN' });
    await denied.addInitScript(() => {
      navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('denied', 'NotAllowedError'));
    });
    const refused = await denied.newPage();
    await refused.goto(`${base}/scan`);
    await refused.getByRole('button', { name: '打开摄像头扫描' }).click();
    await refused.getByRole('alert').getByText('未获得摄像头权限').waitFor();
    await refused.getByText('拍照或选择图片').waitFor();
    await denied.close();
  } finally {
    await browser.close();
  }
});
