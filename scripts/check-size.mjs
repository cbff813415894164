// Checks the first-load budget: the app's wasm at most 200 KB after brotli (quality 11, as a
// static server would precompress it). Prints every file of dist/ with its brotli size.
import { readdirSync, readFileSync } from 'node:fs';
import { brotliCompressSync, constants } from 'node:zlib';

const BUDGET = 200 * 1024;
let wasm = 0;
for (const f of readdirSync('dist').sort().filter((f) => !f.endsWith('.br'))) {
  const raw = readFileSync(`dist/${f}`);
  const br = brotliCompressSync(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  if (f.endsWith('.wasm')) wasm += br;
  console.log(`${f.padEnd(44)} ${String(raw.length).padStart(8)} B raw ${String(br).padStart(8)} B brotli`);
}
console.log(`wasm: ${(wasm / 1024).toFixed(1)} KB brotli (budget ${BUDGET / 1024} KB)`);
if (wasm === 0 || wasm > BUDGET) {
  console.error(wasm === 0 ? 'no wasm in dist/' : 'over budget');
  process.exit(1);
}
