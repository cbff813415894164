// Moves the inline start-up script Trunk writes into each app's index.html into a file of its
// own (content-hashed, with its integrity hash), so that the apps run under a Content Security
// Policy without 'unsafe-inline'. Run after every trunk build, before precompress.mjs.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const inline = /<script type="module">([\s\S]*?)<\/script>/;
for (const dir of ['dist', ...readdirSync('dist', { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => join('dist', e.name))]) {
  const page = join(dir, 'index.html');
  let html;
  try { html = readFileSync(page, 'utf8'); } catch { continue; }
  const match = html.match(inline);
  if (!match) continue;
  const code = match[1].trim() + '\n';
  // The app's public path, from the module it imports: '/s/status-….js' → '/s/'.
  const imported = code.match(/from '([^']+)'/);
  if (!imported) throw new Error(`${page}: no import in the start-up script`);
  const base = imported[1].slice(0, imported[1].lastIndexOf('/') + 1);
  const name = `boot-${createHash('sha256').update(code).digest('hex').slice(0, 16)}.js`;
  writeFileSync(join(dir, name), code);
  const integrity = `sha384-${createHash('sha384').update(code).digest('base64')}`;
  const tag = `<script type="module" src="${base}${name}" integrity="${integrity}" crossorigin="anonymous"></script>`;
  writeFileSync(page, html.replace(inline, tag));
  if (inline.test(readFileSync(page, 'utf8'))) throw new Error(`${page}: an inline script is left`);
}
