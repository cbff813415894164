// Three instances behind nginx (scripts/cluster: PostgreSQL, moto's S3 server, the shipped
// proxy settings): consecutive requests land on different instances and the product works
// the same — filing, staff sessions, an upload continued on another instance, the verify page,
// each background job run once, request limits per instance as the README says — and
// instances killed with -9 and restarted under load (three cycles; a longer run:
// LIANBAN_KILL_CYCLES=30) lose no GET, no acknowledged filing, and a client that retries its
// filing with its Idempotency-Key gets exactly one application; a department system's webhook
// receives every acknowledged filing's event, in order, through the kills (each instance's
// deliverer takes the subscription in turn).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';

const root = resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'lianban-cluster-'));
const LIMIT = 3;
const PASSWORD = 'cluster password 123';
let env;

const cluster = (...args) => execFileSync(join(root, 'scripts/cluster'), args, {
  cwd: root, encoding: 'utf8', env: { ...process.env, LIANBAN_SUBMIT_LIMIT_PER_MINUTE: String(LIMIT), LIANBAN_WEBHOOK_HOSTS: '127.0.0.1' },
});

before(() => {
  cluster('up', dir);
  env = Object.fromEntries(readFileSync(join(dir, 'env'), 'utf8').trim().split('\n').map((l) => l.split(/=(.*)/s).slice(0, 2)));
  for (const [user, role, dept] of [['root', 'admin'], ['clerk', 'clerk'], ['samr', 'reviewer', 'samr'], ['psb', 'reviewer', 'psb'], ['tax', 'reviewer', 'tax']]) {
    const out = spawnSync(env.BIN, ['staff', 'add', user, '--role', role, ...(dept ? ['--department', dept] : [])], {
      cwd: root, encoding: 'utf8', env: { ...process.env, DATABASE_URL: env.DATABASE_URL, LIANBAN_STAFF_PASSWORD: PASSWORD },
    });
    assert.equal(out.status, 0, out.stderr);
  }
});

after(() => {
  cluster('down', dir);
  rmSync(dir, { recursive: true, force: true });
});

/** A request through nginx; `client` is the address the client has (as a proxy in front of
 * nginx would forward it). Answers { status, upstream, body, headers }. */
