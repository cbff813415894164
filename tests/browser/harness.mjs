// Browser-test harness: starts the real server (built binary, fresh SQLite, built frontend)
// on a free port and launches Debian's Chromium through playwright-core.
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, mkdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before } from 'node:test';
import { chromium } from 'playwright-core';

export const root = resolve(import.meta.dirname, '../..');
export const screenshots = join(root, 'docs/screenshots');
/** The password of the staff accounts the tests create. */
export const STAFF_PASSWORD = 'correct horse battery staple';

export const viewports = {
  desktop: { viewport: { width: 1280, height: 800 } },
  phone: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 },
};

export function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
    s.on('error', fail);
  });
}

/** Starts `lianban serve` on a fresh SQLite database (`env`: more settings); returns
 * { base, stop, staff }. */
export async function startServer(env = {}) {
  const bin = process.env.LIANBAN_BIN ?? join(root, 'target/debug/lianban');
  const dir = mkdtempSync(join(tmpdir(), 'lianban-browser-'));
  const databaseUrl = `sqlite://${join(dir, 'lianban.db')}?mode=rwc`;
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = spawn(bin, ['serve'], {
    cwd: root,
    env: {
      ...process.env,
      LIANBAN_LISTEN: `127.0.0.1:${port}`,
      DATABASE_URL: databaseUrl,
      LIANBAN_PUBLIC_URL: base,
      LIANBAN_STATIC_DIR: join(root, 'dist'),
      LIANBAN_CATALOGUE_DIR: join(root, 'catalogue'),
      // The department systems' receivers in these tests listen here.
      LIANBAN_WEBHOOK_HOSTS: '127.0.0.1',
      RUST_LOG: 'warn',
      ...env,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`${base}/healthz`)).ok) break;
    } catch { /* not up yet */ }
    if (child.exitCode !== null) throw new Error(`lianban exited with ${child.exitCode}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const created = new Set();
  return {
    base,
    /** Creates a staff account with `lianban staff add` on the server's database (once per
     * username: later calls for the same name keep the first account); an inspector gets the
     * certificate number `执法证 {username}`. */
    staff(username, role, department) {
      if (created.has(username)) return;
      created.add(username);
      const args = ['staff', 'add', username, '--role', role, ...(department ? ['--department', department] : []),
        ...(role === 'inspector' ? ['--certificate', `执法证 ${username}`] : [])];
      const out = spawnSync(bin, args, {
        cwd: root,
        env: { ...process.env, DATABASE_URL: databaseUrl, LIANBAN_STAFF_PASSWORD: STAFF_PASSWORD, RUST_LOG: 'warn' },
        encoding: 'utf8',
      });
      if (out.status !== 0) throw new Error(`staff add ${username}: ${out.stderr}`);
    },
    /** Registers machine client `name` of `department` with `lianban client add`: its id and
     * secret. */
    client(name, department) {
      const out = spawnSync(bin, ['client', 'add', name, '--department', department], {
        cwd: root,
        env: { ...process.env, DATABASE_URL: databaseUrl, RUST_LOG: 'warn' },
        encoding: 'utf8',
      });
      if (out.status !== 0) throw new Error(`client add ${name}: ${out.stderr}`);
      const said = Object.fromEntries(out.stdout.trim().split('\n').map((l) => l.split('=')));
      return { id: said.client_id, secret: said.client_secret };
    },
    /** Runs SQL `statement` on the server's database (Python's sqlite3), to set up a state the
     * test cannot wait for (e.g. a webhook after its eighth failure). */
    sql(statement) {
      const script = 'import sqlite3, sys\nc = sqlite3.connect(sys.argv[1])\nc.execute(sys.argv[2])\nc.commit()';
      const out = spawnSync('python3', ['-c', script, join(dir, 'lianban.db'), statement], { encoding: 'utf8' });
      if (out.status !== 0) throw new Error(`sql: ${out.stderr}`);
    },
    /** Files `n` demonstration applications (`lianban demo seed`) into the server's database:
     * accepted, decided, spread over 120 days, some past their deadline. */
    seed(n) {
      const out = spawnSync(bin, ['demo', 'seed', '--applications', String(n)], {
        cwd: root,
        env: { ...process.env, DATABASE_URL: databaseUrl, RUST_LOG: 'warn' },
        encoding: 'utf8',
      });
      if (out.status !== 0) throw new Error(`demo seed: ${out.stderr}`);
      return out.stdout.trim();
    },
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Every Content Security Policy violation any page of the run reported. */
export const policyViolations = [];

function watch(page) {
  page.on('console', (m) => {
    if (m.type() === 'error' && m.text().includes('Content Security Policy')) {
      policyViolations.push(`${page.url()}: ${m.text()}`);
    }
  });
}

/** Launches Chromium; `extraArgs` adds switches (e.g. a fake camera). Every page it opens is
 * watched for Content Security Policy violations (`policyViolations`). */
export async function launch(extraArgs = []) {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync', ...extraArgs],
  });
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (options) => {
    const context = await newContext(options);
    context.on('page', watch);
    return context;
  };
  const newPage = browser.newPage.bind(browser);
  browser.newPage = async (options) => {
    const page = await newPage(options);
    watch(page);
    return page;
  };
  return browser;
}

export async function shot(page, name, fullPage = true) {
  mkdirSync(screenshots, { recursive: true });
  await page.screenshot({ path: join(screenshots, `${name}.png`), fullPage });
}

const axeSource = readFileSync(join(root, 'node_modules/axe-core/axe.min.js'), 'utf8');

/** Runs axe-core on the page; returns the serious and critical violations. (Evaluated through
 * the debugging protocol: the pages' Content Security Policy allows no inline script, rightly.) */
export async function accessibilityProblems(page) {
  await page.evaluate(`${axeSource};0`);
  const result = await page.evaluate(async () => await window.axe.run(document, { resultTypes: ['violations'] }));
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

/** Decodes the QR code in an element's screenshot with zbarimg, an independent decoder. */
export async function decodeQr(locator) {
  const file = join(mkdtempSync(join(tmpdir(), 'lianban-qr-')), 'qr.png');
  await locator.screenshot({ path: file });
  return execFileSync('zbarimg', ['--quiet', '--raw', file], { encoding: 'utf8' }).trim();
}

/** Registers hooks that start the server and Chromium for a test file; the returned object
 * holds `server` and `browser` once the tests run. `env`, called first, gives the server more
 * settings (and may start what they point at). */
export function serverAndBrowser(env = async () => ({})) {
  const ctx = {};
  before(async () => {
    ctx.server = await startServer(await env());
    ctx.browser = await launch();
  });
  after(async () => {
    await ctx.browser?.close();
    await ctx.server?.stop();
    // The apps and pages run under their Content Security Policy: nothing was blocked.
    if (policyViolations.length) throw new Error(`blocked by the policy:\n${policyViolations.join('\n')}`);
  });
  return ctx;
}
