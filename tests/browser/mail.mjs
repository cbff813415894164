// A real SMTP server for the browser tests: aiosmtpd on a free port, keeping what it receives
// in a maildir, read back with Python's email package.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './harness.mjs';

/** A mailbox: `start()` runs the server and gives the server's environment for it,
 * `received()` every e-mail so far ({to, subject, text}), `stop()` ends it. */
export function mailbox() {
  const mail = { dir: mkdtempSync(join(tmpdir(), 'lianban-mail-')) };
  return {
    async start() {
      mail.port = await freePort();
      mail.child = spawn('python3', ['-m', 'aiosmtpd', '-n', '-u', '-l', `127.0.0.1:${mail.port}`,
        '-c', 'aiosmtpd.handlers.Mailbox', join(mail.dir, 'box')], { stdio: 'ignore' });
      for (let i = 0; i < 100; i++) {
        try {
          execFileSync('python3', ['-c', `import socket; socket.create_connection(("127.0.0.1", ${mail.port}), 1)`], { stdio: 'ignore' });
          break;
        } catch { await new Promise((r) => setTimeout(r, 100)); }
      }
      return { LIANBAN_SMTP_URL: `smtp://127.0.0.1:${mail.port}`, LIANBAN_MAIL_FROM: '睢县联办 <noreply@lianban.example>' };
    },
    received() {
      const script = `
import email, email.policy, json, mailbox, sys
out = []
for key, msg in mailbox.Maildir(sys.argv[1], create=False).items():
    m = email.message_from_bytes(msg.as_bytes(), policy=email.policy.default)
    out.append({"to": str(m["To"]), "subject": str(m["Subject"]), "text": m.get_content()})
print(json.dumps(out))
`;
      try {
        return JSON.parse(execFileSync('python3', ['-c', script, join(mail.dir, 'box')], { encoding: 'utf8' }));
      } catch {
        return [];
      }
    },
    stop() {
      mail.child?.kill();
      rmSync(mail.dir, { recursive: true, force: true });
    },
  };
}

/** `check()`'s first truthy answer, asked every 100 ms for up to 10 s. */
export async function until(what, check) {
  for (let i = 0; i < 100; i++) {
    const got = check();
    if (got) return got;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`waited for ${what}`);
}