async function call(method, path, { body, cookie, token, client = '198.51.100.1', headers = {} } = {}) {
  const h = { 'x-forwarded-for': client, ...headers };
  if (cookie) h.cookie = cookie;
  if (token) h.authorization = `Bearer ${token}`;
  let payload = body;
  if (body !== undefined && !(body instanceof Uint8Array)) {
    h['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  const res = await fetch(`${env.BASE}${path}`, { method, headers: h, body: payload });
  const text = await res.text();
  let parsed = text;
  try { parsed = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, upstream: res.headers.get('x-upstream'), body: parsed, headers: res.headers };
}

async function login(username) {
  const res = await fetch(`${env.BASE}/api/staff/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: PASSWORD }),
  });
  assert.equal(res.status, 200);
  return res.headers.get('set-cookie').split(';')[0];
}

const shop = {
  'business.name': '睢县集群便利店', 'business.form': 'individual', 'business.scope': ['prepackaged_food'],
  'business.capital': 5, 'business.employees': 0,
  'legal_rep.name': '李四', 'legal_rep.id_number': '11010519491231002X', 'legal_rep.phone': '13800138000',
  'premises.address': '睢县城关镇北湖路 9 号', 'premises.area': 60, 'premises.tenure': 'owned',
  'seal.kinds': ['official'], 'tax.invoice_kind': 'e_ordinary', 'declaration.truthful': true,
};

function pdf(size) {
  const head = Buffer.from('%PDF-1.7\n');
  const tail = Buffer.from('\n%%EOF\n');
  return Buffer.concat([head, Buffer.alloc(size - head.length - tail.length, 'a'), tail]);
}

test('consecutive requests land on different instances', async () => {
  const seen = new Set();
  for (let i = 0; i < 6; i++) seen.add((await call('GET', '/healthz')).upstream);
  assert.equal(seen.size, Number(env.INSTANCES), [...seen].join(', '));
});

test('a whole journey through the load balancer, one request per instance in turn', async (t) => {
  const started = Math.floor(Date.now() / 1000);
  // A draft with a three-part file, its parts sent to whichever instance nginx picks.
  const draft = (await call('POST', '/api/drafts', { body: { bundle: 'small_shop' } })).body;
  const file = pdf(3 * 256 * 1024 - 100);
  const announced = await call('POST', `/api/drafts/${draft.id}/files`, {
    token: draft.token, body: { material: 'id_card', name: '身份证.pdf', size: file.length },
  });
  assert.equal(announced.status, 201, JSON.stringify(announced.body));
  const parts = new Set();
  for (let offset = 0; offset < file.length; offset += 256 * 1024) {
    const part = await call('PATCH', `/api/drafts/${draft.id}/files/${announced.body.id}`, {
      token: draft.token, body: new Uint8Array(file.subarray(offset, offset + 256 * 1024)),
      headers: { 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream' },
    });
    assert.equal(part.status, 200, JSON.stringify(part.body));
    parts.add(part.upstream);
  }
  assert.ok(parts.size >= 2, `the upload went on on another instance: ${[...parts]}`);
  const filed = await call('POST', '/api/applications', {
    body: { bundle: 'small_shop', answers: shop, draft }, headers: { 'idempotency-key': randomUUID() },
  });
  assert.equal(filed.status, 201, JSON.stringify(filed.body));
  const { number, token } = filed.body;

  // Staff sessions live in the database: any instance knows them.
  const clerk = await login('clerk');
  const views = new Set();
  let view;
  for (let i = 0; i < 3; i++) {
    const r = await call('GET', `/api/staff/applications/${number}`, { cookie: clerk });
    assert.equal(r.status, 200);
    views.add(r.upstream);
    view = r.body;
  }
  assert.equal(views.size, 3, 'one session, three instances');
  assert.equal(view.materials.find((m) => m.id === 'id_card').files.length, 1);
  const accepted = await call('POST', `/api/staff/applications/${number}/intake`, {
    cookie: clerk, body: { decision: 'accept', version: view.version, paper_materials: view.materials.map((m) => m.id) },
  });
  assert.equal(accepted.status, 200, JSON.stringify(accepted.body));
  for (const item of accepted.body.items) {
    const reviewer = await login(item.department);
    const r = await call('POST', `/api/staff/items/${item.id}/review`, {
      cookie: reviewer, body: { action: 'approve', version: item.version, certificate: 'X-1' },
    });
    assert.equal(r.status, 200, `${item.item}: ${JSON.stringify(r.body)}`);
  }
  const status = await call('GET', `/api/applications/${number}`, { token });
  assert.equal(status.status, 200);

  // The licence's public page, from any instance.
  const licence = (await call('GET', `/api/staff/applications/${number}`, { cookie: clerk })).body.licence;
  const page = await fetch(licence.verify_url.replace(/^https?:\/\/[^/]+/, env.BASE));
  assert.equal(page.status, 200);
  assert.match(await page.text(), /睢县集群便利店/);

  // Every instance keeps the page in memory; a permit suspended through one instance shows
  // suspended there at once, and on the others as soon as PostgreSQL's notification arrives.
  const verifyPath = new URL(licence.verify_url).pathname;
  const direct = async (i) => (await fetch(`http://127.0.0.1:${env[`PORT_${i}`]}${verifyPath}`)).text();
  const instances = Array.from({ length: Number(env.INSTANCES) }, (_, k) => k + 1);
  for (const i of instances) {
    for (let twice = 0; twice < 2; twice++) assert.doesNotMatch(await direct(i), /暂停/);
  }
  const shown = await call('GET', `/api/staff/applications/${number}`, { cookie: clerk });
  const seal = shown.body.permits.find((p) => p.item === 'seal_filing');
  const psb = await login('psb');
  const suspended = await call('POST', `/api/staff/permits/${seal.id}/state`, {
    cookie: psb, body: { state: 'suspended', reason: '集群测试暂停' },
  });
  assert.equal(suspended.status, 200, JSON.stringify(suspended.body));
  const writer = instances.find((i) => suspended.upstream === `127.0.0.1:${env[`PORT_${i}`]}`);
  assert.ok(writer, suspended.upstream);
  assert.match(await direct(writer), /集群测试暂停/, 'the instance that wrote shows it at once');
  const waited = [];
  for (const i of instances) {
    const since = Date.now();
    let text = await direct(i);
    while (!text.includes('集群测试暂停') && Date.now() - since < 2000) {
      await new Promise((r) => setTimeout(r, 10));
      text = await direct(i);
    }
    waited.push(Date.now() - since);
    assert.match(text, /集群测试暂停/, `instance ${i} within 2 s (${waited.at(-1)} ms)`);
  }
  t.diagnostic(`the suspension showed on each instance after ${waited.join(', ')} ms`);

  // The archive: one job, run once, by one of the three workers.
  const root = await login('root');
  let archive;
  for (let i = 0; i < 100; i++) {
    const jobs = (await call('GET', '/api/staff/jobs', { cookie: root })).body;
    archive = jobs.filter((j) => j.kind === 'archive' && j.about === number);
    if (archive.length && archive[0].state === 'done') break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(archive.length, 1);
  assert.equal(archive[0].state, 'done');
  assert.equal(archive[0].attempts, 1, 'run once');
  // The periodic jobs: one per slot, however many instances queued them.
  const jobs = (await call('GET', '/api/staff/jobs', { cookie: root })).body;
  const hours = new Set([Math.floor(started / 3600), Math.floor(Date.now() / 1000 / 3600)]).size;
  const cleanups = jobs.filter((j) => j.kind === 'cleanup');
  assert.ok(cleanups.length >= 1 && cleanups.length <= hours, `${cleanups.length} cleanups`);
  assert.ok(jobs.every((j) => j.state !== 'done' || j.attempts === 1), JSON.stringify(jobs));
});

test('request limits count per instance, as the README says', async () => {
  // Each instance allows LIMIT drafts a minute per client: through nginx's round robin, one
  // client gets LIMIT × instances, then waits; another client is not held back.
  const client = '198.51.100.77';
  const statuses = [];
  for (let i = 0; i < LIMIT * Number(env.INSTANCES) + 1; i++) {
    statuses.push((await call('POST', '/api/drafts', { client, body: { bundle: 'restaurant' } })).status);
  }
  assert.deepEqual(statuses.slice(0, -1), Array(LIMIT * Number(env.INSTANCES)).fill(201));
  assert.equal(statuses.at(-1), 429);
  assert.equal((await call('POST', '/api/drafts', { client: '198.51.100.78', body: { bundle: 'restaurant' } })).status, 201);
});

/** A webhook receiver on this host: every delivery's `webhook-id` and body, in arrival order. */
async function receiver() {
  const got = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      got.push({ id: req.headers['webhook-id'], event: JSON.parse(body) });
      res.writeHead(204).end();
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { got, url: `http://127.0.0.1:${server.address().port}/hook`, close: () => server.close() };
}

test('instances killed with -9 and restarted under load lose nothing', async (t) => {
  // The tax bureau's system follows the filings through a webhook.
  const added = spawnSync(env.BIN, ['client', 'add', 'tax-system', '--department', 'tax'], {
    cwd: root, encoding: 'utf8', env: { ...process.env, DATABASE_URL: env.DATABASE_URL },
  });
  assert.equal(added.status, 0, added.stderr);
  const secret = added.stdout.match(/client_secret=(\S+)/)[1];
  const granted = await (await fetch(`${env.BASE}/api/oauth/token`, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `grant_type=client_credentials&client_id=tax-system&client_secret=${encodeURIComponent(secret)}`,
  })).json();
  const hook = await receiver();
  const subscribed = await call('POST', '/api/webhooks', { token: granted.access_token, body: { url: hook.url } });
  assert.equal(subscribed.status, 201, JSON.stringify(subscribed.body));
  const acknowledged = [];
  let getFailures = 0;
  let retried = 0;
  let running = true;
  let n = 0;
  async function worker() {
    while (running) {
      n += 1;
      const client = `198.18.${(n >> 8) & 255}.${n & 255}`;
      const r = await call('GET', '/api/bundles', { client }).catch(() => ({ status: 0 }));
      if (r.status !== 200) getFailures += 1;
      // A filing retried with its key until it is acknowledged.
      const key = randomUUID();
      for (let attempt = 0; attempt < 40; attempt++) {
        const f = await call('POST', '/api/applications', {
          // A second shop of the same person (the first one's name is its licence's now).
          client, body: { bundle: 'small_shop', answers: { ...shop, 'business.name': '睢县集群便利店二店' } },
          headers: { 'idempotency-key': key },
        }).catch(() => ({ status: 0 }));
        if (f.status === 201) {
          acknowledged.push({ key, ...f.body });
          break;
        }
        assert.ok([0, 502, 503, 504].includes(f.status), `filing answered ${f.status}: ${JSON.stringify(f.body)}`);
        retried += 1;
        await new Promise((res) => setTimeout(res, 100));
      }
    }
  }
  // Enough clients at once that a killed instance has filings in flight.
  const workers = Array.from({ length: 12 }, () => worker());
  const pause = (ms) => new Promise((r) => setTimeout(r, ms));
  const cycles = Number(process.env.LIANBAN_KILL_CYCLES ?? 3);
  for (let c = 0; c < cycles; c++) {
    const instance = String((c % Number(env.INSTANCES)) + 1);
    await pause(700);
    cluster('kill', instance, dir);
    await pause(700);
    cluster('start', instance, dir);
  }
  await pause(700);
  running = false;
  await Promise.all(workers);
  t.diagnostic(`${acknowledged.length} filings acknowledged, ${retried} tries answered 502/none and retried`);
  assert.equal(getFailures, 0, 'nginx passed every GET to a live instance');
  assert.ok(acknowledged.length > 20, `${acknowledged.length} filings`);
  for (const a of acknowledged) {
    const r = await call('GET', `/api/applications/${a.number}`, { token: a.token });
    assert.equal(r.status, 200, `acknowledged ${a.number} is there`);
  }
  const numbers = new Set(acknowledged.map((a) => a.number));
  assert.equal(numbers.size, acknowledged.length, 'one application per key');
  const stored = Number(execFileSync('psql', ['-tA', env.DATABASE_URL, '-c',
    "SELECT COUNT(*) FROM applications WHERE answers LIKE '%睢县集群便利店%'"], { encoding: 'utf8' }).trim());
  // The journey's application, and exactly one per acknowledged key: a retry after a lost
  // answer replays the first, never files a second.
  assert.equal(stored, acknowledged.length + 1);

  // Every acknowledged filing reached the webhook — a killed instance's hold on the
  // subscription runs out within a minute and another takes it over.
  const filed = () => new Set(hook.got.filter((g) => g.event.type === 'cn.lianban.application.filed')
    .map((g) => g.event.data.application));
  for (let i = 0; i < 180 && acknowledged.some((a) => !filed().has(a.number)); i++) await pause(500);
  const missing = acknowledged.filter((a) => !filed().has(a.number));
  assert.deepEqual(missing.map((a) => a.number), [], 'every acknowledged filing pushed');
  // In order; an event is sent again only with its own id (a kill between the receiver's 2xx
  // and the recorded position), so the ids, once each, are ascending.
  const firsts = [];
  for (const g of hook.got) if (!firsts.includes(g.id)) firsts.push(g.id);
  const positions = firsts.map(Number);
  assert.ok(positions.every((p, i) => i === 0 || p > positions[i - 1]), `in order: ${positions}`);
  t.diagnostic(`${hook.got.length} deliveries, ${hook.got.length - firsts.length} sent again after a kill`);
  hook.close();
});
