// Checks the first-load budget of every app: its wasm at most 200 KB after brotli (quality 11,
// as the server sends it). The applicant's app is dist/, each other app a folder of dist/ with
// its own index.html. Prints every file with its brotli size.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { brotliCompressSync, constants } from 'node:zlib';

const BUDGET = 200 * 1024;
const apps = ['dist', ...readdirSync('dist')
  .map((d) => `dist/${d}`)
  .filter((d) => statSync(d).isDirectory() && existsSync(`${d}/index.html`))];
let failed = false;
for (const dir of apps) {
  let wasm = 0;
  for (const f of readdirSync(dir).sort()) {
    const path = `${dir}/${f}`;
    if (f.endsWith('.br') || statSync(path).isDirectory()) continue;
    const raw = readFileSync(path);
    const br = brotliCompressSync(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
    if (f.endsWith('.wasm')) wasm += br;
    console.log(`${path.padEnd(50)} ${String(raw.length).padStart(8)} B raw ${String(br).padStart(8)} B brotli`);
  }
  console.log(`${dir}: wasm ${(wasm / 1024).toFixed(1)} KB brotli (budget ${BUDGET / 1024} KB)`);
  if (wasm === 0 || wasm > BUDGET) {
    console.error(wasm === 0 ? `no wasm in ${dir}/` : `${dir}: over budget`);
    failed = true;
  }
}
if (failed) process.exit(1);
