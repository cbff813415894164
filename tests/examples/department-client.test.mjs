// The example client of examples/ (Python, standard library only), run as a department's
// developers would run it against a real server: it takes its token, finds the public security
// bureau's open item in its queue, reads what the application needs, approves the seal filing
// with the number its own system gave — received pushed to its webhook receiver, the signature
// checked — and follows the event feed; the public licence page shows the decision.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { startServer, root, freePort } from '../browser/harness.mjs';
import { licensedRestaurant } from '../browser/setup.mjs';

const server = await startServer();
after(() => server.stop());

test('a department system takes its queue, approves an item and follows the events', async () => {
  const { number, licence } = await licensedRestaurant(server);
  const { id, secret } = server.client('psb-system', 'psb');
  assert.equal(id, 'psb-system');
  const run = (...args) => {
    const out = spawnSync('python3', [join(root, 'examples/department_client.py'), ...args], {
      env: { ...process.env, LIANBAN_URL: server.base, LIANBAN_CLIENT_ID: id, LIANBAN_CLIENT_SECRET: secret },
      encoding: 'utf8',
    });
    assert.equal(out.status, 0, `${args.join(' ')}: ${out.stderr}`);
    return out.stdout;
  };

  const queue = run('queue').trim().split('\n').map((l) => l.split('\t'));
  const seal = queue.find((cols) => cols[1] === number && cols[2] === 'seal_filing');
  assert.ok(seal, `the seal filing in the queue:\n${queue.join('\n')}`);
  assert.ok(queue.every((cols) => ['seal_filing'].includes(cols[2])), 'its department\'s items only');

  const shown = JSON.parse(run('show', number));
  assert.deepEqual(shown.items.map((i) => i.item), ['seal_filing']);
  assert.equal(shown.answers['seal.kinds'][0], 'official');

  // Its webhook receiver, waiting for one event.
  const env = { ...process.env, LIANBAN_URL: server.base, LIANBAN_CLIENT_ID: id, LIANBAN_CLIENT_SECRET: secret };
  const port = await freePort();
  const listener = spawn('python3', [join(root, 'examples/department_client.py'), 'listen', '--port', String(port), '--count', '1'], { env });
  let heard = '';
  listener.stdout.on('data', (d) => { heard += d; });
  listener.stderr.on('data', (d) => { heard += d; });
  const exited = new Promise((r) => listener.once('exit', r));
  for (let i = 0; i < 100 && !heard.includes('listening'); i++) await new Promise((r) => setTimeout(r, 100));
  assert.match(heard, /^listening\twebhook \d+/);

  const approved = run('approve', seal[0], '--certificate', 'GA-2026-0100');
  assert.match(approved, /GA-2026-0100/);
  let timer;
  const code = await Promise.race([exited, new Promise((r) => { timer = setTimeout(() => r('timeout'), 15000); })]);
  clearTimeout(timer);
  assert.equal(code, 0, heard);
  assert.match(heard, new RegExp(`\\d+\tcn\\.lianban\\.review\\.approve\t${number}\tverified`));

  const followed = run('follow', '--after', '0').trim().split('\n');
  const approval = followed.find((l) => l.includes('cn.lianban.review.approve'));
  assert.ok(approval?.includes('psb-system'), followed.join('\n'));
  assert.match(followed.at(-1), /^next\t\d+$/);

  const page = await (await fetch(licence.verify_url)).text();
  assert.ok(page.includes('GA-2026-0100'), 'the decision on the public licence page');
});
